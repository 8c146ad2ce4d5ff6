"""Every page in English: a walk through the demo as each role, in German and in English.

Each role signs in to a copy of the demo store and follows the links of its pages from the start page and
every page without an id (breadth first, a few addresses of each route, every grant of the demo with each
role's forms; a visitor walks the public pages and confirms an account request), once with the
language cookie ``de`` and once with ``en``. In English no text of the catalogue may remain in German:
every German message id that has an English of its own is looked for in the page's visible text
(text, ``title``, ``aria-label``, ``placeholder``, button values), as a whole word or, for a text with
placeholders, its fixed parts in order; and no German word outside the catalogue either (umlauts, ß,
German function words). ``lang`` must say the language. What people typed — names,
purposes, reasons of the demo — is data, not the interface, and stays as it was entered.

Every GET route of the application is either reached by the walk or named below with the reason it
is not (a link from an e-mail, a download, the API).
"""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
from babel.messages.pofile import read_po
from demo_support import DemoStore, copy_sqlite_store, hidden_fields, sign_in_to_demo
from starlette.routing import Match, Mount, Route
from starlette.testclient import TestClient

from foerderbuch.wiring import create_services
from web.app import create_app
from web.i18n import catalogue_path
from web.services import Services

SECRET = "english-pages-secret-" + "e" * 40

ROLES = {
    "admin": "admin@dortmund.example",
    "officer": "s.krueger@dortmund.example",
    "approver": "p.lange@dortmund.example",
    "finance": "k.brandt@dortmund.example",
    "cashier": "o.schulz@dortmund.example",
    "auditor": "a.vogel@dortmund.example",
    "association": "vorstand@dfg-dortmund.example",
}

ACCOUNT_REQUEST = {
    "association": "Freundeskreis Dortmund–Leeds e.V.",
    "legal_form": "e.V.",
    "register_court": "Amtsgericht Dortmund",
    "register_number": "VR 4711",
    "street": "Friedensplatz 1",
    "postcode": "44135",
    "city": "Dortmund",
    "iban": "DE89 3704 0044 0532 0130 00",
    "contact_name": "Grace Okafor",
    "email": "grace.okafor@leeds-freunde.example",
}
PER_ROUTE = 4  # addresses of one route (with other ids or queries) each role visits
# Every grant of the demo, in each of its states, with the forms each role gets there (and the portal's view).
EVERY = {"/zuwendungen/{grant_id}": 40, "/portal/zuwendungen/{grant_id}": 40}
NOT_WALKED = {
    "/passwort-neu/{token}": "a link from an e-mail with a one-time token",
    "/zugang-beantragen/bestaetigen/{token}": "walked once by the visitor who asks for an account (below)",
    "/portal/einladung/{token}": "a link from an e-mail with a one-time token",
    "/anmelden/code": "only after a password of somebody with a second factor",
    "/zuwendungen/{grant_id}/dateien/{sha256}": "a stored document, not a page",
    "/portal/zuwendungen/{grant_id}/dateien/{sha256}": "a stored document, not a page",
    "/portal/zuwendungen/{grant_id}/verwendungsnachweis.xlsx": "a workbook, not a page",
    "/kaemmerei/download/{slug}": "a download, not a page",
    "/kaemmerei/zahlungslaeufe/{run_id}/datei": "a SEPA file, not a page",
}
SKIPPED_PREFIXES = ("/static/", "/api/")


class VisibleText(HTMLParser):
    """The text a person reads or hears: text nodes and the attributes shown or read out."""

    SHOWN_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self.lang = ""
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.lang = attributes.get("lang", "")
        if tag in ("script", "style"):
            self._hidden += 1
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        self.parts += [attributes[name] for name in self.SHOWN_ATTRIBUTES if attributes.get(name)]
        if tag == "input" and attributes.get("type") in ("submit", "button") and attributes.get("value"):
            self.parts.append(attributes["value"])

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.parts.append(data)

    @property
    def text(self) -> str:
        return "\n".join(" ".join(part.split()) for part in self.parts)


def read_page(html: str) -> VisibleText:
    page = VisibleText()
    page.feed(html)
    return page


# German texts of one word that English pages use as well, in another sense.
ALSO_ENGLISH = {"Art"}  # "Art. 15 GDPR": an article of a regulation, not the German "Art" (type)
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w*\}|%[sd]")


@dataclass(frozen=True)
class GermanText:
    msgid: str
    pattern: re.Pattern[str]


