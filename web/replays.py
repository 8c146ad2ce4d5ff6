"""Retries never record twice: idempotency keys for the API, one-time submission tokens for web forms.

A client that sends a command again — because the answer got lost, a proxy timed out, or a person
pressed the button twice — must not approve twice or request the same payment twice. Before a
command runs, its key is *claimed* in ``request_replays`` (one row per caller and key, in the events'
own database); when it has run, the answer is stored with the claim. The same key again returns the
first answer and runs nothing:

* API: the ``Idempotency-Key`` header on any POST/PUT/PATCH/DELETE. The key belongs to the caller; the
  same key with a different request is refused (422); while the first is still running, the second
  waits for its answer (up to ``WAIT_SECONDS``, then 409 with ``Retry-After``).
* Web forms: every form carries a fresh one-time token (``einmal``) beside its CSRF token; sending a
  form a second time leads to where the first submission led, with a note that nothing was recorded
  twice.

An answer that says the store was busy (5xx, nothing recorded) releases its claim, so the retry runs.
Claims older than ``KEEP_HOURS`` are removed now and then.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from projections.db import Cursor, Database

WAIT_SECONDS = 10.0
KEEP_HOURS = 24
KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,200}$")  # visible ASCII, as the IETF draft suggests
TOKEN_FIELD = "einmal"

TABLE = (
    "CREATE TABLE IF NOT EXISTS request_replays (scope TEXT NOT NULL, request_key TEXT NOT NULL,"
    " fingerprint TEXT NOT NULL, state TEXT NOT NULL, status INTEGER, location TEXT, content_type TEXT,"
    " body TEXT, created_at TEXT NOT NULL, PRIMARY KEY (scope, request_key))"
)


@dataclass(frozen=True)
class Answer:
    """The first answer to a request, kept for its retries."""

    status: int
    location: str | None
    content_type: str | None
    body: str


@dataclass(frozen=True)
class Claim:
    """What claiming a key found: ``new`` (run it), ``done`` (answer with ``answer``), ``mismatch``
    (the key was used for another request) or ``pending`` (the first one is still running)."""

    kind: str
    answer: Answer | None = None


def set_up(db: Database) -> None:
    with db.transaction(exclusive=True) as cursor:
        db.lock_schema(cursor)
        cursor.execute(TABLE)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _found(cursor: Cursor, scope: str, key: str) -> dict[str, object] | None:
    cursor.execute("SELECT * FROM request_replays WHERE scope = ? AND request_key = ?", (scope, key))
    return cursor.fetchone()


def _as_claim(row: dict[str, object], fingerprint: str) -> Claim:
    if row["fingerprint"] != fingerprint:
        return Claim("mismatch")
    if row["state"] != "done":
        return Claim("pending")
    answer = Answer(
        int(row["status"] or 0),  # type: ignore[call-overload]
        row["location"],  # type: ignore[arg-type]
        row["content_type"],  # type: ignore[arg-type]
        str(row["body"] or ""),
    )
    return Claim("done", answer)


def claim(db: Database, scope: str, key: str, fingerprint: str) -> Claim:
    """Claims ``key`` for a request; tells what an earlier request with the same key left."""
    with db.transaction(exclusive=True) as cursor:
        row = _found(cursor, scope, key)
        if row is not None:
            return _as_claim(row, fingerprint)
        cursor.execute(
            "INSERT INTO request_replays (scope, request_key, fingerprint, state, created_at)"
            " VALUES (?, ?, ?, 'pending', ?)",
            (scope, key, fingerprint, _now()),
        )
    return Claim("new")


def wait_for_answer(db: Database, scope: str, key: str, fingerprint: str, seconds: float = WAIT_SECONDS) -> Claim:
    """While the first request with this key runs: waits for its answer (bounded)."""
    deadline = time.monotonic() + seconds
    delay = 0.01
    while True:
        with db.transaction() as cursor:
            row = _found(cursor, scope, key)
        if row is None:  # the first one gave up (the store was busy): this one may run
            return claim(db, scope, key, fingerprint)
        found = _as_claim(row, fingerprint)
        if found.kind != "pending" or time.monotonic() >= deadline:
            return found
        time.sleep(delay)
        delay = min(delay * 2, 0.2)


def finish(db: Database, scope: str, key: str, answer: Answer) -> None:
    """Keeps the answer for retries; an answer of a busy store (5xx) releases the claim instead."""
    with db.transaction(exclusive=True) as cursor:
        if answer.status >= 500:
            cursor.execute("DELETE FROM request_replays WHERE scope = ? AND request_key = ?", (scope, key))
            return
        cursor.execute(
            "UPDATE request_replays SET state = 'done', status = ?, location = ?, content_type = ?, body = ?"
            " WHERE scope = ? AND request_key = ?",
            (answer.status, answer.location, answer.content_type, answer.body, scope, key),
        )


def release(db: Database, scope: str, key: str) -> None:
    with db.transaction(exclusive=True) as cursor:
        cursor.execute("DELETE FROM request_replays WHERE scope = ? AND request_key = ?", (scope, key))


def forget_old(db: Database, hours: int = KEEP_HOURS) -> None:
    cutoff = (datetime.now(UTC) - timedelta(hours=hours)).isoformat(timespec="seconds")
    with db.transaction(exclusive=True) as cursor:
        cursor.execute("DELETE FROM request_replays WHERE created_at < ?", (cutoff,))
