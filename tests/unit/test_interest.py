"""Interest on repayment claims: the margin of the notice's legal basis above the base rate, per day.

The pure computation is tested with a margin of 5 points (the federal VwVfG); the office charges the
city's own notices 3 points (§ 49a (3) VwVfG NRW). The hand-worked example of the pure function
(§ 247 BGB, 365-day year, rounded half up once at the end):

A claim of 10.000,00 € arises on 15.06.2025 and is repaid on 15.08.2025. Interest runs from the day
the claim arose up to, not including, the day of payment:

* 15.06.2025–30.06.2025: 16 days at 2,27 % + 5 = 7,27 %:
  10.000,00 × 7,27 % × 16 / 365 = 11.632 / 365 = 31,868493… €
* 01.07.2025–14.08.2025: 31 + 14 = 45 days at 1,27 % + 5 = 6,27 %:
  10.000,00 × 6,27 % × 45 / 365 = 28.215 / 365 = 77,301369… €
* together 39.847 / 365 = 109,169863… € → 109,17 €.

The same claim under the VwVfG NRW (the worked example through the office, to the cent):

* 16 days at 2,27 % + 3 = 5,27 %: 10.000 × 5,27 × 16 / 36.500 = 23,101369… €
* 45 days at 1,27 % + 3 = 4,27 %: 10.000 × 4,27 × 45 / 36.500 = 52,643835… €
* together (84.320 + 192.150) / 3.650 = 75,745205… € → 75,75 €; 10.075,75 € settle the claim.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from uuid import UUID

import pytest

from domain.dates import FundingPeriod
from domain.errors import InvalidInputError, InvalidStateError, NotPermittedError, PaymentRefusedError
from domain.interest import (
    BASE_RATE_TABLE_ID,
    PUBLISHED_BASE_RATES,
    VWVFG_BUND,
    VWVFG_NRW,
    InterestTable,
    interest_for,
    interest_periods,
)
from domain.money import Money
from domain.rules import RuleSet
from tests.revocations import revoke

from .after_award_builders import Office, build_office, event_names, last_event, recorded_state, reference_plan, refused

RATES = list(PUBLISHED_BASE_RATES)
FIVE = Decimal("5")
THREE = Decimal("3")
SOURCE = "Deutsche Bundesbank, Pressenotiz zum Basiszinssatz"
ARISES = date(2025, 6, 15)
REPAID = date(2025, 8, 15)


def test_hand_worked_example_across_the_change_on_1_july_2025() -> None:
    periods = interest_periods(Money("10000.00"), ARISES, REPAID, RATES, FIVE)
    assert [(p.start, p.end, p.days, p.rate) for p in periods] == [
        (date(2025, 6, 15), date(2025, 7, 1), 16, Decimal("7.27")),
        (date(2025, 7, 1), date(2025, 8, 15), 45, Decimal("6.27")),
    ]
    assert Money.rounded(periods[0].interest) == Money("31.87")  # 31,868493…
    assert Money.rounded(periods[1].interest) == Money("77.30")  # 77,301369…
    assert interest_for(Money("10000.00"), ARISES, REPAID, RATES, FIVE) == Money("109.17")


def test_interest_is_rounded_once_at_the_end_not_per_period() -> None:
    """1.000,63 € over the same dates:
    16 days: 1.000,63 × 7,27 % × 16 / 365 = 116.393,2816 / 36.500 = 3,188857… (3,19 rounded alone)
    45 days: 1.000,63 × 6,27 % × 45 / 365 = 282.327,7545 / 36.500 = 7,735007… (7,74 rounded alone)
    together 10,923864… → 10,92 € (rounding each period first would give 10,93 €)."""
    assert interest_for(Money("1000.63"), ARISES, REPAID, RATES, FIVE) == Money("10.92")


def test_a_leap_year_still_counts_365_days_per_year() -> None:
    """3.650,00 € from 01.01.2024 to 01.07.2024: 31+29+31+30+31+30 = 182 days at 3,62 % + 5 = 8,62 %:
    3.650 × 8,62 % × 182 / 365 = 8,62 × 182 / 10 = 156,884 → 156,88 €."""
    assert interest_for(Money("3650.00"), date(2024, 1, 1), date(2024, 7, 1), RATES, FIVE) == Money("156.88")


def test_a_negative_base_rate_lowers_the_rate_below_the_margin() -> None:
    """3.650,00 € from 01.07.2022 to 01.01.2023: 184 days at −0,88 % + 5 = 4,12 %:
    4,12 × 184 / 10 = 75,808 → 75,81 €."""
    periods = interest_periods(Money("3650.00"), date(2022, 7, 1), date(2023, 1, 1), RATES, FIVE)
    assert [(p.days, p.rate) for p in periods] == [(184, Decimal("4.12"))]
    assert interest_for(Money("3650.00"), date(2022, 7, 1), date(2023, 1, 1), RATES, FIVE) == Money("75.81")


def test_periods_cover_every_day_exactly_once_over_several_changes() -> None:
    periods = interest_periods(Money("5000.00"), date(2023, 3, 10), date(2026, 2, 20), RATES, FIVE)
    assert periods[0].start == date(2023, 3, 10) and periods[-1].end == date(2026, 2, 20)
    assert all(a.end == b.start for a, b in itertools.pairwise(periods))
    assert sum(p.days for p in periods) == (date(2026, 2, 20) - date(2023, 3, 10)).days
    assert [p.rate for p in periods] == [Decimal(r) for r in ("6.62", "8.12", "8.62", "8.37", "7.27", "6.27", "6.27")]


@pytest.mark.parametrize(
    ("start", "end"),
    [
        pytest.param(ARISES, ARISES, id="same-day"),
        pytest.param(REPAID, ARISES, id="end-before-start"),
    ],
)
def test_no_days_no_interest(start: date, end: date) -> None:
    assert interest_periods(Money("10000.00"), start, end, RATES, FIVE) == []
    assert interest_for(Money("10000.00"), start, end, RATES, FIVE) == Money.zero()


def test_interest_before_the_first_known_base_rate_is_refused() -> None:
    with pytest.raises(InvalidInputError, match=r"Für den 01\.01\.2016 ist kein Basiszinssatz hinterlegt\."):
        interest_for(Money("100.00"), date(2016, 1, 1), date(2016, 8, 1), RATES, FIVE)


def test_a_margin_schedule_splits_the_days_where_the_margin_changes() -> None:
    """Suppose a legislature raised the margin from 3 to 4 points on 01.08.2025. 3.650 € from 15.07.2025
    to 15.08.2025: 17 days at 1,27 + 3 = 4,27 % (3.650 × 4,27 × 17 / 36.500 = 7,259) and 14 days at
    1,27 + 4 = 5,27 % (5,27 × 14 / 10 = 7,378): 14,637 → 14,64 €."""
    schedule = [(date(2000, 1, 1), THREE), (date(2025, 8, 1), Decimal("4"))]
    periods = interest_periods(Money("3650.00"), date(2025, 7, 15), date(2025, 8, 15), RATES, schedule)
    assert [(p.start, p.days, p.rate) for p in periods] == [
        (date(2025, 7, 15), 17, Decimal("4.27")),
        (date(2025, 8, 1), 14, Decimal("5.27")),
    ]
    assert interest_for(Money("3650.00"), date(2025, 7, 15), date(2025, 8, 15), RATES, schedule) == Money("14.64")


def test_days_of_a_half_year_without_a_recorded_rate_are_provisional() -> None:
    """The shipped table ends with 1,27 % from 01.01.2026: from 01.07.2026 the rate is not known yet.
    3.650 € from 01.06.2026 to 01.08.2026 at 1,27 + 3 = 4,27 %: 30 days known (12,81 €), 31 days
    provisional (13,237 €); 26,047 → 26,05 € of which the July part is marked provisional."""
    table = InterestTable.of(RATES)
    assert table.provisional_from == date(2026, 7, 1)
    assert table.missing_half_year(date(2026, 6, 30)) is None
    assert table.missing_half_year(date(2026, 12, 5)) == date(2026, 7, 1)
    periods = interest_periods(Money("3650.00"), date(2026, 6, 1), date(2026, 8, 1), table, THREE)
    assert [(p.days, p.rate, p.provisional) for p in periods] == [
        (30, Decimal("4.27"), False),
        (31, Decimal("4.27"), True),
    ]
    assert interest_for(Money("3650.00"), date(2026, 6, 1), date(2026, 8, 1), table, THREE) == Money("26.05")
    # once the half year has its rate, nothing is provisional any more
    later = InterestTable.of([*RATES, (date(2026, 7, 1), Decimal("1.27"))])
    assert not any(
        p.provisional for p in interest_periods(Money("3650.00"), date(2026, 6, 1), date(2026, 8, 1), later, THREE)
    )
    assert later.missing_half_year(date(2026, 12, 5)) is None


@pytest.mark.parametrize(
    ("rule_set", "margin"),
    [
        pytest.param(RuleSet.nrw_municipal(), THREE, id="city-notice-nrw"),
        pytest.param(RuleSet.federal(), THREE, id="city-passes-on-federal-money"),
        pytest.param(RuleSet.federal_notice(), FIVE, id="federal-authority-notice"),
    ],
)
def test_the_margin_follows_the_legal_basis_of_the_notice(rule_set: RuleSet, margin: Decimal) -> None:
    assert rule_set.interest_margin == margin
    assert rule_set.legal_basis == (VWVFG_BUND if margin == FIVE else VWVFG_NRW)


def test_an_unknown_legal_basis_is_refused() -> None:
    with pytest.raises(InvalidInputError, match=r"Unbekannte Rechtsgrundlage »BayVwVfG«"):
        RuleSet.nrw_municipal(legal_basis="BayVwVfG")


# The NRW example through the office: a grant of 10.000 € paid in March 2025, revoked in full from
# 15.06.2025, so the claim of 10.000 € arises that day and runs at 3 points over the base rate. -----


@pytest.fixture
def office_2025() -> Iterator[Office]:
    office = build_office(today=date(2025, 3, 1), budgets={2025: "20000.00"})
    yield office
    office.app.close()


def revoked_claim(office: Office, effective_on: date = ARISES) -> tuple[UUID, UUID]:
    """A fixed grant of 10.000 € (costs 12.000 €, own funds 2.000 €), paid out, revoked in full."""
    plan = reference_plan(
        own="2000.00", third_party="0.00", income="0.00", grant="10000.00", travel="5000.00", stay="4000.00"
    )
    grant_id = office.approved(
        "fixed", "10000.00", plan=plan, period=FundingPeriod(date(2025, 3, 1), date(2025, 5, 31))
    )
    office.pay(grant_id, "10000.00", on=date(2025, 3, 3))
    claim_id = revoke(
        office.app,
        grant_id,
        Money.zero(),
        effective_on,
        "Die Begegnung hat nicht stattgefunden.",
        office.officer,
        office.approver,
        on=date(2025, 6, 20),
    )
    assert claim_id is not None
    return grant_id, claim_id


def test_the_office_charges_the_hand_worked_interest_and_records_its_periods(office_2025: Office) -> None:
    app = office_2025.app
    _, claim_id = revoked_claim(office_2025)
    claim = app.claim(claim_id)
    assert (claim.principal, claim.arose_on, claim.legal_basis) == (Money("10000.00"), ARISES, VWVFG_NRW)
    assert claim.interest_margin == THREE
    assert claim.interest_due(REPAID, app.interest_table()) == Money("75.75")
    assert claim.amount_due(REPAID, app.interest_table()) == Money("10075.75")

    office_2025.repay(claim_id, Money("10075.75"), REPAID)

    claim = app.claim(claim_id)
    assert claim.status == "settled"
    assert (claim.outstanding, claim.interest_paid) == (Money.zero(), Money("75.75"))
    received = last_event(app, claim_id, "RepaymentReceived")
    assert (received.amount, received.to_interest, received.to_principal) == (
        Money("10075.75"),
        Money("75.75"),
        Money("10000.00"),
    )
    assert received.interest_accrued == Money("75.75")
    assert [(p["start"], p["end"], p["principal"], p["rate"]) for p in received.periods] == [
        (date(2025, 6, 15), date(2025, 7, 1), Money("10000.00"), Decimal("5.27")),
        (date(2025, 7, 1), date(2025, 8, 15), Money("10000.00"), Decimal("4.27")),
    ]
    assert not any(p.get("provisional") for p in received.periods)
    # the recorded periods let an auditor redo the figure
    assert Money.rounded(sum(p["interest"] for p in received.periods)) == received.interest_accrued


def test_a_claim_under_a_federal_notice_runs_at_five_points(office_2025: Office) -> None:
    """The same claim under a federal authority's notice: 109,17 € (the pure function's example)."""
    app = office_2025.app
    app.revise_rule_set(
        office_2025.programme_id,
        RuleSet.federal_notice(allowed_financing_types=("fixed",)),
        "Bundesbescheid",
        office_2025.admin,
    )
    _, claim_id = revoked_claim(office_2025)
    claim = app.claim(claim_id)
    assert (claim.legal_basis, claim.interest_margin) == (VWVFG_BUND, FIVE)
    assert claim.interest_due(REPAID, app.interest_table()) == Money("109.17")


def test_a_margin_recorded_by_an_admin_applies_from_its_date(office_2025: Office) -> None:
    """Suppose the NRW margin became 4 points on 01.08.2025. 10.000 € from 15.06. to 15.08.2025:
    16 days at 5,27 % (23,101369…), 31 days at 4,27 % (36,265753…), 14 days at 5,27 % (20,213698…):
    79,580821… → 79,58 €."""
    app = office_2025.app
    _, claim_id = revoked_claim(office_2025)
    with refused(app, NotPermittedError, "not_permitted", r"Zinsaufschlag erfassen: nur Administration"):
        app.record_interest_margin(VWVFG_NRW, date(2025, 8, 1), Decimal("4"), "GV. NRW. 2025 S. 1", office_2025.finance)
    with refused(app, InvalidInputError, "invalid_input", r"bereits 3 Prozentpunkte"):
        app.record_interest_margin(VWVFG_NRW, date(2025, 8, 1), THREE, "GV. NRW. 2025 S. 1", office_2025.admin)
    app.record_interest_margin(VWVFG_NRW, date(2025, 8, 1), Decimal("4"), "GV. NRW. 2025 S. 1", office_2025.admin)
    assert app.claim(claim_id).interest_due(REPAID, app.interest_table()) == Money("79.58")


def test_a_claim_repaid_on_the_day_it_arose_carries_no_interest(office_2025: Office) -> None:
    app = office_2025.app
    _, claim_id = revoked_claim(office_2025)
    assert app.claim(claim_id).amount_due(ARISES, app.interest_table()) == Money("10000.00")
    office_2025.repay(claim_id, Money("10000.00"), ARISES)
    claim = app.claim(claim_id)
    assert (claim.status, claim.interest_paid) == ("settled", Money.zero())
    assert last_event(app, claim_id, "RepaymentReceived").periods == []


def test_a_partial_repayment_goes_to_interest_first(office_2025: Office) -> None:
    """5.000 € on 15.08.2025: 75,75 € interest first, 4.924,25 € principal; 5.075,75 € stay open.
    To 15.09.2025, 31 days at 4,27 % on 5.075,75 €: 5.075,75 × 4,27 × 31 / 36.500 = 18,407589… → 18,41 €,
    so 5.094,16 € are due then."""
    app = office_2025.app
    _, claim_id = revoked_claim(office_2025)
    office_2025.repay(claim_id, Money("5000.00"), REPAID)

    received = last_event(app, claim_id, "RepaymentReceived")
    assert (received.to_interest, received.to_principal) == (Money("75.75"), Money("4924.25"))
    claim = app.claim(claim_id)
    assert (claim.status, claim.outstanding, claim.accrued_unpaid) == ("open", Money("5075.75"), Money.zero())
    assert claim.interest_due(date(2025, 9, 15), app.interest_table()) == Money("18.41")
    assert claim.amount_due(date(2025, 9, 15), app.interest_table()) == Money("5094.16")


def test_a_repayment_smaller_than_the_interest_leaves_the_principal_untouched(office_2025: Office) -> None:
    """50 € on 15.08.2025 pay 50 € of the 75,75 € interest; 25,75 € interest stay owed, without
    interest on them. To 15.09.2025: 10.000 × 4,27 × 31 / 36.500 = 36,265753… → 36,27 €, plus the
    25,75 € = 62,02 € interest; 10.062,02 € due."""
    app = office_2025.app
    _, claim_id = revoked_claim(office_2025)
    office_2025.repay(claim_id, Money("50.00"), REPAID)

    claim = app.claim(claim_id)
    assert (claim.outstanding, claim.interest_paid, claim.accrued_unpaid) == (
        Money("10000.00"),
        Money("50.00"),
        Money("25.75"),
    )
    assert claim.amount_due(date(2025, 9, 15), app.interest_table()) == Money("10062.02")


def test_a_repayment_above_what_is_due_is_refused(office_2025: Office) -> None:
    app = office_2025.app
    _, claim_id = revoked_claim(office_2025)
    with refused(
        app,
        PaymentRefusedError,
        "payment_refused",
        r"Am 15\.08\.2025 sind nur 10\.075,75 € offen \(davon Zinsen 75,75 €\)\.",
        claim_id,
    ):
        office_2025.repay(claim_id, Money("10075.76"), REPAID)


def test_a_repayment_dated_before_the_last_one_is_refused(office_2025: Office) -> None:
    app = office_2025.app
    _, claim_id = revoked_claim(office_2025)
    office_2025.repay(claim_id, Money("100.00"), REPAID)
    with refused(
        app, InvalidInputError, "invalid_input", r"Die Wertstellung liegt vor der letzten gebuchten Zahlung", claim_id
    ):
        office_2025.repay(claim_id, Money("100.00"), date(2025, 8, 14))


def test_left_over_interest_below_the_threshold_is_not_pursued(office_2025: Office) -> None:
    """The recipient transfers exactly the principal, 10.000 €, on 20.06.2025. Interest for 5 days at
    5,27 %: 10.000 × 5,27 × 5 / 36.500 = 7,219178… → 7,22 €, paid first; 7,22 € stay open, below the
    small-amount threshold: not pursued, and the claim is settled."""
    app = office_2025.app
    _, claim_id = revoked_claim(office_2025)
    office_2025.repay(claim_id, Money("10000.00"), date(2025, 6, 20))

    assert event_names(app, claim_id)[-2:] == ["RepaymentReceived", "InterestNotPursued"]
    assert last_event(app, claim_id, "InterestNotPursued").amount == Money("7.22")
    claim = app.claim(claim_id)
    assert (claim.status, claim.outstanding, claim.accrued_unpaid) == ("settled", Money.zero(), Money.zero())
    assert claim.amount_due(date(2025, 12, 31), app.interest_table()) == Money.zero()


@pytest.mark.parametrize(
    ("amount", "on", "left"),
    [
        # 10.000 € on 15.08.2025: 75,75 € interest first, 75,75 € left above the threshold: still pursued
        pytest.param("10000.00", REPAID, "75.75", id="left-over-interest-above-threshold"),
        # 9.990 € on the day it arose: 10 € of principal left, and principal is always pursued
        pytest.param("9990.00", ARISES, "10.00", id="principal-below-threshold"),
    ],
)
def test_what_is_left_stays_open_unless_it_is_small_left_over_interest(
    office_2025: Office, amount: str, on: date, left: str
) -> None:
    app = office_2025.app
    _, claim_id = revoked_claim(office_2025)
    office_2025.repay(claim_id, Money(amount), on)
    claim = app.claim(claim_id)
    assert (claim.status, claim.outstanding) == ("open", Money(left))
    assert "InterestNotPursued" not in event_names(app, claim_id)


# Base rates published by the admin ---------------------------------------------------------------


def test_a_newly_published_base_rate_is_used_from_its_date(office_2025: Office) -> None:
    """Suppose 2,00 % is published for 01.07.2026. 3.650 € from 01.06.2026 to 01.08.2026 under the
    VwVfG NRW: 30 days at 1,27 % + 3 = 4,27 %: 4,27 × 30 / 10 = 12,81 €; 31 days at 2,00 % + 3 = 5,00 %:
    5 × 31 / 10 = 15,50 €; together 28,31 € (before the new rate, provisionally: 4,27 × 61 / 10 =
    26,047 → 26,05 €)."""
    app = office_2025.app
    before = app.base_rates()
    assert interest_for(Money("3650.00"), date(2026, 6, 1), date(2026, 8, 1), before, THREE) == Money("26.05")

    app.publish_base_rate(date(2026, 7, 1), Decimal("2.00"), SOURCE, office_2025.admin)

    rates = app.base_rates()
    assert rates == sorted([*before, (date(2026, 7, 1), Decimal("2.00"))])
    assert interest_for(Money("3650.00"), date(2026, 6, 1), date(2026, 8, 1), rates, THREE) == Money("28.31")
    assert app.base_rate_entries()[-1] == (date(2026, 7, 1), Decimal("2.00"), SOURCE)
    # finance may publish too
    app.publish_base_rate(date(2027, 1, 1), Decimal("2.10"), SOURCE, office_2025.finance)
    assert app.base_rates()[-1] == (date(2027, 1, 1), Decimal("2.10"))


def test_the_missing_half_year_is_reported_until_its_rate_is_recorded(office_2025: Office) -> None:
    app = office_2025.app
    assert app.missing_base_rate(date(2026, 6, 30)) is None
    assert app.missing_base_rate(date(2026, 7, 1)) == date(2026, 7, 1)
    app.publish_base_rate(date(2026, 7, 1), Decimal("1.27"), SOURCE, office_2025.admin)
    assert app.missing_base_rate(date(2026, 12, 31)) is None
    assert app.missing_base_rate(date(2027, 1, 2)) == date(2027, 1, 1)


def test_a_claim_uses_rates_published_after_it_arose(office_2025: Office) -> None:
    """The claim of 10.000 € from 15.06.2025, repaid on 01.02.2027, after 0,00 % was published for
    01.01.2027. Days and rates (base rate + 3):
      15.06.–30.06.2025   16 days × 5,27 =    84,32
      01.07.–31.12.2025  184 days × 4,27 =   785,68
      01.01.–31.12.2026  365 days × 4,27 = 1.558,55  (1,27 % again from 01.01.2026)
      01.01.–31.01.2027   31 days × 3,00 =    93,00  (the new rate)
    sum 2.521,55 percent-days; × 10.000 / 36.500 = 690,835616… → 690,84 €.
    Without the new rate, from 01.07.2026 on provisionally at 4,27 %: 701,62 €."""
    app = office_2025.app
    _, claim_id = revoked_claim(office_2025)
    assert app.claim(claim_id).interest_due(date(2027, 2, 1), app.interest_table()) == Money("701.62")
    assert app.claim(claim_id).interest_provisional(date(2027, 2, 1), app.interest_table())

    app.publish_base_rate(date(2027, 1, 1), Decimal("0.00"), SOURCE, office_2025.admin)

    assert app.claim(claim_id).interest_due(date(2027, 2, 1), app.interest_table()) == Money("690.84")
    assert not app.claim(claim_id).interest_provisional(date(2027, 2, 1), app.interest_table())
    office_2025.repay(claim_id, Money("10690.84"), date(2027, 2, 1))
    received = last_event(app, claim_id, "RepaymentReceived")
    assert [((p["end"] - p["start"]).days, p["rate"]) for p in received.periods] == [
        (16, Decimal("5.27")),
        (184, Decimal("4.27")),
        (365, Decimal("4.27")),
        (31, Decimal("3.00")),
    ]
    assert app.claim(claim_id).status == "settled"


def test_a_repayment_with_provisional_interest_records_which_days_were_provisional(office_2025: Office) -> None:
    app = office_2025.app
    _, claim_id = revoked_claim(office_2025)
    due = app.claim(claim_id).amount_due(date(2026, 8, 1), app.interest_table())
    office_2025.repay(claim_id, due, date(2026, 8, 1))
    periods = last_event(app, claim_id, "RepaymentReceived").periods
    assert [(p["start"], p.get("provisional", False)) for p in periods][-2:] == [
        (date(2026, 1, 1), False),
        (date(2026, 7, 1), True),
    ]


def test_a_wrong_rate_is_corrected_by_a_further_event(office_2025: Office) -> None:
    app = office_2025.app
    app.publish_base_rate(date(2026, 7, 1), Decimal("2.17"), SOURCE, office_2025.admin)
    with refused(app, InvalidInputError, "invalid_input", r"derselbe wie bisher", BASE_RATE_TABLE_ID):
        app.correct_base_rate(date(2026, 7, 1), Decimal("2.17"), SOURCE, "Tippfehler", office_2025.admin)
    with refused(app, InvalidStateError, "invalid_state", r"Für den 01\.07\.2027 ist kein Satz", BASE_RATE_TABLE_ID):
        app.correct_base_rate(date(2027, 7, 1), Decimal("1.27"), SOURCE, "Tippfehler", office_2025.admin)
    app.correct_base_rate(date(2026, 7, 1), Decimal("1.27"), SOURCE, "Tippfehler: 1,27 statt 2,17", office_2025.admin)
    assert dict(app.base_rates())[date(2026, 7, 1)] == Decimal("1.27")
    assert event_names(app, BASE_RATE_TABLE_ID)[-2:] == ["RatePublished", "RateCorrected"]


@pytest.mark.parametrize(
    ("valid_from", "rate", "source", "error", "code", "match"),
    [
        pytest.param(
            date(2026, 3, 1),
            Decimal("1.5"),
            SOURCE,
            InvalidInputError,
            "invalid_input",
            r"Der Basiszinssatz ändert sich zum 1\. Januar und 1\. Juli\.",
            id="not-1-january-or-1-july",
        ),
        pytest.param(
            date(2026, 7, 2),
            Decimal("1.5"),
            SOURCE,
            InvalidInputError,
            "invalid_input",
            r"ändert sich zum 1\. Januar und 1\. Juli",
            id="2-july",
        ),
        pytest.param(
            date(2026, 1, 1),
            Decimal("1.5"),
            SOURCE,
            InvalidStateError,
            "invalid_state",
            r"Für den 01\.01\.2026 ist bereits ein Satz hinterlegt\.",
            id="duplicate-date",
        ),
        pytest.param(
            date(2026, 7, 1),
            1.5,
            SOURCE,
            InvalidInputError,
            "invalid_input",
            r"Der Basiszinssatz ist als Dezimalzahl anzugeben\.",
            id="float",
        ),
        pytest.param(
            date(2026, 7, 1),
            "1.5",
            SOURCE,
            InvalidInputError,
            "invalid_input",
            r"als Dezimalzahl anzugeben",
            id="string",
        ),
        pytest.param(
            date(2026, 7, 1),
            Decimal("25"),
            SOURCE,
            InvalidInputError,
            "invalid_input",
            r"außerhalb von −10 % bis 20 % ist unplausibel",
            id="implausible",
        ),
        pytest.param(
            date(2026, 7, 1), Decimal("1.27"), "  ", InvalidInputError, "invalid_input", r"Die Quelle", id="no-source"
        ),
    ],
)
def test_publishing_a_base_rate_is_refused(
    office_2025: Office, valid_from: date, rate: object, source: str, error: type, code: str, match: str
) -> None:
    app = office_2025.app
    rates = app.base_rates()
    with refused(app, error, code, match):
        app.publish_base_rate(valid_from, rate, source, office_2025.admin)  # type: ignore[arg-type]
    assert app.base_rates() == rates


def test_only_admin_and_finance_publish_base_rates(office_2025: Office) -> None:
    app = office_2025.app
    with refused(app, NotPermittedError, "not_permitted", r"Basiszinssatz erfassen: nur Administration oder Kämmerei"):
        app.publish_base_rate(date(2026, 7, 1), Decimal("1.5"), SOURCE, office_2025.officer)


def test_a_refused_publication_after_an_accepted_one_records_nothing(office_2025: Office) -> None:
    app = office_2025.app
    app.publish_base_rate(date(2026, 7, 1), Decimal("1.50"), SOURCE, office_2025.admin)
    with refused(app, InvalidStateError, "invalid_state", r"Für den 01\.07\.2026 ist bereits", BASE_RATE_TABLE_ID):
        app.publish_base_rate(date(2026, 7, 1), Decimal("1.60"), SOURCE, office_2025.admin)


def test_reading_the_base_rates_records_nothing(office_2025: Office) -> None:
    """Rates are read on every repayment and every page with a claim; reading must not write."""
    app = office_2025.app
    before = recorded_state(app)
    assert app.base_rates() == sorted(PUBLISHED_BASE_RATES)
    assert app.interest_table().base_rates == tuple(sorted(PUBLISHED_BASE_RATES))
    assert app.missing_base_rate(date(2026, 12, 5)) == date(2026, 7, 1)
    assert recorded_state(app) == before
