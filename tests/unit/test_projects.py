"""City-run projects: Faire Stadtschokolade with Kumasi draws budget and spends it receipt by receipt."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID, uuid4

import pytest

from domain.dates import FundingPeriod
from domain.errors import (
    AlreadyExistsError,
    InvalidInputError,
    InvalidStateError,
    NotFoundError,
    NotPermittedError,
    OverBudgetError,
    RuleViolationError,
)
from domain.foreign import ForeignAmount
from domain.money import Money
from domain.project import Project
from tests.commitments import commitment_of

from .dortmund import FY2026, FY2027, Dortmund

YEAR_2026 = FundingPeriod(date(2026, 1, 1), date(2026, 12, 31))


def start_schokolade(dortmund: Dortmund, **overrides) -> UUID:
    arguments = {
        "code": "faire-schokolade",
        "title": "Faire Stadtschokolade",
        "description": "Schokolade aus Kumasier Kakao für Dortmund",
        "partner_city_name": "Kumasi",
        "sdgs": [17, 12, 8, 12],
        "period": YEAR_2026,
        "budget_lines": ["material", "reisen", "oeffentlichkeit"],
        "actor": dortmund.officer,
    }
    arguments.update(overrides)
    return dortmund.app.start_project(**arguments)


@pytest.fixture
def schokolade(dortmund: Dortmund) -> UUID:
    """The project with 5,000 € drawn from IB-VEREINE for 2026."""
    project_id = start_schokolade(dortmund)
    dortmund.app.draw_project_budget(
        project_id, dortmund.vereinsarbeit, FY2026, Money("5000.00"), "Ratsbeschluss Faire Stadt", dortmund.approver
    )
    return project_id


def spend(
    dortmund: Dortmund, project_id: UUID, amount, paid_on: date = date(2026, 3, 10), line: str = "material"
) -> UUID:
    return dortmund.app.record_project_expenditure(
        project_id,
        paid_on,
        "Kakao-Kooperative Kumasi",
        "Verpackungsentwurf",
        line,
        amount,
        "B-2026-017",
        dortmund.officer,
    )


class TestStartingAProject:
    def test_a_project_names_its_partner_city_and_sdgs(self, dortmund: Dortmund):
        project_id = start_schokolade(dortmund)

        project = dortmund.app.project(project_id)
        assert project.id == Project.create_id("FAIRE-SCHOKOLADE")
        assert project.partner_city == "Kumasi"
        assert project.sdgs == [8, 12, 17]
        assert project.budget == Money.zero()

    def test_the_paused_partnership_with_rostow_am_don_is_refused(self, dortmund: Dortmund):
        with (
            dortmund.nothing_recorded(),
            pytest.raises(RuleViolationError, match="Rostow am Don ist ausgesetzt") as refusal,
        ):
            start_schokolade(dortmund, partner_city_name="Rostow am Don")

        assert refusal.value.field == "partner_city"

    def test_a_city_that_is_not_a_partner_is_refused(self, dortmund: Dortmund):
        with dortmund.nothing_recorded(), pytest.raises(InvalidInputError, match="»Accra« ist keine Partnerstadt"):
            start_schokolade(dortmund, partner_city_name="Accra")

    @pytest.mark.parametrize("sdgs", [[], [0], [18], [True], ["12"]])
    def test_sdgs_must_be_goals_one_to_seventeen(self, dortmund: Dortmund, sdgs):
        with dortmund.nothing_recorded(), pytest.raises(InvalidInputError, match="SDG 1–17") as refusal:
            start_schokolade(dortmund, sdgs=sdgs)

        assert refusal.value.field == "sdgs"

    def test_duplicate_budget_lines_are_refused(self, dortmund: Dortmund):
        with dortmund.nothing_recorded(), pytest.raises(InvalidInputError, match="eindeutige Haushaltspositionen"):
            start_schokolade(dortmund, budget_lines=["material", "material"])

    def test_a_project_code_can_be_used_only_once(self, dortmund: Dortmund):
        project_id = start_schokolade(dortmund)

        with (
            dortmund.nothing_recorded(project_id),
            pytest.raises(AlreadyExistsError, match="Das Projektkürzel FAIRE-SCHOKOLADE ist bereits vergeben"),
        ):
            start_schokolade(dortmund, title="Noch einmal")

    def test_finance_cannot_start_a_project(self, dortmund: Dortmund):
        with dortmund.nothing_recorded(), pytest.raises(NotPermittedError, match="Projekt anlegen"):
            start_schokolade(dortmund, actor=dortmund.finance)


class TestDrawingBudget:
    def test_a_draw_commits_the_amount_in_the_programme(self, dortmund: Dortmund, schokolade: UUID):
        assert dortmund.app.project(schokolade).budget_in(FY2026) == Money("5000.00")
        assert dortmund.committed() == Money("5000.00")
        assert commitment_of(dortmund.app, dortmund.vereinsarbeit, schokolade, FY2026) == Money("5000.00")

    def test_a_draw_over_the_programme_budget_is_refused_for_both_atomically(
        self, dortmund: Dortmund, schokolade: UUID
    ):
        with (
            dortmund.nothing_recorded(schokolade, dortmund.vereinsarbeit),
            pytest.raises(OverBudgetError, match=r"verfügbar 15\.000,00 €, benötigt 15\.000,01 €") as refusal,
        ):
            dortmund.app.draw_project_budget(
                schokolade, dortmund.vereinsarbeit, FY2026, Money("15000.01"), "Aufstockung", dortmund.approver
            )

        assert refusal.value.code == "over_budget"
        assert dortmund.app.project(schokolade).budget == Money("5000.00")
        assert dortmund.committed() == Money("5000.00")

    def test_a_draw_for_a_year_outside_the_project_is_refused(self, dortmund: Dortmund, schokolade: UUID):
        with (
            dortmund.nothing_recorded(schokolade, dortmund.vereinsarbeit),
            pytest.raises(RuleViolationError, match="Das Haushaltsjahr 2027 liegt außerhalb der Projektlaufzeit"),
        ):
            dortmund.app.draw_project_budget(
                schokolade, dortmund.vereinsarbeit, FY2027, Money("100.00"), "Folgejahr", dortmund.approver
            )

    def test_an_officer_cannot_bind_project_funds(self, dortmund: Dortmund, schokolade: UUID):
        with (
            dortmund.nothing_recorded(schokolade, dortmund.vereinsarbeit),
            pytest.raises(NotPermittedError, match="Projektmittel binden: nur Zeichnungsbefugte oder Administration"),
        ):
            dortmund.app.draw_project_budget(
                schokolade, dortmund.vereinsarbeit, FY2026, Money("100.00"), "Aufstockung", dortmund.officer
            )

    def test_a_draw_of_nothing_is_refused(self, dortmund: Dortmund, schokolade: UUID):
        with (
            dortmund.nothing_recorded(schokolade, dortmund.vereinsarbeit),
            pytest.raises(InvalidInputError, match="Der Betrag muss größer als 0,00 € sein"),
        ):
            dortmund.app.draw_project_budget(
                schokolade, dortmund.vereinsarbeit, FY2026, Money.zero(), "Nichts", dortmund.approver
            )


class TestRecordingExpenditure:
    def test_spending_within_the_drawn_budget_is_recorded(self, dortmund: Dortmund, schokolade: UUID):
        spend(dortmund, schokolade, Money("4000.00"))
        spend(dortmund, schokolade, Money("1000.00"), line="reisen")

        project = dortmund.app.project(schokolade)
        assert project.spent == Money("5000.00")
        assert project.spent_in(FY2026) == Money("5000.00")

    def test_spending_beyond_the_budget_drawn_for_the_year_is_refused(self, dortmund: Dortmund, schokolade: UUID):
        spend(dortmund, schokolade, Money("4000.00"))

        with (
            dortmund.nothing_recorded(schokolade),
            pytest.raises(
                RuleViolationError,
                match=r"Die Ausgabe von 1\.000,01 € übersteigt die für 2026 gebundenen Projektmittel "
                r"\(5\.000,00 €, davon ausgegeben 4\.000,00 €\)",
            ) as refusal,
        ):
            spend(dortmund, schokolade, Money("1000.01"))

        assert refusal.value.code == "rule_violation"
        assert refusal.value.field == "amount"
        assert dortmund.app.project(schokolade).spent == Money("4000.00")

    def test_spending_without_any_drawn_budget_is_refused(self, dortmund: Dortmund):
        project_id = start_schokolade(dortmund)

        with dortmund.nothing_recorded(project_id), pytest.raises(RuleViolationError, match="gebundenen Projektmittel"):
            spend(dortmund, project_id, Money("0.01"))

    @pytest.mark.parametrize("paid_on", [date(2025, 12, 31), date(2027, 1, 1)])
    def test_spending_outside_the_project_period_is_refused(self, dortmund: Dortmund, schokolade: UUID, paid_on: date):
        with (
            dortmund.nothing_recorded(schokolade),
            pytest.raises(
                RuleViolationError, match=f"Ausgaben am {paid_on:%d.%m.%Y} liegen außerhalb der Projektlaufzeit"
            ) as refusal,
        ):
            spend(dortmund, schokolade, Money("100.00"), paid_on=paid_on)

        assert refusal.value.field == "paid_on"

    def test_an_unknown_budget_line_is_refused(self, dortmund: Dortmund, schokolade: UUID):
        with (
            dortmund.nothing_recorded(schokolade),
            pytest.raises(InvalidInputError, match="Unbekannte Haushaltsposition »catering«"),
        ):
            spend(dortmund, schokolade, Money("100.00"), line="catering")

    def test_an_association_member_cannot_record_city_spending(self, dortmund: Dortmund, schokolade: UUID):
        with (
            dortmund.nothing_recorded(schokolade),
            pytest.raises(NotPermittedError, match="Ausgabe erfassen: nur Sachbearbeitung oder Kämmerei"),
        ):
            dortmund.app.record_project_expenditure(
                schokolade, date(2026, 3, 10), "X", "Y", "material", Money("1.00"), "B-1", dortmund.member
            )

    def test_a_receipt_in_cedi_keeps_currency_amount_rate_and_rate_date(self, dortmund: Dortmund, schokolade: UUID):
        cedi = ForeignAmount.convert("GHS", "1500", Decimal("16.5"), date(2026, 3, 9))

        expenditure_id = spend(dortmund, schokolade, cedi)

        project = dortmund.app.project(schokolade)
        assert project.expenditures[expenditure_id.hex]["euro"] == Money("90.91")
        recorded = [e for e in dortmund.app.events.get(schokolade) if type(e).__name__ == "ExpenditureRecorded"]
        assert len(recorded) == 1
        stored = recorded[0].foreign
        assert isinstance(stored, ForeignAmount)
        assert (stored.currency, stored.original, stored.rate, stored.rate_date, stored.euro) == (
            "GHS",
            Decimal("1500"),
            Decimal("16.5"),
            date(2026, 3, 9),
            Money("90.91"),
        )
        assert recorded[0].euro == Money("90.91")

    def test_a_foreign_receipt_counts_its_euro_amount_against_the_budget(self, dortmund: Dortmund, schokolade: UUID):
        spend(dortmund, schokolade, Money("4950.00"))
        cedi = ForeignAmount.convert("GHS", "1500", Decimal("16.5"), date(2026, 3, 9))  # 90.91 €

        with dortmund.nothing_recorded(schokolade), pytest.raises(RuleViolationError, match="Die Ausgabe von 90,91 €"):
            spend(dortmund, schokolade, cedi)


class TestReversingExpenditure:
    def test_a_reversal_frees_the_budget_and_keeps_the_entry(self, dortmund: Dortmund, schokolade: UUID):
        expenditure_id = spend(dortmund, schokolade, Money("5000.00"))

        dortmund.app.reverse_project_expenditure(schokolade, expenditure_id, "Doppelt erfasst", dortmund.finance)

        project = dortmund.app.project(schokolade)
        assert project.expenditures[expenditure_id.hex]["reversed"] is True
        assert project.spent == Money.zero()
        spend(dortmund, schokolade, Money("5000.00"))

    def test_a_reversal_needs_a_reason(self, dortmund: Dortmund, schokolade: UUID):
        expenditure_id = spend(dortmund, schokolade, Money("100.00"))

        with (
            dortmund.nothing_recorded(schokolade),
            pytest.raises(InvalidInputError, match="Die Begründung fehlt") as refusal,
        ):
            dortmund.app.reverse_project_expenditure(schokolade, expenditure_id, "", dortmund.officer)

        assert refusal.value.field == "reason"

    def test_a_reversal_is_not_reversed_twice(self, dortmund: Dortmund, schokolade: UUID):
        expenditure_id = spend(dortmund, schokolade, Money("100.00"))
        dortmund.app.reverse_project_expenditure(schokolade, expenditure_id, "Doppelt erfasst", dortmund.officer)

        with (
            dortmund.nothing_recorded(schokolade),
            pytest.raises(InvalidStateError, match="Diese Ausgabe ist bereits storniert") as refusal,
        ):
            dortmund.app.reverse_project_expenditure(schokolade, expenditure_id, "Noch einmal", dortmund.officer)

        assert refusal.value.code == "invalid_state"

    def test_reversing_an_unknown_expenditure_is_refused(self, dortmund: Dortmund, schokolade: UUID):
        with (
            dortmund.nothing_recorded(schokolade),
            pytest.raises(NotFoundError, match="Diese Ausgabe gibt es im Projekt nicht"),
        ):
            dortmund.app.reverse_project_expenditure(schokolade, uuid4(), "Irrtum", dortmund.officer)
