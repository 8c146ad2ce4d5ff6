"""Builds the FundingOffice from settings, with the adapters the domain needs injected."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from datetime import date
from pathlib import Path

from starlette.applications import Starlette

from domain.application import FundingOffice
from foerderbuch.credentials import CredentialStore
from foerderbuch.database import open_database
from foerderbuch.documents import DocumentFiles
from foerderbuch.iban import validate_iban
from foerderbuch.settings import Settings
from projections.catalogue import all_read_models
from projections.db import Database
from projections.engine import Projector
from web.app import create_app
from web.services import Services


def create_office(settings: Settings, today: Callable[[], date] | None = None) -> FundingOffice:
    if settings.backend == "sqlite":
        _switch_to_wal(settings.eventsourcing_env()["SQLITE_DBNAME"])
    if settings.backend != "postgres":
        return FundingOffice(env=settings.eventsourcing_env(), iban_validator=validate_iban, today=today)
    # On start the library runs CREATE TABLE IF NOT EXISTS / CREATE OR REPLACE FUNCTION; several
    # processes doing so at once (web workers) fail with "tuple concurrently updated" or a duplicate
    # pg_type key. A session advisory lock makes them take turns; closing the connection releases it.
    import psycopg

    params = settings.postgres_params()
    with psycopg.connect(
        host=params["POSTGRES_HOST"],
        port=params["POSTGRES_PORT"],
        dbname=params["POSTGRES_DBNAME"],
        user=params["POSTGRES_USER"],
        password=params["POSTGRES_PASSWORD"] or None,
        connect_timeout=30,
        autocommit=True,
    ) as conn:
        conn.execute("SET lock_timeout = '60s'")
        conn.execute("SELECT pg_advisory_lock(4711200601)")  # Förderbuch's start-up lock
        return FundingOffice(env=settings.eventsourcing_env(), iban_validator=validate_iban, today=today)


def _switch_to_wal(path: str, attempts: int = 100) -> None:
    """Puts a new SQLite file into WAL mode before the library opens it.

    The library switches a new file to WAL itself, but SQLite answers that PRAGMA with "database is
    locked" at once (no busy wait) while another process is reading or creating tables, so workers
    starting together on a fresh file fail. WAL mode sticks to the file: once set, nobody switches.
    """
    import sqlite3
    import time
    from contextlib import closing

    for attempt in range(attempts):
        try:
            with closing(sqlite3.connect(path, timeout=30, uri=True)) as conn:
                if conn.execute("PRAGMA journal_mode=WAL").fetchone()[0].lower() == "wal":
                    return
        except sqlite3.OperationalError:
            if attempt == attempts - 1:
                raise
        time.sleep(0.02 * (1 + attempt % 10))


def create_read_database(settings: Settings) -> Database:
    """The read models live in the events' own database."""
    return open_database(settings)


def create_projector(settings: Settings, office: FundingOffice) -> Projector:
    return Projector(office, create_read_database(settings), all_read_models())


def session_secret(settings: Settings) -> str:
    """The key that signs session cookies: FOERDERBUCH_SECRET_KEY, else one made once and kept in
    ``foerderbuch.secret`` beside the working directory's database, readable only by its owner, so every
    worker and every restart shares it."""
    if settings.secret_key:
        return settings.secret_key
    path = (
        Path(settings.sqlite_path).with_suffix(".secret")
        if settings.backend == "sqlite"
        else Path("foerderbuch.secret")
    )
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(secrets.token_urlsafe(48))
    return path.read_text(encoding="ascii").strip()


def create_services(settings: Settings) -> Services:
    office = create_office(settings)
    return Services(
        office,
        create_projector(settings, office),
        CredentialStore.for_settings(settings),
        DocumentFiles.for_settings(settings),
    )


def create_web_app(settings: Settings, https_only: bool = False) -> Starlette:
    """The ASGI app for ``foerderbuch serve``: each worker builds its own office and read models."""
    return create_app(lambda: create_services(settings), session_secret(settings), https_only=https_only)
