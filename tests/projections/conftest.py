"""Fixtures for the read-model tests: the story told once per module and backend, and fresh stores.

* ``world``: the story of ``story.py`` recorded on SQLite and on PostgreSQL (the PostgreSQL variant's
  id contains "postgres"), with every read model caught up; shared by the read-only tests of a module.
* ``fresh_settings``: a fresh, empty store per test on each backend (for tests that change the log or
  the read models), built on the suite-wide ``backend`` fixture.
* ``services``: ``services(settings, batch_size=…)`` opens an office with its projector; everything it
  opened is closed after the test.

PostgreSQL tests are skipped when the server cannot be reached, except under ``CI=true``, where that
is a failure.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator

import psycopg
import pytest
from ledger_story import TODAY, World, tell
from psycopg import sql

from domain.application import FundingOffice
from foerderbuch.settings import Settings
from foerderbuch.wiring import create_office, create_projector
from projections.engine import Projector

POSTGRES_URL = os.environ.get("FOERDERBUCH_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def postgres_unreachable() -> str | None:
    try:
        with psycopg.connect(POSTGRES_URL, connect_timeout=3) as conn:
            conn.execute("SELECT 1").fetchone()
    except Exception as error:  # any failure to connect means "not reachable"; the reason is reported
        return f"{type(error).__name__}: {error}".strip()
    return None


def require_postgres() -> str:
    reason = postgres_unreachable()
    if reason is not None:
        message = f"PostgreSQL not reachable: {reason}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message} (CI=true: the PostgreSQL tests must run)", pytrace=False)
        pytest.skip(message)
    return POSTGRES_URL


def create_schema() -> str:
    schema = f"t_{uuid.uuid4().hex}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    return schema


def drop_schema(schema: str) -> None:
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute("SET lock_timeout = '10s'")
        conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))


BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(scope="module", params=BACKENDS)
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    schema = None
    if request.param == "postgres":
        require_postgres()
        schema = create_schema()
        settings = Settings(database_url=POSTGRES_URL, extra_env={"POSTGRES_SCHEMA": schema})
    else:
        settings = Settings(database_url=f"sqlite:///{tmp_path_factory.mktemp('world') / 'foerderbuch.sqlite'}")
    app = create_office(settings, today=lambda: TODAY)
    projector = None
    try:
        story = tell(app)
        projector = create_projector(settings, app)
        projector.catch_up()
        yield World(story, projector, settings)
    finally:
        if projector is not None:
            projector.db.close()
        app.close()
        if schema is not None:
            drop_schema(schema)


@pytest.fixture
def fresh_settings(backend: Settings) -> Settings:
    return backend


@pytest.fixture
def services() -> Iterator[Callable[..., tuple[FundingOffice, Projector]]]:
    opened: list[tuple[FundingOffice, Projector]] = []

    def open_services(settings: Settings, batch_size: int = 500) -> tuple[FundingOffice, Projector]:
        office = create_office(settings, today=lambda: TODAY)
        projector = create_projector(settings, office)
        projector.batch_size = batch_size
        opened.append((office, projector))
        return office, projector

    yield open_services
    for office, projector in opened:
        projector.db.close()
        office.close()
