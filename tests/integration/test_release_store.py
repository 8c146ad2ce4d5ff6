"""A store written by main at b796326 (events declared by name) loads unchanged with today's event classes.

The fixtures and how they were made: ``tests/release_store.py``. Declaring an event as a class nested in
its aggregate (``class GrantApproved(Aggregate.Event)`` and ``@event(GrantApproved)``) keeps the topic
the name gave it (``domain.grant:Grant.GrantApproved``) and, field by field, its stored state:

* every event class of that release still has its topic, with its fields in the same order (a later
  field may only be added at the end, with a default, as older events lack it; the fields added that way
  before carry the default of the method they feed, such as ``ReminderSent.stage = "manual"``);
* every stored event of the demo becomes an object of the class its topic names, with that class's
  fields and no other;
* every aggregate replays to the version and state the release replayed it to;
* the read models fold the log, and ``verify`` finds nothing.
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
    today = {topic: [name.rstrip("=") for name in fields] for topic, fields in event_schemas().items()}
    for topic, fields in expected()["schemas"].items():
        assert topic in today, f"{topic} is gone: stores holding it would no longer load"
        assert today[topic][: len(fields)] == fields, topic


def test_every_stored_event_becomes_its_class_with_exactly_its_fields(office: FundingOffice) -> None:
    seen: set[str] = set()
    for notification in office.recorder.select_notifications(start=1, limit=10_000):
        event = office.mapper.to_domain_event(notification)
        assert f"{type(event).__module__}:{type(event).__qualname__}" == notification.topic
        fields = dataclasses.fields(event)  # type: ignore[arg-type]
        required = {field.name for field in fields if field.default is dataclasses.MISSING}
        assert required <= set(vars(event)) <= {field.name for field in fields}, notification.topic
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
        # attributes added since (with class defaults) may appear, also inside a value (a field of the notice's
        # terms with its default, a key of a payment's or receipt's record); those of the release keep their values
        assert kept(now["state"], then["state"]), aggregate_id


def kept(now: Any, then: Any) -> bool:
    """Whether ``now`` holds everything ``then`` held, with the same values; dictionaries may have gained keys."""
    if isinstance(then, dict) and isinstance(now, dict):
        return all(key in now and kept(now[key], value) for key, value in then.items())
    if isinstance(then, list) and isinstance(now, list):
        return len(now) == len(then) and all(kept(n, t) for n, t in zip(now, then, strict=True))
    return bool(now == then)


def test_the_read_models_fold_the_release_store_and_verify_finds_nothing(
    release_store: Settings, office: FundingOffice
) -> None:
    projector = create_projector(release_store, office)
    try:
        projector.catch_up()
        assert verify(projector) == []
    finally:
        projector.db.close()
