"""Idle money (§ 49a (4) VwVfG NRW): interest on grant money paid out and not used promptly.

A payment request covers only what is needed within the drawdown horizon of the rule set (two months
under the NRW Nebenbestimmungen, six weeks under the federal ANBest-P). Money paid out and not used
within that horizon bears interest at the § 49a (3) rate from the payout until it is used; so does
money drawn while other funds should have been used first (a deficit grant is drawn only after own and
third-party funds).

How it is computed: the payouts (value date, amount net of bounced transfers) are matched against the
grant's share of the receipts in the order of their dates, first in first out. A part of a payout used
within the horizon bears nothing; a part used later, or not used by the day of the computation, bears
interest from the payout (or from the last decision on idle interest, whichever is later) to the day
of use. The grant's share of a receipt is the notice's rate for a share grant, everything after the
other funds for a deficit grant, and the grant's part of the planned costs otherwise. The interest is
rounded once, at the end. An officer decides whether and how much to charge (it is discretionary).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from domain.dates import add_duration
from domain.interest import InterestPeriod, InterestTable, Schedule, interest_periods
from domain.money import Money


@dataclass(frozen=True)
class IdleStretch:
    """A part of one payout that lay idle beyond the horizon: from its value date until ``used_on``."""

    paid_on: date  # the payout's value date
    amount: Money
    used_on: date | None  # None: not used by the day of the computation
    horizon_end: date  # the last day it could lie without interest
    interest_from: date
    interest_until: date
    periods: tuple[InterestPeriod, ...]

    @property
    def interest(self) -> Decimal:
        return sum((p.interest for p in self.periods), Decimal(0))

    def as_record(self) -> dict[str, Any]:
        return {
            "paid_on": self.paid_on,
            "amount": self.amount,
            "used_on": self.used_on,
            "interest_from": self.interest_from,
            "interest_until": self.interest_until,
            "interest": Money.rounded(self.interest),
        }


@dataclass(frozen=True)
class IdleInterest:
    """The proposal: every idle stretch and the interest they bear together, as of ``on``."""

    on: date
    horizon: str
    stretches: tuple[IdleStretch, ...]

    @property
    def interest(self) -> Money:
        return Money.rounded(sum((s.interest for s in self.stretches), Decimal(0)))

    @property
    def provisional(self) -> bool:
        return any(p.provisional for s in self.stretches for p in s.periods)


@dataclass
class _Use:
    day: date
    left: Money


def grant_share_of_receipts(
    receipts: Iterable[tuple[date, Money]],
    financing_type: str,
    rate: Decimal | None,
    grant: Money,
    other: Money,
    total_costs: Money,
) -> list[tuple[date, Money]]:
    """The part of each receipt (date, euro) the grant pays, in date order (see the module docstring)."""
    shares: list[tuple[date, Money]] = []
    others_left = other
    for paid_on, euro in sorted(receipts, key=lambda r: r[0]):
        if financing_type == "share" and rate is not None:
            part = euro * rate
        elif financing_type == "deficit":
            by_others = min(euro, others_left)
            others_left = others_left - by_others
            part = euro - by_others
        else:
            part = euro * (grant.amount / total_costs.amount) if total_costs.amount else euro
        if part:
            shares.append((paid_on, part))
    return shares


def idle_interest(
    payouts: Iterable[tuple[date, Money]],
    uses: Iterable[tuple[date, Money]],
    horizon: str,
    on: date,
    rates: InterestTable,
    margin: Decimal | Schedule,
    decided_until: date | None = None,
) -> IdleInterest:
    """Matches ``uses`` against ``payouts`` first in first out; see the module docstring."""
    pending = [_Use(day, amount) for day, amount in sorted(uses, key=lambda u: u[0]) if day <= on]
    stretches: list[IdleStretch] = []
    for paid_on, amount in sorted(payouts, key=lambda p: p[0]):
        if paid_on > on:
            continue
        horizon_end = add_duration(paid_on, horizon)
        left = amount
        while left:
            if pending:
                use = pending[0]
                taken = min(left, use.left)
                use.left = use.left - taken
                if not use.left:
                    pending.pop(0)
                used_on: date | None = max(use.day, paid_on)
            else:
                taken, used_on = left, None
            left = left - taken
            until = used_on or on
            if until > horizon_end:
                start = max(paid_on, decided_until) if decided_until else paid_on
                periods = tuple(interest_periods(taken, start, until, rates, margin))
                stretches.append(IdleStretch(paid_on, taken, used_on, horizon_end, start, until, periods))
    return IdleInterest(on, horizon, tuple(s for s in stretches if s.periods))
