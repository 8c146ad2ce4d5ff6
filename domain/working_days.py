"""Working days for deadlines: § 31 (3) VwVfG NRW.

A deadline whose last day is a Saturday, a Sunday or a public holiday ends with the next working day.
The public holidays are those of North Rhine-Westphalia (Neujahr, Karfreitag, Ostermontag, 1. Mai,
Christi Himmelfahrt, Pfingstmontag, Fronleichnam, Tag der Deutschen Einheit, Allerheiligen, the two
days of Christmas), taken from the well-kept ``holidays`` library rather than a list of our own.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _nrw(year: int) -> dict[date, str]:
    return dict(holidays.country_holidays("DE", subdiv="NW", years=year, language="de").items())


def public_holiday(day: date) -> str | None:
    """The German name of the NRW public holiday on ``day``, or None."""
    return _nrw(day.year).get(day)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and public_holiday(day) is None


def next_working_day(day: date) -> date:
    """``day`` itself if it is a working day, else the next one (a deadline ends there, § 31 (3) VwVfG NRW)."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def why_moved(day: date) -> str:
    """Why a deadline on ``day`` moves (``Samstag``, ``Sonntag`` or the holiday's name), empty if it does not."""
    if (name := public_holiday(day)) is not None:
        return name
    return {5: "Samstag", 6: "Sonntag"}.get(day.weekday(), "")
