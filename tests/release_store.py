"""A store written by a release, and what it held: for the test that today's code still loads it.

``python -m tests.release_store`` was run once with the code of main at b796326, the last release whose
events were declared by name (``@event("…")``); it made the fixtures below. It loads the demo with
``foerderbuch demo`` into a fresh SQLite file and keeps only what the release wrote to last (the event
log, snapshots, personal-data keys and erased subjects — whoever loads it rebuilds the seal chain and the
read models), then writes into ``tests/fixtures``:

* ``store-main-b796326-demo.sqlite.gz``: that store, gzipped (no seal key goes with it: nothing in it is
  sealed, and whoever opens it makes a key of their own);
* ``events-main-b796326.json``: every event class of the domain by topic with its fields in order
  (``schemas``), and the state of every aggregate of the demo as the store's transcoder encodes it
  (``states``: the ``__dict__`` a snapshot would hold).
"""

from __future__ import annotations

import contextlib
import dataclasses
import gzip
import importlib
import inspect
import io
import json
import pkgutil
import sqlite3
import sys
from contextlib import closing
from pathlib import Path
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, CanInitAggregate, CanMutateAggregate, Snapshot
from eventsourcing.utils import get_topic

import domain
from domain.application import FundingOffice

FIXTURES = Path(__file__).resolve().parent / "fixtures"
STORE = FIXTURES / "store-main-b796326-demo.sqlite.gz"
EXPECTED = FIXTURES / "events-main-b796326.json"
KEPT_TABLES = ("stored_events", "stored_snapshots", "personal_keys", "erased_subjects")


def event_classes() -> dict[str, type[CanMutateAggregate[Any]]]:
    """Every event class an aggregate of ``domain`` declares (not the bases the library adds), by topic."""
    found: dict[str, type[CanMutateAggregate[Any]]] = {}
    for info in pkgutil.iter_modules(domain.__path__):
        module = importlib.import_module(f"domain.{info.name}")
        for aggregate in vars(module).values():
            if not (inspect.isclass(aggregate) and issubclass(aggregate, Aggregate)):
                continue
            if aggregate.__module__ != module.__name__:
                continue
            events = {
                name: value
                for name, value in vars(aggregate).items()
                if name != "Event" and inspect.isclass(value) and issubclass(value, CanMutateAggregate)
            }
            created = [name for name, value in events.items() if issubclass(value, CanInitAggregate)]
            if len(created) > 1:
                events.pop("Created", None)  # the library's base, beside the aggregate's own "created" event
            found.update((get_topic(value), value) for value in events.values())
    return dict(sorted(found.items()))


def event_schemas() -> dict[str, list[str]]:
    """Topic → the names of the event's fields in order (``name=`` where the field has a default)."""
    return {
        topic: [field.name + ("=" if _has_default(field) else "") for field in dataclasses.fields(cls)]  # type: ignore[arg-type]
        for topic, cls in event_classes().items()
    }


def _has_default(field: dataclasses.Field[Any]) -> bool:
    return field.default is not dataclasses.MISSING or field.default_factory is not dataclasses.MISSING


def aggregate_ids(path: Path) -> list[UUID]:
    """The aggregates of a SQLite store, in the order of their first event."""
    with closing(sqlite3.connect(path)) as connection:
        rows = connection.execute("SELECT originator_id FROM stored_events ORDER BY rowid").fetchall()
    return list(dict.fromkeys(UUID(str(row[0])) for row in rows))


def aggregate_states(office: FundingOffice, ids: list[UUID]) -> dict[str, dict[str, Any]]:
    """Each aggregate's type, version and state, as JSON (the transcoder's encoding, read back)."""
    states: dict[str, dict[str, Any]] = {}
    for aggregate_id in ids:
        aggregate = office.repository.get(aggregate_id)
        snapshot = Snapshot.take(aggregate)
        states[aggregate_id.hex] = {
            "topic": snapshot.topic,
            "version": aggregate.version,
            "state": json.loads(office.mapper.transcoder.encode(snapshot.state)),
        }
    return states


def unpack(target: Path) -> None:
    """Writes the fixture store to ``target``."""
    target.write_bytes(gzip.decompress(STORE.read_bytes()))


def main(work: Path) -> None:  # pragma: no cover - run once, by hand, with the release's code
    from datetime import date

    from foerderbuch.cli import main as cli
    from foerderbuch.settings import Settings
    from foerderbuch.wiring import create_office

    work.unlink(missing_ok=True)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert cli(["demo"], settings=Settings(database_url=f"sqlite:///{work}")) == 0
    with closing(sqlite3.connect(work)) as connection:
        tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            if table not in KEPT_TABLES:
                connection.execute(f"DROP TABLE {table}")
        connection.commit()
        connection.execute("VACUUM")
    STORE.write_bytes(gzip.compress(work.read_bytes(), compresslevel=9, mtime=0))
    office = create_office(Settings(database_url=f"sqlite:///{work}"), today=lambda: date(2026, 12, 6))
    try:
        states = aggregate_states(office, aggregate_ids(work))
    finally:
        office.close()
    EXPECTED.write_text(
        json.dumps({"schemas": event_schemas(), "states": states}, indent=1, ensure_ascii=False, sort_keys=True) + "\n",
        encoding="utf-8",
    )


if __name__ == "__main__":  # pragma: no cover
    main(Path(sys.argv[1]))
