"""Password hashes, kept beside the events but never as events.

A password hash is a secret that must be replaceable and erasable, so it does not belong in an
append-only log. It lives in a table of its own in the events' database::

    credentials(user_id TEXT PRIMARY KEY, password_hash TEXT NOT NULL, changed_at TEXT NOT NULL)

SQLite uses the same file as the events, PostgreSQL the same database and schema
(``POSTGRES_SCHEMA``), and ``memory://`` a dictionary that lives as long as the store object.
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
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import re
import secrets
import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol
from uuid import UUID

import psycopg
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from psycopg import sql

from domain.errors import InvalidInputError
from foerderbuch.settings import Settings

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024  # argon2 takes any length; this only stops absurd input
CONNECT_TIMEOUT_SECONDS = 5

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


def _secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def check_password_policy(password: str) -> str:
    """Refuses passwords that are too short (or absurdly long) with a German message."""
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInputError(
            f"Das Passwort muss mindestens {MIN_PASSWORD_LENGTH} Zeichen lang sein.", field="password"
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidInputError(
            f"Das Passwort darf höchstens {MAX_PASSWORD_LENGTH} Zeichen lang sein.", field="password"
        )
    if not password.strip():
        raise InvalidInputError("Das Passwort darf nicht nur aus Leerzeichen bestehen.", field="password")
    return password


class _Backend(Protocol):
    def get(self, user_id: str) -> str | None: ...
    def put(self, user_id: str, password_hash: str, changed_at: str) -> None: ...
    def token_insert(self, row: _TokenRow) -> None: ...
    def token_get(self, token_id: str) -> _TokenRow | None: ...
    def token_revoke(self, token_id: str, revoked_at: str) -> None: ...
    def token_rows(self, user_id: str | None) -> list[_TokenRow]: ...
    def invitation_insert(self, row: _InvitationRow) -> None: ...
    def invitation_get(self, token_hash: str) -> _InvitationRow | None: ...
    def invitation_use(self, token_hash: str, used_at: str) -> bool: ...
    def invitation_rows(self, organisation_id: str) -> list[_InvitationRow]: ...
    def close(self) -> None: ...


class _MemoryBackend:
    def __init__(self) -> None:
        self.rows: dict[str, tuple[str, str]] = {}
        self.tokens: dict[str, _TokenRow] = {}
        self.invitations: dict[str, _InvitationRow] = {}

    def invitation_insert(self, row: _InvitationRow) -> None:
        self.invitations[row[0]] = row

    def invitation_get(self, token_hash: str) -> _InvitationRow | None:
        return self.invitations.get(token_hash)

    def invitation_use(self, token_hash: str, used_at: str) -> bool:
        row = self.invitations.get(token_hash)
        if row is None or row[7] is not None:
            return False
        self.invitations[token_hash] = (*row[:7], used_at)
        return True

    def invitation_rows(self, organisation_id: str) -> list[_InvitationRow]:
        rows = [row for row in self.invitations.values() if row[1] == organisation_id]
        return sorted(rows, key=lambda row: (row[5], row[0]))

    def token_insert(self, row: _TokenRow) -> None:
        if row[0] in self.tokens:
            raise KeyError(row[0])
        self.tokens[row[0]] = row

    def token_get(self, token_id: str) -> _TokenRow | None:
        return self.tokens.get(token_id)

    def token_revoke(self, token_id: str, revoked_at: str) -> None:
        row = self.tokens.get(token_id)
        if row is not None and row[6] is None:
            self.tokens[token_id] = (*row[:6], revoked_at)

    def token_rows(self, user_id: str | None) -> list[_TokenRow]:
        rows = [row for row in self.tokens.values() if user_id is None or row[2] == user_id]
        return sorted(rows, key=lambda row: (row[5], row[0]))

    def get(self, user_id: str) -> str | None:
        row = self.rows.get(user_id)
        return row[0] if row else None

    def put(self, user_id: str, password_hash: str, changed_at: str) -> None:
        self.rows[user_id] = (password_hash, changed_at)

    def close(self) -> None:
        pass


class _SQLiteBackend:
    """One connection shared by the web workers' threads, used under a lock."""

    def __init__(self, path: str) -> None:
        self.lock = threading.Lock()
        self.connection = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
        try:
            self.connection.execute(_CREATE.format(table="credentials"))
            self.connection.execute(_CREATE_TOKENS.format(table="api_tokens"))
            self.connection.execute(_CREATE_INVITATIONS.format(table="invitations"))
        except sqlite3.Error:
            self.connection.close()
            raise

    def get(self, user_id: str) -> str | None:
        with self.lock:
            row = self.connection.execute(
                "SELECT password_hash FROM credentials WHERE user_id = ?", (user_id,)
            ).fetchone()
        return row[0] if row else None

    def put(self, user_id: str, password_hash: str, changed_at: str) -> None:
        with self.lock:
            self.connection.execute(
                "INSERT INTO credentials (user_id, password_hash, changed_at) VALUES (?, ?, ?) "
                "ON CONFLICT (user_id) DO UPDATE SET password_hash = excluded.password_hash, "
                "changed_at = excluded.changed_at",
                (user_id, password_hash, changed_at),
            )

    def token_insert(self, row: _TokenRow) -> None:
        with self.lock:
            self.connection.execute(f"INSERT INTO api_tokens ({_TOKEN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)", row)

    def token_get(self, token_id: str) -> _TokenRow | None:
        with self.lock:
            row = self.connection.execute(
                f"SELECT {_TOKEN_COLUMNS} FROM api_tokens WHERE token_id = ?", (token_id,)
            ).fetchone()
        return tuple(row) if row else None  # type: ignore[return-value]

    def token_revoke(self, token_id: str, revoked_at: str) -> None:
        with self.lock:
            self.connection.execute(
                "UPDATE api_tokens SET revoked_at = ? WHERE token_id = ? AND revoked_at IS NULL", (revoked_at, token_id)
            )

    def token_rows(self, user_id: str | None) -> list[_TokenRow]:
        where, params = ("WHERE user_id = ?", (user_id,)) if user_id is not None else ("", ())
        with self.lock:
            rows = self.connection.execute(
                f"SELECT {_TOKEN_COLUMNS} FROM api_tokens {where} ORDER BY created_at, token_id", params
            ).fetchall()
        return [tuple(row) for row in rows]  # type: ignore[misc]

    def invitation_insert(self, row: _InvitationRow) -> None:
        with self.lock:
            self.connection.execute(
                f"INSERT INTO invitations ({_INVITATION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", row
            )

    def invitation_get(self, token_hash: str) -> _InvitationRow | None:
        with self.lock:
            row = self.connection.execute(
                f"SELECT {_INVITATION_COLUMNS} FROM invitations WHERE token_hash = ?", (token_hash,)
            ).fetchone()
        return tuple(row) if row else None  # type: ignore[return-value]

    def invitation_use(self, token_hash: str, used_at: str) -> bool:
        with self.lock:
            cursor = self.connection.execute(
                "UPDATE invitations SET used_at = ? WHERE token_hash = ? AND used_at IS NULL", (used_at, token_hash)
            )
        return cursor.rowcount == 1

    def invitation_rows(self, organisation_id: str) -> list[_InvitationRow]:
        with self.lock:
            rows = self.connection.execute(
                f"SELECT {_INVITATION_COLUMNS} FROM invitations WHERE organisation_id = ? "
                "ORDER BY created_at, token_hash",
                (organisation_id,),
            ).fetchall()
        return [tuple(row) for row in rows]  # type: ignore[misc]

    def close(self) -> None:
        self.connection.close()


