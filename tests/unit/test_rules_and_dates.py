"""Rule sets, durations, fiscal years and funding periods."""

from __future__ import annotations

from dataclasses import FrozenInstanceError
from datetime import date
from decimal import Decimal

import pytest

from domain.dates import FiscalYear, FundingPeriod, add_duration, check_duration, end_of_month
from domain.errors import InvalidInputError
from domain.money import Money
from domain.plan import FinancingType
from domain.rules import RuleSet


class TestRuleSetDefaults:
    def test_nrw_municipal_rules_draw_down_within_two_months(self):
        rules = RuleSet.nrw_municipal()

        assert rules.drawdown_horizon == "P2M"
        assert rules.line_tolerance == Decimal("0.20")
        assert rules.min_own_share == Decimal("0.10")
        assert rules.min_grant == Money("250.00")
        assert not rules.allows(FinancingType.FULL)
        assert rules.allows(FinancingType.DEFICIT)

    def test_federal_rules_draw_down_within_six_weeks_and_allow_only_share_financing(self):
        rules = RuleSet.federal()

        assert rules.drawdown_horizon == "P6W"
        assert rules.allowed_financing_types == ("share",)

    def test_changes_are_validated_like_a_new_rule_set(self):
        with pytest.raises(InvalidInputError, match="keine Frist"):
            RuleSet.nrw_municipal(drawdown_horizon="zwei Monate")

    def test_a_rule_set_is_immutable(self):
        rules = RuleSet.nrw_municipal()

        with pytest.raises(FrozenInstanceError):
            rules.version = "geändert"  # type: ignore[misc]

        assert rules.version == "NRW-kommunal-2026"


class TestRefusedRuleSets:
    @pytest.mark.parametrize("value", ["1.01", Decimal("-0.01"), 2, "-1"])
    def test_a_fraction_outside_zero_to_one_is_refused(self, value):
        with pytest.raises(InvalidInputError, match="Eigenanteil muss zwischen 0 und 1 liegen") as refusal:
            RuleSet.nrw_municipal(min_own_share=value)

        assert refusal.value.code == "invalid_input"
        assert refusal.value.field == "min_own_share"

    @pytest.mark.parametrize("value", [0.2, True, None])
    def test_a_float_bool_or_missing_fraction_is_refused(self, value):
        with pytest.raises(InvalidInputError, match=r"Toleranz: .* ist kein Dezimalwert") as refusal:
            RuleSet.nrw_municipal(line_tolerance=value)

        assert refusal.value.field == "line_tolerance"

    @pytest.mark.parametrize("value", ["zwanzig Prozent", "NaN", "Infinity", "sNaN"])
    def test_a_garbage_fraction_is_refused_as_invalid_input_not_a_crash(self, value):
        with pytest.raises(InvalidInputError, match=r"Toleranz: .* ist kein Dezimalwert") as refusal:
            RuleSet.nrw_municipal(line_tolerance=value)

        assert refusal.value.code == "invalid_input"
        assert refusal.value.field == "line_tolerance"

    @pytest.mark.parametrize("value", ["VwVfG", "BayVwVfG", "", None, 3])
    def test_a_legal_basis_other_than_the_known_acts_is_refused(self, value):
        with pytest.raises(InvalidInputError, match="Unbekannte Rechtsgrundlage") as refusal:
            RuleSet.nrw_municipal(legal_basis=value)

        assert refusal.value.field == "legal_basis"

    def test_the_margin_is_no_longer_a_rule_set_parameter(self):
        """The margin follows from the legal basis; a rule set cannot be given its own."""
        with pytest.raises(TypeError):
            RuleSet.nrw_municipal(interest_margin=Decimal("5"))

    @pytest.mark.parametrize("field", ["drawdown_horizon", "proof_deadline", "interim_proof_deadline"])
    @pytest.mark.parametrize("duration", ["2M", "P", "P1Y", "PT1H", "P-1M", "", "P2m"])
    def test_a_duration_not_written_as_months_weeks_or_days_is_refused(self, field, duration):
        with pytest.raises(InvalidInputError, match="keine Frist in der Form P2M, P6W oder P30D") as refusal:
            RuleSet.nrw_municipal(**{field: duration})

        assert refusal.value.field == field

    def test_a_maximum_below_the_minimum_is_refused(self):
        with pytest.raises(InvalidInputError, match="Höchstbetrag liegt unter dem Mindestbetrag") as refusal:
            RuleSet.nrw_municipal(min_grant=Money("1000.00"), max_grant=Money("999.99"))

        assert refusal.value.field == "max_grant"

    def test_a_maximum_equal_to_the_minimum_is_accepted(self):
        rules = RuleSet.nrw_municipal(min_grant=Money("1000.00"), max_grant=Money("1000.00"))

        assert rules.max_grant == Money("1000.00")

    def test_a_negative_minimum_is_refused(self):
        with pytest.raises(InvalidInputError, match="Mindestbetrag darf nicht negativ sein"):
            RuleSet.nrw_municipal(min_grant=Money("-1.00"))

    def test_no_allowed_financing_type_is_refused(self):
        with pytest.raises(InvalidInputError, match="Mindestens eine Finanzierungsart"):
            RuleSet.nrw_municipal(allowed_financing_types=())

    def test_an_unknown_financing_type_is_refused(self):
        with pytest.raises(InvalidInputError, match="Unbekannte Finanzierungsart »festbetrag«"):
            RuleSet.nrw_municipal(allowed_financing_types=("share", "festbetrag"))

    @pytest.mark.parametrize("version", ["", "   ", "x" * 65])
    def test_a_rule_set_without_a_proper_version_is_refused(self, version):
        with pytest.raises(InvalidInputError, match="Versionsbezeichnung") as refusal:
            RuleSet(version=version)

        assert refusal.value.field == "rule_set"


