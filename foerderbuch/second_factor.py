"""Second factors: time-based one-time passwords (TOTP, RFC 6238, through pyotp) and one-time recovery codes.

The TOTP secret is a key like a password and is kept beside the password hashes, never in the log; the
log records only that a person enrolled and who reset their factor. A code is accepted once: the time
step it belongs to is stored, so a code seen over someone's shoulder cannot be used again. Recovery
codes (ten, shown once at enrolment) are stored as SHA-256 hashes and each works once.

    second_factors(user_id TEXT PRIMARY KEY, secret TEXT, confirmed_at DOUBLE PRECISION, last_step BIGINT)
    recovery_codes(code_hash TEXT PRIMARY KEY, user_id TEXT, used_at DOUBLE PRECISION)
"""

from __future__ import annotations

import hashlib
import secrets
import time
from uuid import UUID

import pyotp

from foerderbuch.database import Records
from projections.db import Cursor

CREATE = [
    "CREATE TABLE IF NOT EXISTS second_factors (user_id TEXT PRIMARY KEY, secret TEXT NOT NULL, "
    "confirmed_at DOUBLE PRECISION, last_step BIGINT NOT NULL DEFAULT 0)",
    "CREATE TABLE IF NOT EXISTS recovery_codes (code_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL, "
    "used_at DOUBLE PRECISION)",
    "CREATE INDEX IF NOT EXISTS recovery_codes_by_user ON recovery_codes (user_id)",
]
ISSUER = "Förderbuch Dortmund"
RECOVERY_CODES = 10
STEP = 30


def _hash(code: str) -> str:
    return hashlib.sha256(code.replace("-", "").replace(" ", "").lower().encode()).hexdigest()


class SecondFactors:
    def __init__(self, records: Records) -> None:
        self.records = records
        records.create(CREATE)

    def begin(self, user_id: UUID) -> str:
        """A new, unconfirmed secret for enrolment (replacing an unconfirmed one); returns it (base32)."""
        secret = pyotp.random_base32()

        def work(cursor: Cursor) -> None:
            cursor.execute("DELETE FROM second_factors WHERE user_id = ? AND confirmed_at IS NULL", (str(user_id),))
            cursor.execute(
                "INSERT INTO second_factors (user_id, secret) VALUES (?, ?) ON CONFLICT (user_id) DO NOTHING",
                (str(user_id), secret),
            )

        self.records.run(work, write=True)
        pending = self.pending_secret(user_id)
        if pending is None:
            raise ValueError("a confirmed second factor exists; reset it first")
        return pending

    def pending_secret(self, user_id: UUID) -> str | None:
        def work(cursor: Cursor) -> str | None:
            cursor.execute(
                "SELECT secret FROM second_factors WHERE user_id = ? AND confirmed_at IS NULL", (str(user_id),)
            )
            row = cursor.fetchone()
            return str(row["secret"]) if row else None

        return self.records.run(work)

    def enrolled(self, user_id: UUID) -> bool:
        def work(cursor: Cursor) -> bool:
            cursor.execute(
                "SELECT 1 AS x FROM second_factors WHERE user_id = ? AND confirmed_at IS NOT NULL", (str(user_id),)
            )
            return cursor.fetchone() is not None

        return self.records.run(work)

    def confirm(self, user_id: UUID, code: str, now: float | None = None) -> list[str] | None:
        """Confirms enrolment with a first code; returns the recovery codes (shown once), or None if wrong."""
        moment = time.time() if now is None else now
        secret = self.pending_secret(user_id)
        step = _matching_step(secret, code, moment) if secret else None
        if step is None:
            return None
        codes = [f"{secrets.token_hex(2)}-{secrets.token_hex(2)}-{secrets.token_hex(2)}" for _ in range(RECOVERY_CODES)]

        def work(cursor: Cursor) -> bool:
            cursor.execute(
                "UPDATE second_factors SET confirmed_at = ?, last_step = ? WHERE user_id = ? AND confirmed_at IS NULL",
                (moment, step, str(user_id)),
            )
            if cursor.rowcount != 1:
                return False
            cursor.execute("DELETE FROM recovery_codes WHERE user_id = ?", (str(user_id),))
            for code_ in codes:
                cursor.execute(
                    "INSERT INTO recovery_codes (code_hash, user_id) VALUES (?, ?)", (_hash(code_), str(user_id))
                )
            return True

        return codes if self.records.run(work, write=True) else None

    def check(self, user_id: UUID, code: str, now: float | None = None) -> bool:
        """A current TOTP code not used before, or an unused recovery code; each works once."""
        moment = time.time() if now is None else now
        code = (code or "").strip()

        def work(cursor: Cursor) -> bool:
            cursor.execute(
                "SELECT secret, last_step FROM second_factors WHERE user_id = ? AND confirmed_at IS NOT NULL",
                (str(user_id),),
            )
            row = cursor.fetchone()
            if row is None:
                return False
            step = _matching_step(row["secret"], code, moment)
            if step is not None:
                cursor.execute(
                    "UPDATE second_factors SET last_step = ? WHERE user_id = ? AND last_step < ?",
                    (step, str(user_id), step),
                )
                return cursor.rowcount == 1
            cursor.execute(
                "UPDATE recovery_codes SET used_at = ? WHERE code_hash = ? AND user_id = ? AND used_at IS NULL",
                (moment, _hash(code), str(user_id)),
            )
            return cursor.rowcount == 1

        return self.records.run(work, write=True)

    def recovery_codes_left(self, user_id: UUID) -> int:
        def work(cursor: Cursor) -> int:
            cursor.execute(
                "SELECT COUNT(*) AS n FROM recovery_codes WHERE user_id = ? AND used_at IS NULL", (str(user_id),)
            )
            return int((cursor.fetchone() or {"n": 0})["n"])

        return self.records.run(work)

    def remove(self, user_id: UUID) -> None:
        def work(cursor: Cursor) -> None:
            cursor.execute("DELETE FROM second_factors WHERE user_id = ?", (str(user_id),))
            cursor.execute("DELETE FROM recovery_codes WHERE user_id = ?", (str(user_id),))

        self.records.run(work, write=True)


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def _matching_step(secret: str | None, code: str, moment: float) -> int | None:
    """The time step the code belongs to (now, or one step before or after for clock drift), or None."""
    digits = "".join(c for c in (code or "") if c.isdigit())
    if not secret or len(digits) != 6:
        return None
    totp = pyotp.TOTP(secret)
    current = int(moment // STEP)
    for step in (current, current - 1, current + 1):
        if secrets.compare_digest(totp.at(step * STEP), digits):
            return step
    return None
