"""Formats for pages: German by default (amounts 1.234,56 €, dates 31.12.2026), English the English way
(€1,234.56, 31 Dec 2026) when the reader chose English (via babel)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

from domain.messages import german_value
from domain.money import Money
from web.i18n import SOURCE_LANGUAGE, current_language

LOCALE = "de_DE"
LOCALES = {"de": LOCALE, "en": "en_GB"}
DATE_PATTERNS = {"de": "dd.MM.yyyy", "en": "d MMM yyyy"}


def _language() -> str:
    language = current_language.get()
    return language if language in LOCALES else SOURCE_LANGUAGE


def euro(value: Money | None) -> str:
    if value is None:
        return "–"
    return format_currency(value.amount, "EUR", locale=LOCALES[_language()])


def german_date(value: date | None) -> str:
    """A date as the reader writes it: 31.12.2026 in German, 31 Dec 2026 in English."""
    if value is None:
        return "–"
    language = _language()
    return format_date(value, DATE_PATTERNS[language], locale=LOCALES[language])


def german_datetime(value: datetime | None) -> str:
    """A moment as Dortmund's clock showed it: 31.12.2026, 14:05 Uhr (31 Dec 2026, 14:05 in English)."""
    if value is None:
        return "–"
    local = value.astimezone(ZoneInfo("Europe/Berlin")) if value.tzinfo else value
    if _language() == "en":
        return f"{german_date(local.date())}, {local:%H:%M}"
    return f"{german_date(local.date())}, {local:%H:%M} Uhr"


def percent(part: Money, whole: Money) -> str:
    if not whole.amount:
        return "–"
    return _percent(format_decimal(part.amount * 100 / whole.amount, "#,##0.0", locale=LOCALES[_language()]))


def _percent(number: str) -> str:
    return f"{number}%" if _language() == "en" else f"{number} %"


def german_number(value: Decimal | int | None, places: int | None = None) -> str:
    """A number as the reader writes it: 1.250,5 (1,250.5 in English) — with a fixed number of decimal places
    when given (0,8650 for a rate of four places), otherwise as many as the value has."""
    if value is None:
        return "–"
    number = Decimal(value)
    if places is None:
        exponent = number.as_tuple().exponent
        places = max(0, -exponent) if isinstance(exponent, int) else 0
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return str(format_decimal(number, pattern, locale=LOCALES[_language()], decimal_quantization=True))


def percent_of(fraction: Decimal | None) -> str:
    """A fraction as a percentage: 0.10 → 10 %, 0.125 → 12,5 % (12.5% in English)."""
    if fraction is None:
        return "–"
    return _percent(format_decimal(Decimal(fraction) * 100, "#,##0.##", locale=LOCALES[_language()]))


def local_value(value: Any) -> str:
    """A message's parameter as the reader writes it: amounts, dates and decimals in their language's way."""
    if _language() == SOURCE_LANGUAGE:
        return german_value(value)
    if isinstance(value, Money):
        return euro(value)
    if isinstance(value, datetime):
        return german_datetime(value)
    if isinstance(value, date):
        return german_date(value)
    if isinstance(value, Decimal):
        return german_number(value)
    return german_value(value)
