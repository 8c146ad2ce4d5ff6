"""Password hashes, kept beside the events but never as events.

A password hash is a secret that must be replaceable and erasable, so it does not belong in an
append-only log. It lives in a table of its own in the events' database::

    credentials(user_id TEXT PRIMARY KEY, password_hash TEXT NOT NULL, changed_at TEXT NOT NULL)

The tables are reached through the same pooled database layer as the read models
(``foerderbuch.database``): SQLite uses the same file as the events, PostgreSQL the same database and
schema (``POSTGRES_SCHEMA``) through a connection pool that replaces connections a database restart
killed, and ``memory://`` an in-memory SQLite database that lives as long as the store object.
Hashes are argon2id (argon2-cffi); a hash made with weaker parameters is replaced on the next
successful sign-in.

Personal API tokens live beside them, in a table of their own::

    api_tokens(token_id TEXT PRIMARY KEY, secret_hash TEXT NOT NULL, user_id TEXT NOT NULL,
               role TEXT NOT NULL, label TEXT NOT NULL, created_at TEXT NOT NULL, revoked_at TEXT)

A token reads ``fbk_<token id>_<secret>``: the id (16 hex digits) names the row and may be shown and
logged; the secret (32 random bytes) is shown once, when the token is made, and only its SHA-256 is
stored (a random 256-bit secret needs no slow hash: nothing can be guessed from its digest). A token
acts for one user in one role; revoking it stamps ``revoked_at`` and it is refused from then on.

Invitations into an association's portal live beside them too::

    invitations(token_hash TEXT PRIMARY KEY, organisation_id TEXT NOT NULL, email TEXT NOT NULL,
                name TEXT NOT NULL, invited_by TEXT NOT NULL, created_at TEXT NOT NULL,
                expires_at TEXT NOT NULL, used_at TEXT)

The link carries 32 random bytes; only their SHA-256 is stored. An invitation is good for seven days
and for one use: ``use_invitation`` stamps ``used_at`` only where it is still empty, so two clicks at
once cannot both succeed.

The store also holds, each in a module of its own and a table beside these: server-side sessions
(``sessions``: ``foerderbuch.sessions``), attempt counts for throttling (``attempts``), one-time links to
set a password (``password_links``), second factors and recovery codes (``second_factors``) and account
requests waiting for e-mail confirmation (``pending_requests``) and each person's preferred language for
e-mails (``preferred_languages``: ``foerderbuch.languages``). Setting a password ends every session
of the person in the same transaction.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from domain.errors import InvalidInputError
from domain.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, check_password_policy
from foerderbuch.attempts import AttemptCounter
from foerderbuch.database import Records, open_database
from foerderbuch.languages import PreferredLanguages
from foerderbuch.password_links import PasswordLinks
from foerderbuch.pending_requests import PendingRequests
from foerderbuch.second_factor import SecondFactors
from foerderbuch.sessions import SessionStore, end_sessions_of
from foerderbuch.settings import Settings
from projections.db import Cursor, Database
from web.sessions import PASSWORD_CHANGED

__all__ = ["MAX_PASSWORD_LENGTH", "MIN_PASSWORD_LENGTH", "CredentialStore", "check_password_policy"]
CONNECT_TIMEOUT_SECONDS = 5  # the command line's reachability check

_CREATE = (
    "CREATE TABLE IF NOT EXISTS {table} ("
    "user_id TEXT PRIMARY KEY, password_hash TEXT NOT NULL, changed_at TEXT NOT NULL)"
)
_CREATE_TOKENS = (
    "CREATE TABLE IF NOT EXISTS {table} ("
    "token_id TEXT PRIMARY KEY, secret_hash TEXT NOT NULL, user_id TEXT NOT NULL, role TEXT NOT NULL, "
    "label TEXT NOT NULL, created_at TEXT NOT NULL, revoked_at TEXT)"
)
_CREATE_INVITATIONS = (
    "CREATE TABLE IF NOT EXISTS {table} ("
    "token_hash TEXT PRIMARY KEY, organisation_id TEXT NOT NULL, email TEXT NOT NULL, name TEXT NOT NULL, "
    "invited_by TEXT NOT NULL, created_at TEXT NOT NULL, expires_at TEXT NOT NULL, used_at TEXT)"
)
_INVITATION_COLUMNS = "token_hash, organisation_id, email, name, invited_by, created_at, expires_at, used_at"
INVITATION_DAYS = 7
_TOKEN_COLUMNS = "token_id, secret_hash, user_id, role, label, created_at, revoked_at"
TOKEN_PREFIX = "fbk_"
MAX_TOKEN_LABEL = 100
_TOKEN = re.compile(r"^fbk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$")


@dataclass(frozen=True)
class ApiToken:
    """A stored personal API token (never its secret): who it acts for, in which role, and since when."""

    token_id: str
    user_id: UUID
    role: str
    label: str
    created_at: str
    revoked_at: str | None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


@dataclass(frozen=True)
class IssuedToken:
    """A token just made: ``token`` is the whole secret string, to be shown once and never again."""

    record: ApiToken
    token: str


_TokenRow = tuple[str, str, str, str, str, str, str | None]


def _token_record(row: _TokenRow) -> ApiToken:
    token_id, _, user_id, role, label, created_at, revoked_at = row
    return ApiToken(token_id, UUID(user_id), role, label, created_at, revoked_at)


_InvitationRow = tuple[str, str, str, str, str, str, str, str | None]


@dataclass(frozen=True)
class Invitation:
    """A stored invitation into an organisation's portal (never its secret)."""

    token_hash: str
    organisation_id: UUID
    email: str
    name: str
    invited_by: UUID
    created_at: str
    expires_at: str
    used_at: str | None

    def expired(self, now: datetime | None = None) -> bool:
        return (now or datetime.now(UTC)) >= datetime.fromisoformat(self.expires_at)

    @property
    def used(self) -> bool:
        return self.used_at is not None


