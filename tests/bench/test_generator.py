"""The benchmark's history generator (``tests/bench/generator.py``), checked at a small size.

Batching the saves must change nothing but the speed: the generator run with batched saves records the
same events, in the same order, as the same commands saving one at a time. The seed fixes the story. And
the history must be one the system itself accepts as consistent: ``verify`` recomputes every balance
from the events and compares it with the read models.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from foerderbuch.settings import Settings
from foerderbuch.wiring import create_office
from tests.bench.common import child_env, foerderbuch, run_child
from tests.bench.generator import generate

EVENTS = 1500

pytestmark = pytest.mark.slow


def _log(url: str) -> list[tuple[str, int]]:
    """(event class, version in its stream) for every position of the log."""
    office = create_office(Settings(database_url=url))
    try:
        notifications = office.recorder.select_notifications(start=0, limit=100_000, inclusive_of_start=False)
        return [(n.topic.rsplit(".", 1)[-1], n.originator_version) for n in notifications]
    finally:
        office.close()


def test_batched_saves_record_what_single_commands_record(tmp_path: Path) -> None:
    batched_url = f"sqlite:///{tmp_path / 'batched.sqlite'}"
    single_url = f"sqlite:///{tmp_path / 'single.sqlite'}"
    batched = generate(batched_url, EVENTS, seed=3)
    single = generate(single_url, EVENTS, seed=3, batched=False)

    assert batched.commands == single.commands
    assert batched.transactions < single.transactions / 50  # a thousand events per transaction
    log = _log(batched_url)
    assert log == _log(single_url)
    assert len(log) == batched.events > EVENTS * 0.8
    kinds = {name for name, _ in log}
    for stage in ("ApplicationReceived", "GrantApproved", "PaymentBooked", "ExpenseReported", "GrantClosed"):
        assert stage in kinds


def test_another_seed_tells_another_story(tmp_path: Path) -> None:
    first = generate(f"sqlite:///{tmp_path / 'a.sqlite'}", EVENTS, seed=3)
    second = generate(f"sqlite:///{tmp_path / 'b.sqlite'}", EVENTS, seed=4)
    assert first.commands != second.commands


def test_the_generated_history_passes_verify(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    generate(url, EVENTS, seed=5)
    # The generator writes past the follower (in batches, as fast as it can); a follower seals it, as on a
    # server's start — verify itself never seals.
    assert run_child(foerderbuch("follow", "--once"), child_env(url)).returncode == 0
    result = run_child(foerderbuch("verify"), child_env(url))
    assert result.returncode == 0, result.stdout + result.stderr
