"""Texts for people, translatable: German is the source language, English comes from the catalogue.

The domain speaks German (DESIGN.md): a refusal reads "Unbekannte Maßnahme »Ausflug«." wherever it is
shown — in the log, in the API's problem details, in tests. So that the web layer can show it in
English as well, such a text is a :class:`Message`: a ``str`` that *is* the German sentence and also
carries its message id (the German sentence with ``{placeholders}``) and the parameters. The web
layer looks the id up in the catalogue (``web/locale``) and fills in the same parameters.

``N_`` marks a fixed text (a label, a status name) for the catalogue where it is defined, without
translating it there: the page translates it when it shows it. ``pybabel extract`` (``make
messages``) finds both by their names.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Protocol, runtime_checkable


def N_(text: str) -> str:  # the gettext convention: mark now, translate later
    """Marks a fixed German text for the translation catalogue; returns it unchanged."""
    return text


@runtime_checkable
class _German(Protocol):
    def de(self) -> str: ...


def german_value(value: Any) -> str:
    """A parameter as German readers write it: amounts 1.250,00 €, dates 31.12.2026, decimals 1.250,5."""
    if isinstance(value, _German):
        return value.de()
    if isinstance(value, Message):
        return str(value)
    if isinstance(value, date):
        return f"{value:%d.%m.%Y}"
    if isinstance(value, Decimal):
        text = f"{value:,}"
        return text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return str(value)


class Message(str):
    """A German text with its message id and parameters: ``str(m)`` is the German sentence."""

    msgid: str
    params: dict[str, Any]

    def __new__(cls, msgid: str, /, **params: Any) -> Message:
        text = msgid.format(**{name: german_value(value) for name, value in params.items()}) if params else msgid
        self = super().__new__(cls, text)
        self.msgid = msgid
        self.params = params
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (self.msgid, self.params))


def _rebuild(msgid: str, params: dict[str, Any]) -> Message:
    return Message(msgid, **params)


def message(msgid: str, /, **params: Any) -> Message:
    """A translatable text: ``message("Unbekannte Maßnahme »{kind}«.", kind=kind)``."""
    return Message(msgid, **params)


def marked(text: str) -> Message:
    """A fixed text marked elsewhere with ``N_`` (a status, a role, a kind) as a parameter of a message:
    the web layer translates it by its German text, so "Stand »Bewilligt«" reads "status »Approved«"."""
    return text if isinstance(text, Message) else Message(text)
