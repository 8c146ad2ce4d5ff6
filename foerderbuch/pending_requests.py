"""Account requests waiting for the applicant to confirm their e-mail address, kept outside the log.

What a stranger types into the public form is not recorded as an event until the address has been
confirmed with the link sent to it (good for 24 hours, once): unconfirmed requests never reach the log
and are simply forgotten. Only the link's SHA-256 is stored.

    pending_account_requests(token_hash TEXT PRIMARY KEY, details TEXT (JSON), created_at, expires_at,
                             taken_at DOUBLE PRECISION)
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import time
from typing import Any

from foerderbuch.database import Records
from projections.db import Cursor

CREATE = [
    "CREATE TABLE IF NOT EXISTS pending_account_requests (token_hash TEXT PRIMARY KEY, details TEXT NOT NULL, "
    "created_at DOUBLE PRECISION NOT NULL, expires_at DOUBLE PRECISION NOT NULL, taken_at DOUBLE PRECISION)"
]
HOURS = 24
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


class PendingRequests:
    def __init__(self, records: Records) -> None:
        self.records = records
        records.create(CREATE)

    def hold(self, details: dict[str, Any]) -> str:
        token, moment = secrets.token_urlsafe(32), time.time()

        def work(cursor: Cursor) -> None:
            cursor.execute("DELETE FROM pending_account_requests WHERE expires_at < ?", (moment,))
            cursor.execute(
                "INSERT INTO pending_account_requests (token_hash, details, created_at, expires_at) "
                "VALUES (?, ?, ?, ?)",
                (_digest(token), json.dumps(details), moment, moment + HOURS * 3600),
            )

        self.records.run(work, write=True)
        return token

    def peek(self, token: str) -> dict[str, Any] | None:
        if not isinstance(token, str) or not _TOKEN.match(token):
            return None

        def work(cursor: Cursor) -> dict[str, Any] | None:
            cursor.execute(
                "SELECT details FROM pending_account_requests WHERE token_hash = ? AND taken_at IS NULL "
                "AND expires_at > ?",
                (_digest(token), time.time()),
            )
            row = cursor.fetchone()
            return dict(json.loads(row["details"])) if row else None

        return self.records.run(work)

    def take(self, token: str) -> dict[str, Any] | None:
        """The request's details, once: a second confirmation (or an expired link) gets None."""
        found = self.peek(token)
        if found is None:
            return None

        def work(cursor: Cursor) -> bool:
            cursor.execute(
                "UPDATE pending_account_requests SET taken_at = ? WHERE token_hash = ? AND taken_at IS NULL",
                (time.time(), _digest(token)),
            )
            return cursor.rowcount == 1

        return found if self.records.run(work, write=True) else None
