"""Exactly once: a catch-up killed with SIGKILL resumes without counting anything twice, and two
processes catching up at the same time apply each event once between them."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from ledger_story import dump_read_models, many_grants, tell

from domain.application import FundingOffice
from foerderbuch.settings import Settings
from projections.engine import Projector
from projections.verify import verify

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
WORKER = HERE / "catch_up_worker.py"
Services = Callable[..., tuple[FundingOffice, Projector]]


def worker(
    settings: Settings, batch_size: int, mode: str, pause: float, go_file: Path | None = None
) -> subprocess.Popen[str]:
    schema = settings.extra_env.get("POSTGRES_SCHEMA", "-")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(HERE)])}
    arguments = [sys.executable, str(WORKER), settings.database_url, schema, str(batch_size), mode, str(pause)]
    if go_file is not None:
        arguments.append(str(go_file))
    return subprocess.Popen(arguments, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env)


def finish(process: subprocess.Popen[str]) -> dict[str, int]:
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    return dict(json.loads(out.strip().splitlines()[-1])["applied"])


def last_relevant_positions(projector: Projector) -> dict[str, int]:
    log = projector.app.recorder.select_notifications(1, 100000)
    return {
        name: max((n.id for n in log if not model.topics or n.topic in model.topics), default=0)
        for name, model in projector.models.items()
    }


def rebuilt(projector: Projector) -> dict[str, list[tuple[str, ...]]]:
    for name in projector.models:
        projector.rebuild(name)
    return dump_read_models(projector)


@pytest.fixture
def busy_log(fresh_settings: Settings, services: Services) -> tuple[Settings, Projector]:
    app, projector = services(fresh_settings)
    tell(app)
    many_grants(app, 25)
    projector.set_up()
    return fresh_settings, projector


@pytest.mark.slow  # separate processes, one killed with SIGKILL
@pytest.mark.parametrize("mode", ["between", "inside"])
def test_a_catch_up_killed_with_sigkill_resumes_exactly_where_it_stopped(
    busy_log: tuple[Settings, Projector], mode: str
) -> None:
    settings, projector = busy_log
    last = last_relevant_positions(projector)

    # Catch up in batches of three, and kill the process half-way through the register.
    process = worker(settings, batch_size=3, mode=mode, pause=0.002)
    committed: dict[str, int] = {}
    seen_inside = 0
    assert process.stdout is not None
    for line in process.stdout:
        message: dict[str, Any] = json.loads(line)
        if "batch" in message:
            committed[message["batch"]] = message["position"]
            seen_inside = 0
        elif "applying" in message:
            seen_inside += 1
        if committed.get("register", 0) > 60 and (mode == "between" or seen_inside == 2):
            os.kill(process.pid, signal.SIGKILL)
            break
    process.communicate(timeout=60)
    assert process.returncode == -signal.SIGKILL

    # What was committed stays; the batch that was open when the process died left nothing behind.
    stopped_at = projector.position("register")
    assert 0 < stopped_at < last["register"]
    assert stopped_at == committed["register"]
    with projector.db.transaction() as cursor:
        cursor.execute("SELECT MAX(last_position) AS p FROM reg_grants")
        row = cursor.fetchone()
    assert row is not None and int(row["p"]) <= stopped_at

    # Restart and run to the end: the result is what a clean rebuild from zero gives.
    finish(worker(settings, batch_size=3, mode="none", pause=0))
    assert all(projector.pending(name) == 0 for name in projector.models)
    resumed = dump_read_models(projector)
    assert rebuilt(projector) == resumed
    assert verify(projector) == []


@pytest.mark.slow  # two worker processes
def test_two_processes_catching_up_together_apply_each_event_once(
    busy_log: tuple[Settings, Projector], tmp_path: Path
) -> None:
    settings, projector = busy_log
    to_apply = {name: projector.pending(name) for name in projector.models}
    go = tmp_path / "go"

    # A short pause after each batch lets the other process take the lock in between (SQLite's busy
    # handler would otherwise rarely win against a process that re-locks at once).
    first = worker(settings, batch_size=3, mode="between", pause=0.003, go_file=go)
    second = worker(settings, batch_size=3, mode="between", pause=0.003, go_file=go)
    for process in (first, second):
        assert process.stdout is not None
        assert json.loads(process.stdout.readline()) == {"ready": True}
    go.touch()
    applied = [finish(first), finish(second)]

    for name, count in to_apply.items():
        assert applied[0].get(name, 0) + applied[1].get(name, 0) == count, name
    assert sum(applied[0].values()) > 0 and sum(applied[1].values()) > 0  # both really worked
    together = dump_read_models(projector)
    assert rebuilt(projector) == together
    assert verify(projector) == []