@dataclass(frozen=True)
class IssuedInvitation:
    """An invitation just made: ``token`` goes into the link, shown once and never again."""

    record: Invitation
    token: str


def _invitation_record(row: _InvitationRow) -> Invitation:
    token_hash, organisation_id, email, name, invited_by, created_at, expires_at, used_at = row
    return Invitation(token_hash, UUID(organisation_id), email, name, UUID(invited_by), created_at, expires_at, used_at)


def _token_tuple(row: dict[str, Any]) -> _TokenRow:
    return tuple(row[name.strip()] for name in _TOKEN_COLUMNS.split(","))


def _invitation_tuple(row: dict[str, Any]) -> _InvitationRow:
    return tuple(row[name.strip()] for name in _INVITATION_COLUMNS.split(","))


def _secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


class CredentialStore:
    """Sets and checks passwords; one row per user, replaced when the password changes."""

    def __init__(self, db: Database, hasher: PasswordHasher | None = None) -> None:
        self.records = Records(db)
        self.records.create(
            [
                _CREATE.format(table="credentials"),
                _CREATE_TOKENS.format(table="api_tokens"),
                _CREATE_INVITATIONS.format(table="invitations"),
            ]
        )
        self.sessions = SessionStore(self.records)
        self.attempts = AttemptCounter(self.records)
        self.password_links = PasswordLinks(self.records)
        self.second_factors = SecondFactors(self.records)
        self.pending_requests = PendingRequests(self.records)
        self.languages = PreferredLanguages(self.records)
        self._hasher = hasher or PasswordHasher()
        self._dummy_hash: str | None = None

    @classmethod
    def for_settings(cls, settings: Settings, hasher: PasswordHasher | None = None) -> CredentialStore:
        """Opens the account tables in the database the settings name (creating them)."""
        db = open_database(settings)
        try:
            return cls(db, hasher)
        except BaseException:
            db.close()
            raise

    def _hash_of(self, user_id: UUID) -> str | None:
        def work(cursor: Cursor) -> str | None:
            cursor.execute("SELECT password_hash FROM credentials WHERE user_id = ?", (_key(user_id),))
            row = cursor.fetchone()
            return str(row["password_hash"]) if row else None

        return self.records.run(work)

    def _store_hash(self, user_id: UUID, password_hash: str, end_sessions: str | None = None) -> None:
        def work(cursor: Cursor) -> None:
            cursor.execute(
                "INSERT INTO credentials (user_id, password_hash, changed_at) VALUES (?, ?, ?) "
                "ON CONFLICT (user_id) DO UPDATE SET password_hash = excluded.password_hash, "
                "changed_at = excluded.changed_at",
                (_key(user_id), password_hash, _now()),
            )
            if end_sessions:
                end_sessions_of(cursor, user_id, end_sessions)

        self.records.run(work, write=True)

    def set_password(self, user_id: UUID, password: str, why: str = PASSWORD_CHANGED) -> None:
        """Stores the new password's hash and, in the same transaction, ends every session of the user."""
        check_password_policy(password)
        self._store_hash(user_id, self._hasher.hash(password), end_sessions=why)

    def has_password(self, user_id: UUID) -> bool:
        return self._hash_of(user_id) is not None

    def verify(self, user_id: UUID, password: str) -> bool:
        """True if the password matches; rehashes a hash made with outdated parameters."""
        if not isinstance(password, str) or not password or len(password) > MAX_PASSWORD_LENGTH:
            return False
        stored = self._hash_of(user_id)
        if stored is None:
            self._spend_time(password)  # an unknown user takes as long as a wrong password
            return False
        try:
            self._hasher.verify(stored, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False
        if self._hasher.check_needs_rehash(stored):
            self._store_hash(user_id, self._hasher.hash(password))
        return True

    # Personal API tokens -----------------------------------------------------------------------

    def issue_token(self, user_id: UUID, role: str, label: str = "") -> IssuedToken:
        """Makes a token for ``user_id`` acting as ``role``; the returned string is the only copy of the secret.

        Whether the user holds the role is the caller's check (the office knows users); the store keeps rows.
        """
        label = " ".join((label or "").split())
        if len(label) > MAX_TOKEN_LABEL:
            raise InvalidInputError(
                f"Die Bezeichnung des Tokens darf höchstens {MAX_TOKEN_LABEL} Zeichen lang sein.", field="label"
            )
        if not isinstance(role, str) or not role:
            raise InvalidInputError("Ein Token braucht eine Rolle.", field="role")
        token_id, secret = secrets.token_hex(8), secrets.token_urlsafe(32)
        row: _TokenRow = (token_id, _secret_hash(secret), _key(user_id), role, label, _now(), None)
        self.records.run(
            lambda cursor: cursor.execute(
                f"INSERT INTO api_tokens ({_TOKEN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)", row
            ),
            write=True,
        )
        return IssuedToken(_token_record(row), f"{TOKEN_PREFIX}{token_id}_{secret}")

    def resolve_token(self, token: str) -> ApiToken | None:
        """The live token a bearer string stands for; None when malformed, unknown, wrong or revoked."""
        match = _TOKEN.match(token) if isinstance(token, str) else None
        if match is None:
            return None
        token_id, secret = match.groups()
        row = self._token_row(token_id)
        presented = _secret_hash(secret)
        if row is None:
            hmac.compare_digest(presented, presented)  # the same work for an unknown id
            return None
        if not hmac.compare_digest(presented, row[1]) or row[6] is not None:
            return None
        return _token_record(row)

    def token(self, token_id: str) -> ApiToken | None:
        if not isinstance(token_id, str) or not re.fullmatch(r"[0-9a-f]{16}", token_id):
            return None
        row = self._token_row(token_id)
        return _token_record(row) if row else None

    def revoke_token(self, token_id: str) -> ApiToken | None:
        """Revokes the token (again is harmless); returns its record as it stands now, or None if unknown."""
        if self.token(token_id) is None:
            return None
        self.records.run(
            lambda cursor: cursor.execute(
                "UPDATE api_tokens SET revoked_at = ? WHERE token_id = ? AND revoked_at IS NULL", (_now(), token_id)
            ),
            write=True,
        )
        return self.token(token_id)

    def list_tokens(self, user_id: UUID | None = None) -> list[ApiToken]:
        """The tokens of one user (or of everyone), oldest first, revoked ones included."""
        where, params = ("WHERE user_id = ?", (_key(user_id),)) if user_id is not None else ("", ())

        def work(cursor: Cursor) -> list[ApiToken]:
            cursor.execute(f"SELECT {_TOKEN_COLUMNS} FROM api_tokens {where} ORDER BY created_at, token_id", params)
            return [_token_record(_token_tuple(row)) for row in cursor.fetchall()]

        return self.records.run(work)

    # Invitations into an association's portal --------------------------------------------------

    def create_invitation(
        self,
        organisation_id: UUID,
        email: str,
        name: str,
        invited_by: UUID,
        days: int = INVITATION_DAYS,
        now: datetime | None = None,
    ) -> IssuedInvitation:
        """Stores an invitation; the returned token (for the link) is the only copy of the secret."""
        moment = (now or datetime.now(UTC)).replace(microsecond=0)
        token = secrets.token_urlsafe(32)
        row: _InvitationRow = (
            _secret_hash(token),
            _key(organisation_id),
            email,
            name,
            _key(invited_by),
            moment.isoformat(),
            (moment + timedelta(days=days)).isoformat(),
            None,
        )
        self.records.run(
            lambda cursor: cursor.execute(
                f"INSERT INTO invitations ({_INVITATION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", row
            ),
            write=True,
        )
        return IssuedInvitation(_invitation_record(row), token)

    def invitation(self, token: str) -> Invitation | None:
        """The invitation a link's token stands for (used or expired ones included); None when unknown."""
        if not isinstance(token, str) or not re.fullmatch(r"[A-Za-z0-9_-]{43}", token):
            return None
        digest = _secret_hash(token)

        def work(cursor: Cursor) -> Invitation | None:
            cursor.execute(f"SELECT {_INVITATION_COLUMNS} FROM invitations WHERE token_hash = ?", (digest,))
            row = cursor.fetchone()
            return _invitation_record(_invitation_tuple(row)) if row else None

        return self.records.run(work)

    def use_invitation(self, token: str) -> bool:
        """Marks the invitation used; False when it was used already (or is unknown)."""
        found = self.invitation(token)
        if found is None:
            return False

        def work(cursor: Cursor) -> bool:
            cursor.execute(
                "UPDATE invitations SET used_at = ? WHERE token_hash = ? AND used_at IS NULL",
                (_now(), found.token_hash),
            )
            return cursor.rowcount == 1

        return self.records.run(work, write=True)

    def list_invitations(self, organisation_id: UUID) -> list[Invitation]:
        def work(cursor: Cursor) -> list[Invitation]:
            cursor.execute(
                f"SELECT {_INVITATION_COLUMNS} FROM invitations WHERE organisation_id = ? "
                "ORDER BY created_at, token_hash",
                (_key(organisation_id),),
            )
            return [_invitation_record(_invitation_tuple(row)) for row in cursor.fetchall()]

        return self.records.run(work)

    def _token_row(self, token_id: str) -> _TokenRow | None:
        def work(cursor: Cursor) -> _TokenRow | None:
            cursor.execute(f"SELECT {_TOKEN_COLUMNS} FROM api_tokens WHERE token_id = ?", (token_id,))
            row = cursor.fetchone()
            return _token_tuple(row) if row else None

        return self.records.run(work)

    def close(self) -> None:
        self.records.close()

    def __enter__(self) -> CredentialStore:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def _spend_time(self, password: str) -> None:
        if self._dummy_hash is None:
            self._dummy_hash = self._hasher.hash("kein-benutzer-vorhanden")
        with contextlib.suppress(VerificationError):
            self._hasher.verify(self._dummy_hash, password)


def _key(user_id: UUID) -> str:
    if not isinstance(user_id, UUID):
        raise InvalidInputError("Die Benutzerkennung ist ungültig.", field="user_id")
    return str(user_id)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