class TestAddingDurations:
    @pytest.mark.parametrize(
        ("day", "duration", "expected"),
        [
            (date(2026, 1, 31), "P1M", date(2026, 2, 28)),
            (date(2028, 1, 31), "P1M", date(2028, 2, 29)),  # leap year
            (date(2026, 3, 31), "P1M", date(2026, 4, 30)),
            (date(2026, 10, 31), "P2M", date(2026, 12, 31)),
            (date(2026, 12, 31), "P2M", date(2027, 2, 28)),
            (date(2026, 11, 15), "P2M", date(2027, 1, 15)),
            (date(2026, 3, 1), "P2M", date(2026, 5, 1)),
            (date(2026, 3, 1), "P6W", date(2026, 4, 12)),
            (date(2026, 12, 28), "P30D", date(2027, 1, 27)),
            (date(2026, 10, 31), "P6M", date(2027, 4, 30)),
            (date(2026, 1, 31), "P1M1W", date(2026, 3, 7)),
            (date(2026, 1, 1), "P24M", date(2028, 1, 1)),
        ],
    )
    def test_months_clamp_to_the_end_of_a_shorter_month_and_weeks_and_days_are_added(self, day, duration, expected):
        assert add_duration(day, duration) == expected

    def test_a_malformed_duration_is_refused(self):
        with pytest.raises(InvalidInputError, match="»zwei Monate« ist keine Frist") as refusal:
            add_duration(date(2026, 1, 1), "zwei Monate")

        assert refusal.value.field == "duration"

    def test_check_duration_returns_a_valid_duration(self):
        assert check_duration("P6W", "drawdown_horizon") == "P6W"

    def test_end_of_month_knows_february(self):
        assert end_of_month(date(2026, 2, 3)) == date(2026, 2, 28)
        assert end_of_month(date(2028, 2, 3)) == date(2028, 2, 29)


class TestFiscalYearsAndFundingPeriods:
    def test_the_fiscal_year_is_the_calendar_year(self):
        year = FiscalYear.of(date(2026, 12, 31))

        assert year == FiscalYear(2026)
        assert (year.first_day, year.last_day) == (date(2026, 1, 1), date(2026, 12, 31))
        assert str(year) == "2026"
        assert FiscalYear(2026) < FiscalYear(2027)

    @pytest.mark.parametrize("year", [1999, 2101, "2026", True])
    def test_an_implausible_fiscal_year_is_refused(self, year):
        with pytest.raises(InvalidInputError, match=r"Haushaltsjahr .* ist unplausibel") as refusal:
            FiscalYear(year)

        assert refusal.value.field == "fiscal_year"

    def test_a_period_that_ends_before_it_starts_is_refused(self):
        with pytest.raises(InvalidInputError, match="endet vor seinem Beginn") as refusal:
            FundingPeriod(date(2026, 10, 31), date(2026, 3, 1))

        assert refusal.value.code == "invalid_input"
        assert refusal.value.field == "period_end"

    def test_a_one_day_period_is_accepted_and_contains_its_day(self):
        period = FundingPeriod(date(2026, 6, 21), date(2026, 6, 21))

        assert period.contains(date(2026, 6, 21))
        assert not period.contains(date(2026, 6, 22))

    def test_a_period_over_five_years_is_refused(self):
        with pytest.raises(InvalidInputError, match="über fünf Jahre"):
            FundingPeriod(date(2026, 1, 1), date(2031, 12, 31))

    def test_a_period_without_dates_is_refused(self):
        with pytest.raises(InvalidInputError, match="Beginn und Ende"):
            FundingPeriod("2026-03-01", date(2026, 10, 31))  # type: ignore[arg-type]

    def test_a_period_across_the_year_end_lists_both_fiscal_years(self):
        period = FundingPeriod(date(2026, 9, 1), date(2027, 6, 30))

        assert period.crosses_year_end
        assert period.fiscal_years == [FiscalYear(2026), FiscalYear(2027)]
        assert period.contains(date(2026, 9, 1)) and period.contains(date(2027, 6, 30))
        assert not period.contains(date(2026, 8, 31))
