"""The office's business day in tests: fixed, and moved forward for what can only be recorded once it happened.

A payment is booked, a repayment received and a receipt reported only on or after its date (§ 31 (3)
KomHVO NRW, issue 11 rule 10): a test that books a value date after its office's "today" books it on that
day, as the cash office would, and returns to its own day afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any


class BusinessClock:
    """A callable ``today`` for ``create_office`` that a test can move."""

    def __init__(self, day: date) -> None:
        self.day = day

    def __call__(self) -> date:
        return self.day

    @contextmanager
    def at_least(self, day: date) -> Iterator[date]:
        """Within the block, today is ``day`` if that is later than the office's own day."""
        before = self.day
        self.day = max(before, day)
        try:
            yield self.day
        finally:
            self.day = before


@contextmanager
def booking_day(office: Any, day: date) -> Iterator[date]:
    """Within the block, ``office`` (a FundingOffice on any clock) takes ``day`` as today if it is later:
    the day the cash office books what happened on ``day``."""
    before = office._today
    office._today = lambda: max(before(), day)
    try:
        yield day
    finally:
        office._today = before
