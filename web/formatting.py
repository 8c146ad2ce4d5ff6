"""German formats for pages: amounts as 1.234,56 €, dates as 31.12.2026 (via babel)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

from domain.money import Money

LOCALE = "de_DE"


def euro(value: Money | None) -> str:
    if value is None:
        return "–"
    return format_currency(value.amount, "EUR", locale=LOCALE)


def german_date(value: date | None) -> str:
    if value is None:
        return "–"
    return format_date(value, "dd.MM.yyyy", locale=LOCALE)


def german_datetime(value: datetime | None) -> str:
    """A moment as Dortmund's clock showed it: 31.12.2026, 14:05 Uhr."""
    if value is None:
        return "–"
    local = value.astimezone(ZoneInfo("Europe/Berlin")) if value.tzinfo else value
    return f"{format_date(local.date(), 'dd.MM.yyyy', locale=LOCALE)}, {local:%H:%M} Uhr"


def percent(part: Money, whole: Money) -> str:
    if not whole.amount:
        return "–"
    return format_decimal(part.amount * 100 / whole.amount, "#,##0.0", locale=LOCALE) + " %"