class _PostgresBackend:
    def __init__(self, env: dict[str, str]) -> None:
        self.connection = psycopg.connect(
            host=env["POSTGRES_HOST"],
            port=int(env["POSTGRES_PORT"]),
            dbname=env["POSTGRES_DBNAME"],
            user=env["POSTGRES_USER"],
            password=env.get("POSTGRES_PASSWORD") or None,
            connect_timeout=CONNECT_TIMEOUT_SECONDS,
            autocommit=True,
        )
        schema = (env.get("POSTGRES_SCHEMA") or "").strip() or "public"
        self.table = sql.Identifier(schema, "credentials")
        self.tokens = sql.Identifier(schema, "api_tokens")
        self.invitations = sql.Identifier(schema, "invitations")
        try:
            self.connection.execute(sql.SQL(_CREATE).format(table=self.table))
            self.connection.execute(sql.SQL(_CREATE_TOKENS).format(table=self.tokens))
            self.connection.execute(sql.SQL(_CREATE_INVITATIONS).format(table=self.invitations))
        except psycopg.Error:
            self.connection.close()
            raise

    def get(self, user_id: str) -> str | None:
        query = sql.SQL("SELECT password_hash FROM {table} WHERE user_id = %s").format(table=self.table)
        row = self.connection.execute(query, (user_id,)).fetchone()
        return row[0] if row else None

    def put(self, user_id: str, password_hash: str, changed_at: str) -> None:
        query = sql.SQL(
            "INSERT INTO {table} (user_id, password_hash, changed_at) VALUES (%s, %s, %s) "
            "ON CONFLICT (user_id) DO UPDATE SET password_hash = EXCLUDED.password_hash, "
            "changed_at = EXCLUDED.changed_at"
        ).format(table=self.table)
        self.connection.execute(query, (user_id, password_hash, changed_at))

    def token_insert(self, row: _TokenRow) -> None:
        query = sql.SQL("INSERT INTO {table} (" + _TOKEN_COLUMNS + ") VALUES (%s, %s, %s, %s, %s, %s, %s)").format(
            table=self.tokens
        )
        self.connection.execute(query, row)

    def token_get(self, token_id: str) -> _TokenRow | None:
        query = sql.SQL("SELECT " + _TOKEN_COLUMNS + " FROM {table} WHERE token_id = %s").format(table=self.tokens)
        row = self.connection.execute(query, (token_id,)).fetchone()
        return tuple(row) if row else None  # type: ignore[return-value]

    def token_revoke(self, token_id: str, revoked_at: str) -> None:
        query = sql.SQL("UPDATE {table} SET revoked_at = %s WHERE token_id = %s AND revoked_at IS NULL").format(
            table=self.tokens
        )
        self.connection.execute(query, (revoked_at, token_id))

    def token_rows(self, user_id: str | None) -> list[_TokenRow]:
        where = sql.SQL("WHERE user_id = %s" if user_id is not None else "")
        query = sql.SQL("SELECT " + _TOKEN_COLUMNS + " FROM {table} {where} ORDER BY created_at, token_id").format(
            table=self.tokens, where=where
        )
        rows = self.connection.execute(query, (user_id,) if user_id is not None else ()).fetchall()
        return [tuple(row) for row in rows]  # type: ignore[misc]

    def invitation_insert(self, row: _InvitationRow) -> None:
        query = sql.SQL(
            "INSERT INTO {table} (" + _INVITATION_COLUMNS + ") VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
        ).format(table=self.invitations)
        self.connection.execute(query, row)

    def invitation_get(self, token_hash: str) -> _InvitationRow | None:
        query = sql.SQL("SELECT " + _INVITATION_COLUMNS + " FROM {table} WHERE token_hash = %s").format(
            table=self.invitations
        )
        row = self.connection.execute(query, (token_hash,)).fetchone()
        return tuple(row) if row else None  # type: ignore[return-value]

    def invitation_use(self, token_hash: str, used_at: str) -> bool:
        query = sql.SQL("UPDATE {table} SET used_at = %s WHERE token_hash = %s AND used_at IS NULL").format(
            table=self.invitations
        )
        return self.connection.execute(query, (used_at, token_hash)).rowcount == 1

    def invitation_rows(self, organisation_id: str) -> list[_InvitationRow]:
        query = sql.SQL(
            "SELECT " + _INVITATION_COLUMNS + " FROM {table} WHERE organisation_id = %s ORDER BY created_at, token_hash"
        ).format(table=self.invitations)
        rows = self.connection.execute(query, (organisation_id,)).fetchall()
        return [tuple(row) for row in rows]  # type: ignore[misc]

    def close(self) -> None:
        self.connection.close()


