"""Properties of the final amount, of grants run through the office, and of interest (hypothesis).

Examples are drawn deterministically (``derandomize``), so a run never depends on luck; amounts are
whole cents within a grant's plausible range, dates within the years the base-rate table covers.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from uuid import uuid4

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from domain.actors import Actor
from domain.claim import Claim
from domain.interest import PUBLISHED_BASE_RATES, interest_for
from domain.money import Money
from domain.plan import BudgetLine, FinancingPlan, FinancingType
from domain.settlement import RecognisedActuals, determine_final_amount
from domain.terms import GrantTerms

from .after_award_builders import ALL_TYPES_RULES, LINES, PERIOD, build_office, last_event

PROPERTIES = settings(max_examples=100, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
RATES = list(PUBLISHED_BASE_RATES)
CENT = Decimal("0.01")
BUDGET = Money("1000000.00")


def cents(value: int) -> Money:
    return Money(Decimal(value) * CENT)


def share_of(amount: Money, percent: int) -> Money:
    """``percent`` % of ``amount``, rounded down to the cent (so it never exceeds the share)."""
    return cents(int(amount.amount * 100) * percent // 100)


@dataclass(frozen=True)
class Case:
    """A notice and what the review recognised, drawn together."""

    terms: GrantTerms
    actuals: RecognisedActuals


@st.composite
def notices(draw: st.DrawFn) -> GrantTerms:
    """A plan over the four reference lines that balances and passes the rule set, and its notice."""
    kind = draw(st.sampled_from([t.value for t in FinancingType]))
    lines = [cents(draw(st.integers(500_00, 8_000_00))) for _ in LINES]
    costs = Money.sum(lines)
    own = Money.zero() if kind == "full" else share_of(costs, draw(st.integers(10, 40)) + 1)
    third_party = share_of(costs, draw(st.integers(0, 25)))
    income = share_of(costs, draw(st.integers(0, 10)))
    grant = costs - own - third_party - income
    plan = FinancingPlan(
        tuple(BudgetLine(code, label, amount) for (code, label, _), amount in zip(LINES, lines, strict=True)),
        own_funds=own,
        third_party_funds=third_party,
        income=income,
        grant=grant,
    )
    rate = None
    amount = grant
    if kind == "share":
        rate = Decimal(draw(st.integers(20, 100))) / 100
        amount = min(grant, costs * rate)
    maximum = None
    if kind in ("share", "deficit"):
        maximum = amount + cents(draw(st.sampled_from([0, 0, 0, 1, 50_00, 1_000_00])))
    notice = GrantTerms(
        amount=amount,
        financing_type=kind,
        rate=rate,
        maximum=maximum,
        period=PERIOD,
        plan=plan,
        rule_set=ALL_TYPES_RULES,
        year_split={"2026": amount},
    )
    notice.check()
    return notice


@st.composite
def cases(draw: st.DrawFn) -> Case:
    notice = draw(notices())
    plan = notice.plan
    costs = {
        line.code: share_of(line.amount, draw(st.integers(0, 160)))
        for line in plan.cost_lines
        if draw(st.integers(0, 4))  # now and then a line with nothing recognised at all
    }
    return Case(
        notice,
        RecognisedActuals(
            costs=costs,
            own_funds=share_of(plan.own_funds, draw(st.integers(0, 200))),
            third_party_funds=share_of(plan.third_party_funds, draw(st.integers(0, 200)))
            + cents(draw(st.sampled_from([0, 0, 100_00, 2_000_00]))),
            income=share_of(plan.income, draw(st.integers(0, 200))),
        ),
    )


# The pure function --------------------------------------------------------------------------------


@PROPERTIES
@given(cases())
def test_the_final_amount_is_never_negative_nor_above_what_was_granted(case: Case) -> None:
    notice, actual = case.terms, case.actuals
    result = determine_final_amount(notice, actual)
    final = result.final_amount
    assert final >= Money.zero()
    assert final <= notice.amount
    if notice.maximum is not None:
        assert final <= notice.maximum
    # never more than the eligible costs, and those never more than each line's plan plus 20 %, and never
    # more than the plan's total (the plan binds as a total)
    assert final <= result.eligible_costs
    ceilings = {line.code: line.amount * Decimal("1.2") for line in notice.plan.cost_lines}
    within_lines = Money.sum(min(v, ceilings[k]) for k, v in actual.costs.items())
    assert result.eligible_costs == min(within_lines, notice.plan.total_costs)
    assert result.over_plan_total == within_lines - result.eligible_costs
    assert all(actual.costs[k] - ceilings[k] == excess for k, excess in result.capped_lines.items())
    external = actual.third_party_funds + actual.income
    if notice.type is FinancingType.FIXED:
        assert final == min(notice.amount, result.eligible_costs)
    else:
        assert final <= max(result.eligible_costs - external, Money.zero())
    if notice.type is FinancingType.SHARE:
        assert final <= result.eligible_costs * notice.rate
    if notice.type is FinancingType.DEFICIT:
        own = max(actual.own_funds, notice.plan.own_funds)
        assert final == min(notice.amount, max(result.eligible_costs - own - external, Money.zero()))


@PROPERTIES
@given(cases(), st.sampled_from(LINES), st.integers(1, 1_000_00), st.integers(1, 1_000_00))
def test_more_costs_never_lower_and_more_other_funds_never_raise_the_final_amount(
    case: Case, line: tuple[str, str, str], more_cost: int, more_funds: int
) -> None:
    notice, actual = case.terms, case.actuals
    base = determine_final_amount(notice, actual).final_amount
    costlier = RecognisedActuals(
        costs={**actual.costs, line[0]: actual.costs.get(line[0], Money.zero()) + cents(more_cost)},
        own_funds=actual.own_funds,
        third_party_funds=actual.third_party_funds,
        income=actual.income,
    )
    richer = RecognisedActuals(
        costs=actual.costs,
        own_funds=actual.own_funds,
        third_party_funds=actual.third_party_funds + cents(more_funds),
        income=actual.income,
    )
    assert determine_final_amount(notice, costlier).final_amount >= base
    assert determine_final_amount(notice, richer).final_amount <= base


# Whole grants through the office ---------------------------------------------------------------------


@st.composite
def grant_runs(draw: st.DrawFn) -> dict:
    notice = draw(notices())
    amount_cents = int(notice.amount.amount * 100)
    payments, total = [], 0
    if draw(st.booleans()):
        payments = [notice.amount]  # paid in full in advance, the usual case
    else:
        for part in draw(st.lists(st.integers(1, amount_cents), max_size=3)):
            if total + part <= amount_cents:
                payments.append(cents(part))
                total += part
    percent = st.one_of(st.integers(0, 120), st.sampled_from([99, 100, 100, 101]))  # often close to plan
    spent = {line.code: share_of(line.amount, draw(percent)) for line in notice.plan.cost_lines}
    plan = notice.plan
    return {
        "notice": notice,
        "payments": payments,
        "spent": spent,
        "recognised_percent": {code: draw(st.sampled_from([100, 100, 100, 99, 90, 50, 0])) for code in spent},
        "own": share_of(plan.own_funds, draw(st.integers(0, 150))),
        "third_party": share_of(plan.third_party_funds, draw(st.integers(0, 200))),
        "income": share_of(plan.income, draw(st.integers(0, 200))),
    }


@PROPERTIES
@given(grant_runs())
def test_every_grant_balances_paid_against_final_amount_claim_and_what_is_still_owed(run: dict) -> None:
    """paid = final + claim − still to be paid, where the claim is what was raised or (below the
    small-amount threshold) not pursued and still to be paid is max(0, final − paid); after paying
    the rest, settling the claim and closing, the programme keeps exactly the final amount committed."""
    notice: GrantTerms = run["notice"]
    office = build_office(budgets={2026: str(BUDGET.amount)})
    try:
        app = office.app
        notice_kwargs = {"rate": notice.rate} if notice.rate is not None else {}
        if notice.maximum is not None:
            notice_kwargs["maximum"] = notice.maximum
        grant_id = office.approved(notice.financing_type, str(notice.amount.amount), plan=notice.plan, **notice_kwargs)
        for number, payment in enumerate(run["payments"]):
            office.pay(grant_id, str(payment.amount), on=date(2026, 3, 2) + timedelta(days=number))
        office.spend(grant_id, {code: str(value.amount) for code, value in run["spent"].items()})
        office.submit(grant_id, str(run["own"].amount), str(run["third_party"].amount), str(run["income"].amount))
        recognised = {code: share_of(value, run["recognised_percent"][code]) for code, value in run["spent"].items()}
        app.review_proof_of_use(
            grant_id,
            recognised,
            {code: "Beleg fehlt" for code in recognised},
            "geprüft",
            office.second_officer,
            on=date(2026, 11, 20),
        )
        claim_id = office.determine(grant_id)

        grant = app.grant(grant_id)
        determined = last_event(app, grant_id, "FinalAmountDetermined")
        final, paid = grant.final_amount, grant.paid
        threshold = min(notice.rule_set.small_amount_threshold, app.claim_policy.small_claim_limit)  # § 23 (2) KomHVO
        assert paid == Money.sum(run["payments"])
        assert Money.zero() <= final <= notice.amount
        # the recorded inputs reproduce the figure
        redone = determine_final_amount(
            grant.terms,
            RecognisedActuals(
                determined.recognised_costs,
                determined.own_funds,
                determined.third_party_funds,
                determined.income,
            ),
        )
        assert redone.final_amount == final
        raised = app.claim(claim_id).principal if claim_id is not None else Money.zero()
        assert determined.claim_amount == raised
        assert (claim_id is not None) == (paid - final >= threshold and paid > final)
        assert determined.not_pursued < threshold
        claim = determined.claim_amount + determined.not_pursued
        still = max(final - paid, Money.zero())
        assert paid == final + claim - still
        event(
            f"{notice.financing_type}: "
            + (
                "claim raised"
                if claim_id
                else "overpaid, not pursued"
                if claim
                else "still to be paid"
                if still
                else "paid exactly"
            )
        )

        if still:
            office.pay(grant_id, str(still.amount), on=date(2026, 12, 2))
        if claim_id is not None:
            office.repay(
                claim_id, app.claim(claim_id).amount_due(date(2027, 1, 15), app.base_rates()), date(2027, 1, 15)
            )
            assert app.claim(claim_id).status == "settled"
        app.close_grant(grant_id, office.officer, on=date(2027, 1, 20))
        assert app.grant(grant_id).paid == final + claim
        assert (office.committed(), office.available()) == (final, BUDGET - final)
    finally:
        office.app.close()


# Interest -----------------------------------------------------------------------------------------

principals = st.integers(1, 5_000_000_00).map(cents)
arising_days = st.dates(min_value=date(2016, 7, 1), max_value=date(2026, 12, 31))
offsets = st.integers(0, 4 * 366)


def new_claim(principal: Money, arose_on: date) -> Claim:
    return Claim.raise_claim(
        uuid4(),
        uuid4(),
        uuid4(),
        uuid4(),
        principal,
        arose_on,
        "final_amount",
        Decimal("5"),
        Money("50.00"),
        "Schlussfestsetzung",
        Actor.system(),
    )


@PROPERTIES
@given(principals, arising_days)
def test_a_claim_repaid_on_the_day_it_arose_carries_no_interest(principal: Money, arose_on: date) -> None:
    claim = new_claim(principal, arose_on)
    assert claim.interest_due(arose_on, RATES) == Money.zero()
    assert claim.amount_due(arose_on, RATES) == principal
    claim.receive_repayment(principal, arose_on, RATES, Actor.system())
    assert (claim.status, claim.interest_paid) == ("settled", Money.zero())


@PROPERTIES
@given(principals, arising_days, st.lists(offsets, min_size=2, max_size=6))
def test_interest_grows_monotonically_with_the_repayment_date(
    principal: Money, arose_on: date, days: list[int]
) -> None:
    claim = new_claim(principal, arose_on)
    due = [claim.amount_due(arose_on + timedelta(days=d), RATES) for d in sorted(days)]
    assert all(earlier <= later for earlier, later in itertools.pairwise(due))
    # every rate is at least −0,88 % + 5 = 4,12 %, so a year's interest on a euro or more is positive
    if principal >= Money("1.00"):
        assert claim.interest_due(arose_on + timedelta(days=365), RATES) > Money.zero()


@PROPERTIES
@given(principals, arising_days, offsets, offsets)
def test_interest_over_two_stretches_adds_up_to_the_whole_within_a_cent(
    principal: Money, start: date, first: int, second: int
) -> None:
    middle, end = start + timedelta(days=first), start + timedelta(days=first + second)
    whole = interest_for(principal, start, end, RATES, Decimal("5"))
    parts = interest_for(principal, start, middle, RATES, Decimal("5")) + interest_for(
        principal, middle, end, RATES, Decimal("5")
    )
    assert abs((whole - parts).amount) <= CENT


@PROPERTIES
@given(principals, arising_days, st.lists(st.tuples(st.integers(0, 200), st.integers(1, 100)), max_size=4))
def test_repayments_go_to_interest_first_and_every_cent_is_accounted_for(
    principal: Money, arose_on: date, repayments: list[tuple[int, int]]
) -> None:
    """Each repayment pays a share of what is due on its day. Interest is paid first; what comes in,
    plus what was not pursued, plus what is still open equals the principal plus all interest charged."""
    claim = new_claim(principal, arose_on)
    claim.collect_events()
    day = arose_on
    received = charged = not_pursued = Money.zero()
    for gap, percent in repayments:
        if claim.status != "open":
            break
        day += timedelta(days=gap)
        interest = claim.interest_due(day, RATES)
        amount = max(share_of(claim.amount_due(day, RATES), percent), Money("0.01"))
        charged += interest - claim.accrued_unpaid
        claim.receive_repayment(amount, day, RATES, Actor.system())
        received += amount
        events = {type(e).__qualname__.split(".")[-1]: e for e in claim.collect_events()}
        repayment = events["RepaymentReceived"]
        assert repayment.to_interest == min(amount, interest)
        assert repayment.to_interest + repayment.to_principal == amount
        if "InterestNotPursued" in events:
            dropped = events["InterestNotPursued"].amount
            assert Money.zero() < dropped < Money("50.00")
            assert received >= principal  # only once the principal's amount has come in
            not_pursued += dropped
            assert claim.status == "settled"
        left = claim.outstanding + claim.accrued_unpaid
        assert claim.status == ("open" if left else "settled")
        assert not (claim.status == "open" and left < Money("50.00") and received >= principal)
    assert received + not_pursued + claim.outstanding + claim.accrued_unpaid == principal + charged
    event("left-over interest not pursued" if not_pursued else claim.status)
