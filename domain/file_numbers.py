"""File numbers (Aktenzeichen) by programme and year with a running number: IB-2026-007, KEPOL-2026-003.

The prefix is the first part of the programme's code (IB-VEREINE → IB, KEPOL-KUMASI → KEPOL). Each
prefix and year has one ``FileNumberSeries``; taking a number records ``NumberTaken`` in the same
transaction as the application that gets it. Two applications at the same moment both try to append
the series' next version: the store refuses the second, which loads the series again and takes the
next number. So a number is only used when its application is recorded (no gaps), and never twice.
Numbers given by hand or brought by an import are kept as they are; the series steps over them.
"""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event


def file_number_prefix(programme_code: str) -> str:
    """The prefix of a programme's file numbers: the first part of its code."""
    return programme_code.split("-", 1)[0]


class FileNumberSeries(Aggregate):
    """The running numbers of one prefix in one year; ``last`` is the highest number taken."""

    @staticmethod
    def create_id(prefix: str, year: int) -> UUID:
        return uuid5(NAMESPACE_URL, f"/foerderbuch/file-numbers/{prefix}/{year}")

    class Started(Aggregate.Created):
        prefix: str
        year: int

    @event(Started)
    def __init__(self, prefix: str, year: int) -> None:
        self.prefix = prefix
        self.year = year
        self.last = 0

    def number(self, running: int) -> str:
        return f"{self.prefix}-{self.year}-{running:03d}"

    def take(self) -> str:
        """The next file number, recorded as taken."""
        self._taken(self.last + 1)
        return self.number(self.last)

    class NumberTaken(Aggregate.Event):
        number: int

    @event(NumberTaken)
    def _taken(self, number: int) -> None:
        self.last = number
