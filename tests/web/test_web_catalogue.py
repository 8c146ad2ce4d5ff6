"""The translation catalogue (web/locale): every text has English, nothing fuzzy, placeholders agree.

German is the source language: a message id is the German text. ``make messages`` extracts the ids
into ``messages.pot`` and merges them into the English ``.po``; these tests fail until every new or
changed text has its English there.
"""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from domain.grant import PAYMENT_GERMAN, STATUS_GERMAN
from domain.messages import message
from web.dashboard import QUEUES_BY_ROLE
from web.downloads import DOWNLOADS
from web.grant_actions import ACTIONS
from web.i18n import catalogue_path, current_language, gettext, translations
from web.programmes import FORMS

LOCALE = Path(__file__).resolve().parents[2] / "web" / "locale"
TEMPLATES = LOCALE.parent / "templates"
LITERAL = re.compile(r'\b_\(\s*"((?:[^"\\]|\\.)*)"\s*\)|\b_\(\s*\'((?:[^\'\\]|\\.)*)\'\s*\)')
PERCENT = re.compile(r"%\((\w+)\)[sdfr]")


def read(path: Path) -> Catalog:
    with path.open("rb") as f:
        return read_po(f)


@pytest.fixture(scope="module")
def template() -> Catalog:
    return read(LOCALE / "messages.pot")


@pytest.fixture(scope="module")
def english() -> Catalog:
    return read(catalogue_path("en"))


def ids(catalog: Catalog) -> set[str]:
    return {m.id for m in catalog if m.id and isinstance(m.id, str)}


def placeholders(text: str) -> set[str]:
    braces = {name for _, name, _, _ in string.Formatter().parse(text) if name}
    return braces | set(PERCENT.findall(text))


def test_every_text_of_the_template_is_in_the_english_catalogue(template: Catalog, english: Catalog) -> None:
    assert sorted(ids(template) - ids(english)) == []


def test_every_text_has_english_and_none_is_fuzzy(english: Catalog) -> None:
    untranslated = [m.id for m in english if m.id and not m.string]
    fuzzy = [m.id for m in english if m.id and m.fuzzy]
    assert (untranslated, fuzzy) == ([], [])


def test_placeholders_agree_between_german_and_english(english: Catalog) -> None:
    disagree = [(m.id, m.string) for m in english if m.id and placeholders(str(m.id)) != placeholders(str(m.string))]
    assert disagree == []


def test_the_english_catalogue_loads_and_translates() -> None:
    token = current_language.set("en")
    try:
        assert gettext("Anmelden") == "Sign in"
        assert translations("en").gettext("Zuwendungen") == "Grants"
        assert gettext("kein Text aus dem Katalog") == "kein Text aus dem Katalog"
    finally:
        current_language.reset(token)
    assert gettext("Anmelden") == "Anmelden"


def test_a_domain_message_is_german_as_a_string_and_translated_by_its_id() -> None:
    text = message(
        "{label}: Budget {budget}, gebunden {committed}, davon ausgezahlt {paid}, verfügbar {available}",
        label="A",
        budget="1",
        committed="2",
        paid="3",
        available="4",
    )
    assert str(text) == "A: Budget 1, gebunden 2, davon ausgezahlt 3, verfügbar 4"
    token = current_language.set("en")
    try:
        assert gettext(text) == "A: budget 1, committed 2, of which paid 3, available 4"
    finally:
        current_language.reset(token)


def template_texts() -> set[str]:
    found = set()
    for path in TEMPLATES.rglob("*.html"):
        for match in LITERAL.finditer(path.read_text(encoding="utf-8")):
            found.add(match.group(1) or match.group(2))
    return found


def test_every_text_in_the_templates_is_in_the_catalogue(english: Catalog) -> None:
    assert sorted(template_texts() - ids(english)) == []


def test_every_form_title_button_and_queue_is_in_the_catalogue(english: Catalog) -> None:
    texts = {t for a in ACTIONS.values() for t in (a.title, a.button, a.intro) if t}
    texts |= {title for queues in QUEUES_BY_ROLE.values() for title, _ in queues}
    texts |= {t for f in FORMS.values() for t in (f.title, f.button, f.notice)}
    texts |= {t for d in DOWNLOADS for t in (d.title, d.description)}
    texts |= set(STATUS_GERMAN.values()) | set(PAYMENT_GERMAN.values()) - {"Sachlich und rechnerisch richtig"}

    assert sorted(texts - ids(english)) == []
