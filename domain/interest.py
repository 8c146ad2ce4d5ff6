"""Interest on repayment claims: a margin over the base rate that follows the notice's legal basis, per day.

§ 49a (3) of the administrative procedure act charges interest on a repayment claim at a margin above
the base rate of § 247 BGB. Which act applies depends on who issued the notice: the city's own notices
fall under the **VwVfG NRW, 3 percentage points** (text in force 2025); the federal VwVfG's **5 points**
apply only to notices of federal authorities (e.g. a federal funder's notice to the city). A grant the
city passes on with federal money is still the city's notice. Each rule set names its legal basis
(``LEGAL_BASES``), and the margin follows from it; should a legislature change a margin, an admin
records the new margin from its date and days from then on are charged at it.

The Bundesbank publishes the base rate for each half year (1 January, 1 July); a rate stays in force
until the next one is published. Interest is computed day by day across base-rate and margin periods
on the outstanding principal, from the day the claim arose up to (not including) the day of payment,
with actual days over a 365-day year, and rounded half up to the cent only once, at the end of each
computation. Days of a half year for which no rate has been recorded yet are computed with the last
known rate and marked **provisional** (``InterestPeriod.provisional``).

The published rates ship as data below, up to the last value confirmed; admins record new ones (with
their source) as events in the ``BaseRateTable`` aggregate without a code change.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import pairwise
from typing import Any, ClassVar
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.actors import Actor, Role
from domain.errors import InvalidInputError, InvalidStateError
from domain.messages import N_, message
from domain.money import Money
from domain.text import require_reason, require_text

DAYS_PER_YEAR = Decimal(365)
EARLIEST = date(2000, 1, 1)

# Basiszinssatz nach § 247 BGB, as published by the Deutsche Bundesbank (percent per year), up to the
# last value confirmed: 1,27 % from 1 January 2026.
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
PUBLISHED_SOURCE = "Deutsche Bundesbank, Basiszinssatz nach § 247 BGB (mit Förderbuch ausgeliefert)"

VWVFG_NRW = "VwVfG NRW"
VWVFG_BUND = "VwVfG (Bund)"
# The legal basis of a notice -> its margin in percentage points above the base rate, from a date on.
LEGAL_BASES: dict[str, tuple[tuple[date, Decimal], ...]] = {
    VWVFG_NRW: ((EARLIEST, Decimal("3")),),  # § 49a (3) VwVfG NRW: the city's own notices
    VWVFG_BUND: ((EARLIEST, Decimal("5")),),  # § 49a (3) VwVfG: notices of federal authorities
}
LEGAL_BASIS_GERMAN = {
    VWVFG_NRW: N_("§ 49a Abs. 3 VwVfG NRW (Bescheide der Stadt)"),
    VWVFG_BUND: N_("§ 49a Abs. 3 VwVfG des Bundes (Bescheide von Bundesbehörden)"),
}


def check_legal_basis(value: Any) -> str:
    if value not in LEGAL_BASES:
        raise InvalidInputError(
            message(
                "Unbekannte Rechtsgrundlage »{value}« (möglich: {choices}).",
                value=value,
                choices=", ".join(LEGAL_BASES),
            ),
            field="legal_basis",
        )
    return str(value)


def half_year_start(day: date) -> date:
    """1 January or 1 July: the start of the half year ``day`` falls in."""
    return date(day.year, 1 if day.month < 7 else 7, 1)


def next_half_year(day: date) -> date:
    start = half_year_start(day)
    return date(start.year, 7, 1) if start.month == 1 else date(start.year + 1, 1, 1)


Schedule = Sequence[tuple[date, Decimal]]


@dataclass(frozen=True, slots=True)
class InterestTable:
    """What interest is computed from: the base rates and each legal basis's margins, both dated.

    ``provisional_from`` is the first day of the first half year without a recorded rate: days from
    then on are computed with the last rate known, and marked provisional.
    """

    base_rates: tuple[tuple[date, Decimal], ...]
    margins: Mapping[str, tuple[tuple[date, Decimal], ...]] = field(default_factory=lambda: dict(LEGAL_BASES))

    @classmethod
    def of(cls, rates: InterestTable | Iterable[tuple[date, Decimal]]) -> InterestTable:
        """A table from a table, or from a plain list of base rates (with the shipped margins)."""
        if isinstance(rates, InterestTable):
            return rates
        return cls(tuple(sorted(rates)))

    @property
    def provisional_from(self) -> date:
        return next_half_year(self.base_rates[-1][0]) if self.base_rates else EARLIEST

    def margin_schedule(self, legal_basis: str) -> tuple[tuple[date, Decimal], ...]:
        return tuple(sorted(self.margins.get(legal_basis) or LEGAL_BASES[check_legal_basis(legal_basis)]))

    def margin_on(self, legal_basis: str, day: date) -> Decimal:
        return _in_force(self.margin_schedule(legal_basis), day)

    def missing_half_year(self, today: date) -> date | None:
        """The start of the current half year if it has no recorded rate yet, else None."""
        return half_year_start(today) if today >= self.provisional_from else None


def _in_force(schedule: Schedule, day: date) -> Decimal:
    value = None
    for valid_from, number in sorted(schedule):
        if valid_from <= day:
            value = number
    if value is None:
        raise InvalidInputError(message("Für den {day} ist kein Zinsaufschlag hinterlegt.", day=day), field="margin")
    return value


@dataclass(frozen=True, slots=True)
class InterestPeriod:
    """One stretch of days at one rate: the audit trail of an interest figure."""

    start: date  # first day counted
    end: date  # day after the last day counted
    principal: Money
    rate: Decimal  # percent per year, base rate plus margin
    interest: Decimal  # unrounded
    provisional: bool = False  # computed with the last known base rate: this half year has none yet

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    def as_record(self) -> dict[str, Any]:
        """How a period is written into an event (``provisional`` only where it is true, as before)."""
        record = {
            "start": self.start,
            "end": self.end,
            "principal": self.principal,
            "rate": self.rate,
            "interest": self.interest,
        }
        if self.provisional:
            record["provisional"] = True
        return record


def interest_periods(
    principal: Money,
    start: date,
    end: date,
    base_rates: InterestTable | Iterable[tuple[date, Decimal]],
    margin: Decimal | Schedule,
) -> list[InterestPeriod]:
    """Splits [start, end) at every change of base rate, margin or provisional status; one period each.

    ``margin`` is a fixed number of percentage points or a schedule of (from, points).
    """
    if end <= start or principal.amount <= 0:
        return []
    table = InterestTable.of(base_rates)
    rates = list(table.base_rates)
    if not rates or rates[0][0] > start:
        raise InvalidInputError(
            message("Für den {start} ist kein Basiszinssatz hinterlegt.", start=start), field="base_rates"
        )
    margins: list[tuple[date, Decimal]] = [(EARLIEST, margin)] if isinstance(margin, Decimal) else sorted(margin)
    provisional_from = table.provisional_from
    cuts = sorted({start, end, provisional_from, *(d for d, _ in rates), *(d for d, _ in margins)})
    cuts = [d for d in cuts if start <= d <= end]
    periods = []
    for lo, hi in pairwise(cuts):
        rate = _in_force(rates, lo) + _in_force(margins, lo)
        amount = principal.amount * rate / 100 * Decimal((hi - lo).days) / DAYS_PER_YEAR
        periods.append(InterestPeriod(lo, hi, principal, rate, max(amount, Decimal(0)), lo >= provisional_from))
    return periods


def interest_for(
    principal: Money,
    start: date,
    end: date,
    base_rates: InterestTable | Iterable[tuple[date, Decimal]],
    margin: Decimal | Schedule,
) -> Money:
    return Money.rounded(
        sum((p.interest for p in interest_periods(principal, start, end, base_rates, margin)), Decimal(0))
    )


BASE_RATE_TABLE_ID = uuid5(NAMESPACE_URL, "/foerderbuch/base-rates")


def _check_rate(rate: Any) -> Decimal:
    if isinstance(rate, (float, bool)) or not isinstance(rate, Decimal) or not rate.is_finite():
        raise InvalidInputError(message("Der Basiszinssatz ist als Dezimalzahl anzugeben."), field="rate")
    if not Decimal("-10") <= rate <= Decimal("20"):
        raise InvalidInputError(
            message("Ein Basiszinssatz außerhalb von −10 % bis 20 % ist unplausibel."), field="rate"
        )
    if -rate.as_tuple().exponent > 4:  # type: ignore[operator]
        raise InvalidInputError(message("Der Basiszinssatz hat höchstens vier Nachkommastellen."), field="rate")
    return rate


class BaseRateTable(Aggregate):
    """The dated table of base rates (Basiszinssatz) and of the margins each legal basis charges."""

    # Class defaults, so tables recorded before sources and margins were kept still load.
    # (ClassVar keeps them out of the aggregate's dataclass fields; each instance shadows them on its first change.)
    sources: ClassVar[dict[str, str]] = {}  # replaced per instance, never mutated in place
    margins: ClassVar[dict[str, list[list[object]]]] = {}

    @staticmethod
    def create_id() -> UUID:
        return BASE_RATE_TABLE_ID

    class Created(Aggregate.Created):
        rates: list[list[object]]
        actor_id: UUID
        actor_role: str

    @event(Created)
    def __init__(self, rates: list[list[object]], actor_id: UUID, actor_role: str) -> None:
        self.rates: list[list[object]] = [list(r) for r in rates]  # [[date, Decimal], …]

    @classmethod
    def with_published_rates(cls, actor: Actor) -> BaseRateTable:
        return cls(rates=[[d, r] for d, r in PUBLISHED_BASE_RATES], **actor.stamp)

    def as_list(self) -> list[tuple[date, Decimal]]:
        return sorted((d, r) for d, r in self.rates)  # type: ignore[misc]

    def source_of(self, valid_from: date) -> str:
        return self.sources.get(valid_from.isoformat(), PUBLISHED_SOURCE)

    def table(self) -> InterestTable:
        margins = {basis: tuple(schedule) for basis, schedule in LEGAL_BASES.items()}
        for basis, recorded in self.margins.items():
            merged = dict(margins.get(basis, ()))
            merged.update({d: m for d, m in recorded})  # type: ignore[misc]
            margins[basis] = tuple(sorted(merged.items()))
        return InterestTable(tuple(self.as_list()), margins)

    def publish(self, valid_from: date, rate: Decimal, actor: Actor, source: str = "") -> None:
        """Records a newly published base rate; it applies from ``valid_from`` until the next one."""
        actor.require(Role.ADMIN, Role.FINANCE, doing=N_("Basiszinssatz erfassen"))
        rate = _check_rate(rate)
        if not isinstance(valid_from, date) or valid_from.day != 1 or valid_from.month not in (1, 7):
            raise InvalidInputError(
                message("Der Basiszinssatz ändert sich zum 1. Januar und 1. Juli."), field="valid_from"
            )
        if any(d == valid_from for d, _ in self.as_list()):
            raise InvalidStateError(
                message("Für den {valid_from} ist bereits ein Satz hinterlegt.", valid_from=valid_from),
                field="valid_from",
            )
        source = require_text(source, "source", N_("Die Quelle (z. B. Bekanntmachung der Bundesbank)"), 300)
        self._published(valid_from=valid_from, rate=rate, **actor.stamp, source=source)

    class RatePublished(Aggregate.Event):
        valid_from: date
        rate: Decimal
        actor_id: UUID
        actor_role: str
        source: str | None = None

    @event(RatePublished)
    def _published(
        self, valid_from: date, rate: Decimal, actor_id: UUID, actor_role: str, source: str | None = None
    ) -> None:
        self.rates.append([valid_from, rate])
        if source:
            self.sources = {**self.sources, valid_from.isoformat(): source}  # type: ignore[misc]

    def correct(self, valid_from: date, rate: Decimal, source: str, reason: str, actor: Actor) -> None:
        """A wrongly recorded rate is corrected by a further event that says why; nothing is edited."""
        actor.require(Role.ADMIN, Role.FINANCE, doing=N_("Basiszinssatz berichtigen"))
        rate = _check_rate(rate)
        previous = dict(self.as_list()).get(valid_from)
        if previous is None:
            raise InvalidStateError(
                message("Für den {valid_from} ist kein Satz hinterlegt.", valid_from=valid_from), field="valid_from"
            )
        if previous == rate:
            raise InvalidInputError(message("Der berichtigte Satz ist derselbe wie bisher."), field="rate")
        self._corrected(
            valid_from=valid_from,
            rate=rate,
            previous=previous,
            source=require_text(source, "source", N_("Die Quelle"), 300),
            reason=require_reason(reason),
            **actor.stamp,
        )

    class RateCorrected(Aggregate.Event):
        valid_from: date
        rate: Decimal
        previous: Decimal
        source: str
        reason: str
        actor_id: UUID
        actor_role: str

    @event(RateCorrected)
    def _corrected(
        self,
        valid_from: date,
        rate: Decimal,
        previous: Decimal,
        source: str,
        reason: str,
        actor_id: UUID,
        actor_role: str,
    ) -> None:
        self.rates = [[d, rate if d == valid_from else r] for d, r in self.rates]
        self.sources = {**self.sources, valid_from.isoformat(): source}  # type: ignore[misc]

    def record_margin(self, legal_basis: str, valid_from: date, points: Decimal, source: str, actor: Actor) -> None:
        """A legislature changed a margin: from ``valid_from`` on, claims under that basis run at ``points``."""
        actor.require(Role.ADMIN, doing=N_("Zinsaufschlag erfassen"))
        check_legal_basis(legal_basis)
        if isinstance(points, (float, bool)) or not isinstance(points, Decimal) or not Decimal(0) <= points <= 20:
            raise InvalidInputError(
                message("Der Zinsaufschlag liegt zwischen 0 und 20 Prozentpunkten."), field="points"
            )
        if self.table().margin_on(legal_basis, valid_from) == points:
            raise InvalidInputError(
                message(
                    "Nach {legal_basis} gelten am {valid_from} bereits {points} Prozentpunkte.",
                    legal_basis=legal_basis,
                    valid_from=valid_from,
                    points=points,
                ),
                field="points",
            )
        self._margin_recorded(
            legal_basis=legal_basis,
            valid_from=valid_from,
            points=points,
            source=require_text(source, "source", N_("Die Quelle (Gesetzblatt)"), 300),
            **actor.stamp,
        )

    class MarginRecorded(Aggregate.Event):
        legal_basis: str
        valid_from: date
        points: Decimal
        source: str
        actor_id: UUID
        actor_role: str

    @event(MarginRecorded)
    def _margin_recorded(
        self, legal_basis: str, valid_from: date, points: Decimal, source: str, actor_id: UUID, actor_role: str
    ) -> None:
        schedule = [entry for entry in self.margins.get(legal_basis, []) if entry[0] != valid_from]
        self.margins = {**self.margins, legal_basis: [*schedule, [valid_from, points]]}  # type: ignore[misc]