def german_texts() -> list[GermanText]:
    """The catalogue's German texts that read differently in English, as patterns over visible text."""
    with catalogue_path("en").open("rb") as po:
        catalogue = read_po(po)
    found = []
    for entry in catalogue:
        msgid, english = entry.id, entry.string
        if not msgid or not isinstance(msgid, str) or not isinstance(english, str) or not english:
            continue
        if " ".join(msgid.split()) == " ".join(english.split()):
            continue  # the same in both languages ("Name", "Status", "IBAN")
        if msgid in ALSO_ENGLISH:
            continue
        chunks = [" ".join(c.split()) for c in PLACEHOLDER.split(msgid)]
        chunks = [c for c in chunks if re.search(r"[A-Za-zÄÖÜäöüß]{3}", c)]
        if not chunks:
            continue
        pattern = r"[^\n]*?".join(re.escape(c) for c in chunks)
        found.append(GermanText(msgid, re.compile(rf"(?<![\wÄÖÜäöüß]){pattern}(?![\wÄÖÜäöüß])")))
    return found


def strings_in(value: object, depth: int = 0) -> Iterator[str]:
    """Every text inside an event's field: nested values, lists and mappings included."""
    if depth > 6:
        return
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings_in(key, depth + 1)
            yield from strings_in(item, depth + 1)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            yield from strings_in(item, depth + 1)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for item in dataclasses.fields(value):
            yield from strings_in(getattr(value, item.name), depth + 1)
    elif hasattr(value, "__dict__") and not isinstance(value, type):
        for item in vars(value).values():
            yield from strings_in(item, depth + 1)


def typed_texts(services: Services, extra: Iterable[str] = ()) -> re.Pattern[str]:
    """What people entered in the demo (names, purposes, reasons, notes, messages): every text in the
    log's events, as one pattern that blanks them out of a page before the catalogue is looked for."""
    projector = services.projector
    texts: set[str] = set(extra)
    last = 0
    while True:
        batch = projector.app.recorder.select_notifications(start=last, limit=500, inclusive_of_start=False)
        for notification in batch:
            event = projector.app.mapper.to_domain_event(notification)
            texts.update(" ".join(text.split()) for text in strings_in(vars(event)))
        if len(batch) < 500:
            break
        last = batch[-1].id
    shown = sorted((t for t in texts if len(t) >= 3), key=len, reverse=True)
    return re.compile(rf"(?<![\wÄÖÜäöüß])(?:{'|'.join(re.escape(t) for t in shown)})(?![\wÄÖÜäöüß])")


@dataclass
class Walk:
    """What one role saw: per address the page's visible text and ``lang``, in both languages."""

    role: str
    pages: dict[str, dict[str, VisibleText]] = field(default_factory=dict)
    routes: set[str] = field(default_factory=set)
    refused: dict[str, int] = field(default_factory=dict)  # a page the role may not see
    dead_links: dict[str, int] = field(default_factory=dict)  # ... that one of its pages linked to


def get_routes(routes: list, prefix: str = "") -> Iterator[Route]:  # type: ignore[type-arg]
    for route in routes:
        if isinstance(route, Mount) and not route.path.startswith(("/static", "/api")):
            yield from get_routes(route.routes, prefix + route.path)
        elif isinstance(route, Route) and "GET" in (route.methods or ()):
            yield Route(prefix + route.path, route.endpoint, methods=["GET"], name=route.name)


def route_of(routes: list[Route], path: str) -> str | None:
    scope = {"type": "http", "path": path, "method": "GET"}
    for route in routes:
        match, _ = route.matches(scope)
        if match == Match.FULL:
            return route.path
    return None


def walk(client: TestClient, role: str, routes: list[Route], start: list[str]) -> Walk:
    """Follows the role's links from its start pages, breadth first."""
    seen = Walk(role)
    visits: dict[str, int] = defaultdict(int)
    queue = deque(start)
    queued = set(start)
    while queue:
        address = queue.popleft()
        route = route_of(routes, urlsplit(address).path)
        if (
            route is None
            or visits[route] >= EVERY.get(route, PER_ROUTE)
            or (route in NOT_WALKED and address not in start)
        ):
            continue
        visits[route] += 1
        shown = {}
        for language in ("de", "en"):
            client.cookies.set("sprache", language)
            answer = client.get(address)
            assert answer.status_code < 500, f"{role} {language} {address}: {answer.status_code}"
            if answer.status_code != 200:
                seen.refused[address] = answer.status_code
                if address not in start:
                    seen.dead_links[address] = answer.status_code
            if not answer.headers["content-type"].startswith("text/html"):
                break
            shown[language] = read_page(answer.text)
        if not shown:
            continue
        seen.pages[address] = shown
        if address not in seen.refused:
            seen.routes.add(route)
        for link in shown["de"].links:
            target, _ = urldefrag(link)
            parts = urlsplit(target)
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue
            if parts.path.startswith(SKIPPED_PREFIXES) or target in queued:
                continue
            queued.add(target)
            queue.append(target)
    return seen


