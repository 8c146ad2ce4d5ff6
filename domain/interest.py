"""Interest on repayment claims: five percentage points above the base rate, per day.

§ 49a (3) VwVfG charges interest on a repayment claim at the rule set's margin (by default 5
percentage points) above the base rate of § 247 BGB. The Bundesbank publishes the base rate for
each half year (1 January, 1 July); a rate stays in force until the next one is published. Interest
is computed day by day across these periods on the outstanding principal, from the day the claim
arose up to (not including) the day of payment, with actual days over a 365-day year, and rounded
half up to the cent only once, at the end of each computation.

The published rates ship as data below; admins record new ones as events in the ``BaseRateTable``
aggregate without a code change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.actors import Actor, Role
from domain.errors import InvalidInputError, InvalidStateError
from domain.money import Money

DAYS_PER_YEAR = Decimal(365)

# Basiszinssatz nach § 247 BGB, as published by the Deutsche Bundesbank (percent per year).
PUBLISHED_BASE_RATES: tuple[tuple[date, Decimal], ...] = (
    (date(2016, 7, 1), Decimal("-0.88")),
    (date(2023, 1, 1), Decimal("1.62")),
    (date(2023, 7, 1), Decimal("3.12")),
    (date(2024, 1, 1), Decimal("3.62")),
    (date(2024, 7, 1), Decimal("3.37")),
    (date(2025, 1, 1), Decimal("2.27")),
    (date(2025, 7, 1), Decimal("1.27")),
    (date(2026, 1, 1), Decimal("1.27")),
)


@dataclass(frozen=True, slots=True)
class InterestPeriod:
    """One stretch of days at one rate: the audit trail of an interest figure."""

    start: date  # first day counted
    end: date  # day after the last day counted
    principal: Money
    rate: Decimal  # percent per year, base rate plus margin
    interest: Decimal  # unrounded

    @property
    def days(self) -> int:
        return (self.end - self.start).days


def interest_periods(
    principal: Money, start: date, end: date, base_rates: list[tuple[date, Decimal]], margin: Decimal
) -> list[InterestPeriod]:
    """Splits [start, end) at every base-rate change and computes each stretch's interest."""
    if end <= start or principal.amount <= 0:
        return []
    rates = sorted(base_rates)
    if not rates or rates[0][0] > start:
        raise InvalidInputError(f"Für den {start:%d.%m.%Y} ist kein Basiszinssatz hinterlegt.", field="base_rates")
    periods = []
    for index, (valid_from, base) in enumerate(rates):
        valid_until = rates[index + 1][0] if index + 1 < len(rates) else date.max
        lo, hi = max(start, valid_from), min(end, valid_until)
        if lo >= hi:
            continue
        rate = base + margin
        amount = principal.amount * rate / 100 * Decimal((hi - lo).days) / DAYS_PER_YEAR
        periods.append(InterestPeriod(lo, hi, principal, rate, max(amount, Decimal(0))))
    return periods


def interest_for(
    principal: Money, start: date, end: date, base_rates: list[tuple[date, Decimal]], margin: Decimal
) -> Money:
    return Money.rounded(
        sum((p.interest for p in interest_periods(principal, start, end, base_rates, margin)), Decimal(0))
    )


BASE_RATE_TABLE_ID = uuid5(NAMESPACE_URL, "/foerderbuch/base-rates")


class BaseRateTable(Aggregate):
    """The dated table of base rates (Basiszinssatz) that interest is computed from."""

    @staticmethod
    def create_id() -> UUID:
        return BASE_RATE_TABLE_ID

    @event("Created")
    def __init__(self, rates: list[list[object]], actor_id: UUID, actor_role: str) -> None:
        self.rates: list[list[object]] = [list(r) for r in rates]  # [[date, Decimal], …]

    @classmethod
    def with_published_rates(cls, actor: Actor) -> BaseRateTable:
        return cls(rates=[[d, r] for d, r in PUBLISHED_BASE_RATES], **actor.stamp)

    def as_list(self) -> list[tuple[date, Decimal]]:
        return sorted((d, r) for d, r in self.rates)  # type: ignore[misc]

    def publish(self, valid_from: date, rate: Decimal, actor: Actor) -> None:
        """Records a newly published base rate; it applies from ``valid_from`` until the next one."""
        actor.require(Role.ADMIN, Role.FINANCE, doing="Basiszinssatz erfassen")
        if isinstance(rate, (float, bool)) or not isinstance(rate, Decimal):
            raise InvalidInputError("Der Basiszinssatz ist als Dezimalzahl anzugeben.", field="rate")
        if not Decimal("-10") <= rate <= Decimal("20"):
            raise InvalidInputError("Ein Basiszinssatz außerhalb von −10 % bis 20 % ist unplausibel.", field="rate")
        if valid_from.day != 1 or valid_from.month not in (1, 7):
            raise InvalidInputError("Der Basiszinssatz ändert sich zum 1. Januar und 1. Juli.", field="valid_from")
        if any(d == valid_from for d, _ in self.as_list()):
            raise InvalidStateError(
                f"Für den {valid_from:%d.%m.%Y} ist bereits ein Satz hinterlegt.", field="valid_from"
            )
        self._published(valid_from=valid_from, rate=rate, **actor.stamp)

    @event("RatePublished")
    def _published(self, valid_from: date, rate: Decimal, actor_id: UUID, actor_role: str) -> None:
        self.rates.append([valid_from, rate])
