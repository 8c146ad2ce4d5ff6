"""The key store: one AES-256 key per data subject, outside the log, and the list of erased subjects.

    personal_keys(subject TEXT PRIMARY KEY, key TEXT NOT NULL, created_at TEXT NOT NULL)
    erased_subjects(subject TEXT PRIMARY KEY, erased_at TEXT NOT NULL, erasure_id TEXT NOT NULL)

Both tables live in the events' own database (the same SQLite file, or the same PostgreSQL schema), so
a backup of the database holds them; they are not events and can be deleted. Deleting a subject's
key makes every field encrypted under it unreadable for good (crypto-shredding); ``erased_subjects``
remembers that the subject was erased, so that no new key is ever made for it and fields written in
clear text before encryption existed read as erased too.

Keys are cached in the process (a key never changes); the list of erased subjects is read again at
most every :data:`ERASED_REFRESH_SECONDS`, so an erasure made by another process shows everywhere
within that time, and at once in the process that made it.
"""

from __future__ import annotations

import base64
import secrets
import threading
import time
from datetime import UTC, datetime
from uuid import UUID

from foerderbuch.database import Records
from projections.db import Cursor

CREATE = [
    "CREATE TABLE IF NOT EXISTS personal_keys (subject TEXT PRIMARY KEY, key TEXT NOT NULL, created_at TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS erased_subjects (subject TEXT PRIMARY KEY, erased_at TEXT NOT NULL, "
    "erasure_id TEXT NOT NULL)",
]
KEY_BYTES = 32  # AES-256
ERASED_REFRESH_SECONDS = 2.0


class KeyStore:
    """Keys per subject (made on first use), and the subjects erased."""

    def __init__(self, records: Records) -> None:
        self.records = records
        records.create(CREATE)
        self._keys: dict[str, bytes] = {}
        self._erased: frozenset[str] = frozenset()
        self._erased_read_at = float("-inf")
        self._lock = threading.Lock()

    # Reading and making keys --------------------------------------------------------------------

    def key(self, subject: UUID, create: bool = False) -> bytes | None:
        """The subject's key; a new one if ``create`` and the subject has none (never for an erased one)."""
        name = subject.hex
        if self.is_erased(subject):
            return None
        cached = self._keys.get(name)
        if cached is not None:
            return cached
        found = self._read(name)
        if found is None and create:
            found = self._make(name)
        if found is not None:
            with self._lock:
                self._keys[name] = found
        return found

    def _read(self, name: str) -> bytes | None:
        def work(cursor: Cursor) -> bytes | None:
            cursor.execute("SELECT key FROM personal_keys WHERE subject = ?", (name,))
            row = cursor.fetchone()
            return base64.b64decode(row["key"]) if row else None

        return self.records.run(work)

    def _make(self, name: str) -> bytes | None:
        fresh = base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode("ascii")

        def work(cursor: Cursor) -> bytes | None:
            cursor.execute("SELECT 1 AS erased FROM erased_subjects WHERE subject = ?", (name,))
            if cursor.fetchone() is not None:
                return None
            cursor.execute(
                "INSERT INTO personal_keys (subject, key, created_at) VALUES (?, ?, ?) "
                "ON CONFLICT (subject) DO NOTHING",
                (name, fresh, _now()),
            )
            cursor.execute("SELECT key FROM personal_keys WHERE subject = ?", (name,))
            row = cursor.fetchone()
            return base64.b64decode(row["key"]) if row else None

        return self.records.run(work, write=True)

    # Erasure ------------------------------------------------------------------------------------

    def is_erased(self, subject: UUID) -> bool:
        now = time.monotonic()
        if now - self._erased_read_at > ERASED_REFRESH_SECONDS:
            self._refresh_erased(now)
        return subject.hex in self._erased

    def _refresh_erased(self, now: float) -> None:
        def work(cursor: Cursor) -> frozenset[str]:
            cursor.execute("SELECT subject FROM erased_subjects")
            return frozenset(str(row["subject"]) for row in cursor.fetchall())

        erased = self.records.run(work)
        with self._lock:
            self._erased = erased
            self._erased_read_at = now
            for name in erased:
                self._keys.pop(name, None)

    def erase(self, subjects: list[UUID], erasure_id: UUID) -> int:
        """Deletes the subjects' keys and marks them erased, in one transaction; returns how many keys went."""
        names = sorted({s.hex for s in subjects})

        def work(cursor: Cursor) -> int:
            deleted = 0
            for name in names:
                cursor.execute("SELECT 1 AS found FROM personal_keys WHERE subject = ?", (name,))
                if cursor.fetchone() is not None:
                    deleted += 1
                cursor.execute("DELETE FROM personal_keys WHERE subject = ?", (name,))
                cursor.execute(
                    "INSERT INTO erased_subjects (subject, erased_at, erasure_id) VALUES (?, ?, ?) "
                    "ON CONFLICT (subject) DO NOTHING",
                    (name, _now(), erasure_id.hex),
                )
            return deleted

        deleted = self.records.run(work, write=True)
        with self._lock:
            self._erased = self._erased | frozenset(names)
            for name in names:
                self._keys.pop(name, None)
        return deleted

    def erased_subjects(self) -> dict[str, str]:
        """subject hex -> when it was erased (ISO timestamp)."""

        def work(cursor: Cursor) -> dict[str, str]:
            cursor.execute("SELECT subject, erased_at FROM erased_subjects ORDER BY erased_at, subject")
            return {str(row["subject"]): str(row["erased_at"]) for row in cursor.fetchall()}

        return self.records.run(work)

    def count(self) -> int:
        def work(cursor: Cursor) -> int:
            cursor.execute("SELECT COUNT(*) AS n FROM personal_keys")
            row = cursor.fetchone()
            return int(row["n"]) if row else 0

        return self.records.run(work)

    def close(self) -> None:
        self.records.close()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
