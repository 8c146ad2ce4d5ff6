"""The one database handle for everything kept beside the events: read models and account records.

Read models (``projections``) and the account records (password hashes, API tokens, invitations,
sessions, sign-in counters, second factors) live in the events' own database, through the same pooled
layer (``projections.db``): one connection per thread to the SQLite file, a ``psycopg_pool`` pool for
PostgreSQL. ``memory://`` gets an in-memory SQLite database that lives as long as the handle.
"""

from __future__ import annotations

from foerderbuch.settings import Settings
from projections.db import Database, PostgresDatabase, SQLiteDatabase


def open_database(settings: Settings) -> Database:
    """A handle on the database the settings name (nothing is created yet)."""
    backend = settings.backend
    if backend == "memory":
        return SQLiteDatabase(":memory:")
    if backend == "sqlite":
        settings.eventsourcing_env()  # refuses a directory that does not exist
        return SQLiteDatabase(str(settings.sqlite_path))
    return PostgresDatabase(settings.postgres_conninfo(), schema=settings.postgres_schema)
