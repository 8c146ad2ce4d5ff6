"""Interest on repayment claims: five points above the base rate, per day, across base-rate periods.

The hand-worked example used throughout (§ 49a (3) VwVfG, § 247 BGB, 365-day year, rounded half up
once at the end):

A claim of 10.000,00 € arises on 15.06.2025 and is repaid on 15.08.2025. Interest runs from the day
the claim arose up to, not including, the day of payment:

* 15.06.2025–30.06.2025: 16 days at 2,27 % + 5 = 7,27 %:
  10.000,00 × 7,27 % × 16 / 365 = 11.632 / 365 = 31,868493… €
* 01.07.2025–14.08.2025: 31 + 14 = 45 days at 1,27 % + 5 = 6,27 %:
  10.000,00 × 6,27 % × 45 / 365 = 28.215 / 365 = 77,301369… €
* together 39.847 / 365 = 109,169863… € → 109,17 €; 10.109,17 € settle the claim.
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
from domain.interest import BASE_RATE_TABLE_ID, PUBLISHED_BASE_RATES, interest_for, interest_periods
from domain.money import Money

from .after_award_builders import Office, build_office, event_names, last_event, recorded_state, reference_plan, refused

RATES = list(PUBLISHED_BASE_RATES)
FIVE = Decimal("5")
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


# The same example through the office: a grant of 10.000 € paid in March 2025, revoked in full from
# 15.06.2025, so the claim of 10.000 € arises that day. -----------------------------------------


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
    claim_id = office.app.revoke_grant(
        grant_id,
        Money.zero(),
        effective_on,
        "Die Begegnung hat nicht stattgefunden.",
        office.approver,
        on=date(2025, 6, 20),
    )
    assert claim_id is not None
    return grant_id, claim_id


def test_the_office_charges_the_hand_worked_interest_and_records_its_periods(office_2025: Office) -> None:
    app = office_2025.app
    _, claim_id = revoked_claim(office_2025)
    claim = app.claim(claim_id)
    assert (claim.principal, claim.arose_on) == (Money("10000.00"), ARISES)
    assert claim.interest_due(REPAID, app.base_rates()) == Money("109.17")
    assert claim.amount_due(REPAID, app.base_rates()) == Money("10109.17")

    app.receive_repayment(claim_id, Money("10109.17"), REPAID, office_2025.finance)

    claim = app.claim(claim_id)
    assert claim.status == "settled"
    assert (claim.outstanding, claim.interest_paid) == (Money.zero(), Money("109.17"))
    received = last_event(app, claim_id, "RepaymentReceived")
    assert (received.amount, received.to_interest, received.to_principal) == (
        Money("10109.17"),
        Money("109.17"),
        Money("10000.00"),
    )
    assert received.interest_accrued == Money("109.17")
    assert [(p["start"], p["end"], p["principal"], p["rate"]) for p in received.periods] == [
        (date(2025, 6, 15), date(2025, 7, 1), Money("10000.00"), Decimal("7.27")),
        (date(2025, 7, 1), date(2025, 8, 15), Money("10000.00"), Decimal("6.27")),
    ]
    # the recorded periods let an auditor redo the figure
    assert Money.rounded(sum(p["interest"] for p in received.periods)) == received.interest_accrued


def test_a_claim_repaid_on_the_day_it_arose_carries_no_interest(office_2025: Office) -> None:
    app = office_2025.app
    _, claim_id = revoked_claim(office_2025)
    assert app.claim(claim_id).amount_due(ARISES, app.base_rates()) == Money("10000.00")
    app.receive_repayment(claim_id, Money("10000.00"), ARISES, office_2025.finance)
    claim = app.claim(claim_id)
    assert (claim.status, claim.interest_paid) == ("settled", Money.zero())
    assert last_event(app, claim_id, "RepaymentReceived").periods == []


def test_a_partial_repayment_goes_to_interest_first(office_2025: Office) -> None:
    """5.000 € on 15.08.2025: 109,17 € interest first, 4.890,83 € principal; 5.109,17 € stay open.
    To 15.09.2025, 31 days at 6,27 % on 5.109,17 €: 5.109,17 × 6,27 × 31 / 36.500 = 27,207380… → 27,21 €,
    so 5.136,38 € are due then."""
    app = office_2025.app
    _, claim_id = revoked_claim(office_2025)
    app.receive_repayment(claim_id, Money("5000.00"), REPAID, office_2025.finance)

    received = last_event(app, claim_id, "RepaymentReceived")
    assert (received.to_interest, received.to_principal) == (Money("109.17"), Money("4890.83"))
    claim = app.claim(claim_id)
    assert (claim.status, claim.outstanding, claim.accrued_unpaid) == ("open", Money("5109.17"), Money.zero())
    assert claim.interest_due(date(2025, 9, 15), app.base_rates()) == Money("27.21")
    assert claim.amount_due(date(2025, 9, 15), app.base_rates()) == Money("5136.38")


def test_a_repayment_smaller_than_the_interest_leaves_the_principal_untouched(office_2025: Office) -> None:
    """100 € on 15.08.2025 pay 100 € of the 109,17 € interest; 9,17 € interest stay owed, without
    interest on them. To 15.09.2025: 10.000 × 6,27 × 31 / 36.500 = 53,252054… → 53,25 €, plus the
    9,17 € = 62,42 € interest; 10.062,42 € due."""
    app = office_2025.app
    _, claim_id = revoked_claim(office_2025)
    app.receive_repayment(claim_id, Money("100.00"), REPAID, office_2025.finance)

    claim = app.claim(claim_id)
    assert (claim.outstanding, claim.interest_paid, claim.accrued_unpaid) == (
        Money("10000.00"),
        Money("100.00"),
        Money("9.17"),
    )
    assert claim.amount_due(date(2025, 9, 15), app.base_rates()) == Money("10062.42")


def test_a_repayment_above_what_is_due_is_refused(office_2025: Office) -> None:
    app = office_2025.app
    _, claim_id = revoked_claim(office_2025)
    with refused(
        app,
        PaymentRefusedError,
        "payment_refused",
        r"Am 15\.08\.2025 sind nur 10\.109,17 € offen \(davon Zinsen 109,17 €\)\.",
        claim_id,
    ):
        app.receive_repayment(claim_id, Money("10109.18"), REPAID, office_2025.finance)


def test_a_repayment_dated_before_the_last_one_is_refused(office_2025: Office) -> None:
    app = office_2025.app
    _, claim_id = revoked_claim(office_2025)
    app.receive_repayment(claim_id, Money("100.00"), REPAID, office_2025.finance)
    with refused(
        app, InvalidInputError, "invalid_input", r"Die Wertstellung liegt vor der letzten gebuchten Zahlung", claim_id
    ):
        app.receive_repayment(claim_id, Money("100.00"), date(2025, 8, 14), office_2025.finance)


def test_left_over_interest_below_the_threshold_is_not_pursued(office_2025: Office) -> None:
    """The recipient transfers exactly the principal, 10.000 €, on 20.06.2025. Interest for 5 days at
    7,27 %: 10.000 × 7,27 × 5 / 36.500 = 9,958904… → 9,96 €, paid first; 9,96 € stay open, below the
    small-amount threshold of 50 €: not pursued, and the claim is settled."""
    app = office_2025.app
    _, claim_id = revoked_claim(office_2025)
    app.receive_repayment(claim_id, Money("10000.00"), date(2025, 6, 20), office_2025.finance)

    assert event_names(app, claim_id)[-2:] == ["RepaymentReceived", "InterestNotPursued"]
    assert last_event(app, claim_id, "InterestNotPursued").amount == Money("9.96")
    claim = app.claim(claim_id)
    assert (claim.status, claim.outstanding, claim.accrued_unpaid) == ("settled", Money.zero(), Money.zero())
    assert claim.amount_due(date(2025, 12, 31), app.base_rates()) == Money.zero()


@pytest.mark.parametrize(
    ("amount", "on", "left"),
    [
        # 10.000 € on 15.08.2025: 109,17 € interest first, 109,17 € left ≥ 50 €: still pursued
        pytest.param("10000.00", REPAID, "109.17", id="left-over-interest-above-threshold"),
        # 9.990 € on the day it arose: 10 € of principal left, and principal is always pursued
        pytest.param("9990.00", ARISES, "10.00", id="principal-below-threshold"),
    ],
)
def test_what_is_left_stays_open_unless_it_is_small_left_over_interest(
    office_2025: Office, amount: str, on: date, left: str
) -> None:
    app = office_2025.app
    _, claim_id = revoked_claim(office_2025)
    app.receive_repayment(claim_id, Money(amount), on, office_2025.finance)
    claim = app.claim(claim_id)
    assert (claim.status, claim.outstanding) == ("open", Money(left))
    assert "InterestNotPursued" not in event_names(app, claim_id)


# Base rates published by the admin ---------------------------------------------------------------


def test_a_newly_published_base_rate_is_used_from_its_date(office_2025: Office) -> None:
    """Suppose 2,00 % is published for 01.07.2026. A claim of 3.650 € from 01.06.2026 to 01.08.2026:
    30 days at 1,27 % + 5 = 6,27 %: 6,27 × 30 / 10 = 18,81 €; 31 days at 2,00 % + 5 = 7,00 %:
    7 × 31 / 10 = 21,70 €; together 40,51 € (before the new rate: 6,27 × 61 / 10 = 38,247 → 38,25 €)."""
    app = office_2025.app
    before = app.base_rates()
    assert interest_for(Money("3650.00"), date(2026, 6, 1), date(2026, 8, 1), before, FIVE) == Money("38.25")

    app.publish_base_rate(date(2026, 7, 1), Decimal("2.00"), office_2025.admin)

    rates = app.base_rates()
    assert rates == sorted([*before, (date(2026, 7, 1), Decimal("2.00"))])
    assert interest_for(Money("3650.00"), date(2026, 6, 1), date(2026, 8, 1), rates, FIVE) == Money("40.51")
    # finance may publish too
    app.publish_base_rate(date(2027, 1, 1), Decimal("2.10"), office_2025.finance)
    assert app.base_rates()[-1] == (date(2027, 1, 1), Decimal("2.10"))


def test_a_claim_uses_rates_published_after_it_arose(office_2025: Office) -> None:
    """The claim of 10.000 € from 15.06.2025, repaid on 01.02.2027, after 0,00 % was published for
    01.01.2027. Days and rates (base rate + 5):
      15.06.–30.06.2025   16 days × 7,27 =   116,32
      01.07.–31.12.2025  184 days × 6,27 = 1.153,68
      01.01.–31.12.2026  365 days × 6,27 = 2.288,55  (1,27 % again from 01.01.2026)
      01.01.–31.01.2027   31 days × 5,00 =   155,00  (the new rate)
    sum 3.713,55 percent-days; × 10.000 / 36.500 = 1.017,410958… → 1.017,41 €.
    Without the new rate January 2027 would run at 6,27 %: 3.752,92 × 10.000 / 36.500 = 1.028,20 €."""
    app = office_2025.app
    _, claim_id = revoked_claim(office_2025)
    assert app.claim(claim_id).interest_due(date(2027, 2, 1), app.base_rates()) == Money("1028.20")

    app.publish_base_rate(date(2027, 1, 1), Decimal("0.00"), office_2025.admin)

    assert app.claim(claim_id).interest_due(date(2027, 2, 1), app.base_rates()) == Money("1017.41")
    app.receive_repayment(claim_id, Money("11017.41"), date(2027, 2, 1), office_2025.finance)
    received = last_event(app, claim_id, "RepaymentReceived")
    assert [((p["end"] - p["start"]).days, p["rate"]) for p in received.periods] == [
        (16, Decimal("7.27")),
        (184, Decimal("6.27")),
        (365, Decimal("6.27")),
        (31, Decimal("5.00")),
    ]
    assert app.claim(claim_id).status == "settled"


@pytest.mark.parametrize(
    ("valid_from", "rate", "error", "code", "match"),
    [
        pytest.param(
            date(2026, 3, 1),
            Decimal("1.5"),
            InvalidInputError,
            "invalid_input",
            r"Der Basiszinssatz ändert sich zum 1\. Januar und 1\. Juli\.",
            id="not-1-january-or-1-july",
        ),
        pytest.param(
            date(2026, 7, 2),
            Decimal("1.5"),
            InvalidInputError,
            "invalid_input",
            r"ändert sich zum 1\. Januar und 1\. Juli",
            id="2-july",
        ),
        pytest.param(
            date(2026, 1, 1),
            Decimal("1.5"),
            InvalidStateError,
            "invalid_state",
            r"Für den 01\.01\.2026 ist bereits ein Satz hinterlegt\.",
            id="duplicate-date",
        ),
        pytest.param(
            date(2026, 7, 1),
            1.5,
            InvalidInputError,
            "invalid_input",
            r"Der Basiszinssatz ist als Dezimalzahl anzugeben\.",
            id="float",
        ),
        pytest.param(
            date(2026, 7, 1), "1.5", InvalidInputError, "invalid_input", r"als Dezimalzahl anzugeben", id="string"
        ),
        pytest.param(
            date(2026, 7, 1),
            Decimal("25"),
            InvalidInputError,
            "invalid_input",
            r"außerhalb von −10 % bis 20 % ist unplausibel",
            id="implausible",
        ),
    ],
)
def test_publishing_a_base_rate_is_refused(
    office_2025: Office, valid_from: date, rate: object, error: type, code: str, match: str
) -> None:
    app = office_2025.app
    rates = app.base_rates()
    with refused(app, error, code, match):
        app.publish_base_rate(valid_from, rate, office_2025.admin)  # type: ignore[arg-type]
    assert app.base_rates() == rates


def test_only_admin_and_finance_publish_base_rates(office_2025: Office) -> None:
    app = office_2025.app
    with refused(app, NotPermittedError, "not_permitted", r"Basiszinssatz erfassen: nur Administration oder Kämmerei"):
        app.publish_base_rate(date(2026, 7, 1), Decimal("1.5"), office_2025.officer)


def test_a_refused_publication_after_an_accepted_one_records_nothing(office_2025: Office) -> None:
    app = office_2025.app
    app.publish_base_rate(date(2026, 7, 1), Decimal("1.50"), office_2025.admin)
    with refused(app, InvalidStateError, "invalid_state", r"Für den 01\.07\.2026 ist bereits", BASE_RATE_TABLE_ID):
        app.publish_base_rate(date(2026, 7, 1), Decimal("1.60"), office_2025.admin)


def test_reading_the_base_rates_records_nothing(office_2025: Office) -> None:
    """Rates are read on every repayment and every page with a claim; reading must not write."""
    app = office_2025.app
    before = recorded_state(app)
    assert app.base_rates() == sorted(PUBLISHED_BASE_RATES)
    assert recorded_state(app) == before
