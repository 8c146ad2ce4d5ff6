"""The bare library: a trivial eventsourcing aggregate, to measure ours against on the same backend.

``Note`` has one event that carries a string payload sized so that each stored event is as big as the
average stored event of ours. ``bare_commands`` gives the same number of commands, in the same
get-decide-save shape (one transaction each), writing the same number of events over the same number
of streams; ``bare_batched`` writes the same number of events per transaction as the batched generator.
``read_and_decode`` selects and decodes a whole log and does nothing else with it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event


class Note(Aggregate):
    @event("Started")
    def __init__(self, payload: str) -> None:
        self.size = len(payload)

    @event("Noted")
    def note(self, payload: str) -> None:
        self.size += len(payload)


class BareApplication(Application):
    name = "BareBench"


def payload_for(app: Application, state_size: float) -> str:
    """A payload that makes one stored ``Noted`` event about ``state_size`` bytes big."""
    probe = Note("")
    probe.note("")
    overhead = len(app.mapper.to_stored_event(probe.collect_events()[-1]).state)
    return "x" * max(1, round(state_size) - overhead)


def mean_state_size(app: Application, first: int = 1, windows: int = 20) -> float:
    """The mean size in bytes of the stored events from log position ``first`` on, from up to ``windows``
    windows of 200 events spread over that part of the log."""
    head = int(app.recorder.max_notification_id() or 0)
    span = head - first + 1
    if span <= 0:
        return 0.0
    seen: dict[int, int] = {}
    for window in range(min(windows, max(1, span // 200))):
        start = first - 1 + span * window // max(1, min(windows, max(1, span // 200)))
        for notification in app.recorder.select_notifications(start=start, limit=200, inclusive_of_start=False):
            if notification.id > head:
                break
            seen[notification.id] = len(notification.state)
    return sum(seen.values()) / len(seen) if seen else 0.0


def bare_batched(
    env: dict[str, str], events: int, streams: int, state_size: float, per_transaction: int = 1000
) -> dict[str, Any]:
    """Writes ``events`` events over ``streams`` new aggregates, ``per_transaction`` events per save."""
    app = BareApplication(env=env)
    try:
        payload = payload_for(app, state_size)
        per_stream = max(1, events // max(streams, 1))
        pending: list[Note] = []
        held = written = 0
        started, cpu = time.perf_counter(), time.process_time()
        while written + held < events:
            note = Note(payload)
            for _ in range(min(per_stream, events - written - held) - 1):
                note.note(payload)
            held += len(note.pending_events)
            pending.append(note)
            if held >= per_transaction:
                app.save(*pending)
                written += held
                pending, held = [], 0
        if pending:
            app.save(*pending)
            written += held
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    finally:
        app.close()
    return {"events": written, "seconds": seconds, "cpu_seconds": cpu, "events_per_second": written / seconds}


def bare_commands(env: dict[str, str], commands: int, events: int, streams: int, state_size: float) -> dict[str, Any]:
    """``commands`` get-decide-save commands (one transaction each) writing ``events`` events over
    ``streams`` streams: the first command on a stream creates it, the others load it and append."""
    app = BareApplication(env=env)
    try:
        payload = payload_for(app, state_size)
        per_command = events / max(commands, 1)
        ids: list[UUID] = []
        owed = 0.0
        written = 0
        started, cpu = time.perf_counter(), time.process_time()
        for number in range(commands):
            owed += per_command
            count = max(1, int(owed))
            owed -= count
            stream = number % max(streams, 1)
            if stream >= len(ids):
                note = Note(payload)
                for _ in range(count - 1):
                    note.note(payload)
                ids.append(note.id)
            else:
                note = app.repository.get(ids[stream])
                for _ in range(count):
                    note.note(payload)
            written += len(note.pending_events)
            app.save(note)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    finally:
        app.close()
    return {
        "commands": commands,
        "events": written,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "commands_per_second": commands / seconds,
        "events_per_second": written / seconds,
    }


def read_and_decode(app: Application, batch: int = 1000, progress: Callable[[int], None] | None = None) -> int:
    """Selects the whole log in batches and decodes every event; nothing else. Returns the count."""
    position, count = 0, 0
    while True:
        notifications = app.recorder.select_notifications(start=position, limit=batch, inclusive_of_start=False)
        if not notifications:
            return count
        for notification in notifications:
            app.mapper.to_domain_event(notification)
        count += len(notifications)
        position = notifications[-1].id
        if progress is not None:
            progress(count)
