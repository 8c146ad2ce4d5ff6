"""Snapshots under a key: a snapshot only decides anything if it carries a valid MAC.

Snapshots are a cache of an aggregate's state at a version, kept beside the log so long streams (a
programme with thousands of commitments) load quickly. A snapshot is not an event and not in the
seal's chain, so an edit to it in the database — a grant's approved amount raised — would otherwise
decide every command on that aggregate. Each snapshot is therefore written with an HMAC (the seal's
key, kept outside the database) over its aggregate, version, topic and bytes; on loading, a snapshot
whose MAC is missing or wrong is passed over (the aggregate is replayed from its events instead) and
``verify`` reports it with its aggregate and version.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from typing import Any
from uuid import UUID

from eventsourcing.persistence import AggregateRecorder, EventStore, Mapper, Recording, StoredEvent

log = logging.getLogger("foerderbuch.snapshots")

MARK = b"FBS1:"  # sealed snapshot: MARK, 64 hex digits of HMAC-SHA256, ":", the mapper's bytes


def snapshot_mac(key: bytes, originator_id: UUID | str, version: int, topic: str, state: bytes) -> str:
    ident = originator_id.hex if isinstance(originator_id, UUID) else str(originator_id)
    digest = hmac.new(key, f"snapshot|{ident}|{version}|{topic}|".encode(), hashlib.sha256)
    digest.update(bytes(state))
    return digest.hexdigest()


def unseal(key: bytes, stored: StoredEvent) -> StoredEvent | None:
    """The snapshot as the mapper wrote it, or None if its MAC is missing or does not match."""
    state = bytes(stored.state)
    if not state.startswith(MARK) or len(state) < len(MARK) + 65 or state[len(MARK) + 64 : len(MARK) + 65] != b":":
        return None
    mac, body = state[len(MARK) : len(MARK) + 64].decode("ascii", "replace"), state[len(MARK) + 65 :]
    expected = snapshot_mac(key, stored.originator_id, stored.originator_version, stored.topic, body)
    if not hmac.compare_digest(mac, expected):
        return None
    return replace(stored, state=body)


class SealedSnapshots(EventStore[UUID]):
    """The snapshot store: writes each snapshot with its MAC, and trusts only snapshots whose MAC holds."""

    def __init__(self, mapper: Mapper[UUID], recorder: AggregateRecorder, key: Callable[[], bytes]) -> None:
        super().__init__(mapper, recorder)
        self.key = key

    def put(self, domain_events: Sequence[Any], **kwargs: Any) -> list[Recording[UUID]]:
        key = self.key()
        sealed = []
        for domain_event in domain_events:
            stored = self.mapper.to_stored_event(domain_event)
            mac = snapshot_mac(key, stored.originator_id, stored.originator_version, stored.topic, stored.state)
            sealed.append(replace(stored, state=MARK + mac.encode("ascii") + b":" + bytes(stored.state)))
        self.recorder.insert_events(sealed, **kwargs)
        return []

    def get(
        self,
        originator_id: UUID,
        *,
        gt: int | None = None,
        lte: int | None = None,
        desc: bool = False,
        limit: int | None = None,
    ) -> Iterator[Any]:
        """The newest snapshots whose MAC holds; one that fails is skipped (and logged), the next older tried."""
        key = self.key()
        found = 0
        while limit is None or found < limit:
            rows = self.recorder.select_events(originator_id, gt=gt, lte=lte, desc=desc, limit=limit)
            if not rows:
                return
            for stored in rows:
                body = unseal(key, stored)
                if body is None:
                    log.warning(
                        "Schnappschuss %s v%s ohne gültiges Siegel: übergangen, die Ereignisse gelten.",
                        originator_id,
                        stored.originator_version,
                    )
                    continue
                found += 1
                yield self.mapper.to_domain_event(body)
                if limit is not None and found >= limit:
                    return
            if limit is None or len(rows) < limit:
                return
            last = rows[-1].originator_version  # look further, past the rows just read
            if desc:
                lte = last - 1
            else:
                gt = last
