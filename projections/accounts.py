"""The chart of accounts of the journal, and the few rules every read model agrees on.

Every euro of a programme's budget sits on exactly one account at any time, and an event moves it
from one account to another: a budget appears on *Verfügbare Mittel* against the *Haushaltsansatz*,
an approval moves it to *Gebundene Mittel*, a payment request to *Abgerufen*, a release to
*Angewiesen*, a booking to *Ausgezahlt*. The final amount (Schlussfestsetzung) moves what was paid
on to *Verwendung anerkannt*, a claim moves the overpayment to *Rückforderung offen*, and a repayment
or a relief (or a small rest left unpursued) moves it on to *Zurückgezahlt* or *Erlassen oder
niedergeschlagen*; an overpayment too small to claim goes to *Bagatelle*. Interest is booked when it
is paid, as *Zinsen eingegangen* against *Zinsertrag* (interest accrued but unpaid depends on the day
you ask and the base rates: ``Claim.interest_due``). Every event's entries therefore sum to zero, and
so does every fiscal year (the trial balance). The balances people ask for are sums of accounts:

* budget = − Haushaltsansatz, available = Verfügbare Mittel,
* committed (everything ever bound, paid or not) = budget − available,
* requested (asked for, not yet paid) = Abgerufen + Angewiesen,
* paid (paid out, net of returns, whatever happened to it since) = Ausgezahlt + Verwendung anerkannt +
  Rückforderung offen + Zurückgezahlt + Niedergeschlagen + Bagatelle,
* claimed (claims raised) = Rückforderung offen + Zurückgezahlt + Niedergeschlagen, …

Signs: a debit is positive, a credit negative, in integer cents.

Which fiscal year an entry belongs to: budgets and commitments name their year; a payment belongs to
the year of its request until it is booked, and the booking puts it into the year of its value date
(a request from December paid in January leaves the old year's commitment and is charged to the new
one); a project expenditure belongs to the year it was paid in; a final amount, a claim, a repayment
or a relief to the year of its own date. A claim settled in a later year than it arose therefore
leaves a negative *Rückforderung offen* in that later year; the sum over the years is what is open.

Which business date an entry carries: the event's own date (value date, payment date, decision
date, the day a claim arose); for events without one, the day it was recorded (Europe/Berlin), except
that a year's budget counts from 1 January of that year when it was set up later, and that a
commitment takes the date of the decision saved with it (see ``journal``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from domain.messages import N_

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
NOT_PURSUED = "not_pursued"
INTEREST_RECEIVED = "interest_received"
INTEREST_INCOME = "interest_income"

CHART: dict[str, str] = {
    APPROPRIATION: N_("Haushaltsansatz"),
    BUDGET_AVAILABLE: N_("Verfügbare Mittel"),
    COMMITTED: N_("Gebundene Mittel, nicht abgerufen"),
    REQUESTED: N_("Abgerufen, nicht angewiesen"),
    PAYABLE: N_("Angewiesen, nicht gebucht"),
    PAID: N_("Ausgezahlt, Verwendung nicht festgesetzt"),
    RECOGNISED: N_("Verwendung anerkannt"),
    RECEIVABLE: N_("Rückforderung offen"),
    REPAID: "Zurückgezahlt",
    WRITTEN_OFF: N_("Erlassen oder niedergeschlagen"),
    NOT_PURSUED: N_("Bagatelle, nicht zurückgefordert"),
    INTEREST_RECEIVED: N_("Zinsen eingegangen"),
    INTEREST_INCOME: N_("Zinsertrag"),
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
        "paid": of(PAID, RECOGNISED, RECEIVABLE, REPAID, WRITTEN_OFF, NOT_PURSUED),
        "recognised": of(RECOGNISED),
        "claimed": of(RECEIVABLE, REPAID, WRITTEN_OFF),
        "open_claims": of(RECEIVABLE),
        "repaid": of(REPAID),
        "written_off": of(WRITTEN_OFF),
        "not_pursued": of(NOT_PURSUED),
        "interest": of(INTEREST_RECEIVED),
    }


def recorded_on(event: Any) -> date:
    """The day an event was recorded, in Dortmund."""
    return event.timestamp.astimezone(BERLIN).date()  # type: ignore[no-any-return]


def business_date(event: Any) -> date:
    """The business date of an event: its value date, payment date or decision date, else its recording day."""
    for name in ("value_date", "paid_on", "on", "arose_on"):
        value = getattr(event, name, None)
        if isinstance(value, date):
            return value
    return recorded_on(event)


def budget_date(event: Any, fiscal_year: int) -> date:
    """A budget counts from 1 January of its year, or from the day it was set up if that was earlier."""
    decided = getattr(event, "on", None)
    return min(decided if isinstance(decided, date) else recorded_on(event), date(fiscal_year, 1, 1))


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
