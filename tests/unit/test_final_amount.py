"""The final amount (Schlussfestsetzung) by financing type, as a table of worked cases.

Every case starts from the reference plan (domain reference, section 3): costs 10.000 € in four
lines (travel 4.000, accommodation 3.000, fees 2.000, printing 1.000), financed by 1.000 € own funds,
1.500 € from a foundation, 500 € participant fees and a 7.000 € grant. Share financing is 70 % with a
maximum of 7.000 €, deficit financing has a maximum of 7.000 €, the fixed amount is 7.000 €, and full
financing (no own funds) covers up to 8.000 €. The expected figures are worked out by hand in the
case's comment.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain.foreign import ForeignAmount
from domain.money import Money
from domain.rules import RuleSet
from domain.settlement import determine_final_amount

from .after_award_builders import AS_PLANNED, actuals, euros, reference_plan, terms

# Scenario A of the reference: 9.000 € recognised, 10 % below plan on every line.
SCENARIO_A = {"travel": "3600.00", "stay": "2700.00", "fees": "1800.00", "pr": "900.00"}
NOTHING = {"travel": "0.00", "stay": "0.00", "fees": "0.00", "pr": "0.00"}
# Travel 1.000 € over plan (5.000 against 4.000): 200 € above the 20 % tolerance of 4.800 € are not
# eligible; the other lines saved 2.000 €, so 9.000 € were spent and 8.800 € are eligible.
TRAVEL_OVER = {"travel": "5000.00", "stay": "2000.00", "fees": "1500.00", "pr": "500.00"}
# Every line exactly at plan + 20 %: 12.000 € recognised, but the plan binds as a total: 10.000 € eligible.
ALL_AT_TOLERANCE = {"travel": "4800.00", "stay": "3600.00", "fees": "2400.00", "pr": "1200.00"}

CASES = [
    # id, financing type, recognised costs, own, third-party, income, final amount
    # As planned: every type pays what was approved.
    ("share-as-planned", "share", AS_PLANNED, "1000.00", "1500.00", "500.00", "7000.00"),  # 0,7 × 10.000
    ("deficit-as-planned", "deficit", AS_PLANNED, "1000.00", "1500.00", "500.00", "7000.00"),  # 10.000 − 3.000
    ("fixed-as-planned", "fixed", AS_PLANNED, "1000.00", "1500.00", "500.00", "7000.00"),
    ("full-as-planned", "full", AS_PLANNED, "0.00", "1500.00", "500.00", "8000.00"),  # 10.000 − 2.000
    # Reference scenario A: 9.000 € recognised, other funds as planned.
    ("share-reference-A", "share", SCENARIO_A, "1000.00", "1500.00", "500.00", "6300.00"),  # 0,7 × 9.000
    ("deficit-reference-A", "deficit", SCENARIO_A, "1000.00", "1500.00", "500.00", "6000.00"),  # 9.000 − 3.000
    ("fixed-reference-A", "fixed", SCENARIO_A, "1000.00", "1500.00", "500.00", "7000.00"),  # 9.000 ≥ 7.000
    ("full-reference-A", "full", SCENARIO_A, "0.00", "1500.00", "500.00", "7000.00"),  # 9.000 − 2.000
    # Reference scenario B: costs as planned, the foundation pays 2.500 € (+1.000 €).
    # Share: the 1.000 € over-financing is shared pro rata, the grant bears 70 %: 0,7 × (10.000 − 1.000).
    ("share-reference-B", "share", AS_PLANNED, "1000.00", "2500.00", "500.00", "6300.00"),
    ("deficit-reference-B", "deficit", AS_PLANNED, "1000.00", "2500.00", "500.00", "6000.00"),  # 10.000 − 4.000
    ("fixed-reference-B", "fixed", AS_PLANNED, "1000.00", "2500.00", "500.00", "7000.00"),
    ("full-reference-B", "full", AS_PLANNED, "0.00", "2500.00", "500.00", "7000.00"),  # 10.000 − 3.000
    # Extra third-party income of 1.500 € (foundation 3.000 €), costs as planned.
    ("share-extra-third-party", "share", AS_PLANNED, "1000.00", "3000.00", "500.00", "5950.00"),  # 0,7 × 8.500
    ("deficit-extra-third-party", "deficit", AS_PLANNED, "1000.00", "3000.00", "500.00", "5500.00"),  # 10.000 − 4.500
    # Fixed amount: unchanged by extra income as long as the costs (10.000) are not below it.
    ("fixed-extra-third-party", "fixed", AS_PLANNED, "1000.00", "3000.00", "500.00", "7000.00"),
    ("full-extra-third-party", "full", AS_PLANNED, "0.00", "3000.00", "500.00", "6500.00"),  # 10.000 − 3.500
    # Extra participant fees of 500 € (income 1.000 €).
    ("share-extra-income", "share", AS_PLANNED, "1000.00", "1500.00", "1000.00", "6650.00"),  # 0,7 × 9.500
    ("deficit-extra-income", "deficit", AS_PLANNED, "1000.00", "1500.00", "1000.00", "6500.00"),  # 10.000 − 3.500
    # Lower costs and extra third-party funds together: 9.000 € costs, foundation 2.500 €.
    (
        "share-lower-costs-and-extra-funds",
        "share",
        SCENARIO_A,
        "1000.00",
        "2500.00",
        "500.00",
        "5600.00",
    ),  # 0,7 × 8.000
    ("deficit-lower-costs-and-extra-funds", "deficit", SCENARIO_A, "1000.00", "2500.00", "500.00", "5000.00"),
    # Less third-party money than planned raises nothing above the maximum.
    ("share-less-third-party", "share", AS_PLANNED, "1000.00", "1000.00", "500.00", "7000.00"),
    (
        "deficit-less-third-party-capped",
        "deficit",
        AS_PLANNED,
        "1000.00",
        "1000.00",
        "500.00",
        "7000.00",
    ),  # 7.500 capped
    # Zero spending: nothing to finance, whatever the type; the fixed amount is capped by the costs.
    ("share-zero-spending", "share", NOTHING, "1000.00", "1500.00", "500.00", "0.00"),
    ("deficit-zero-spending", "deficit", NOTHING, "1000.00", "1500.00", "500.00", "0.00"),
    ("fixed-zero-spending", "fixed", NOTHING, "1000.00", "1500.00", "500.00", "0.00"),
    ("full-zero-spending", "full", NOTHING, "0.00", "1500.00", "500.00", "0.00"),
    ("deficit-zero-spending-no-funds", "deficit", NOTHING, "0.00", "0.00", "0.00", "0.00"),
    # Costs below the fixed amount: the fixed amount falls to the costs.
    (
        "fixed-costs-below-amount",
        "fixed",
        {**NOTHING, "travel": "4000.00", "stay": "2500.00"},
        "1000.00",
        "1500.00",
        "500.00",
        "6500.00",
    ),
    # Overspending one line beyond tolerance: 8.800 € eligible (200 € of travel are not).
    ("share-line-over-tolerance", "share", TRAVEL_OVER, "1000.00", "1500.00", "500.00", "6160.00"),  # 0,7 × 8.800
    ("deficit-line-over-tolerance", "deficit", TRAVEL_OVER, "1000.00", "1500.00", "500.00", "5800.00"),  # 8.800 − 3.000
    ("fixed-line-over-tolerance", "fixed", TRAVEL_OVER, "1000.00", "1500.00", "500.00", "7000.00"),  # 8.800 ≥ 7.000
    ("full-line-over-tolerance", "full", TRAVEL_OVER, "0.00", "1500.00", "500.00", "6800.00"),  # 8.800 − 2.000
    # Overspending the whole plan within tolerance: 12.000 € recognised, 10.000 € (the plan's total) eligible.
    ("share-total-above-plan-capped", "share", ALL_AT_TOLERANCE, "1000.00", "1500.00", "500.00", "7000.00"),  # 7.000
    (
        "deficit-total-above-plan-capped",
        "deficit",
        ALL_AT_TOLERANCE,
        "1000.00",
        "1500.00",
        "500.00",
        "7000.00",
    ),  # 10.000 − 3.000
    ("fixed-total-above-plan", "fixed", ALL_AT_TOLERANCE, "1000.00", "1500.00", "500.00", "7000.00"),
    ("full-total-above-plan-capped", "full", ALL_AT_TOLERANCE, "0.00", "1500.00", "500.00", "8000.00"),  # 10.000
    # Deficit financing: own funds count at least as planned (1.000 €), more if more were provided.
    (
        "deficit-own-funds-below-plan-count-as-planned",
        "deficit",
        SCENARIO_A,
        "500.00",
        "1500.00",
        "500.00",
        "6000.00",
    ),  # 9.000 − 1.000 (not 500) − 2.000
    ("deficit-no-own-funds-count-as-planned", "deficit", SCENARIO_A, "0.00", "1500.00", "500.00", "6000.00"),
    ("deficit-own-funds-above-plan", "deficit", SCENARIO_A, "1500.00", "1500.00", "500.00", "5500.00"),  # 9.000 − 3.500
    # Share financing ignores own funds: the rate applies to the costs.
    ("share-own-funds-below-plan", "share", SCENARIO_A, "0.00", "1500.00", "500.00", "6300.00"),
    # Rounding: 0,7 × 9.000,15 = 6.300,105 → 6.300,11 (half up, not half even).
    ("share-rounds-half-up", "share", {**SCENARIO_A, "travel": "3600.15"}, "1000.00", "1500.00", "500.00", "6300.11"),
]


@pytest.mark.parametrize(
    ("financing_type", "costs", "own", "third_party", "income", "expected"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_final_amount_by_financing_type(
    financing_type: str, costs: dict[str, str], own: str, third_party: str, income: str, expected: str
) -> None:
    amount = "8000.00" if financing_type == "full" else "7000.00"
    result = determine_final_amount(terms(financing_type, amount), actuals(costs, own, third_party, income))
    assert result.final_amount == Money(expected)


@pytest.mark.parametrize(
    ("costs", "eligible", "capped"),
    [
        pytest.param(AS_PLANNED, "10000.00", {}, id="as-planned"),
        pytest.param(SCENARIO_A, "9000.00", {}, id="reference-A"),
        pytest.param(TRAVEL_OVER, "8800.00", {"travel": "200.00"}, id="travel-200-over-tolerance"),
        pytest.param(ALL_AT_TOLERANCE, "10000.00", {}, id="every-line-exactly-at-tolerance-total-binds"),
        pytest.param(
            {**ALL_AT_TOLERANCE, "pr": "1200.01"}, "10000.00", {"pr": "0.01"}, id="one-cent-over-tolerance-total-binds"
        ),
        pytest.param(
            {"travel": "9000.00", "pr": "3000.00"},
            "6000.00",
            {"travel": "4200.00", "pr": "1800.00"},
            id="two-lines-over-missing-lines-count-zero",
        ),
    ],
)
def test_eligible_costs_cap_each_line_at_plan_plus_tolerance(
    costs: dict[str, str], eligible: str, capped: dict[str, str]
) -> None:
    result = determine_final_amount(terms("share"), actuals(costs))
    assert result.eligible_costs == Money(eligible)
    assert result.capped_lines == euros(**capped)


def test_the_plan_binds_as_a_total_a_line_may_exceed_only_as_far_as_others_are_lower() -> None:
    """Travel 4.600 (+600), stay 3.300 (+300), fees 2.000, printing 1.100 (+100): 11.000 € recognised,
    every line within its 20 %, but no line was lower to offset the 1.000 € overrun: 10.000 € eligible.
    With travel at 4.600 and stay at 2.400 (−600) the overrun is offset and all 10.000 € count."""
    over = {"travel": "4600.00", "stay": "3300.00", "fees": "2000.00", "pr": "1100.00"}
    result = determine_final_amount(terms("deficit"), actuals(over))
    assert (result.eligible_costs, result.capped_lines, result.over_plan_total) == (
        Money("10000.00"),
        {},
        Money("1000.00"),
    )
    assert "Plansumme bindet, 1.000,00 € darüber nicht zuwendungsfähig" in result.explanation
    offset = {"travel": "4600.00", "stay": "2400.00", "fees": "2000.00", "pr": "1000.00"}
    result = determine_final_amount(terms("deficit"), actuals(offset))
    assert (result.eligible_costs, result.over_plan_total) == (Money("10000.00"), Money.zero())


def test_worked_example_share_grant_with_extra_third_party_funds_and_cost_overruns() -> None:
    """The reference plan (10.000 € costs, 70 % share, 7.000 € granted and paid). The association spends
    11.000 € (travel 4.600, stay 3.300, fees 2.000, printing 1.100: each line within +20 %) and the
    foundation pays 2.500 € instead of 1.500 €.

    * Before the plan bound as a total: 11.000 € eligible, the 1.000 € of extra funds absorbed by the
      overrun: 0,7 × (11.000 − 1.000) = 7.000 € – no reduction, against Nr. 2.1 ANBest-P.
    * Now: eligible costs are at most the plan's 10.000 €; 0,7 × (10.000 − 1.000) = **6.300,00 €**, so
      **700,00 €** of the 7.000 € paid are claimed back."""
    over = {"travel": "4600.00", "stay": "3300.00", "fees": "2000.00", "pr": "1100.00"}
    result = determine_final_amount(terms("share"), actuals(over, third_party="2500.00"))
    assert result.eligible_costs == Money("10000.00")
    assert result.over_plan_total == Money("1000.00")
    assert result.final_amount == Money("6300.00")
    assert result.explanation.startswith("Anteilfinanzierung: 70.0% von (10.000,00 € − Mehreinnahmen 1.000,00 €)")


def test_an_amending_notice_that_raised_the_plan_raises_the_total() -> None:
    """The same 11.000 € after an amending notice raised travel to 5.000 € (plan total 11.000 €, own funds
    1.100 €, grant 7.700 € at 70 %): all 11.000 € are eligible, 0,7 × (11.000 − 1.000) = 7.000 €."""
    plan = reference_plan(travel="5000.00", own="1100.00", grant="7900.00")
    over = {"travel": "4600.00", "stay": "3300.00", "fees": "2000.00", "pr": "1100.00"}
    result = determine_final_amount(terms("share", "7700.00", plan=plan), actuals(over, third_party="2500.00"))
    assert (result.eligible_costs, result.over_plan_total) == (Money("11000.00"), Money.zero())
    assert result.final_amount == Money("7000.00")


def test_a_recognised_line_not_in_the_plan_is_not_eligible() -> None:
    result = determine_final_amount(terms("deficit"), actuals({**SCENARIO_A, "catering": "5000.00"}))
    assert result.eligible_costs == Money("9000.00")
    assert result.final_amount == Money("6000.00")


@pytest.mark.parametrize(
    ("financing_type", "fragment"),
    [
        pytest.param("share", "Anteilfinanzierung: 70.0% von (9.000,00 € − Mehreinnahmen 0,00 €)", id="share"),
        pytest.param(
            "deficit",
            "Fehlbedarfsfinanzierung: 9.000,00 € − Eigenmittel 1.000,00 € − Drittmittel und Einnahmen 2.000,00 €",
            id="deficit",
        ),
        pytest.param("fixed", "Festbetragsfinanzierung: Festbetrag 7.000,00 €", id="fixed"),
    ],
)
def test_the_explanation_names_the_inputs_and_the_result(financing_type: str, fragment: str) -> None:
    result = determine_final_amount(terms(financing_type), actuals(SCENARIO_A))
    assert result.explanation.startswith(fragment)
    assert result.explanation.endswith(f"höchstens 7.000,00 € → {result.final_amount.de()}")


@pytest.mark.parametrize("financing_type", ["share", "deficit"])
def test_the_final_amount_never_exceeds_the_amount_granted_even_below_a_higher_maximum(financing_type: str) -> None:
    """A notice of 6.500 € with a maximum of 7.000 €: 0,7 × 10.000 = 7.000 (share) and 10.000 − 3.000 =
    7.000 (deficit) would fit the maximum, but only 6.500 € were granted and committed."""
    notice = terms(financing_type, "6500.00", maximum="7000.00")
    result = determine_final_amount(notice, actuals())
    assert result.final_amount == Money("6500.00")
    assert result.explanation.endswith("höchstens 6.500,00 € → 6.500,00 €")


def test_a_larger_tolerance_in_the_rule_set_makes_more_of_a_line_eligible() -> None:
    generous = RuleSet.nrw_municipal(line_tolerance=Decimal("0.30"), allowed_financing_types=("share", "deficit"))
    result = determine_final_amount(terms("deficit", rule_set=generous), actuals(TRAVEL_OVER))
    # travel 5.000 against a ceiling of 4.000 × 1,3 = 5.200: fully eligible, 9.000 − 3.000 = 6.000
    assert result.capped_lines == {}
    assert result.final_amount == Money("6000.00")


# Foreign-currency receipts ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("currency", "original", "rate", "euro"),
    [
        pytest.param("GHS", "100", "16.5", "6.06", id="cedi-6.0606-rounds-down"),
        pytest.param("USD", "2.01", "2", "1.01", id="dollar-1.005-rounds-half-up"),
        pytest.param("RSD", "11711.25", "117.1125", "100.00", id="dinar-exact"),
        pytest.param("CNY", "7.8125", "7.8125", "1.00", id="yuan-four-decimals"),
        pytest.param("TRY", "3724.99", "37.25", "100.00", id="lira-99.99973-rounds-up"),
        pytest.param("UAH", "0.0001", "45", "0.00", id="hryvnia-below-half-a-cent"),
    ],
)
def test_foreign_amounts_convert_to_euro_rounded_half_up(currency: str, original: str, rate: str, euro: str) -> None:
    converted = ForeignAmount.convert(currency, original, rate, date(2026, 6, 1))
    assert converted.euro == Money(euro)
    assert (converted.currency, converted.original, converted.rate) == (currency, Decimal(original), Decimal(rate))
    assert converted.rate_date == date(2026, 6, 1)


def test_foreign_receipts_count_with_their_euro_amount_in_the_final_amount() -> None:
    """Printing paid in Ghana: 14.850 GHS at 16,5 GHS/€ = 900,00 €; with the other lines of scenario A
    the recognised costs are 9.000 € again, so share financing ends at 0,7 × 9.000 = 6.300 €."""
    print_job = ForeignAmount.convert("GHS", "14850", "16.5", date(2026, 6, 1))
    assert print_job.euro == Money("900.00")
    costs = {**SCENARIO_A, "pr": str(print_job.euro.amount)}
    assert determine_final_amount(terms("share"), actuals(costs)).final_amount == Money("6300.00")