class CredentialStore:
    """Sets and checks passwords; one row per user, replaced when the password changes."""

    def __init__(self, backend: _Backend, hasher: PasswordHasher | None = None) -> None:
        self._backend = backend
        self._hasher = hasher or PasswordHasher()
        self._dummy_hash: str | None = None

    @classmethod
    def for_settings(cls, settings: Settings, hasher: PasswordHasher | None = None) -> CredentialStore:
        """Opens the credentials table in the database the settings name (creating the table)."""
        backend = settings.backend  # raises SettingsError for an unknown scheme
        if backend == "memory":
            return cls(_MemoryBackend(), hasher)
        env = settings.eventsourcing_env()  # checks the SQLite directory, applies POSTGRES_SCHEMA
        if backend == "sqlite":
            return cls(_SQLiteBackend(env["SQLITE_DBNAME"]), hasher)
        return cls(_PostgresBackend(env), hasher)

    def set_password(self, user_id: UUID, password: str) -> None:
        check_password_policy(password)
        self._backend.put(_key(user_id), self._hasher.hash(password), _now())

    def has_password(self, user_id: UUID) -> bool:
        return self._backend.get(_key(user_id)) is not None

    def verify(self, user_id: UUID, password: str) -> bool:
        """True if the password matches; rehashes a hash made with outdated parameters."""
        if not isinstance(password, str) or not password or len(password) > MAX_PASSWORD_LENGTH:
            return False
        stored = self._backend.get(_key(user_id))
        if stored is None:
            self._spend_time(password)  # an unknown user takes as long as a wrong password
            return False
        try:
            self._hasher.verify(stored, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False
        if self._hasher.check_needs_rehash(stored):
            self._backend.put(_key(user_id), self._hasher.hash(password), _now())
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
        self._backend.token_insert(row)
        return IssuedToken(_token_record(row), f"{TOKEN_PREFIX}{token_id}_{secret}")

    def resolve_token(self, token: str) -> ApiToken | None:
        """The live token a bearer string stands for; None when malformed, unknown, wrong or revoked."""
        match = _TOKEN.match(token) if isinstance(token, str) else None
        if match is None:
            return None
        token_id, secret = match.groups()
        row = self._backend.token_get(token_id)
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
        row = self._backend.token_get(token_id)
        return _token_record(row) if row else None

    def revoke_token(self, token_id: str) -> ApiToken | None:
        """Revokes the token (again is harmless); returns its record as it stands now, or None if unknown."""
        if self.token(token_id) is None:
            return None
        self._backend.token_revoke(token_id, _now())
        return self.token(token_id)

    def list_tokens(self, user_id: UUID | None = None) -> list[ApiToken]:
        """The tokens of one user (or of everyone), oldest first, revoked ones included."""
        return [_token_record(row) for row in self._backend.token_rows(_key(user_id) if user_id else None)]

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
        self._backend.invitation_insert(row)
        return IssuedInvitation(_invitation_record(row), token)

    def invitation(self, token: str) -> Invitation | None:
        """The invitation a link's token stands for (used or expired ones included); None when unknown."""
        if not isinstance(token, str) or not re.fullmatch(r"[A-Za-z0-9_-]{43}", token):
            return None
        row = self._backend.invitation_get(_secret_hash(token))
        return _invitation_record(row) if row else None

    def use_invitation(self, token: str) -> bool:
        """Marks the invitation used; False when it was used already (or is unknown)."""
        found = self.invitation(token)
        return found is not None and self._backend.invitation_use(found.token_hash, _now())

    def list_invitations(self, organisation_id: UUID) -> list[Invitation]:
        return [_invitation_record(row) for row in self._backend.invitation_rows(_key(organisation_id))]

    def close(self) -> None:
        self._backend.close()

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