@pytest.fixture(scope="module")
def services(demo_store: DemoStore, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    assert demo_store.exit_code == 0, demo_store.stderr
    folder = tmp_path_factory.mktemp("english-pages")
    services = create_services(copy_sqlite_store(demo_store.path, Path(folder) / "foerderbuch.sqlite"))
    yield services


@pytest.fixture(scope="module")
def walks(services: Services, data: re.Pattern[str]) -> dict[str, Walk]:
    app = create_app(lambda: services, SECRET)
    routes = list(get_routes(app.routes))
    # Every page without an id is a start page for everyone: those a role may not see answer in its language too.
    pages = [route.path for route in routes if "{" not in route.path and route.path not in NOT_WALKED]
    done = {}
    with TestClient(app) as client:
        # A visitor asks for an account and confirms the address, so the office has a request to look at.
        token = services.credentials.pending_requests.hold(ACCOUNT_REQUEST)
        confirm = f"/zugang-beantragen/bestaetigen/{token}"
        done["visitor"] = walk(client, "visitor", routes, ["/anmelden", confirm, *pages])
        form = client.get(confirm)
        assert client.post(confirm, data=hidden_fields(form.text)).status_code == 200
        for role, email in ROLES.items():
            client.cookies.clear()
            sign_in_to_demo(client, email)
            done[role] = walk(client, role, routes, ["/", *pages])
    return done


@pytest.fixture(scope="module")
def catalogue() -> list[GermanText]:
    return german_texts()


@pytest.fixture(scope="module")
def data(services: Services) -> re.Pattern[str]:
    return typed_texts(services, extra=ACCOUNT_REQUEST.values())


def test_every_page_says_its_language(walks: dict[str, Walk]) -> None:
    wrong = [
        (role, address, language, page.lang)
        for role, seen in walks.items()
        for address, pages in seen.pages.items()
        for language, page in pages.items()
        if page.lang != language
    ]
    assert wrong == []


def test_no_text_of_the_catalogue_stays_german_in_english(
    walks: dict[str, Walk], catalogue: list[GermanText], data: re.Pattern[str]
) -> None:
    german: dict[str, list[str]] = defaultdict(list)
    for role, seen in walks.items():
        for address, pages in seen.pages.items():
            text = data.sub("\u2026", pages["en"].text)
            for entry in catalogue:
                found = entry.pattern.search(text)
                if found:
                    line = text[text.rfind("\n", 0, found.start()) + 1 :].split("\n", 1)[0]
                    german[entry.msgid].append(f"{role} {address}: {line[:160]}")
    assert not german, "German in English pages:\n" + "\n".join(f"{m!r} — {w[0]}" for m, w in sorted(german.items()))


# German that is not (yet) a text of the catalogue: umlauts, ß and German function words, outside what people
# typed. The product's name, the English name of Türkiye and "the Länder" (English usage) are the only exceptions.
GERMAN_WORDS = re.compile(r"[äöüßÄÖÜ]|\b(und|der|die|das|nicht|für|mit|Sie|Ihre?|ist|wird|wurde|bitte|Bitte)\b")
NAMES = re.compile(r"Förderbuch|Türkiye|Länder")


def test_no_german_words_outside_the_catalogue_either(walks: dict[str, Walk], data: re.Pattern[str]) -> None:
    german: dict[str, str] = {}
    for role, seen in walks.items():
        for address, pages in seen.pages.items():
            for line in NAMES.sub("", data.sub("\u2026", pages["en"].text)).split("\n"):
                if GERMAN_WORDS.search(line):
                    german.setdefault(line[:160], f"{role} {address}")
    assert not german, "German in English pages:\n" + "\n".join(f"{w}: {line}" for line, w in sorted(german.items()))


def test_the_walk_reaches_every_page_of_the_application(services: Services, walks: dict[str, Walk]) -> None:
    app = create_app(lambda: services, SECRET)
    every = {route.path for route in get_routes(app.routes)}
    reached = set().union(*(seen.routes for seen in walks.values()))
    assert sorted(every - reached - set(NOT_WALKED)) == [], sorted(every - reached - set(NOT_WALKED))


def test_no_page_offers_a_link_its_reader_may_not_follow(walks: dict[str, Walk]) -> None:
    """An association member's grant page names the programme without linking to the staff's programme page."""
    dead = {role: seen.dead_links for role, seen in walks.items() if seen.dead_links}
    assert dead == {}
