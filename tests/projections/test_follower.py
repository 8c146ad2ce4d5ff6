"""The follower: one active per store, the others stand by and take over; it keeps the read models up
to date without anyone asking; killed with SIGKILL mid-batch, it resumes to exactly what a rebuild gives."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from ledger_story import dump_read_models, many_grants, tell

from domain.application import FundingOffice
from foerderbuch.settings import Settings
from foerderbuch.wiring import create_follower
from projections.engine import Projector
from projections.follower import Follower
from projections.verify import verify

ROOT = Path(__file__).resolve().parents[2]
Services = Callable[..., tuple[FundingOffice, Projector]]


def until(condition: Callable[[], bool], seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def standing_by(follower: Follower) -> Follower:
    follower.standby_poll = 0.05
    return follower


def test_only_one_follower_is_active_and_another_takes_over(fresh_settings: Settings, services: Services) -> None:
    office, projector = services(fresh_settings)
    tell(office)
    first = standing_by(create_follower(fresh_settings, office, projector))
    other_office, other_projector = services(fresh_settings)
    second = standing_by(create_follower(fresh_settings, other_office, other_projector))
    try:
        first.start()
        assert until(lambda: first.active)
        second.start()
        assert until(lambda: projector.follower_position() == projector.log_head())
        time.sleep(0.3)
        assert (first.active, second.active) == (True, False)

        first.stop()
        assert until(lambda: second.active)
        many_grants(office, 2, prefix="NACH")  # written elsewhere; the new active follower folds it
        assert until(lambda: other_projector.follower_position() == other_projector.log_head())
    finally:
        first.stop()
        second.stop()
    assert verify(projector) == []


def test_the_read_models_follow_writes_without_anyone_asking(fresh_settings: Settings, services: Services) -> None:
    office, projector = services(fresh_settings)
    follower = create_follower(fresh_settings, office, projector)
    follower.start()
    try:
        tell(office)
        head = projector.log_head()
        assert until(lambda: projector.follower_position() >= head)
    finally:
        follower.stop()
    assert all(position == head for position in projector.positions().values())


def follow_process(settings: Settings, *args: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOERDERBUCH_")}
    env["FOERDERBUCH_DATABASE_URL"] = settings.database_url
    command = [str(Path(sys.executable).with_name("foerderbuch")), "follow", *args]
    return subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.slow
def test_follow_killed_mid_batch_resumes_to_what_a_rebuild_gives(tmp_path: Path, services: Services) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'folgen.sqlite'}")
    office, projector = services(settings)
    tell(office)
    many_grants(office, 25)
    projector.set_up()
    head = projector.log_head()

    process = follow_process(settings, "--batch-size", "3", "--pause", "0.01")
    assert until(lambda: projector.follower_position() > 30, seconds=120), process.stderr
    os.kill(process.pid, signal.SIGKILL)
    process.communicate(timeout=60)
    stopped_at = projector.follower_position()
    assert 0 < stopped_at < head

    done = follow_process(settings, "--once")
    _, err = done.communicate(timeout=300)
    assert done.returncode == 0, err
    assert projector.follower_position() == head
    resumed = dump_read_models(projector)
    for name in projector.models:
        projector.rebuild(name)
    assert dump_read_models(projector) == resumed
    assert verify(projector) == []
    assert json.dumps(resumed)  # plain data all the way down


def test_a_process_starting_beside_a_writing_follower_issues_no_ddl(
    fresh_settings: Settings, services: Services
) -> None:
    """A second worker's start-up must not wait for (or deadlock with) a batch in flight: once the tables
    are defined, ``set_up`` only reads their fingerprints. ``CREATE INDEX IF NOT EXISTS`` would lock the
    journal table on PostgreSQL and wait here for the open transaction below."""
    office, projector = services(fresh_settings)
    tell(office)
    projector.catch_up()
    _, other_projector = services(fresh_settings)
    statements: list[str] = []
    with projector.db.transaction(exclusive=True) as cursor:
        cursor.execute("UPDATE jr_entries SET position = position")  # a batch holding the journal's rows
        starting = threading.Thread(target=other_projector.set_up, daemon=True)
        starting.start()
        starting.join(timeout=10)
        assert not starting.is_alive()
    other_projector._set_up = False
    original = other_projector.db.transaction

    def recording(exclusive: bool = False, bulk: bool = False):  # type: ignore[no-untyped-def]
        statements.append("exclusive" if exclusive else "read")
        return original(exclusive=exclusive, bulk=bulk)

    other_projector.db.transaction = recording  # type: ignore[method-assign]
    other_projector.set_up()
    assert statements == ["read"]
    assert other_projector.follower_position() == projector.log_head()
