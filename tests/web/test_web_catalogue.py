"""The translation catalogue: every text the pages show in German has an English entry."""

from __future__ import annotations

import re
from pathlib import Path

from domain.grant import PAYMENT_GERMAN, STATUS_GERMAN
from web.dashboard import QUEUES_BY_ROLE
from web.downloads import DOWNLOADS
from web.grant_actions import ACTIONS
from web.i18n import ENGLISH
from web.programmes import FORMS

TEMPLATES = Path(__file__).resolve().parents[2] / "web" / "templates"
LITERAL = re.compile(r'_\(\s*"((?:[^"\\]|\\.)*)"\s*\)|_\(\s*\'((?:[^\'\\]|\\.)*)\'\s*\)')


def template_texts() -> set[str]:
    found = set()
    for path in TEMPLATES.rglob("*.html"):
        for match in LITERAL.finditer(path.read_text(encoding="utf-8")):
            found.add(match.group(1) or match.group(2))
    return found


def test_every_text_in_the_templates_has_an_english_entry() -> None:
    assert sorted(template_texts() - set(ENGLISH)) == []


def test_every_form_title_button_and_queue_has_an_english_entry() -> None:
    texts = {t for a in ACTIONS.values() for t in (a.title, a.button, a.intro) if t}
    texts |= {title for queues in QUEUES_BY_ROLE.values() for title, _ in queues}
    texts |= {t for f in FORMS.values() for t in (f.title, f.button, f.notice)}
    texts |= {t for d in DOWNLOADS for t in (d.title, d.description)}
    texts |= set(STATUS_GERMAN.values()) | set(PAYMENT_GERMAN.values()) - {"Sachlich und rechnerisch richtig"}

    assert sorted(texts - set(ENGLISH)) == []
