"""The seal: a keyed hash chain over the stored events, so that any later change to the log shows.

For every stored event, in log order, the seal keeps its position, its identity (aggregate id,
version, topic) and an HMAC-SHA256, under the seal key, over the previous link, the position, the
topic, the aggregate id, the version and the stored bytes exactly as the database holds them.
``verify`` recomputes each link from the log as it is now: an event that was changed, deleted,
inserted or moved to another position no longer matches its link, and is reported with its position.
The newest link, position and HMAC, is the "Stand" that pages and exports print, so a printed figure
names the exact log it came from.

The key is kept outside the database (``foerderbuch.seal_key``): with write access to the database
alone, nobody can compute a link, so nobody can extend the chain over a forged event or re-seal an
edited one. The database keeps only the key's id (``seal_key``), so a process with another key is
refused rather than sealing with it.

The seal is a tracked read model like the others, but it reads the stored bytes rather than the
decoded events, and it is never rebuilt with the rest: rebuilding it would seal whatever the log holds
now — ``foerderbuch projections rebuild seal --reason …`` does that explicitly and records it.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification

from domain.messages import message
from projections.db import Cursor
from projections.engine import ReadModel

GENESIS = "0" * 64
KeySource = Callable[[], bytes]


class SealKeyError(RuntimeError):
    """The seal key does not belong to this log's chain: nothing is sealed with it."""


def key_id(key: bytes) -> str:
    """A name for the key that reveals nothing of it: kept in the database beside the chain."""
    return hmac.new(key, b"foerderbuch-seal-key-id", hashlib.sha256).hexdigest()[:16]


def link_hash(
    key: bytes, previous: str, position: int, topic: str, originator_id: UUID | str, version: int, state: bytes
) -> str:
    """The HMAC of one link of the chain."""
    digest = hmac.new(key, f"{previous}|{position}|{topic}|{_id(originator_id)}|{version}|".encode(), hashlib.sha256)
    digest.update(bytes(state))
    return digest.hexdigest()


def notification_hash(key: bytes, previous: str, notification: Notification) -> str:
    return link_hash(
        key,
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
        return str(self.stand_message)

    @property
    def stand_message(self) -> str:
        """The same, translatable on a page."""
        return message("Stand: Ereignis {position}, Prüfsumme {hash}", position=self.position, hash=self.hash[:16])


@dataclass(frozen=True)
class SealLink:
    position: int
    originator_id: str
    originator_version: int
    topic: str
    hash: str


class Seal(ReadModel):
    name = "seal"
    tables = ("seal_links", "seal_key")
    reads_stored_bytes = True

    def __init__(self, key: KeySource) -> None:
        self.key = key
        self._previous: str | None = None  # the chain's head while a batch runs
        self._key: bytes | None = None

    def fresh(self) -> Seal:
        return Seal(self.key)

    def create_tables(self, cursor: Cursor, kind: str) -> None:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS seal_links (position BIGINT PRIMARY KEY, originator_id TEXT NOT NULL,"
            " originator_version BIGINT NOT NULL, topic TEXT NOT NULL, hash TEXT NOT NULL)"
        )
        cursor.execute("CREATE TABLE IF NOT EXISTS seal_key (key_id TEXT PRIMARY KEY)")
        # A store sealed by an earlier release (an unkeyed chain, ``seal_chain``): the keyed chain starts
        # again from the first event. Check such a store with the earlier release before upgrading.
        cursor.execute("DROP TABLE IF EXISTS seal_chain")
        cursor.execute(
            "UPDATE projection_tracking SET position = 0 WHERE projection = 'seal' "
            "AND NOT EXISTS (SELECT 1 FROM seal_links)"
        )

    def begin_batch(self, cursor: Cursor) -> None:
        key = self.key()
        cursor.execute("SELECT key_id FROM seal_key")
        rows = [row["key_id"] for row in cursor.fetchall()]
        if not rows:
            if self.head(cursor) is not None:
                raise SealKeyError("Die Siegelkette hat keine Schlüsselkennung; sie wird nicht fortgeschrieben.")
            cursor.execute("INSERT INTO seal_key (key_id) VALUES (?)", (key_id(key),))
        elif rows != [key_id(key)]:
            raise SealKeyError(
                f"Der Siegelschlüssel (Kennung {key_id(key)}) ist nicht der, mit dem dieser Log versiegelt ist "
                f"(Kennung {', '.join(rows)}): FOERDERBUCH_SEAL_KEY bzw. FOERDERBUCH_SEAL_KEY_FILE prüfen. "
                "Es wird nichts versiegelt."
            )
        self._key = key
        head = self.head(cursor)
        self._previous = head.hash if head else GENESIS

    def end_batch(self, cursor: Cursor) -> None:
        self._previous = None

    def receive(self, cursor: Cursor, notification: Notification, event: Any) -> None:
        if self._previous is None:
            self.begin_batch(cursor)
        assert self._previous is not None and self._key is not None
        link = notification_hash(self._key, self._previous, notification)
        cursor.execute(
            "INSERT INTO seal_links (position, originator_id, originator_version, topic, hash) VALUES (?, ?, ?, ?, ?)",
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
    def key_ids(cursor: Cursor) -> list[str]:
        cursor.execute("SELECT key_id FROM seal_key")
        return [row["key_id"] for row in cursor.fetchall()]

    @staticmethod
    def head(cursor: Cursor) -> ChainHead | None:
        cursor.execute("SELECT position, hash FROM seal_links ORDER BY position DESC LIMIT 1")
        row = cursor.fetchone()
        return ChainHead(int(row["position"]), str(row["hash"])) if row else None

    @staticmethod
    def links(cursor: Cursor, after: int = 0, limit: int = 1000) -> list[SealLink]:
        cursor.execute("SELECT * FROM seal_links WHERE position > ? ORDER BY position LIMIT ?", (after, limit))
        return [
            SealLink(int(r["position"]), r["originator_id"], int(r["originator_version"]), r["topic"], r["hash"])
            for r in cursor.fetchall()
        ]
