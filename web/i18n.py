"""Translations: German is the language of the pages and the source language; English comes from a catalogue.

The catalogue is gettext's: ``web/locale/messages.pot`` lists every text (its message id is the German
text), ``web/locale/en/LC_MESSAGES/messages.po`` holds the English. ``make messages`` extracts the
texts from the code and templates (``babel.cfg``) and updates the ``.po``; the ``.po`` is read when the
application starts, so there is no build step. A text without English (or with a fuzzy one) shows in
German, never as a key.

Every text on a page goes through ``gettext`` (``_()`` in templates). A domain
:class:`~domain.messages.Message` is translated by its message id and filled with its parameters.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from gettext import NullTranslations
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from domain.messages import Message

LANGUAGES = ("de", "en")
SOURCE_LANGUAGE = "de"
LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"
current_language: ContextVar[str] = ContextVar("current_language", default=SOURCE_LANGUAGE)


def catalogue_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(language: str) -> NullTranslations:
    """The language's translations, compiled in memory from its ``.po`` (fuzzy entries left out)."""
    if language == SOURCE_LANGUAGE:
        return NullTranslations()
    with catalogue_path(language).open("rb") as po:
        catalog = read_po(po, locale=language, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def _params(params: dict[str, Any]) -> dict[str, str]:
    from web.formatting import local_value  # formats by the current language, which this module holds

    return {
        name: gettext(value) if isinstance(value, Message) else local_value(value) for name, value in params.items()
    }


def gettext(text: str) -> str:
    """The text in the current language; a domain message translated by its id, then filled in."""
    language = current_language.get()
    if not isinstance(text, str):
        return text
    if isinstance(text, Message):
        if language == SOURCE_LANGUAGE:
            return str(text)
        translated = translations(language).gettext(text.msgid)
        return translated.format(**_params(text.params)) if text.params else translated
    if language == SOURCE_LANGUAGE:
        return text
    return translations(language).gettext(text)


def accepted_language(header: str | None) -> str | None:
    """The supported language an ``Accept-Language`` header asks for first (by its q-values), or None.

    ``en-GB,en;q=0.9,de;q=0.8`` → ``en``; ``fr, de;q=0.5`` → ``de``; ``fr`` or nothing → None."""
    wanted: list[tuple[float, int, str]] = []
    for position, item in enumerate((header or "").split(",")):
        tag, _, params = item.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and quality > 0:
            wanted.append((-quality, position, primary))
    return min(wanted)[2] if wanted else None


@contextmanager
def in_language(language: str) -> Iterator[None]:
    """Texts in ``language`` inside the block (an e-mail for a reader of that language), then as before."""
    token = current_language.set(language if language in LANGUAGES else SOURCE_LANGUAGE)
    try:
        yield
    finally:
        current_language.reset(token)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Singular or plural in the current language (German's rule where there is no translation)."""
    return translations(current_language.get()).ngettext(singular, plural, n)
