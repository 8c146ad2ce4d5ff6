"""Revoking a grant in tests that are not about the revocation: prepared by one person, decided by another.

A revocation is prepared (facts known, association heard) and decided by a second person (§§ 28, 48 (4),
49 (3) VwVfG NRW). Fixtures that only need a revoked grant call ``revoke``: by default the facts became
known and the association was heard on the day of the decision.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from domain.actors import Actor
from domain.application import FundingOffice
from domain.money import Money


def revoke(
    app: FundingOffice,
    grant_id: UUID,
    remaining: Money,
    effective_on: date,
    reason: str,
    preparer: Actor,
    decider: Actor,
    on: date | None = None,
    facts_known_on: date | None = None,
    heard_on: date | None = None,
) -> UUID | None:
    on = on or app.today()
    known = facts_known_on or on
    app.propose_revocation(grant_id, remaining, effective_on, known, heard_on or known, reason, preparer, on=on)
    return app.decide_revocation(grant_id, True, reason, decider, on=on)
