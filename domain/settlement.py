"""The final amount (Schlussfestsetzung): what the grant finally is, by financing type.

A pure function from the notice's terms and the recognised actuals to the final grant, following
ANBest-P No. 2 and VV zu § 44 LHO No. 2.2–2.3 (see the reference, section 3):

* share (Anteil): the rate times the recognised eligible costs, less the rate's share of any
  third-party funds and income beyond the plan (over-financing reduces the grant pro rata), capped at
  the maximum;
* deficit (Fehlbedarf): the recognised costs less own funds (at least as planned: the own share must
  be provided in full), third-party funds and income, capped at the maximum;
* fixed amount (Festbetrag): unchanged unless the recognised costs fall below it;
* full financing (Voll): the recognised costs less third-party funds and income, capped.

A budget line counts at most up to its plan plus the rule set's tolerance (20 %); the excess is not
eligible. No type goes below zero or above the amount granted, and none but the fixed amount ever
finances more than the costs left after other funds.
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


@dataclass(frozen=True, slots=True)
class FinalDetermination:
    final_amount: Money
    eligible_costs: Money
    capped_lines: dict[str, Money] = field(default_factory=dict)  # line -> amount above tolerance, not eligible
    explanation: str = ""


def eligible_costs(terms: GrantTerms, actuals: RecognisedActuals) -> tuple[Money, dict[str, Money]]:
    """Sums the recognised costs, each line capped at its plan plus the tolerance."""
    tolerance = terms.rule_set.line_tolerance
    total, capped = Money.zero(), {}
    for line in terms.plan.cost_lines:
        recognised = actuals.costs.get(line.code, Money.zero())
        ceiling = line.amount * (1 + tolerance)
        if recognised > ceiling:
            capped[line.code] = recognised - ceiling
            recognised = ceiling
        total = total + recognised
    return total, capped


def determine_final_amount(terms: GrantTerms, actuals: RecognisedActuals) -> FinalDetermination:
    costs, capped = eligible_costs(terms, actuals)
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
    return FinalDetermination(
        final_amount=final,
        eligible_costs=costs,
        capped_lines=capped,
        explanation=f"{kind.german}: {why}; höchstens {cap.de()} → {final.de()}",
    )


def _at_least_zero(amount: Money) -> Money:
    return amount if amount.amount > 0 else Money.zero()
