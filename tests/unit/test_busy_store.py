"""A busy store (database locked, no connection free: nothing was written) is retried a few times, alike
for every kind of write: changing an aggregate, creating one under a given id, and an application that
takes the next file number. When the store stays busy the office says so (``StoreBusyError``) and
nothing is recorded.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from eventsourcing.persistence import OperationalError

from domain.application import MAX_BUSY_ATTEMPTS
from domain.errors import StoreBusyError
from domain.user import Role

from .dortmund import Dortmund


def review(dortmund: Dortmund) -> Callable[[], object]:
    grant_id = dortmund.apply()
    return lambda: dortmund.app.review_application(grant_id, True, True, "Vollständig.", dortmund.officer)


def register(dortmund: Dortmund) -> Callable[[], object]:
    return lambda: dortmund.person("neu@dortmund.example", "Neue Kollegin", Role.OFFICER)


def apply(dortmund: Dortmund) -> Callable[[], object]:
    return dortmund.apply


WRITES = {"an update": review, "a new aggregate": register, "a numbered application": apply}


@pytest.fixture(autouse=True)
def no_pauses(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("domain.application.time.sleep", lambda seconds: None)


def busy_for(dortmund: Dortmund, monkeypatch: pytest.MonkeyPatch, times: int) -> list[int]:
    """The store answers the next ``times`` saves with "database is locked"; returns the attempts made."""
    attempts: list[int] = []
    save = dortmund.app.save

    def busy_save(*objs: Any, **kwargs: Any) -> Any:
        attempts.append(len(attempts) + 1)
        if len(attempts) <= times:
            raise OperationalError("database is locked")
        return save(*objs, **kwargs)

    monkeypatch.setattr(dortmund.app, "save", busy_save)
    return attempts


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
def test_a_store_busy_for_a_moment_is_retried(
    dortmund: Dortmund, monkeypatch: pytest.MonkeyPatch, write: Callable[[Dortmund], Callable[[], object]]
) -> None:
    command = write(dortmund)
    before = dortmund.app.recorder.max_notification_id() or 0
    attempts = busy_for(dortmund, monkeypatch, MAX_BUSY_ATTEMPTS - 2)

    command()

    assert len(attempts) == MAX_BUSY_ATTEMPTS - 1
    assert (dortmund.app.recorder.max_notification_id() or 0) > before


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
def test_a_store_that_stays_busy_is_reported_and_nothing_is_recorded(
    dortmund: Dortmund, monkeypatch: pytest.MonkeyPatch, write: Callable[[Dortmund], Callable[[], object]]
) -> None:
    command = write(dortmund)
    before = dortmund.app.recorder.max_notification_id()
    attempts = busy_for(dortmund, monkeypatch, 1000)

    with pytest.raises(StoreBusyError, match="ausgelastet; es wurde nichts gespeichert"):
        command()

    assert len(attempts) == MAX_BUSY_ATTEMPTS
    assert dortmund.app.recorder.max_notification_id() == before
