"""The final amount (Schlussfestsetzung): what the grant finally is, by financing type.

A pure function from the notice's terms and the recognised actuals to the final grant, following
ANBest-P No. 2 and VV zu § 44 LHO No. 2.2–2.3 (see the reference, section 3):

* share (Anteil): the rate times the recognised eligible costs, less the rate's share of any
  third-party funds and income beyond the plan (over-financing reduces the grant pro rata), capped at
  the maximum;
* deficit (Fehlbedarf): the recognised costs less own funds (at least as planned: the own share must
  be provided in full), third-party funds and income, capped at the maximum;
* fixed amount (Festbetrag): unchanged unless the recognised costs fall below it; a fixed amount per
  unit (450 € per trainee) falls to the units delivered times the rate (never above the units granted);
* full financing (Voll): the recognised costs less third-party funds and income, capped.

The financing plan binds **as a total** (Nr. 1.2 ANBest-P): a budget line may exceed its plan by up
to the rule set's tolerance (20 %) only as far as other lines are lower by as much. So each line counts
at most up to its plan plus the tolerance (``capped_lines``: the excess is not eligible), and the sum
never exceeds the plan's total costs (``over_plan_total``: the overrun no saving elsewhere offsets),
unless an amending notice raised the plan. Cost overruns therefore cannot absorb extra third-party
funds or income, and the grant falls as Nr. 2.1 requires. No type goes below zero or above the amount
granted, and none but the fixed amount ever finances more than the costs left after other funds.
The inputs and the result are recorded together, so an auditor can redo the computation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from domain.money import Money
from domain.plan import FinancingType
from domain.terms import GrantTerms


@dataclass(frozen=True, slots=True)
class RecognisedActuals:
    """What the proof-of-use review recognised: costs per budget line and the actual other funds."""

    costs: dict[str, Money]  # budget line code -> recognised eligible cost
    own_funds: Money
    third_party_funds: Money
    income: Money
    units: int | None = None  # units delivered, for a fixed amount per unit


@dataclass(frozen=True, slots=True)
class FinalDetermination:
    final_amount: Money
    eligible_costs: Money
    capped_lines: dict[str, Money] = field(default_factory=dict)  # line -> amount above tolerance, not eligible
    explanation: str = ""
    over_plan_total: Money = field(default_factory=Money.zero)  # overrun beyond the plan's total, not eligible
    unit_shortfall: Money = field(default_factory=Money.zero)  # units granted but not delivered, times the rate


def eligible_costs(terms: GrantTerms, actuals: RecognisedActuals) -> tuple[Money, dict[str, Money], Money]:
    """Sums the recognised costs, each line capped at its plan plus the tolerance, the sum at the plan's total.

    Returns the eligible costs, the excess per line above its tolerance, and the overrun above the total.
    """
    tolerance = terms.rule_set.line_tolerance
    total, capped = Money.zero(), {}
    for line in terms.plan.cost_lines:
        recognised = actuals.costs.get(line.code, Money.zero())
        ceiling = line.amount * (1 + tolerance)
        if recognised > ceiling:
            capped[line.code] = recognised - ceiling
            recognised = ceiling
        total = total + recognised
    plan_total = terms.plan.total_costs
    over_total = total - plan_total if total > plan_total else Money.zero()
    return min(total, plan_total), capped, over_total


def determine_final_amount(terms: GrantTerms, actuals: RecognisedActuals) -> FinalDetermination:
    costs, capped, over_total = eligible_costs(terms, actuals)
    plan = terms.plan
    external = actuals.third_party_funds + actuals.income
    room = _at_least_zero(costs - external)  # never finance more than the costs left after other funds
    kind = terms.type
    if kind is FinancingType.SHARE:
        rate = terms.rate or Decimal(0)
        extra = _at_least_zero(external - (plan.third_party_funds + plan.income))
        amount = _at_least_zero(costs - extra) * rate
        why = f"{rate * 100}% von ({costs.de()} − Mehreinnahmen {extra.de()})"
    elif kind is FinancingType.DEFICIT:
        own = max(actuals.own_funds, plan.own_funds)
        amount = _at_least_zero(costs - own - external)
        why = f"{costs.de()} − Eigenmittel {own.de()} − Drittmittel und Einnahmen {external.de()}"
    elif kind is FinancingType.FIXED and terms.per_unit:
        assert terms.unit_rate is not None and terms.units is not None
        delivered = min(actuals.units if actuals.units is not None else terms.units, terms.units)
        amount = terms.unit_rate * delivered
        why = f"Festbetrag je Einheit: {terms.units_german(delivered)} = {amount.de()}"
    elif kind is FinancingType.FIXED:
        amount = terms.amount
        why = f"Festbetrag {terms.amount.de()}"
    else:
        amount = room
        why = f"{costs.de()} − Drittmittel und Einnahmen {external.de()}"
    # never above the amount granted (and committed), even where a notice sets a higher maximum
    cap = min(terms.maximum, terms.amount) if terms.maximum is not None else terms.amount
    # a fixed amount stays unless the costs fall below it, whatever other funds came in (reference § 3)
    final = min(amount, cap, costs) if kind is FinancingType.FIXED else min(amount, cap, room, costs)
    bound = f" (Plansumme bindet, {over_total.de()} darüber nicht zuwendungsfähig)" if over_total else ""
    return FinalDetermination(
        final_amount=final,
        eligible_costs=costs,
        capped_lines=capped,
        explanation=f"{kind.german}: {why}{bound}; höchstens {cap.de()} → {final.de()}",
        over_plan_total=over_total,
        unit_shortfall=terms.amount - amount if terms.per_unit and amount < terms.amount else Money.zero(),
    )


def _at_least_zero(amount: Money) -> Money:
    return amount if amount.amount > 0 else Money.zero()
