"""Turning what people type into typed command arguments, strictly, with German messages.

Amounts, percentages, decimals and dates are read by ``web.german`` (the one reader, shared with the
import; its docstring states the rule): ``1.234,56`` or ``1234,56``, a euro sign and spaces tolerated;
letters (``1.000,5x``), a minus sign, more than two decimal places and dots in the wrong places are
refused with a message naming the problem. Dates come as ``2026-03-31`` (what a date field sends)
or ``31.03.2026`` (what people type). Free text loses the carriage returns browsers send in text
areas, so the domain's control-character check only ever sees what the person typed.

Every parser raises ``FieldError`` with the form field's name; ``FormReader`` collects every error of
a form at once, so a person sees all problems together, next to their fields.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from domain.messages import N_
from domain.money import Money
from domain.plan import BudgetLine
from web.german import (
    GermanInputError,
    decimal_places,
    read_amount,
    read_date,
    read_decimal,
    read_percent,
    write_amount,
)

T = TypeVar("T")


class FieldError(ValueError):
    """Raised when one field's input cannot be read; carries the field's name and a German message."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _field(field: str, read: Callable[[], T]) -> T:
    try:
        return read()
    except GermanInputError as error:
        raise FieldError(field, error.message) from None


def parse_amount(text: str | None, field: str = "amount", *, allow_zero: bool = False) -> Money:
    """A German euro amount: ``1.234,56``, ``1234,56``, ``1234`` or ``1.234``; never negative."""
    return _field(field, lambda: read_amount(text, allow_zero=allow_zero))


def format_amount(value: Money | None) -> str:
    """An amount as people type it back into a field: ``1.234,56`` (no currency sign)."""
    return "" if value is None else write_amount(value)


def parse_date(text: str | None, field: str) -> date:
    """``2026-03-31`` (a date field) or ``31.03.2026`` (typed)."""
    return _field(field, lambda: read_date(text))


def parse_percent(text: str | None, field: str) -> Decimal:
    """A percentage such as ``90`` or ``87,5``, returned as a fraction (0.9, 0.875)."""
    return _field(field, lambda: read_percent(text))


def parse_decimal(text: str | None, field: str, places: int = 6) -> Decimal:
    """A positive German decimal such as an exchange rate (``16,85``) or a foreign amount (``1.250,00``)."""
    value = _field(field, lambda: read_decimal(text, N_("keine Zahl"), "1.234,5678"))
    if decimal_places(value) > places:
        raise FieldError(field, f"»{text}«: höchstens {places} Nachkommastellen.")
    if value <= 0:
        raise FieldError(field, "Die Zahl muss größer als 0 sein.")
    return value


def parse_year(text: str | None, field: str = "fiscal_year") -> int:
    raw = (text or "").strip()
    if not re.fullmatch(r"20[0-9]{2}", raw):
        raise FieldError(field, f"»{raw}« ist kein Haushaltsjahr (z. B. 2026).")
    return int(raw)


def clean_text(text: Any) -> str:
    """Form text as typed, without the carriage returns of text areas."""
    return str(text or "").replace("\r\n", "\n").replace("\r", "\n")


class FormReader:
    """Reads one submitted form field by field, collecting every problem instead of stopping at the first."""

    def __init__(self, form: Mapping[str, Any]) -> None:
        self.values: dict[str, str] = {
            key: clean_text(value) for key, value in form.items() if isinstance(value, str) and key != "csrf_token"
        }
        self.errors: dict[str, str] = {}

    def text(self, name: str, required: bool = False) -> str:
        value = self.values.get(name, "").strip()
        if required and not value:
            self.errors.setdefault(name, "Bitte ausfüllen.")
        return value

    def amount(self, name: str, *, allow_zero: bool = False, required: bool = True) -> Money | None:
        if not required and not self.values.get(name, "").strip():
            return None
        return self._read(parse_amount, self.values.get(name), name, allow_zero=allow_zero)

    def day(self, name: str, required: bool = True) -> date | None:
        if not required and not self.values.get(name, "").strip():
            return None
        return self._read(parse_date, self.values.get(name), name)

    def percent(self, name: str, required: bool = True) -> Decimal | None:
        if not required and not self.values.get(name, "").strip():
            return None
        return self._read(parse_percent, self.values.get(name), name)

    def decimal(self, name: str, places: int = 6) -> Decimal | None:
        return self._read(parse_decimal, self.values.get(name), name, places=places)

    def year(self, name: str) -> int | None:
        return self._read(parse_year, self.values.get(name), name)

    def count(self, name: str, required: bool = True) -> int | None:
        """A whole number of at least 0 (units, pieces); empty is ``None`` where not required."""
        value = self.values.get(name, "").strip().replace(".", "")
        if not value:
            if required:
                self.errors.setdefault(name, "Bitte ausfüllen.")
            return None
        if not value.isdigit() or len(value) > 7:
            self.errors.setdefault(name, "Bitte eine ganze Zahl ab 0 eingeben.")
            return None
        return int(value)

    def choice(self, name: str, options: Mapping[str, Any] | set[str] | tuple[str, ...]) -> str:
        value = self.values.get(name, "").strip()
        if value not in options:
            self.errors.setdefault(name, "Bitte eine der angebotenen Möglichkeiten wählen.")
        return value

    def flag(self, name: str) -> bool:
        return self.values.get(name, "") in (N_("ja"), "on", "1", "true")

    def _read(self, parser: Callable[..., T], value: str | None, name: str, **kwargs: Any) -> T | None:
        try:
            return parser(value, name, **kwargs)
        except FieldError as error:
            self.errors.setdefault(error.field, error.message)
            return None

    @property
    def ok(self) -> bool:
        return not self.errors

    def financing_plan_parts(
        self, line_count: int, unnamed: str
    ) -> tuple[list[BudgetLine], dict[str, Money | None], Money | None]:
        """The cost lines (``line_N_label``/``line_N_amount``), the other funds and the requested grant
        of an application form; a cost without a label is reported as ``unnamed``."""
        lines = []
        for n in range(1, line_count + 1):
            label = self.text(f"line_{n}_label")
            amount = self.amount(f"line_{n}_amount", allow_zero=True, required=bool(label) or n == 1)
            if label and amount is not None:
                lines.append(BudgetLine(f"pos-{n}", label, amount))
            elif amount is not None and not label:
                self.errors.setdefault(f"line_{n}_label", unnamed)
        funding = {name: self.amount(name, allow_zero=True) for name in ("own_funds", "third_party_funds", "income")}
        return lines, funding, self.amount("grant")
