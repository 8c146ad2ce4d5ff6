"""One-time links to set a password: "Passwort vergessen", a link an administrator sends, a welcome link.

The link carries 32 random bytes; the table keeps only their SHA-256. A link is good once and for a
limited time (30 minutes after "Passwort vergessen", seven days for a new account), and a new link
for the same person voids the older ones. Using a link is atomic: two clicks at once cannot both set
a password.

    password_links(token_hash TEXT PRIMARY KEY, user_id TEXT, purpose TEXT, created_at, expires_at,
                   used_at DOUBLE PRECISION)
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from dataclasses import dataclass
from uuid import UUID

from foerderbuch.database import Records
from projections.db import Cursor

CREATE = [
    "CREATE TABLE IF NOT EXISTS password_links ("
    "token_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL, purpose TEXT NOT NULL, "
    "created_at DOUBLE PRECISION NOT NULL, expires_at DOUBLE PRECISION NOT NULL, used_at DOUBLE PRECISION)",
    "CREATE INDEX IF NOT EXISTS password_links_by_user ON password_links (user_id)",
]
RESET_MINUTES = 30
WELCOME_DAYS = 7
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")


@dataclass(frozen=True)
class PasswordLink:
    user_id: UUID
    purpose: str  # "reset" or "welcome"
    expires_at: float
    used_at: float | None

    def usable(self, now: float | None = None) -> bool:
        return self.used_at is None and (time.time() if now is None else now) < self.expires_at


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


class PasswordLinks:
    def __init__(self, records: Records) -> None:
        self.records = records
        records.create(CREATE)

    def issue(self, user_id: UUID, purpose: str = "reset", seconds: float = RESET_MINUTES * 60) -> str:
        """A new link token for the person (the only copy of the secret); their older links stop working."""
        token, moment = secrets.token_urlsafe(32), time.time()

        def work(cursor: Cursor) -> None:
            cursor.execute(
                "UPDATE password_links SET used_at = ? WHERE user_id = ? AND used_at IS NULL", (moment, str(user_id))
            )
            cursor.execute(
                "INSERT INTO password_links (token_hash, user_id, purpose, created_at, expires_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (_digest(token), str(user_id), purpose, moment, moment + seconds),
            )

        self.records.run(work, write=True)
        return token

    def find(self, token: str) -> PasswordLink | None:
        if not isinstance(token, str) or not _TOKEN.match(token):
            return None

        def work(cursor: Cursor) -> PasswordLink | None:
            cursor.execute(
                "SELECT user_id, purpose, expires_at, used_at FROM password_links WHERE token_hash = ?",
                (_digest(token),),
            )
            row = cursor.fetchone()
            if row is None:
                return None
            used = float(row["used_at"]) if row["used_at"] is not None else None
            return PasswordLink(UUID(row["user_id"]), row["purpose"], float(row["expires_at"]), used)

        return self.records.run(work)

    def use(self, token: str) -> PasswordLink | None:
        """Marks the link used and returns it, if it was usable; None when unknown, used or expired."""
        found = self.find(token)
        moment = time.time()
        if found is None or not found.usable(moment):
            return None

        def work(cursor: Cursor) -> bool:
            cursor.execute(
                "UPDATE password_links SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?",
                (moment, _digest(token), moment),
            )
            return cursor.rowcount == 1

        return found if self.records.run(work, write=True) else None
