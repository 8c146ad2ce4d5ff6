"""Dates of the funding business: fiscal years, funding periods and rule-set durations.

The city's fiscal year (Haushaltsjahr) is the calendar year. Deadlines and horizons in rule sets are
written as ISO-8601 durations of months, weeks or days (``P2M``, ``P6W``, ``P30D``); adding months
to the 31st lands on the last day of a shorter month.
"""

from __future__ import annotations

import calendar as _cal
import re
from dataclasses import dataclass
from datetime import date, timedelta

from domain.errors import InvalidInputError
from domain.messages import N_, Message, message

_DURATION = re.compile(r"^P(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$")


@dataclass(frozen=True, slots=True, order=True)
class FiscalYear:
    """A fiscal year (Haushaltsjahr): the calendar year from 1 January to 31 December."""

    year: int

    def __post_init__(self) -> None:
        if not isinstance(self.year, int) or not 2000 <= self.year <= 2100:
            raise InvalidInputError(
                message("Haushaltsjahr {year} ist unplausibel.", year=repr(self.year)), field="fiscal_year"
            )

    @classmethod
    def of(cls, day: date) -> FiscalYear:
        return cls(day.year)

    @property
    def first_day(self) -> date:
        return date(self.year, 1, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, 12, 31)

    def __str__(self) -> str:
        return str(self.year)


@dataclass(frozen=True, slots=True)
class FundingPeriod:
    """The funding period (Bewilligungszeitraum): spending outside it is not eligible."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if not isinstance(self.start, date) or not isinstance(self.end, date):
            raise InvalidInputError(message("Beginn und Ende des Förderzeitraums sind anzugeben."), field="period")
        if self.end < self.start:
            raise InvalidInputError(message("Der Förderzeitraum endet vor seinem Beginn."), field="period_end")
        if (self.end - self.start).days > 5 * 366:
            raise InvalidInputError(message("Ein Förderzeitraum über fünf Jahre ist unplausibel."), field="period_end")

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    @property
    def fiscal_years(self) -> list[FiscalYear]:
        return [FiscalYear(y) for y in range(self.start.year, self.end.year + 1)]

    @property
    def crosses_year_end(self) -> bool:
        return self.start.year != self.end.year


def check_duration(text: str, field: str) -> str:
    if not isinstance(text, str) or not _DURATION.match(text) or text == "P":
        raise InvalidInputError(
            message("»{text}« ist keine Frist in der Form P2M, P6W oder P30D.", text=text), field=field
        )
    return text


def add_duration(day: date, duration: str) -> date:
    """Adds an ISO-8601 duration of months, weeks and days to a date."""
    match = _DURATION.match(check_duration(duration, "duration"))
    assert match is not None
    months, weeks, days = (int(g) if g else 0 for g in match.groups())
    if months:
        index = day.month - 1 + months
        year, month = day.year + index // 12, index % 12 + 1
        day = date(year, month, min(day.day, _cal.monthrange(year, month)[1]))
    return day + timedelta(weeks=weeks, days=days)


def add_years(day: date, years: int) -> date:
    """The same day ``years`` later (29 February becomes 28 February in a common year)."""
    return add_duration(day, f"P{12 * years}M")


def end_of_month(day: date) -> date:
    return date(day.year, day.month, _cal.monthrange(day.year, day.month)[1])


def duration_german(duration: str) -> str:
    """An ISO-8601 duration in words: P2M → "2 Monate", P6W → "6 Wochen", P1M2W → "1 Monat, 2 Wochen".

    The words are a :class:`~domain.messages.Message`, so a page shows them in its language."""
    match = _DURATION.match(duration or "")
    if match is None or duration == "P":
        return duration
    names = (
        (N_("{number} Monat"), N_("{number} Monate")),
        (N_("{number} Woche"), N_("{number} Wochen")),
        (N_("{number} Tag"), N_("{number} Tage")),
    )
    parts = [
        Message(one if int(g) == 1 else many, number=int(g))
        for g, (one, many) in zip(match.groups(), names, strict=True)
        if g
    ]
    if not parts:
        return message("{number} Tage", number=0)
    words = parts[0]
    for part in parts[1:]:
        words = message("{words}, {part}", words=words, part=part)
    return words
