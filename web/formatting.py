"""German formats for pages: amounts as 1.234,56 €, dates as 31.12.2026 (via babel)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
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


def german_number(value: Decimal | int | None, places: int | None = None) -> str:
    """A number as German readers write it: 1.250,5 — with a fixed number of decimal places when given
    (0,8650 for a rate of four places), otherwise as many as the value has."""
    if value is None:
        return "–"
    number = Decimal(value)
    if places is None:
        exponent = number.as_tuple().exponent
        places = max(0, -exponent) if isinstance(exponent, int) else 0
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return str(format_decimal(number, pattern, locale=LOCALE, decimal_quantization=True))


def percent_of(fraction: Decimal | None) -> str:
    """A fraction as a German percentage: 0.10 → 10 %, 0.125 → 12,5 %."""
    if fraction is None:
        return "–"
    return format_decimal(Decimal(fraction) * 100, "#,##0.##", locale=LOCALE) + " %"
