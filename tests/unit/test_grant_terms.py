"""The terms of a grant notice, checked against the plan and the rule set for each financing type."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from domain.dates import FiscalYear, FundingPeriod
from domain.errors import InvalidInputError, RuleViolationError
from domain.money import Money
from domain.rules import RuleSet
from domain.terms import GrantTerms

from .dortmund import AMIENS_PERIOD, amiens_plan

ALL_TYPES = RuleSet.nrw_municipal(allowed_financing_types=("share", "deficit", "fixed", "full"))


def terms(amount: str = "7000.00", **overrides: Any) -> GrantTerms:
    """Share financing of 70 % of the Amiens plan's 10,000 € costs, unless overridden."""
    fields: dict[str, Any] = {
        "financing_type": "share",
        "rate": Decimal("0.7"),
        "maximum": Money(amount),
        "period": AMIENS_PERIOD,
        "plan": amiens_plan(),
        "rule_set": ALL_TYPES,
        "year_split": {"2026": Money(amount)},
    }
    fields.update(overrides)
    return GrantTerms(amount=Money(amount), **fields)


class TestShareFinancing:
    def test_seventy_percent_of_ten_thousand_euros_is_approvable(self):
        terms("7000.00").check()

    def test_an_amount_above_rate_times_costs_is_refused_naming_both_figures(self):
        notice = terms("7000.01", rate=Decimal("0.7"))

        with pytest.raises(
            RuleViolationError, match=r"70,00 % der Kosten sind 7\.000,00 €; bewilligt werden sollen 7\.000,01 €"
        ) as refusal:
            notice.check()

        assert refusal.value.code == "rule_violation"
        assert refusal.value.field == "amount"

    def test_share_financing_without_a_rate_is_refused(self):
        with pytest.raises(RuleViolationError, match="Fördersatz über 0 % und bis 100 %") as refusal:
            terms(rate=None).check()

        assert refusal.value.field == "rate"

    @pytest.mark.parametrize("rate", ["0", "1.01", "-0.5"])
    def test_a_rate_of_zero_or_above_one_hundred_percent_is_refused(self, rate):
        with pytest.raises(RuleViolationError, match="Fördersatz über 0 % und bis 100 %"):
            terms(rate=Decimal(rate)).check()

    def test_share_financing_without_a_maximum_is_refused(self):
        with pytest.raises(
            RuleViolationError, match="Bei Anteilfinanzierung ist ein Höchstbetrag festzusetzen"
        ) as refusal:
            terms(maximum=None).check()

        assert refusal.value.field == "maximum"

    def test_an_amount_above_the_maximum_is_refused(self):
        with pytest.raises(RuleViolationError, match="übersteigt den Höchstbetrag"):
            terms("7000.00", maximum=Money("6500.00")).check()

    def test_a_float_rate_is_refused_when_the_terms_are_written(self):
        with pytest.raises(InvalidInputError, match="Fördersatz muss ein Dezimalwert sein") as refusal:
            terms(rate=0.7)

        assert refusal.value.field == "rate"


class TestDeficitFinancing:
    def test_the_gap_between_costs_and_other_sources_is_approvable(self):
        # costs 10,000 − own 1,000 − third-party 1,500 − income 500 = 7,000 €
        terms("7000.00", financing_type="deficit", rate=None).check()

    def test_more_than_the_gap_is_refused(self):
        notice = terms("7000.01", financing_type="deficit", rate=None)

        with pytest.raises(
            RuleViolationError, match=r"Der Fehlbedarf laut Plan ist 7\.000,00 €; bewilligt werden sollen 7\.000,01 €"
        ) as refusal:
            notice.check()

        assert refusal.value.field == "amount"

    def test_deficit_financing_without_a_maximum_is_refused(self):
        with pytest.raises(RuleViolationError, match="Bei Fehlbedarfsfinanzierung ist ein Höchstbetrag festzusetzen"):
            terms(financing_type="deficit", rate=None, maximum=None).check()

    def test_a_rate_is_refused_outside_share_financing(self):
        with pytest.raises(RuleViolationError, match="Ein Fördersatz gibt es nur bei Anteilfinanzierung") as refusal:
            terms(financing_type="deficit", rate=Decimal("0.7")).check()

        assert refusal.value.field == "rate"


class TestFixedAndFullFinancing:
    def test_a_fixed_amount_up_to_the_costs_is_approvable_without_a_maximum(self):
        terms("7000.00", financing_type="fixed", rate=None, maximum=None).check()

    def test_a_fixed_amount_above_the_costs_is_refused(self):
        plan = amiens_plan()
        notice = terms("10000.01", financing_type="fixed", rate=None, maximum=None, plan=plan)

        with pytest.raises(RuleViolationError, match="darf die Kosten nicht übersteigen"):
            notice.check()

    def test_full_financing_ignores_the_minimum_own_share(self):
        plan = amiens_plan(own_funds="0.00", third_party="0.00", income="0.00", grant="10000.00")

        terms("10000.00", financing_type="full", rate=None, maximum=None, plan=plan).check()

    def test_full_financing_above_the_costs_is_refused(self):
        plan = amiens_plan(own_funds="0.00", third_party="0.00", income="0.00", grant="10000.00")
        notice = terms("10000.01", financing_type="full", rate=None, maximum=None, plan=plan)

        with pytest.raises(RuleViolationError, match="darf die Kosten nicht übersteigen"):
            notice.check()

    def test_a_type_the_programme_does_not_allow_is_refused(self):
        notice = terms("7000.00", financing_type="full", rate=None, rule_set=RuleSet.nrw_municipal())

        with pytest.raises(
            RuleViolationError, match="Vollfinanzierung ist in diesem Programm nicht zulässig"
        ) as refusal:
            notice.check()

        assert refusal.value.field == "financing_type"

    def test_an_unknown_type_is_refused_when_the_terms_are_written(self):
        with pytest.raises(InvalidInputError, match="Unbekannte Finanzierungsart"):
            terms(financing_type="pauschal")


