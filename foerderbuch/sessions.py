"""Server-side sessions: the browser holds an opaque random id, the database holds the session.

The cookie carries 32 random bytes; the table keeps only their SHA-256 (``session_hash``), so a copy of
the database opens no session. A session belongs to one user and ends

* when it has not been used for the idle time (30 minutes by default) or has lived its absolute time
  (8 hours by default), whichever comes first;
* at sign-out (that session), and for all of the user's sessions at once when their password is
  changed or reset, when they are disabled, lose a role or are removed from an association, or when
  an administrator ends them.

An ended session stays in the table (with when and why) so the user's sessions page and an
administrator can see it; ``purge`` removes rows that ended long ago.

    sessions(session_hash TEXT PRIMARY KEY, user_id TEXT, data TEXT (JSON), created_at, last_seen_at,
             expires_at, ended_at DOUBLE PRECISION (seconds since 1970), address TEXT, user_agent TEXT,
             ended_why TEXT)

``last_seen_at`` is written at most once a minute per session, so reading a page costs no write.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import time
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from foerderbuch.database import Records
from projections.db import Cursor
from web.sessions import EXPIRED, IDLE, SIGNED_OUT

CREATE = [
    "CREATE TABLE IF NOT EXISTS sessions ("
    "session_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL, data TEXT NOT NULL, "
    "created_at DOUBLE PRECISION NOT NULL, last_seen_at DOUBLE PRECISION NOT NULL, "
    "expires_at DOUBLE PRECISION NOT NULL, address TEXT NOT NULL, user_agent TEXT NOT NULL, "
    "ended_at DOUBLE PRECISION, ended_why TEXT)",
    "CREATE INDEX IF NOT EXISTS sessions_by_user ON sessions (user_id)",
]
TOUCH_SECONDS = 60.0
MAX_USER_AGENT = 200
_SECRET = re.compile(r"^[A-Za-z0-9_-]{43}$")
_HANDLE = re.compile(r"^[0-9a-f]{64}$")
_COLUMNS = "session_hash, user_id, data, created_at, last_seen_at, expires_at, address, user_agent, ended_at, ended_why"


@dataclass(frozen=True)
class SessionInfo:
    """One session as people see it (never its secret): ``handle`` is the hash, safe to show and post."""

    handle: str
    user_id: UUID
    created_at: float
    last_seen_at: float
    expires_at: float
    address: str
    user_agent: str
    ended_at: float | None
    ended_why: str | None

    @property
    def active(self) -> bool:
        return self.ended_at is None


@dataclass(frozen=True)
class LiveSession:
    """A session found by its secret: who it is for and what it holds."""

    handle: str
    user_id: UUID
    data: dict[str, Any]


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


class SessionStore:
    def __init__(self, records: Records) -> None:
        self.records = records
        records.create(CREATE)

    def start(
        self,
        user_id: UUID,
        data: dict[str, Any],
        *,
        address: str,
        user_agent: str,
        lifetime_seconds: float,
        now: float | None = None,
    ) -> str:
        """Stores a new session and returns its secret (for the cookie; nowhere else)."""
        moment = time.time() if now is None else now
        secret = secrets.token_urlsafe(32)
        row = (
            digest(secret),
            str(user_id),
            json.dumps(data),
            moment,
            moment,
            moment + lifetime_seconds,
            address[:64],
            (user_agent or "")[:MAX_USER_AGENT],
        )
        self.records.run(
            lambda cursor: cursor.execute(
                "INSERT INTO sessions (session_hash, user_id, data, created_at, last_seen_at, expires_at, address, "
                "user_agent) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (session_hash) DO NOTHING",
                row,
            ),
            write=True,
        )
        return secret

    def load(self, secret: str | None, idle_seconds: float, now: float | None = None) -> LiveSession | None:
        """The live session for a cookie's secret; None when unknown, ended, idle too long or past its end."""
        if not isinstance(secret, str) or not _SECRET.match(secret):
            return None
        moment = time.time() if now is None else now
        handle = digest(secret)

        def read(cursor: Cursor) -> dict[str, Any] | None:
            cursor.execute(f"SELECT {_COLUMNS} FROM sessions WHERE session_hash = ?", (handle,))
            return cursor.fetchone()

        row = self.records.run(read)
        if row is None or row["ended_at"] is not None:
            return None
        if moment >= float(row["expires_at"]):
            self._end([handle], EXPIRED, moment)
            return None
        if moment - float(row["last_seen_at"]) > idle_seconds:
            self._end([handle], IDLE, moment)
            return None
        if moment - float(row["last_seen_at"]) >= TOUCH_SECONDS:
            self.records.run(
                lambda cursor: cursor.execute(
                    "UPDATE sessions SET last_seen_at = ? WHERE session_hash = ? AND ended_at IS NULL", (moment, handle)
                ),
                write=True,
            )
        return LiveSession(handle, UUID(row["user_id"]), json.loads(row["data"]))

    def save(self, secret: str, data: dict[str, Any]) -> None:
        """Keeps what a request changed in the session (the role acted in, the form token, a notice)."""
        handle = digest(secret)
        self.records.run(
            lambda cursor: cursor.execute(
                "UPDATE sessions SET data = ? WHERE session_hash = ? AND ended_at IS NULL", (json.dumps(data), handle)
            ),
            write=True,
        )

    def end(self, secret: str, why: str = SIGNED_OUT, now: float | None = None) -> None:
        self._end([digest(secret)], why, time.time() if now is None else now)

    def end_handle(self, user_id: UUID, handle: str, why: str, now: float | None = None) -> bool:
        """Ends one of the user's sessions by its handle; False when it is not theirs or already ended."""
        if not isinstance(handle, str) or not _HANDLE.match(handle):
            return False
        moment = time.time() if now is None else now

        def work(cursor: Cursor) -> bool:
            cursor.execute(
                "UPDATE sessions SET ended_at = ?, ended_why = ? "
                "WHERE session_hash = ? AND user_id = ? AND ended_at IS NULL",
                (moment, why, handle, str(user_id)),
            )
            return cursor.rowcount == 1

        return self.records.run(work, write=True)

    def end_all(self, user_id: UUID, why: str, keep: str | None = None, now: float | None = None) -> int:
        """Ends every live session of the user (but the one whose secret is ``keep``); returns how many."""
        moment = time.time() if now is None else now
        kept = digest(keep) if keep else ""

        def work(cursor: Cursor) -> int:
            end_sessions_of(cursor, user_id, why, moment, kept)
            return cursor.rowcount

        return self.records.run(work, write=True)

    def of_user(self, user_id: UUID, include_ended: bool = False, limit: int = 50) -> list[SessionInfo]:
        """The user's sessions, newest first (live ones only unless ``include_ended``)."""
        where = "" if include_ended else " AND ended_at IS NULL"

        def work(cursor: Cursor) -> list[SessionInfo]:
            cursor.execute(
                f"SELECT {_COLUMNS} FROM sessions WHERE user_id = ?{where} ORDER BY created_at DESC LIMIT ?",
                (str(user_id), limit),
            )
            return [_info(row) for row in cursor.fetchall()]

        moment = time.time()
        return [s for s in self.records.run(work) if include_ended or s.expires_at > moment]

    def purge(self, ended_before: float) -> int:
        """Removes sessions that ended (or ran out) before the given time; returns how many."""

        def work(cursor: Cursor) -> int:
            cursor.execute(
                "DELETE FROM sessions WHERE (ended_at IS NOT NULL AND ended_at < ?) OR expires_at < ?",
                (ended_before, ended_before),
            )
            return cursor.rowcount

        return self.records.run(work, write=True)

    def _end(self, handles: list[str], why: str, moment: float) -> None:
        def work(cursor: Cursor) -> None:
            for handle in handles:
                cursor.execute(
                    "UPDATE sessions SET ended_at = ?, ended_why = ? WHERE session_hash = ? AND ended_at IS NULL",
                    (moment, why, handle),
                )

        self.records.run(work, write=True)


def end_sessions_of(cursor: Cursor, user_id: UUID, why: str, moment: float | None = None, kept: str = "") -> None:
    """Ends the user's live sessions inside a transaction that also does something else (a new password)."""
    cursor.execute(
        "UPDATE sessions SET ended_at = ?, ended_why = ? WHERE user_id = ? AND ended_at IS NULL AND session_hash <> ?",
        (time.time() if moment is None else moment, why, str(user_id), kept),
    )


def _info(row: dict[str, Any]) -> SessionInfo:
    return SessionInfo(
        handle=row["session_hash"],
        user_id=UUID(row["user_id"]),
        created_at=float(row["created_at"]),
        last_seen_at=float(row["last_seen_at"]),
        expires_at=float(row["expires_at"]),
        address=row["address"],
        user_agent=row["user_agent"],
        ended_at=float(row["ended_at"]) if row["ended_at"] is not None else None,
        ended_why=row["ended_why"],
    )
