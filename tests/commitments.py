"""What a programme holds committed for one grant or project, read from the programme's events.

The Programme aggregate keeps only running totals per fiscal year; tests that look at one holder's
commitment add up its ``FundsCommitted`` and ``CommitmentAdjusted`` events instead."""

from __future__ import annotations

from uuid import UUID

from domain.application import FundingOffice
from domain.dates import FiscalYear
from domain.money import Money
from domain.programme import Programme


def commitment_of(app: FundingOffice, programme_id: UUID, holder_id: UUID, year: FiscalYear) -> Money:
    held = Money.zero()
    for e in app.events.get(programme_id):
        if getattr(e, "holder_id", None) != holder_id or e.fiscal_year != year.year:
            continue
        if isinstance(e, Programme.FundsCommitted):
            held = held + e.amount
        elif isinstance(e, Programme.CommitmentAdjusted):
            held = e.amount
    return held


def holders(app: FundingOffice, programme_id: UUID, year: FiscalYear) -> set[UUID]:
    """Every grant or project with funds committed in ``year`` (at any time)."""
    return {
        e.holder_id
        for e in app.events.get(programme_id)
        if isinstance(e, Programme.FundsCommitted) and e.fiscal_year == year.year
    }
