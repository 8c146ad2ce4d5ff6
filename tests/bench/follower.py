"""How far the read models are behind the log, and a follower to run — whichever the engine offers.

The read side is being rebuilt around one follower (``foerderbuch follow``, ``Projector.follower_position``).
This module is the one place that knows both ways:

* the follower: ``foerderbuch follow`` when the command line has it, else a child that keeps calling
  ``Projector.catch_up()`` (``tests/bench/follow_loop.py``), which is what every request did before;
* the backlog: log head minus ``Projector.follower_position()`` when the projector has it, else the
  most events any read model still has to apply (``Projector.pending``).
"""

from __future__ import annotations

import functools
import re
import subprocess
from typing import Any

from tests.bench.common import ROOT, foerderbuch, module


@functools.cache
def cli_has(command: str) -> bool:
    """Whether ``foerderbuch`` has this subcommand (read from its help)."""
    result = subprocess.run(foerderbuch("--help"), cwd=ROOT, capture_output=True, text=True, check=False)
    return re.search(rf"^\s+{re.escape(command)}(\s|$)", result.stdout, re.MULTILINE) is not None


def follower_command() -> tuple[list[str], str]:
    """The command line of a follower process, and what it is."""
    if cli_has("follow"):
        return foerderbuch("follow"), "foerderbuch follow"
    return module("follow_loop"), "Projector.catch_up() in a loop (no foerderbuch follow yet)"


class Backlog:
    """Samples how many events of the log the read models have not applied yet."""

    def __init__(self, settings: Any) -> None:
        from foerderbuch.wiring import create_office, create_projector

        self.office = create_office(settings)
        self.projector = create_projector(settings, self.office)

    def head(self) -> int:
        return int(self.office.recorder.max_notification_id() or 0)

    def behind(self) -> int:
        head = self.head()
        if hasattr(self.projector, "follower_position"):
            return max(0, head - int(self.projector.follower_position()))
        return max(self.projector.pending(name) for name in self.projector.models)

    def close(self) -> None:
        self.projector.db.close()
        self.office.close()
