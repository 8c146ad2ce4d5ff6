"""Counting attempts in the database, so every web worker (and every host) shares one count.

An attempt is counted *before* it is checked: ``claim`` takes the keys' rows under a lock (SQLite
``BEGIN IMMEDIATE``, PostgreSQL ``SELECT … FOR UPDATE`` in key order), and either refuses — the key is
still waiting out its delay — or counts the attempt and sets the next delay. So thirty guesses sent at
the same moment are not all checked: only those the counts allow, the rest are refused at once.

The delay grows with the count: the first ``free`` attempts have none, then 1, 2, 4, 8 … seconds up to
the policy's ``cap``. There is no hard lock a stranger could trigger for long; a key's count starts
again after ``quiet`` seconds without an attempt. A successful sign-in clears its keys (``clear``).

    attempts(attempt_key TEXT PRIMARY KEY, tries INTEGER, last_at DOUBLE PRECISION, blocked_until DOUBLE PRECISION)

Keys carry no secret: e.g. ``sign-in:account:<e-mail>`` or ``sign-in:address:<ip>``; e-mail addresses
are hashed before they become part of a key.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from foerderbuch.database import Records
from projections.db import Cursor
from web.throttle import Policy

CREATE = [
    "CREATE TABLE IF NOT EXISTS attempts ("
    "attempt_key TEXT PRIMARY KEY, tries INTEGER NOT NULL, last_at DOUBLE PRECISION NOT NULL, "
    "blocked_until DOUBLE PRECISION NOT NULL)"
]


class AttemptCounter:
    def __init__(self, records: Records) -> None:
        self.records = records
        records.create(CREATE)

    def claim(self, keys: Sequence[tuple[str, Policy]], now: float | None = None) -> float:
        """Counts one attempt on every key and returns 0.0; or, when a key is still waiting, counts nothing
        and returns the seconds left to wait."""
        ordered = sorted(dict(keys).items())

        def work(cursor: Cursor) -> float:
            rows = {}
            lock = " FOR UPDATE" if self.records.db.kind == "postgres" else ""
            for key, _ in ordered:  # the rows are made first (a lock on PostgreSQL needs a row to hold)
                cursor.execute(
                    "INSERT INTO attempts (attempt_key, tries, last_at, blocked_until) VALUES (?, 0, 0, 0) "
                    "ON CONFLICT (attempt_key) DO NOTHING",
                    (key,),
                )
                cursor.execute(
                    f"SELECT tries, last_at, blocked_until FROM attempts WHERE attempt_key = ?{lock}", (key,)
                )
                rows[key] = cursor.fetchone() or {}
            moment = time.time() if now is None else now  # read under the lock: later claims see later times
            wait = max(float(rows[key]["blocked_until"]) - moment for key, _ in ordered) if ordered else 0.0
            if wait > 0:
                return wait
            for key, policy in ordered:
                row = rows[key]
                count = 0 if moment - float(row["last_at"]) > policy.quiet else int(row["tries"])
                count += 1
                cursor.execute(
                    "UPDATE attempts SET tries = ?, last_at = ?, blocked_until = ? WHERE attempt_key = ?",
                    (count, moment, moment + policy.delay(count), key),
                )
            return 0.0

        return self.records.run(work, write=True)

    def clear(self, *keys: str) -> None:
        """Forgets the keys' counts (after a successful sign-in)."""

        def work(cursor: Cursor) -> None:
            for key in keys:
                cursor.execute("DELETE FROM attempts WHERE attempt_key = ?", (key,))

        self.records.run(work, write=True)

    def count(self, key: str) -> int:
        def work(cursor: Cursor) -> int:
            cursor.execute("SELECT tries FROM attempts WHERE attempt_key = ?", (key,))
            row = cursor.fetchone()
            return int(row["tries"]) if row else 0

        return self.records.run(work)

    def purge(self, before: float) -> int:
        """Removes counts whose last attempt was before the given time."""

        def work(cursor: Cursor) -> int:
            cursor.execute("DELETE FROM attempts WHERE last_at < ?", (before,))
            return cursor.rowcount

        return self.records.run(work, write=True)
