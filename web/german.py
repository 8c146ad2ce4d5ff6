"""German amounts, percentages and dates as people type them: the one reader for web forms and the import.

The rule, everywhere (read by Babel's ``parse_decimal`` in strict mode, locale ``de_DE``):

- A comma separates the decimals; a dot groups thousands, in groups of three, before the comma only:
  ``1.234,56``, ``1234,56``, ``1.250`` (one thousand two hundred and fifty), ``1,005`` (one and five
  thousandths — refused as an amount, which has at most two decimal places).
- A dot that cannot be a thousands separator (``1.25``, ``12.5``, ``1234.56``, ``1.23,45``) is refused
  with the readings it might have meant; it is never guessed.
- Spaces (also no-break spaces) and a euro sign or ``EUR`` before or after the number are ignored; a
  percent sign after a percentage too. Only the digits 0–9: no signs, no exponents.
- Dates are ``31.12.2026`` (day, month, four-digit year) or ISO ``2026-12-31`` (what a date field sends).

Every reader raises ``GermanInputError`` with a German message; forms add the field's name, the import
the cell's. The JSON API does not read German notation at all: it takes decimal strings (``"1234.56"``)
and ISO dates, and refuses ``"1.000,50"`` with 422.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from babel.numbers import NumberFormatError, format_decimal, parse_decimal

from domain.messages import N_, Message, marked, message
from domain.money import Money

LOCALE = "de_DE"
LARGEST_AMOUNT = Decimal("1000000000")  # a billion euros: larger is a typing mistake

_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_NUMBER = re.compile(r"[0-9.,]+")
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_GERMAN_DATE = re.compile(r"([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})")


class GermanInputError(ValueError):
    """What was typed cannot be read; ``message`` says why, in German."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _bare(text: str, *, percent: bool = False) -> str:
    raw = _SPACES.sub("", text)
    if percent:
        raw = raw.removesuffix("%")
    for sign in ("€", "EUR"):
        raw = raw.removeprefix(sign).removesuffix(sign)
    return raw


def read_decimal(text: str | None, what: str = N_("keine Zahl"), example: str = "1.234,56") -> Decimal:
    """A non-negative number in German notation; ``what`` completes the refusal »x« ist …"""
    raw = _bare(text or "")
    if not raw:
        raise GermanInputError(message("Bitte eine Zahl angeben."))
    if raw[0] in "-−":
        raise GermanInputError(message("»{text}«: negative Zahlen sind nicht zulässig.", text=text))
    if not _NUMBER.fullmatch(raw):
        raise GermanInputError(
            message(
                "»{text}« ist {what}. Bitte so schreiben: {example}.",
                text=text,
                what=marked(what),
                example=marked(example),
            )
        )
    try:
        return parse_decimal(raw, locale=LOCALE, strict=True)
    except NumberFormatError as error:
        meant = [s for s in (getattr(error, "suggestions", None) or []) if _NUMBER.fullmatch(s)]
        raise GermanInputError(
            message(
                "»{text}« ist {what}: In deutscher Schreibweise trennt der Punkt Tausender (1.250), das Komma "
                "die Nachkommastellen (1,25). Gemeint: {meant}?",
                text=text,
                what=marked(what),
                meant=_either(meant),
            )
            if meant
            else message(
                "»{text}« ist {what}: In deutscher Schreibweise trennt der Punkt Tausender (1.250), das Komma "
                "die Nachkommastellen (1,25).",
                text=text,
                what=marked(what),
            )
        ) from None


def _either(choices: list[str]) -> Message:
    """»1.250 oder 1,25« as a message (»1.250 or 1,25« in English)."""
    text = Message(choices[0])
    for choice in choices[1:]:
        text = message("{choices} oder {choice}", choices=text, choice=choice)
    return text


def read_amount(text: str | None, *, allow_zero: bool = False) -> Money:
    """A euro amount, at most two decimal places, never negative; zero only where ``allow_zero``."""
    if not _bare(text or ""):
        raise GermanInputError(message("Bitte einen Betrag angeben."))
    if _bare(text or "").startswith(("-", "−")):
        raise GermanInputError(message("»{text}«: negative Beträge sind nicht zulässig.", text=text))
    number = read_decimal(text, N_("kein Betrag"), N_("1.234,56 (Punkt für Tausender, Komma für Cent)"))
    if decimal_places(number) > 2:
        raise GermanInputError(message("»{text}«: höchstens zwei Nachkommastellen (Cent).", text=text))
    if number >= LARGEST_AMOUNT:
        raise GermanInputError(message("»{text}« ist unplausibel groß.", text=text))
    if number == 0 and not allow_zero:
        raise GermanInputError(message("Der Betrag muss größer als 0,00 € sein."))
    return Money(number)


def read_percent(text: str | None, places: int = 4) -> Decimal:
    """A percentage above 0 and at most 100 (``90``, ``87,5 %``), returned as a fraction (0.9, 0.875)."""
    raw = _bare(text or "", percent=True)
    if not raw:
        raise GermanInputError(message("Bitte einen Prozentsatz angeben."))
    number = read_decimal(raw, N_("kein Prozentsatz"), N_("90 oder 87,5"))
    if decimal_places(number) > places:
        raise GermanInputError(message("»{text}«: höchstens {places} Nachkommastellen.", text=text, places=places))
    if not Decimal(0) < number <= Decimal(100):
        raise GermanInputError(message("Der Prozentsatz muss über 0 und höchstens 100 sein."))
    return number / 100


def read_date(text: str | None) -> date:
    """``31.12.2026`` or ``2026-12-31``; impossible days (31.02.) are refused."""
    raw = (text or "").strip()
    if not raw:
        raise GermanInputError(message("Bitte ein Datum angeben."))
    iso, german = _ISO_DATE.fullmatch(raw), _GERMAN_DATE.fullmatch(raw)
    try:
        if iso:
            return date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        if german:
            return date(int(german.group(3)), int(german.group(2)), int(german.group(1)))
    except ValueError:
        raise GermanInputError(message("»{raw}« ist kein gültiges Datum.", raw=raw)) from None
    raise GermanInputError(message("»{raw}« ist kein Datum. Bitte so schreiben: 31.12.2026.", raw=raw))


def write_amount(value: Money) -> str:
    """An amount the way people type it (and ``read_amount`` reads it back): ``1.234,56``, no sign."""
    return format_decimal(value.amount, format="#,##0.00", locale=LOCALE)


def write_decimal(value: Decimal) -> str:
    """Any non-negative number in German notation with all its places, e.g. ``16,8512``."""
    places = max(decimal_places(value), 0)
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return format_decimal(value, format=pattern, locale=LOCALE, decimal_quantization=False)


def write_date(value: date) -> str:
    return f"{value.day:02d}.{value.month:02d}.{value.year:04d}"


def decimal_places(number: Decimal) -> int:
    """How many places after the comma ``number`` was written with (``1,50`` → 2, ``1.250`` → 0)."""
    exponent = number.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0
