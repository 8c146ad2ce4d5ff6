"""Shared fixtures: settings for each backend, with every PostgreSQL test in its own schema.

* ``sqlite_settings``: a fresh SQLite file under ``tmp_path``.
* ``postgres_url``: the URL of the PostgreSQL server (127.0.0.1:5432, database ``test``, or
  ``FOERDERBUCH_TEST_POSTGRES_URL``). A test that asks for it is skipped with the reason when the
  server is not reachable — except under ``CI=true``, where that is a failure: CI must prove the
  PostgreSQL tests ran.
* ``postgres_settings``: settings for a fresh schema ``t_<uuid hex>`` that is dropped afterwards, so
  tests never see each other's events and can run any number of times.
* ``backend``: parametrised over ``sqlite`` and ``postgres`` (the PostgreSQL variant's test id
  contains "postgres" and carries the ``postgres`` marker).
* ``open_office``: builds a ``FundingOffice`` for settings and closes every one it built at the end.
* ``demo_store``: the demo, loaded once per session by ``foerderbuch demo`` into a SQLite file, with what
  the command printed. Tests only read it; a test that writes works on a copy (``copy_sqlite_store``).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

import psycopg
import pytest
from demo_support import DemoStore, load_demo_store
from psycopg import sql

from domain.application import FundingOffice
from foerderbuch.settings import Settings
from foerderbuch.wiring import create_office

POSTGRES_URL = os.environ.get("FOERDERBUCH_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
CONNECT_TIMEOUT_SECONDS = 3


def _server_label(url: str) -> str:
    parsed = urlparse(url)
    return f"{parsed.hostname}:{parsed.port or 5432}"


def _unreachable(reason: str) -> None:
    message = f"PostgreSQL at {_server_label(POSTGRES_URL)} not reachable: {reason}"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message} (CI=true: the PostgreSQL tests must run)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def _postgres_check() -> str | None:
    """Connects once per session; returns None when the server answers, else the error."""
    try:
        with psycopg.connect(POSTGRES_URL, connect_timeout=CONNECT_TIMEOUT_SECONDS) as conn:
            conn.execute("SELECT 1").fetchone()
    except Exception as error:  # any failure to connect means "not reachable"; the reason is reported
        return f"{type(error).__name__}: {error}".strip()
    return None


@pytest.fixture
def postgres_url(_postgres_check: str | None) -> str:
    """The PostgreSQL URL, after checking the server is reachable (skip, or fail under CI=true)."""
    if _postgres_check is not None:
        _unreachable(_postgres_check)
    return POSTGRES_URL


@pytest.fixture
def postgres_schema(postgres_url: str) -> Iterator[str]:
    """A fresh, empty schema for one test; dropped with everything in it afterwards."""
    schema = f"t_{uuid.uuid4().hex}"
    with psycopg.connect(postgres_url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_SECONDS) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    try:
        yield schema
    finally:
        with psycopg.connect(postgres_url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_SECONDS) as conn:
            conn.execute("SET lock_timeout = '10s'")
            conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))


@pytest.fixture
def postgres_settings(postgres_url: str, postgres_schema: str) -> Settings:
    return Settings(database_url=postgres_url, extra_env={"POSTGRES_SCHEMA": postgres_schema})


@pytest.fixture
def sqlite_settings(tmp_path: Path) -> Settings:
    return Settings(database_url=f"sqlite:///{tmp_path / 'foerderbuch.sqlite'}")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> Settings:
    """Settings for a fresh store on each persistent backend: SQLite file, PostgreSQL schema."""
    settings: Settings = request.getfixturevalue(f"{request.param}_settings")
    assert settings.backend == request.param
    return settings


@pytest.fixture
def open_office() -> Iterator[Callable[..., FundingOffice]]:
    """``open_office(settings, today=...)`` builds a FundingOffice; all are closed after the test."""
    offices: list[FundingOffice] = []

    def build(settings: Settings, today: Callable[[], date] | None = None) -> FundingOffice:
        office = create_office(settings, today=today)
        offices.append(office)
        return office

    yield build
    for office in offices:
        office.close()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Marks every test that uses the PostgreSQL fixtures directly with ``postgres``."""
    for item in items:
        if "postgres_url" in getattr(item, "fixturenames", ()) and item.get_closest_marker("postgres") is None:
            item.add_marker(pytest.mark.postgres)


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> DemoStore:
    """Loading the demo takes seconds, so it happens once per session; tests must not write to it."""
    return load_demo_store(tmp_path_factory.mktemp("demo-store") / "foerderbuch.sqlite")
