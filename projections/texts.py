"""Sentences of the read models, kept translatable: the German text and, beside it, its message id and values.

A history line or a piece of news is written once, when the event is folded, and shown later in the
reader's language. So a read model stores the German sentence (what the API, searches and exports read)
and, in a column of its own, the :class:`~domain.messages.Message` it came from as JSON: its message id
and its parameters with their types (amounts, dates, decimals, nested fixed texts), so the web layer can
look the id up in the catalogue and format the values the reader's way. A row written before the
column existed would have it empty: such a read model is marked ``refold_when_changed`` and is folded again
from the log when its tables' definition changes (``Projector.set_up``).
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

from domain.messages import Message, message
from domain.money import Money


def term(text: str) -> Message:
    """A fixed text from a table of names (``N_``-marked), as a value that is translated where it is shown."""
    return message(text)


def deadline(key: str) -> Message:
    """A proof deadline by its key, ``final`` or ``interim-2026``, in words."""
    if key == "final":
        return message("Verwendungsnachweis")
    if key.startswith("interim-"):
        return message("Zwischennachweis {year}", year=key.removeprefix("interim-"))
    return message(key)


def _value(value: Any) -> Any:
    if isinstance(value, Message):
        return {"m": value.msgid, "p": {name: _value(item) for name, item in value.params.items()}}
    if isinstance(value, Money):
        return {"eur": str(value.amount)}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if isinstance(value, Decimal):
        return {"dec": str(value)}
    if isinstance(value, bool | int | float) or value is None:
        return value
    return str(value)


def _read(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    if "m" in value:
        return Message(value["m"], **{name: _read(item) for name, item in value.get("p", {}).items()})
    if "eur" in value:
        return Money(Decimal(value["eur"]))
    if "date" in value:
        return date.fromisoformat(value["date"])
    if "dec" in value:
        return Decimal(value["dec"])
    return str(value)


def encoded(text: str) -> str:
    """What the message column keeps: the message as JSON, or nothing for plain text (a note someone typed)."""
    if not isinstance(text, Message):
        return ""
    return json.dumps(_value(text), ensure_ascii=False, separators=(",", ":"))


def decoded(german: str, stored: str | None) -> str:
    """The text to show: the message again when the row has it (its ``str`` is the German), else the German."""
    if not stored:
        return german
    try:
        found = _read(json.loads(stored))
    except (ValueError, TypeError, KeyError, ArithmeticError):
        return german
    return found if isinstance(found, Message) else german
