"""The cost and financing plan: costs = own funds + third-party funds + income + grant, to the cent."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.errors import InvalidInputError, PlanNotBalancedError
from domain.money import Money
from domain.plan import BudgetLine, FinancingPlan, FinancingType

from .dortmund import amiens_plan


class TestABalancedPlan:
    def test_the_amiens_plan_balances_at_ten_thousand_euros(self):
        # act
        plan = amiens_plan()

        # assert
        assert plan.total_costs == Money("10000.00")
        assert plan.total_funding == Money("10000.00")
        assert plan.other_sources == Money("3000.00")

    def test_own_share_is_own_cash_over_total_costs(self):
        assert amiens_plan().own_share == Decimal("0.1")
        assert amiens_plan(own_funds="2500.00", grant="5500.00").own_share == Decimal("0.25")

    def test_volunteer_work_in_kind_is_recorded_but_never_counts_as_funding(self):
        plan = FinancingPlan(
            (BudgetLine("travel", "Reisekosten", Money("1000.00")),),
            Money("100.00"),
            Money.zero(),
            Money.zero(),
            Money("900.00"),
            in_kind=Money("400.00"),
        )

        assert plan.total_funding == Money("1000.00")
        assert plan.own_share == Decimal("0.1")

    def test_a_line_is_found_by_its_code(self):
        assert amiens_plan().line("stay").amount == Money("3000.00")

    def test_an_unknown_line_code_is_refused(self):
        with pytest.raises(InvalidInputError, match="Unbekannte Kostenposition »catering«") as refusal:
            amiens_plan().line("catering")

        assert refusal.value.field == "budget_line"

    def test_lines_given_as_a_list_are_kept_as_a_tuple(self):
        plan = FinancingPlan(
            [BudgetLine("travel", "Reisekosten", Money("1000.00"))],  # type: ignore[arg-type]
            Money("100.00"),
            Money.zero(),
            Money.zero(),
            Money("900.00"),
        )

        assert isinstance(plan.cost_lines, tuple)


class TestRefusedPlans:
    def test_a_plan_that_does_not_balance_is_refused_naming_the_difference(self):
        with pytest.raises(
            PlanNotBalancedError,
            match=r"Kosten 10\.000,00 €, Finanzierung 9\.999,99 € \(Differenz 0,01 €\)",
        ) as refusal:
            amiens_plan(grant="6999.99")

        assert refusal.value.code == "plan_not_balanced"
        assert refusal.value.field == "grant"
        assert isinstance(refusal.value, InvalidInputError)

    def test_an_overfunded_plan_names_a_negative_difference(self):
        with pytest.raises(PlanNotBalancedError, match=r"Differenz -500,00 €"):
            amiens_plan(grant="7500.00")

    def test_duplicate_line_codes_are_refused(self):
        with pytest.raises(InvalidInputError, match="nur einmal vorkommen") as refusal:
            FinancingPlan(
                (
                    BudgetLine("travel", "Hinreise", Money("500.00")),
                    BudgetLine("travel", "Rückreise", Money("500.00")),
                ),
                Money("100.00"),
                Money.zero(),
                Money.zero(),
                Money("900.00"),
            )

        assert refusal.value.code == "invalid_input"
        assert refusal.value.field == "cost_lines"

    def test_a_plan_without_lines_is_refused(self):
        with pytest.raises(InvalidInputError, match="mindestens eine Position") as refusal:
            FinancingPlan((), Money.zero(), Money.zero(), Money.zero(), Money("1.00"))

        assert refusal.value.field == "cost_lines"

    @pytest.mark.parametrize(
        ("overrides", "field", "what"),
        [
            ({"own_funds": "-100.00", "third_party": "1600.00"}, "own_funds", "Eigenmittel"),
            ({"third_party": "-1.00", "income": "2001.00"}, "third_party_funds", "Drittmittel"),
            ({"income": "-500.00", "third_party": "2500.00"}, "income", "Einnahmen"),
        ],
    )
    def test_a_negative_funding_source_is_refused_even_when_the_plan_balances(self, overrides, field, what):
        with pytest.raises(InvalidInputError, match=f"{what} darf nicht negativ sein") as refusal:
            amiens_plan(**overrides)

        assert refusal.value.field == field

    def test_a_negative_volunteer_contribution_is_refused(self):
        with pytest.raises(InvalidInputError, match="Unbare Eigenleistung darf nicht negativ sein"):
            FinancingPlan(
                (BudgetLine("travel", "Reisekosten", Money("1000.00")),),
                Money("100.00"),
                Money.zero(),
                Money.zero(),
                Money("900.00"),
                in_kind=Money("-1.00"),
            )

    def test_a_plan_without_a_grant_is_refused(self):
        with pytest.raises(InvalidInputError, match="Die beantragte Zuwendung muss größer als 0,00 € sein"):
            FinancingPlan(
                (BudgetLine("travel", "Reisekosten", Money("1000.00")),),
                Money("1000.00"),
                Money.zero(),
                Money.zero(),
                Money.zero(),
            )

    def test_a_negative_cost_line_is_refused(self):
        with pytest.raises(InvalidInputError, match="Kostenposition »Rabatt« darf nicht negativ sein"):
            BudgetLine("discount", "Rabatt", Money("-50.00"))

    @pytest.mark.parametrize("code", ["Travel", "", "-x", "a" * 33, "reise kosten"])
    def test_a_malformed_line_code_is_refused(self, code):
        with pytest.raises(InvalidInputError, match="Kürzel aus Kleinbuchstaben"):
            BudgetLine(code, "Reisekosten", Money("1.00"))

    def test_a_line_without_a_label_is_refused(self):
        with pytest.raises(InvalidInputError, match="braucht eine Bezeichnung"):
            BudgetLine("travel", "  ", Money("1.00"))

    def test_a_line_amount_that_is_not_money_is_refused(self):
        with pytest.raises(InvalidInputError, match="ohne Betrag"):
            BudgetLine("travel", "Reisekosten", Decimal("100"))  # type: ignore[arg-type]


class TestFinancingTypes:
    @pytest.mark.parametrize(
        ("value", "german"),
        [
            ("share", "Anteilfinanzierung"),
            ("deficit", "Fehlbedarfsfinanzierung"),
            ("fixed", "Festbetragsfinanzierung"),
            ("full", "Vollfinanzierung"),
        ],
    )
    def test_each_type_has_its_german_name(self, value, german):
        assert FinancingType.parse(value).german == german

    def test_an_unknown_type_is_refused(self):
        with pytest.raises(InvalidInputError, match="Unbekannte Finanzierungsart »lump«") as refusal:
            FinancingType.parse("lump")

        assert refusal.value.field == "financing_type"
