"""Events written by the command line are sealed before the command ends.

In a running installation the follower seals every new event within a fraction of a second. A command
line process (``users add``, ``import``, ``demo``, ``base-rates add`` …) writes events while no follower
may be running at all; left alone, they would stay unsealed until the next start of the server — a
window in which an edit to the database would be sealed as if it were the original. So while a command
runs (``sealing_writes``), every office it opens notes that it recorded something, and when the command
ends the seal is brought up to the log's head, in the same process, at once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from domain.application import FundingOffice
    from foerderbuch.settings import Settings

log = logging.getLogger("foerderbuch.sealing")

_lock = threading.Lock()
_active = 0
_written: dict[tuple[str, str], Settings] = {}


def _key(settings: Settings) -> tuple[str, str]:
    return settings.database_url, settings.postgres_schema or ""


def watch(settings: Settings, office: FundingOffice) -> None:
    """Called for every office built: inside a command, its writes are sealed when the command ends."""
    with _lock:
        if not _active:
            return

    def note(position: int) -> None:
        with _lock:
            _written[_key(settings)] = settings

    office.on_recorded(note)


@contextmanager
def sealing_writes() -> Iterator[None]:
    """Around one command: afterwards the seal covers every event the command wrote (and any before it)."""
    global _active
    with _lock:
        _active += 1
    try:
        yield
    finally:
        with _lock:
            _active -= 1
            stores = list(_written.values()) if not _active else []
            if not _active:
                _written.clear()
        for settings in stores:
            seal_now(settings)


def seal_now(settings: Settings) -> int:
    """Brings the seal up to the log's head; returns how many events were read."""
    from foerderbuch.wiring import create_office, create_projector
    from projections.seal import Seal

    office = create_office(settings)
    try:
        projector = create_projector(settings, office)
        try:
            return projector.catch_up([Seal.name])
        finally:
            projector.db.close()
    finally:
        office.close()
