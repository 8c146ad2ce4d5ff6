"""The one database handle for everything kept beside the events: read models and account records.

Read models (``projections``) and the account records (password hashes, API tokens, invitations,
sessions, sign-in counters, second factors) live in the events' own database, through the same pooled
layer (``projections.db``): one connection per thread to the SQLite file, a ``psycopg_pool`` pool for
PostgreSQL. ``memory://`` gets an in-memory SQLite database that lives as long as the handle.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

import psycopg

from foerderbuch.settings import Settings
from projections.db import Cursor, Database, PostgresDatabase, SQLiteDatabase

T = TypeVar("T")
RECONNECT_ATTEMPTS = 3


def open_database(settings: Settings) -> Database:
    """A handle on the database the settings name (nothing is created yet)."""
    backend = settings.backend
    if backend == "memory":
        return SQLiteDatabase(":memory:")
    if backend == "sqlite":
        settings.eventsourcing_env()  # refuses a directory that does not exist
        return SQLiteDatabase(str(settings.sqlite_path))
    return PostgresDatabase(settings.postgres_conninfo(), schema=settings.postgres_schema)


class Records:
    """Units of work on the account tables, through the pooled database layer, surviving a reconnect.

    A PostgreSQL connection that died while idle in the pool (a database restart, an administrator's
    ``pg_terminate_backend``) fails on its first statement; the pool is then checked, broken connections
    replaced, and the unit of work runs again (every unit here may safely run twice).
    """

    def __init__(self, db: Database) -> None:
        self.db = db

    def run(self, work: Callable[[Cursor], T], write: bool = False) -> T:
        for attempt in range(RECONNECT_ATTEMPTS):
            try:
                with self.db.transaction(exclusive=write) as cursor:
                    return work(cursor)
            except psycopg.OperationalError:
                if attempt == RECONNECT_ATTEMPTS - 1:
                    raise
                pool = getattr(self.db, "pool", None)
                if pool is not None:
                    pool.check()
        raise AssertionError("unreachable")  # pragma: no cover

    def create(self, statements: Sequence[str]) -> None:
        """Creates the tables (IF NOT EXISTS); on PostgreSQL under a lock, so workers starting together take turns."""

        def work(cursor: Cursor) -> None:
            if self.db.kind == "postgres":
                cursor.execute("SELECT pg_advisory_xact_lock(4711200602)")
            for statement in statements:
                cursor.execute(statement)

        self.run(work, write=True)

    def close(self) -> None:
        self.db.close()
