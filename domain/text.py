"""Free text typed by people: titles, purposes, reasons. Trimmed, bounded, never empty where required."""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

from domain.errors import InvalidInputError
from domain.messages import N_, marked, message

ERASED = "gelöscht"
"""What a personal field reads as once its subject was erased (see ``domain.personal_data``)."""


def require_text(value: str | None, field: str, what: str, max_length: int = 200, min_length: int = 1) -> str:
    text = (value or "").strip() if isinstance(value, str) or value is None else None
    if text is None:
        raise InvalidInputError(message("{what}: Text erwartet.", what=marked(what)), field=field)
    if len(text) < min_length:
        raise InvalidInputError(message("{what} fehlt.", what=marked(what)), field=field)
    if len(text) > max_length:
        raise InvalidInputError(
            message("{what} ist zu lang (max. {max_length} Zeichen).", what=marked(what), max_length=max_length),
            field=field,
        )
    if any(ord(c) < 32 and c not in "\n\t" for c in text):
        raise InvalidInputError(message("{what} enthält Steuerzeichen.", what=marked(what)), field=field)
    return text


def optional_text(value: str | None, field: str, what: str, max_length: int = 2000) -> str:
    if value is None or not str(value).strip():
        return ""
    return require_text(value, field, what, max_length)


def require_reason(reason: str | None, field: str = "reason") -> str:
    """Decisions by people carry a reason (Begründung); an empty one is refused."""
    text = require_text(reason, field, N_("Die Begründung"), max_length=2000)
    if len(text) < 3:
        raise InvalidInputError(message("Bitte eine Begründung angeben."), field=field)
    return text


def german_percent(fraction: Decimal, places: int = 2) -> str:
    """A fraction as a percentage for messages: Decimal("0.0999") -> "9,99 %" (a message: "9.99%" in English)."""
    value = (fraction * 100).quantize(Decimal(1).scaleb(-places), rounding=ROUND_DOWN)
    return message("{number} %", number=value)


def german_decimal(value: Decimal, places: int = 2) -> str:
    """A number for messages as Germans write it: Decimal("1250.5") -> "1.250,50"."""
    text = f"{value:,.{places}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")
