"""A store written by main at b796326 (events declared by name) loads unchanged with today's event classes.

The fixtures and how they were made: ``tests/release_store.py``. Declaring an event as a class nested in
its aggregate (``class GrantApproved(Aggregate.Event)`` and ``@event(GrantApproved)``) keeps the topic
the name gave it (``domain.grant:Grant.GrantApproved``) and, field by field, its stored state: every
event class of that release still has its topic, with its fields in the same order (a later field may
only be added at the end); every stored event of the demo becomes an object of the class its topic
names, with exactly that class's fields; every aggregate replays to the version and state the release
replayed it to; and the read models fold the log with ``verify`` finding nothing.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from domain.application import FundingOffice
from foerderbuch.settings import Settings
from foerderbuch.wiring import create_office, create_projector
from projections.verify import verify
from tests.release_store import EXPECTED, aggregate_ids, aggregate_states, event_schemas, unpack


def expected() -> dict[str, Any]:
    result: dict[str, Any] = json.loads(EXPECTED.read_text(encoding="utf-8"))
    return result


@pytest.fixture
def release_store(tmp_path: Path) -> Settings:
    path = tmp_path / "release.sqlite"
    unpack(path)
    return Settings(database_url=f"sqlite:///{path}")


@pytest.fixture
def office(release_store: Settings) -> Iterator[FundingOffice]:
    office = create_office(release_store, today=lambda: date(2026, 12, 6))
    yield office
    office.close()


def test_every_event_class_of_the_release_keeps_its_topic_and_fields() -> None:
    today = event_schemas()
    for topic, fields in expected()["schemas"].items():
        assert topic in today, f"{topic} is gone: stores holding it would no longer load"
        assert today[topic][: len(fields)] == fields, topic


def test_every_stored_event_becomes_its_class_with_exactly_its_fields(office: FundingOffice) -> None:
    seen: set[str] = set()
    for notification in office.recorder.select_notifications(start=1, limit=10_000):
        event = office.mapper.to_domain_event(notification)
        assert f"{type(event).__module__}:{type(event).__qualname__}" == notification.topic
        assert set(vars(event)) == {field.name for field in dataclasses.fields(event)}, notification.topic  # type: ignore[arg-type]
        seen.add(notification.topic)
    assert len(seen) == 48  # every kind of event the demo records


def test_every_aggregate_replays_to_the_state_of_the_release(release_store: Settings, office: FundingOffice) -> None:
    recorded = expected()["states"]
    path = Path(release_store.eventsourcing_env()["SQLITE_DBNAME"])
    today = aggregate_states(office, aggregate_ids(path))
    assert sorted(today) == sorted(recorded)
    for aggregate_id, then in recorded.items():
        now = today[aggregate_id]
        assert (now["topic"], now["version"]) == (then["topic"], then["version"])
        # attributes added since (with class defaults) may appear; those of the release keep their values
        assert {key: now["state"].get(key) for key in then["state"]} == then["state"], aggregate_id


def test_the_read_models_fold_the_release_store_and_verify_finds_nothing(
    release_store: Settings, office: FundingOffice
) -> None:
    projector = create_projector(release_store, office)
    try:
        projector.catch_up()
        assert verify(projector) == []
    finally:
        projector.db.close()
