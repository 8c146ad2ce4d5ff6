"""Builds the FundingOffice from settings, with the adapters the domain needs injected."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from datetime import date
from pathlib import Path

from starlette.applications import Starlette

from domain.application import FundingOffice
from domain.money import Money
from exports.letters.service import Letters
from foerderbuch import sealing
from foerderbuch.credentials import CredentialStore
from foerderbuch.database import Records, open_database
from foerderbuch.documents import DocumentFiles
from foerderbuch.iban import validate_iban
from foerderbuch.key_files import PRIVACY_KEY, LoadedKey
from foerderbuch.notify import mailer_for
from foerderbuch.privacy.access import report as access_report
from foerderbuch.privacy.keys import KeyStore
from foerderbuch.privacy.shredding import ShreddingMapper
from foerderbuch.seal_key import SealKey
from foerderbuch.settings import Settings
from projections.catalogue import all_read_models
from projections.db import Database
from projections.engine import Projector
from projections.follower import Follower, lease_for
from web.app import create_app
from web.config import WebConfig
from web.services import Services

# How long a command waits for the SQLite store's writer (another process, or the follower writing a
# batch) before it counts as busy. The library's own pool gives up after 5 s, which under a burst of
# concurrent commands answered with errors; the follower's batches are short, so waiting is right.
SQLITE_POOL_TIMEOUT = 30.0


def create_office(settings: Settings, today: Callable[[], date] | None = None) -> FundingOffice:
    """The office over the settings' event store, with personal data encrypted per person (see
    ``foerderbuch.privacy.shredding``; the keys live in the same database) and snapshots under the seal
    key; inside a command of the command line, what it writes is sealed when the command ends."""
    office = _create_office(settings, today, SealKey(settings))
    sealing.watch(settings, office)
    return office


def _create_office(settings: Settings, today: Callable[[], date] | None, key: SealKey) -> FundingOffice:
    if settings.backend == "sqlite":
        _switch_to_wal(settings.eventsourcing_env()["SQLITE_DBNAME"])
        office = _office(settings, today, key)
        _patient_pool(office)
        return office
    if settings.backend != "postgres":
        return _office(settings, today, key)
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
        return _office(settings, today, key)


def _office(settings: Settings, today: Callable[[], date] | None, key: SealKey) -> FundingOffice:
    records = Records(open_database(settings))
    try:  # a refused privacy key (missing, or not this store's) leaves no connection open behind it
        keys = KeyStore(records, LoadedKey(settings, PRIVACY_KEY))
    except BaseException:
        records.close()
        raise
    try:
        office = FundingOffice(
            env=settings.eventsourcing_env(),
            iban_validator=validate_iban,
            today=today,
            snapshot_key=key,
            mapper_factory=lambda transcoder: ShreddingMapper(transcoder, keys),
            claim_policy=settings.claim_policy(),
        )
    except BaseException:
        keys.close()
        raise
    office.item_value_limit = Money(settings.item_value_limit)
    office.rate_warning_days = settings.rate_warning_days
    return office


def _patient_pool(office: FundingOffice) -> None:
    """Lets SQLite commands queue for the writer instead of failing after the library's 5 s."""
    datastore = getattr(office.factory, "datastore", None)
    pool = getattr(datastore, "pool", None)
    if pool is not None and hasattr(pool, "pool_timeout"):
        pool.pool_timeout = SQLITE_POOL_TIMEOUT


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
    return Projector(office, create_read_database(settings), all_read_models(SealKey(settings)))


def create_follower(settings: Settings, office: FundingOffice, projector: Projector) -> Follower:
    """The background follower of these read models; woken by every save of this process."""
    db = projector.db
    if settings.backend == "postgres":
        lease = lease_for(
            "postgres",
            conninfo=getattr(db, "conninfo", None),
            channel=getattr(office.recorder, "channel_name", None),
            schema=settings.eventsourcing_env().get("POSTGRES_SCHEMA"),
        )
    elif settings.backend == "sqlite":
        lease = lease_for("sqlite", database_path=str(settings.sqlite_path))
    else:
        lease = lease_for("memory")
    follower = Follower(projector, lease)
    office.on_recorded(follower.wake)
    return follower


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
    projector = create_projector(settings, office)
    documents = DocumentFiles.for_settings(settings)
    credentials = CredentialStore.for_settings(settings)
    return Services(
        office,
        projector,
        credentials,
        documents,
        create_follower(settings, office, projector),
        letters=create_letters(settings, office, projector, documents),
        mailer=mailer_for(settings),
        access_report=lambda who: access_report(office, credentials, who),
    )


def create_letters(
    settings: Settings, office: FundingOffice, projector: Projector, documents: DocumentFiles
) -> Letters:
    """Letters from the office's template folder (``FOERDERBUCH_LETTER_TEMPLATES``) over the shipped defaults."""
    folder = settings.letter_templates.strip()
    return Letters(office, projector, documents, Path(folder) if folder else None)


STARTUP_FAILURE_FILE = "FOERDERBUCH_STARTUP_FAILURES"  # set by ``serve --workers N`` for its workers


def web_config(settings: Settings, host: str = "127.0.0.1", port: int = 8000) -> WebConfig:
    """What the web app needs to know from the settings (links, HTTPS, proxies, limits, sessions)."""
    return WebConfig(
        base_url=settings.link_base(host, port),
        https=settings.https,
        trusted_proxies=settings.trusted_proxies,
        max_body_bytes=settings.max_body_mb * 1024 * 1024,
        max_anonymous_body_bytes=settings.max_anonymous_body_kb * 1024,
        session_idle_seconds=settings.session_idle_minutes * 60,
        session_hours=settings.session_hours,
        two_factor_roles=frozenset(settings.two_factor_roles),
        sepa_debtor=settings.sepa_debtor(),
    )


def create_web_app(
    settings: Settings, https_only: bool = False, host: str = "127.0.0.1", port: int = 8000
) -> Starlette:
    """The ASGI app for ``foerderbuch serve``: each worker builds its own office and read models."""

    def build() -> Services:
        try:
            services = create_services(settings)
            services.projector.set_up()
            return services
        except Exception as error:  # noted for the parent process (serve --workers N), then raised
            marker = os.environ.get(STARTUP_FAILURE_FILE)
            if marker:
                with open(marker, "a", encoding="utf-8") as notes:
                    notes.write(f"{type(error).__name__}: {error}".replace("\n", " ") + "\n")
            raise

    config = web_config(settings, host, port)
    return create_app(build, session_secret(settings), https_only=https_only, config=config)
