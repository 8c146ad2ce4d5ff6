"""The write path: FundingOffice commands one at a time, and the batched generator, against the bare library.

Ours: grant stories (application to closure, about twenty commands each) told through the real
commands, each saving on its own as in the web app, on a copy of the generated store (SQLite) and on a
PostgreSQL schema holding a generated history. Bare: as many get-decide-save commands, writing as many
events of the same mean size over as many streams, on the same backend. The batched figure compares
the generator (1000 events per transaction) with the bare library writing the same way.
"""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path
from typing import Any

from tests.bench.bare import bare_batched, bare_commands, mean_state_size
from tests.bench.common import sqlite_url
from tests.bench.generator import Manifest, Scale, generate
from tests.bench.stores import aggregate_count, remove_store

WRITE_YEAR = 2025
WRITE_NOW = date(2028, 12, 31)


def our_commands(database_url: str, manifest: Manifest, stories: int, extra_env: dict[str, str] | None = None) -> dict:
    """``stories`` grant stories through FundingOffice commands, one transaction per command."""
    from foerderbuch.settings import Settings
    from foerderbuch.wiring import create_office
    from tests.bench.generator import History

    office = create_office(Settings(database_url=database_url, extra_env=extra_env or {}), today=lambda: WRITE_NOW)
    try:
        history = History(office, Scale(manifest.target_events), manifest.seed + 1, now=WRITE_NOW)
        history.attach(manifest.organisations, "W")
        programme = history.open_programme("SCHREIBPFAD", (WRITE_YEAR, WRITE_YEAR + 1))
        history.commands.clear()
        head = int(office.recorder.max_notification_id() or 0)
        started, cpu = time.perf_counter(), time.process_time()
        for _ in range(stories):
            history.grant_story(WRITE_YEAR, programme)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        events = int(office.recorder.max_notification_id() or 0) - head
        commands = sum(history.commands.values())
        size = mean_state_size(office, head + 1)
        streams = history.commands["apply_for_grant"] + history.commands["determine_final_amount"] // 3 + 1
    finally:
        office.close()
    return {
        "commands": commands,
        "events": events,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "commands_per_second": commands / seconds,
        "events_per_second": events / seconds,
        "mean_event_bytes": size,
        "streams": streams,
    }


def sqlite_write_path(store_copy: Path, manifest: Manifest, stories: int) -> dict[str, Any]:
    """Ours on the copy of the generated store, bare on a new file beside it."""
    ours = our_commands(sqlite_url(store_copy), manifest, stories)
    bare_file = store_copy.with_name("bare-commands.sqlite")
    remove_store(bare_file)
    try:
        bare = bare_commands(
            {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(bare_file)},
            ours["commands"],
            ours["events"],
            ours["streams"],
            ours["mean_event_bytes"],
        )
    finally:
        remove_store(bare_file)
    return {"ours": ours, "bare": bare}


def postgres_env(url: str, schema: str) -> dict[str, str]:
    from foerderbuch.settings import Settings

    return Settings(database_url=url, extra_env={"POSTGRES_SCHEMA": schema}).eventsourcing_env()


def postgres_write_path(url: str, schema: str, bare_schema: str, events: int, stories: int, seed: int) -> dict:
    """A generated history in a fresh PostgreSQL schema (batched, measured), then commands one at a time."""
    extra = {"POSTGRES_SCHEMA": schema}
    manifest = generate(url, events, seed, extra_env=extra)
    bare_batch = bare_batched(
        postgres_env(url, bare_schema), manifest.events, aggregate_count(manifest), _mean_size(url, extra)
    )
    ours = our_commands(url, manifest, stories, extra)
    bare = bare_commands(
        postgres_env(url, bare_schema), ours["commands"], ours["events"], ours["streams"], ours["mean_event_bytes"]
    )
    return {
        "generated": {"events": manifest.events, "seconds": manifest.seconds},
        "batched_ours": manifest.events / manifest.seconds,
        "batched_bare": bare_batch["events_per_second"],
        "ours": ours,
        "bare": bare,
    }


def _mean_size(url: str, extra: dict[str, str]) -> float:
    from foerderbuch.settings import Settings
    from foerderbuch.wiring import create_office

    office = create_office(Settings(database_url=url, extra_env=extra))
    try:
        return mean_state_size(office)
    finally:
        office.close()
