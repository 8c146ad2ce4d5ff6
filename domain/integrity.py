"""The log's own record of what was done to its seal: re-sealing after a finding, and anchors.

The seal (a keyed hash chain over the stored events, kept by the read side) is never renewed
silently. Renewing it — after a finding that was looked into, or after a change of the seal key — is
an explicit command, and this aggregate records who did it, when, why, and what ``verify`` found just
before, so the renewal itself can be read in the log afterwards. An anchor (the chain head written to a
file that is kept elsewhere) is recorded here as well.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.errors import InvalidInputError
from domain.messages import N_, marked, message

INTEGRITY_RECORD_ID = uuid5(NAMESPACE_URL, "/foerderbuch/integrity")
MAX_FINDINGS = 50  # the first findings are kept with a renewal; the count says how many there were


def _text(value: Any, what: str, limit: int) -> str:
    text = " ".join(str(value or "").split())
    if not text:
        raise InvalidInputError(message("{what} fehlt.", what=marked(what)), field="reason")
    if len(text) > limit:
        raise InvalidInputError(
            message("{what} ist zu lang (höchstens {limit} Zeichen).", what=marked(what), limit=limit), field="reason"
        )
    return text


class IntegrityRecord(Aggregate):
    """One per store: the renewals of the seal and the anchors taken of it."""

    @staticmethod
    def create_id() -> UUID:
        return INTEGRITY_RECORD_ID

    class Created(Aggregate.Created):
        pass

    @event(Created)
    def __init__(self) -> None:
        self.renewals = 0
        self.anchors: list[dict[str, Any]] = []

    def renew_seal(self, reason: str, by: str, findings: list[str], at: datetime) -> None:
        """Records that the seal is about to be computed afresh over the log as it is now."""
        self._seal_renewed(
            reason=_text(reason, N_("Die Begründung"), 1000),
            by=_text(by, N_("Wer"), 200),
            findings=[str(f)[:500] for f in findings[:MAX_FINDINGS]],
            finding_count=len(findings),
            at=at,
        )

    class SealRenewed(Aggregate.Event):
        reason: str
        by: str
        findings: list[str]
        finding_count: int
        at: datetime

    @event(SealRenewed)
    def _seal_renewed(self, reason: str, by: str, findings: list[str], finding_count: int, at: datetime) -> None:
        self.renewals += 1

    def anchor(self, position: int, mac: str, by: str, at: datetime) -> None:
        """Records an anchor: the chain head as it was written to a file kept elsewhere."""
        if position < 1 or len(mac) != 64:
            raise InvalidInputError(
                message("Ein Anker braucht eine Log-Position und eine Prüfsumme."), field="position"
            )
        self._anchored(position=position, mac=mac, by=_text(by, N_("Wer"), 200), at=at)

    class ChainAnchored(Aggregate.Event):
        position: int
        mac: str
        by: str
        at: datetime

    @event(ChainAnchored)
    def _anchored(self, position: int, mac: str, by: str, at: datetime) -> None:
        self.anchors.append({"position": position, "mac": mac})
