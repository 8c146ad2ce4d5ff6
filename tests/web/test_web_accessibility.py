"""An accessibility smoke check of the main pages: every field has a label, headings go down one level
at a time, no id is used twice, and the page says its language. Forms are checked in the states people
meet them in, including a refused form with its messages."""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import date
from html.parser import HTMLParser

import pytest
from web_support import Desk, a_grant

from domain.dates import FundingPeriod

FIELDS = {"input", "select", "textarea"}
UNLABELLED_TYPES = {"hidden", "submit", "button", "reset"}


class PageOutline(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.labels_for: set[str] = set()
        self.fields: list[dict[str, str]] = []
        self.headings: list[int] = []
        self.lang = ""
        self.svg_titles_missing = 0
        self._open_svg = False
        self._svg_has_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        if "id" in attributes:
            self.ids.append(attributes["id"])
        if tag == "html":
            self.lang = attributes.get("lang", "")
        if tag == "label" and "for" in attributes:
            self.labels_for.add(attributes["for"])
        if tag in FIELDS and attributes.get("type", "text") not in UNLABELLED_TYPES:
            self.fields.append({"tag": tag, **attributes})
        if len(tag) == 2 and tag[0] == "h" and tag[1].isdigit():
            self.headings.append(int(tag[1]))
        if tag == "svg":
            self._open_svg, self._svg_has_title = True, False
        if tag == "title" and self._open_svg:
            self._svg_has_title = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg":
            if not self._svg_has_title:
                self.svg_titles_missing += 1
            self._open_svg = False


def problems_of(html: str) -> list[str]:
    outline = PageOutline()
    outline.feed(html)
    found = []
    if outline.lang not in ("de", "en"):
        found.append("the page does not say its language")
    for field in outline.fields:
        labelled = field.get("id") in outline.labels_for or field.get("aria-label") or field.get("aria-labelledby")
        if not labelled:
            found.append(f"{field['tag']} name={field.get('name')} has no label")
    duplicates = [i for i, n in Counter(outline.ids).items() if n > 1]
    if duplicates:
        found.append(f"duplicate ids: {duplicates}")
    levels = outline.headings
    if not levels or levels[0] != 1 or levels.count(1) != 1:
        found.append(f"the page needs exactly one h1, first: {levels[:3]}")
    for before, after in itertools.pairwise(levels):
        if after > before + 1:
            found.append(f"heading jumps from h{before} to h{after}")
    if outline.svg_titles_missing:
        found.append(f"{outline.svg_titles_missing} charts without a title")
    return found


def test_the_checker_sees_what_it_looks_for() -> None:
    broken = (
        '<html><body><h2>Zu tief</h2><h1>A</h1><h3>Sprung</h3><input name="x" id="a"><p id="a"></p>'
        '<svg role="img"><rect/></svg></body></html>'
    )

    found = problems_of(broken)

    assert any("language" in p for p in found)
    assert any("has no label" in p for p in found)
    assert any("duplicate ids" in p for p in found)
    assert any("h1" in p for p in found) and any("jumps from h1 to h3" in p for p in found)
    assert any("charts without a title" in p for p in found)


@pytest.mark.parametrize("who", ["officer", "approver", "finance", "auditor", "admin"])
def test_the_main_pages_pass_the_smoke_check(desk: Desk, who: str) -> None:
    w = desk.world
    grants = {
        stage: a_grant(w, stage, number=f"IB-2026-{i:04d}", title=f"Vorhaben {stage}")
        for i, stage in enumerate(
            [
                "applied",
                "reviewed",
                "approved",
                "requested",
                "certified",
                "released",
                "booked",
                "proof",
                "proof_reviewed",
                "determined",
            ]
        )
    }
    project = desk.office.start_project(
        "FAIRE-SCHOKOLADE",
        "Faire Stadtschokolade",
        "",
        "Kumasi",
        [12],
        FundingPeriod(date(2026, 1, 1), date(2026, 12, 31)),
        ["Material"],
        w.actor("officer"),
    )
    desk.sign_in(who)
    pages = [
        "/",
        "/zuwendungen",
        "/zuwendungen?ueberfaellig=ja&suche=x",
        "/programme",
        f"/programme/{w.programme}",
        f"/programme/{w.programme}?stichtag=kaputt",
        "/organisationen",
        f"/organisationen/{w.dfg}",
        "/projekte",
        f"/projekte/{project}",
        "/pruefung?pruefen=1",
        "/passwort",
    ]
    pages += [f"/zuwendungen/{g}" for g in grants.values()]
    if who in ("finance", "auditor", "admin", "approver"):
        pages.append("/kaemmerei")
    if who == "admin":
        pages.append("/programme/neu")
    if who in ("officer", "admin"):
        pages.append("/organisationen/neu")
    if who == "officer":
        pages.append("/zuwendungen/neu")

    for path in pages:
        answer = desk.get(path)
        assert answer.status_code == 200, path
        assert problems_of(answer.text) == [], path


def test_a_refused_form_passes_the_smoke_check(desk: Desk) -> None:
    grant = a_grant(desk.world, "approved")
    desk.sign_in("officer")

    answer = desk.post(
        f"/zuwendungen/{grant}/mittel-abrufen",
        {"amount": "1.000,5x", "due": "kaputt", "description": "", "purpose": "x", "on": "2026-06-15"},
    )

    assert answer.status_code == 400
    assert problems_of(answer.text) == []


def test_the_sign_in_page_and_an_association_members_pages_pass_the_smoke_check(desk: Desk) -> None:
    grant = a_grant(desk.world, "booked")
    assert problems_of(desk.get("/anmelden").text) == []
    desk.sign_in("dfg")

    for path in ("/", "/zuwendungen", f"/zuwendungen/{grant}", f"/organisationen/{desk.world.dfg}", "/zuwendungen/neu"):
        answer = desk.get(path)
        assert answer.status_code == 200, path
        assert problems_of(answer.text) == [], path
