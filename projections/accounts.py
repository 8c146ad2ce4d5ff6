"""The chart of accounts of the journal, and the few rules every read model agrees on.

Every euro of a programme's budget sits on exactly one account at any time, and an event moves it
from one account to another: a budget appears on *Verfügbare Mittel* against the *Haushaltsansatz*,
an approval moves it to *Gebundene Mittel*, a payment request to *Abgerufen*, a release to
*Angewiesen*, a booking to *Ausgezahlt*. Every event's entries therefore sum to zero, and so does
every fiscal year (the trial balance). The balances people ask for are sums of accounts:

* budget = − Haushaltsansatz, available = Verfügbare Mittel,
* committed (everything ever bound, paid or not) = budget − available,
* requested (asked for, not yet paid) = Abgerufen + Angewiesen, paid = Ausgezahlt, …

Signs: a debit is positive, a credit negative, in integer cents.

Which fiscal year an entry belongs to: budgets and commitments name their year; a payment belongs to
the year of its request until it is booked, and the booking puts it into the year of its value date
(a request from December paid in January leaves the old year's commitment and is charged to the new
one); a project expenditure belongs to the year it was paid in.

Which business date an entry carries: the event's own date (value date, payment date, decision
date); for events without one, the day it was recorded (Europe/Berlin), except that a year's budget
counts from 1 January of that year when it was set up later.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")

APPROPRIATION = "appropriation"
BUDGET_AVAILABLE = "budget_available"
COMMITTED = "committed"
REQUESTED = "requested"
PAYABLE = "payable"
PAID = "paid"
RECOGNISED = "recognised"
RECEIVABLE = "receivable"
REPAID = "repaid"
WRITTEN_OFF = "written_off"
INTEREST_RECEIVABLE = "interest_receivable"
INTEREST_INCOME = "interest_income"

CHART: dict[str, str] = {
    APPROPRIATION: "Haushaltsansatz",
    BUDGET_AVAILABLE: "Verfügbare Mittel",
    COMMITTED: "Gebundene Mittel, nicht abgerufen",
    REQUESTED: "Abgerufen, nicht angewiesen",
    PAYABLE: "Angewiesen, nicht gebucht",
    PAID: "Ausgezahlt",
    RECOGNISED: "Verwendung anerkannt",
    RECEIVABLE: "Rückforderung offen",
    REPAID: "Zurückgezahlt",
    WRITTEN_OFF: "Niedergeschlagen oder erlassen",
    INTEREST_RECEIVABLE: "Zinsforderung offen",
    INTEREST_INCOME: "Zinsertrag",
}
"""The accounts, in the order statements list them, with the names people read."""


def measures(sums: Mapping[str, int]) -> dict[str, int]:
    """The balances people ask for, in cents, from the sums of the accounts."""

    def of(*accounts: str) -> int:
        return sum(int(sums.get(account, 0)) for account in accounts)

    budget = -of(APPROPRIATION)
    available = of(BUDGET_AVAILABLE)
    return {
        "budget": budget,
        "available": available,
        "committed": budget - available,
        "open_commitment": of(COMMITTED),
        "requested": of(REQUESTED, PAYABLE),
        "payable": of(PAYABLE),
        "paid": of(PAID),
        "recognised": of(RECOGNISED),
        "claimed": of(RECEIVABLE),
        "repaid": of(REPAID),
        "written_off": of(WRITTEN_OFF),
        "interest": of(INTEREST_RECEIVABLE),
    }


def recorded_on(event: Any) -> date:
    """The day an event was recorded, in Dortmund."""
    return event.timestamp.astimezone(BERLIN).date()  # type: ignore[no-any-return]


def business_date(event: Any) -> date:
    """The business date of an event: its value date, payment date or decision date, else its recording day."""
    for name in ("value_date", "paid_on", "on"):
        value = getattr(event, name, None)
        if isinstance(value, date):
            return value
    return recorded_on(event)


def budget_date(event: Any, fiscal_year: int) -> date:
    """A budget counts from 1 January of its year, or from the day it was set up if that was earlier."""
    return min(recorded_on(event), date(fiscal_year, 1, 1))


K = TypeVar("K")


def charge_draws(amount: int, draws: Sequence[tuple[K, int]]) -> list[tuple[K, int]]:
    """Charges a project expenditure (cents) to the project's budget draws of its fiscal year.

    ``draws`` are (programme, remaining cents) in the order they were drawn; the oldest draw is used
    up first. The domain keeps a year's spending within its draws; should the draws not cover it, the
    last draw takes the rest, so every cent is charged somewhere.
    """
    charges: list[tuple[K, int]] = []
    rest = amount
    for key, remaining in draws:
        take = min(rest, max(remaining, 0))
        if take:
            charges.append((key, take))
            rest -= take
        if not rest:
            break
    if rest and draws:
        key = draws[-1][0]
        merged = dict(charges)
        merged[key] = merged.get(key, 0) + rest
        charges = list(merged.items())
    return charges