class TestProgrammeLimits:
    def test_an_amount_below_the_programme_minimum_is_refused(self):
        rules = RuleSet.nrw_municipal(min_grant=Money("7500.00"), allowed_financing_types=("share",))

        with pytest.raises(
            RuleViolationError, match=r"7\.000,00 € liegt unter dem Mindestbetrag 7\.500,00 €"
        ) as refusal:
            terms("7000.00", rule_set=rules).check()

        assert refusal.value.field == "amount"

    def test_an_amount_above_the_programme_maximum_is_refused(self):
        rules = RuleSet.nrw_municipal(max_grant=Money("5000.00"))

        with pytest.raises(RuleViolationError, match=r"übersteigt den Höchstbetrag des Programms 5\.000,00 €"):
            terms("7000.00", rule_set=rules).check()

    def test_an_own_share_below_the_minimum_is_refused(self):
        plan = amiens_plan(own_funds="999.99", third_party="1500.01")

        with pytest.raises(
            RuleViolationError, match=r"Eigenanteil beträgt 9,99 %; verlangt sind mindestens 10 %"
        ) as refusal:
            terms("7000.00", plan=plan).check()

        assert refusal.value.field == "own_funds"

    def test_an_own_share_below_a_stricter_minimum_is_refused(self):
        rules = RuleSet.nrw_municipal(min_own_share=Decimal("0.25"))

        with pytest.raises(RuleViolationError, match="Eigenanteil beträgt 10,00 %; verlangt sind mindestens 25 %"):
            terms("7000.00", rule_set=rules).check()


class TestSplitOverFiscalYears:
    CROSSING = FundingPeriod(date(2026, 9, 1), date(2027, 6, 30))

    def test_a_split_over_the_periods_fiscal_years_that_sums_up_is_approvable(self):
        notice = terms("7000.00", period=self.CROSSING, year_split={"2026": Money("4000.00"), "2027": Money("3000.00")})

        notice.check()

        assert notice.split() == {FiscalYear(2026): Money("4000.00"), FiscalYear(2027): Money("3000.00")}

    def test_a_split_that_does_not_sum_to_the_amount_is_refused(self):
        notice = terms("7000.00", period=self.CROSSING, year_split={"2026": Money("4000.00"), "2027": Money("2999.99")})

        with pytest.raises(RuleViolationError, match="ergibt nicht den bewilligten Betrag") as refusal:
            notice.check()

        assert refusal.value.field == "year_split"

    def test_a_year_outside_the_funding_period_is_refused(self):
        notice = terms("7000.00", year_split={"2026": Money("4000.00"), "2027": Money("3000.00")})

        with pytest.raises(
            RuleViolationError, match="Haushaltsjahr 2027 liegt außerhalb des Förderzeitraums"
        ) as refusal:
            notice.check()

        assert refusal.value.field == "year_split"

    def test_a_negative_share_of_a_year_is_refused(self):
        notice = terms("7000.00", period=self.CROSSING, year_split={"2026": Money("7500.00"), "2027": Money("-500.00")})

        with pytest.raises(InvalidInputError, match="Anteil 2027 darf nicht negativ sein"):
            notice.check()

    def test_even_split_puts_everything_in_the_year_the_period_starts(self):
        assert GrantTerms.even_split(Money("7000.00"), self.CROSSING) == {"2026": Money("7000.00")}


class TestWritingTerms:
    @pytest.mark.parametrize("amount", ["0.00", "-1.00"])
    def test_terms_without_a_positive_amount_are_refused(self, amount):
        with pytest.raises(InvalidInputError, match="Der bewilligte Betrag muss größer als 0,00 € sein"):
            terms(amount)


class TestProofOfUseDeadline:
    def test_without_a_date_in_the_notice_the_rule_sets_six_months_after_the_period_apply(self):
        assert terms().final_proof_due == date(2027, 4, 30)

    def test_the_date_written_in_the_notice_wins_over_the_rule_set(self):
        notice = terms(proof_due=date(2027, 1, 15))

        notice.check()

        assert notice.final_proof_due == date(2027, 1, 15)

    def test_a_deadline_before_the_end_of_the_funding_period_is_refused(self):
        with pytest.raises(RuleViolationError, match="vor dem Ende des Bewilligungszeitraums") as refusal:
            terms(proof_due=AMIENS_PERIOD.end.replace(day=1)).check()

        assert refusal.value.field == "proof_due"
