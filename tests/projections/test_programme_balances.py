"""Programme balances per fiscal year, on SQLite and PostgreSQL."""

from __future__ import annotations

from ledger_story import World

from domain.dates import FiscalYear
from domain.money import Money
from projections.programme_balances import ProgrammeBalances


def test_each_programme_year_shows_budget_commitments_requests_and_payments(world: World) -> None:
    story = world.story

    with world.projector.db.transaction() as cursor:
        rows = {(r.code, r.fiscal_year): r for r in ProgrammeBalances.years(cursor)}

    assert sorted(rows) == [("IB-VEREINE", 2026), ("IB-VEREINE", 2027), ("SKEW-KOMMUNAL", 2026)]
    vereine = rows[("IB-VEREINE", 2026)]
    assert vereine.programme_id == story.vereinsarbeit
    assert vereine.title == "Internationale Vereinsarbeit"
    assert vereine.funding_source_german == "Städtischer Haushalt"
    # Budget amended to 25,000; bound: Amiens 7,000 + Leeds 2,000 + Buffalo 2,400 + project 2,000, and
    # Schytomyr's 2,200 after closing released 800 of its 3,000.
    assert (vereine.budget, vereine.committed, vereine.available) == (
        Money("25000.00"),
        Money("15600.00"),
        Money("9400.00"),
    )
    # Buffalo's 1,200 waits for release; paid: Amiens 3,000.10 less 200 returned, Leeds 1,500, project 2,000,
    # Schytomyr 3,000.
    assert (vereine.requested, vereine.paid) == (Money("1200.00"), Money("9300.10"))
    # Schytomyr: 2,200 recognised, 800 claimed, 497.19 of it repaid with 2.81 interest.
    assert (vereine.recognised, vereine.claimed, vereine.repaid, vereine.interest) == (
        Money("2200.00"),
        Money("800.00"),
        Money("497.19"),
        Money("2.81"),
    )
    next_year = rows[("IB-VEREINE", 2027)]
    # Leeds 2027 after the amendment; Amiens' last payment is booked in January 2027.
    assert (next_year.budget, next_year.committed, next_year.requested, next_year.paid) == (
        Money("10000.00"),
        Money("2500.00"),
        Money("0.00"),
        Money("2000.00"),
    )
    assert (next_year.recognised, next_year.claimed, next_year.repaid, next_year.interest) == (Money.zero(),) * 4
    skew = rows[("SKEW-KOMMUNAL", 2026)]
    # Kumasi 4,000 + Cluj 2,000 + project 1,000 bound; paid: Kumasi 800, Cluj 1,000 and 310.37 of the cedi
    # receipt; Cluj's revocation claims 600 back.
    assert (skew.budget, skew.committed, skew.requested, skew.paid, skew.claimed) == (
        Money("50000.00"),
        Money("7000.00"),
        Money("1000.00"),
        Money("2110.37"),
        Money("600.00"),
    )


def test_budgets_and_commitments_agree_with_the_programme_aggregates(world: World) -> None:
    with world.projector.db.transaction() as cursor:
        rows = ProgrammeBalances.years(cursor)

    for row in rows:
        programme = world.app.programme(row.programme_id)
        year = FiscalYear(row.fiscal_year)
        assert (row.budget, row.committed, row.available) == (
            programme.budget(year),
            programme.committed(year),
            programme.available(year),
        )


def test_one_programme_year_can_be_asked_for(world: World) -> None:
    with world.projector.db.transaction() as cursor:
        row = ProgrammeBalances.year(cursor, world.story.skew, 2026)
        missing = ProgrammeBalances.year(cursor, world.story.skew, 2027)

    assert row is not None and row.code == "SKEW-KOMMUNAL"
    assert missing is None
