"""Password hashes, kept beside the events but never as events.

A password hash is a secret that must be replaceable and erasable, so it does not belong in an
append-only log. It lives in a table of its own in the events' database::

    credentials(user_id TEXT PRIMARY KEY, password_hash TEXT NOT NULL, changed_at TEXT NOT NULL)

SQLite uses the same file as the events, PostgreSQL the same database and schema
(``POSTGRES_SCHEMA``), and ``memory://`` a dictionary that lives as long as the store object.
Hashes are argon2id (argon2-cffi); a hash made with weaker parameters is replaced on the next
successful sign-in.
"""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime
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
    def close(self) -> None: ...


class _MemoryBackend:
    def __init__(self) -> None:
        self.rows: dict[str, tuple[str, str]] = {}

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
        try:
            self.connection.execute(sql.SQL(_CREATE).format(table=self.table))
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

    def close(self) -> None:
        self._backend.close()

    def __enter__(self) -> CredentialStore:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def _spend_time(self, password: str) -> None:
        if self._dummy_hash is None:
            self._dummy_hash = self._hasher.hash("kein-benutzer-vorhanden")
        try:
            self._hasher.verify(self._dummy_hash, password)
        except VerificationError:
            pass


def _key(user_id: UUID) -> str:
    if not isinstance(user_id, UUID):
        raise InvalidInputError("Die Benutzerkennung ist ungültig.", field="user_id")
    return str(user_id)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
