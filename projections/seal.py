"""The seal: a hash chain over the stored events, so that any later change to the log shows.

For every stored event, in log order, the seal keeps its position, its identity (aggregate id,
version, topic) and a SHA-256 hash over the previous hash, the position, the topic, the aggregate
id, the version and the stored bytes exactly as the database holds them. ``verify`` recomputes each
link from the log as it is now: an event that was changed, deleted, inserted or moved to another
position no longer matches its link, and is reported with its position. The newest link, position and
hash, is the "Stand" that pages and exports print, so a printed figure names the exact log it came
from.

The seal is a tracked read model like the others, but it reads the stored bytes rather than the
decoded events, and it is never rebuilt with the rest: rebuilding it would seal whatever the log
holds now.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification

from projections.db import Cursor
from projections.engine import ReadModel

GENESIS = "0" * 64


def link_hash(previous: str, position: int, topic: str, originator_id: UUID | str, version: int, state: bytes) -> str:
    """The hash of one link of the chain."""
    digest = hashlib.sha256()
    digest.update(f"{previous}|{position}|{topic}|{_id(originator_id)}|{version}|".encode())
    digest.update(bytes(state))
    return digest.hexdigest()


def notification_hash(previous: str, notification: Notification) -> str:
    return link_hash(
        previous,
        notification.id,
        notification.topic,
        notification.originator_id,
        notification.originator_version,
        notification.state,
    )


def _id(originator_id: UUID | str) -> str:
    return originator_id.hex if isinstance(originator_id, UUID) else str(originator_id)


@dataclass(frozen=True)
class ChainHead:
    """The newest link: what "Stand" means on a page or in an export."""

    position: int
    hash: str

    @property
    def stand(self) -> str:
        return f"Stand: Ereignis {self.position}, Prüfsumme {self.hash[:16]}"


@dataclass(frozen=True)
class SealLink:
    position: int
    originator_id: str
    originator_version: int
    topic: str
    hash: str


class Seal(ReadModel):
    name = "seal"
    tables = ("seal_chain",)
    reads_stored_bytes = True

    def __init__(self) -> None:
        self._previous: str | None = None  # the chain's head while a batch runs

    def create_tables(self, cursor: Cursor, kind: str) -> None:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS seal_chain (position BIGINT PRIMARY KEY, originator_id TEXT NOT NULL,"
            " originator_version BIGINT NOT NULL, topic TEXT NOT NULL, hash TEXT NOT NULL)"
        )

    def begin_batch(self, cursor: Cursor) -> None:
        head = self.head(cursor)
        self._previous = head.hash if head else GENESIS

    def end_batch(self, cursor: Cursor) -> None:
        self._previous = None

    def receive(self, cursor: Cursor, notification: Notification, event: Any) -> None:
        if self._previous is None:
            self.begin_batch(cursor)
        assert self._previous is not None
        link = notification_hash(self._previous, notification)
        cursor.execute(
            "INSERT INTO seal_chain (position, originator_id, originator_version, topic, hash) VALUES (?, ?, ?, ?, ?)",
            (
                notification.id,
                _id(notification.originator_id),
                notification.originator_version,
                notification.topic,
                link,
            ),
        )
        self._previous = link

    @staticmethod
    def head(cursor: Cursor) -> ChainHead | None:
        cursor.execute("SELECT position, hash FROM seal_chain ORDER BY position DESC LIMIT 1")
        row = cursor.fetchone()
        return ChainHead(int(row["position"]), str(row["hash"])) if row else None

    @staticmethod
    def links(cursor: Cursor, after: int = 0, limit: int = 1000) -> list[SealLink]:
        cursor.execute("SELECT * FROM seal_chain WHERE position > ? ORDER BY position LIMIT ?", (after, limit))
        return [
            SealLink(int(r["position"]), r["originator_id"], int(r["originator_version"]), r["topic"], r["hash"])
            for r in cursor.fetchall()
        ]
