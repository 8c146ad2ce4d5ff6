"""Fixtures for the export and import tests.

* ``demo_file``: the demo data loaded once per session into a SQLite file (never changed afterwards).
* ``demo``: an office and its read models (caught up) on that file, opened once per session, for tests
  that only read.
* ``demo_copy``: settings for a private copy of the demo file, for tests that write (imports).
* ``fresh``: settings for an empty store.
* ``soffice``: the path of LibreOffice's ``soffice``; tests that recalculate in LibreOffice skip with
  the reason where it is missing — except under ``CI=true``, where that is a failure.
* ``schema_dir``: the 360Giving schemas in ``../shared/schemas/360giving`` beside the repository
  (where CI clones it); skipped with the reason where missing, a failure under ``CI=true``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from demo_support import DemoStore, copy_sqlite_store

from domain.application import FundingOffice
from foerderbuch.settings import Settings
from foerderbuch.wiring import create_office, create_projector
from projections.engine import Projector

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT.parent / "shared" / "schemas" / "360giving"


def missing(reason: str) -> None:
    """Skip with the reason; under CI=true a missing tool is a failure, never a skip."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: this test must run)", pytrace=False)
    pytest.skip(reason)


@dataclass
class Store:
    settings: Settings
    office: FundingOffice
    projector: Projector


@pytest.fixture(scope="session")
def demo_file(demo_store: DemoStore, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The session's demo (loaded once, ``tests/conftest.py``), copied and with its read models caught up."""
    assert demo_store.exit_code == 0, demo_store.stderr
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    settings = copy_store(demo_store.path, path)
    office = create_office(settings)
    try:
        projector = create_projector(settings, office)
        projector.catch_up()
        projector.db.close()
    finally:
        office.close()
    return path


@pytest.fixture(scope="session")
def demo(demo_file: Path) -> Iterator[Store]:
    settings = Settings(database_url=f"sqlite:///{demo_file}")
    office = create_office(settings)
    projector = create_projector(settings, office)
    projector.catch_up()
    yield Store(settings, office, projector)
    projector.db.close()
    office.close()


copy_store = copy_sqlite_store


@pytest.fixture
def demo_copy(demo_file: Path, tmp_path: Path) -> Settings:
    return copy_store(demo_file, tmp_path / "copy.sqlite")


@pytest.fixture
def fresh(tmp_path: Path) -> Settings:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'fresh.sqlite'}")
    create_office(settings).close()  # an empty store, as after a first »serve --no-demo«
    return settings


@pytest.fixture
def open_store() -> Iterator[object]:
    """``open_store(settings)`` gives a Store with caught-up read models; all are closed after the test."""
    opened: list[Store] = []

    def build(settings: Settings) -> Store:
        office = create_office(settings)
        projector = create_projector(settings, office)
        projector.catch_up()
        store = Store(settings, office, projector)
        opened.append(store)
        return store

    yield build
    for store in opened:
        store.projector.db.close()
        store.office.close()


@pytest.fixture(scope="session")
def soffice() -> str:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if path is None:
        missing("LibreOffice (soffice) is not installed: apt-get install --no-install-recommends libreoffice-calc")
    assert path is not None
    return path


@pytest.fixture(scope="session")
def schema_dir() -> Path:
    if not (SCHEMAS / "360-giving-package-schema.json").is_file():
        missing(f"the 360Giving schemas are not at {SCHEMAS} (CI clones main with shared/ beside it)")
    return SCHEMAS
