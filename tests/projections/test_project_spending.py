"""Project spending by partner city, SDG and budget line, on SQLite and PostgreSQL."""

from __future__ import annotations

from ledger_story import World

from domain.money import Money
from projections.project_spending import LineSpending, ProjectSpending, SpendingTotal


def test_a_project_shows_its_budget_its_own_spending_and_the_grants_that_serve_it(world: World) -> None:
    with world.projector.db.transaction() as cursor:
        [project] = ProjectSpending.projects(cursor)

    assert (project.code, project.partner_city, project.sdgs) == ("FAIRE-SCHOKO", "Kumasi", (12, 17))
    # 1,500 € beans + 10,000 GHS at 12.34 = 810.37 €; the 100 € flyer was reversed.
    assert (project.budget, project.spent, project.remaining, project.grants_paid) == (
        Money("3000.00"),
        Money("2310.37"),
        Money("689.63"),
        Money("800.00"),
    )
    assert project.spent == world.app.project(world.story.schoko).spent


def test_spending_by_partner_city_includes_every_grant_paid_for_that_city(world: World) -> None:
    with world.projector.db.transaction() as cursor:
        all_years = ProjectSpending.by_partner_city(cursor)
        in_2026 = ProjectSpending.by_partner_city(cursor, fiscal_year=2026)

    assert all_years == [
        SpendingTotal("Amiens", Money.zero(), Money.zero(), Money("4800.10")),
        SpendingTotal("Cluj-Napoca", Money.zero(), Money.zero(), Money("1000.00")),
        SpendingTotal("Kumasi", Money("3000.00"), Money("2310.37"), Money("800.00")),
        SpendingTotal("Leeds", Money.zero(), Money.zero(), Money("1500.00")),
        SpendingTotal("Schytomyr", Money.zero(), Money.zero(), Money("3000.00")),
    ]
    assert in_2026[0] == SpendingTotal("Amiens", Money.zero(), Money.zero(), Money("2800.10"))


def test_a_project_counts_in_full_under_each_of_its_sdgs(world: World) -> None:
    with world.projector.db.transaction() as cursor:
        totals = ProjectSpending.by_sdg(cursor)

    assert totals == [
        SpendingTotal("SDG 12", Money("3000.00"), Money("2310.37"), Money("800.00")),
        SpendingTotal("SDG 17", Money("3000.00"), Money("2310.37"), Money("800.00")),
    ]


def test_spending_by_budget_line_is_net_of_reversals(world: World) -> None:
    with world.projector.db.transaction() as cursor:
        lines = ProjectSpending.by_budget_line(cursor, world.story.schoko)
        none_in_2027 = ProjectSpending.by_budget_line(cursor, fiscal_year=2027)

    assert lines == [
        LineSpending("FAIRE-SCHOKO", "material", Money("1500.00")),
        LineSpending("FAIRE-SCHOKO", "reisen", Money("810.37")),
    ]
    assert none_in_2027 == []
