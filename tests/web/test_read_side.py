"""The read side as pages see it: reads take no write lock, a person sees their own command at once
(also on another worker, also when the follower is slow), and a form sent twice records once."""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing
from typing import Any

import pytest
from starlette.testclient import TestClient
from web_support import FAST_HASHER, SECRET, TODAY, Desk, a_grant, build_world

from foerderbuch.credentials import CredentialStore
from foerderbuch.seal_key import SealKey
from foerderbuch.settings import Settings
from foerderbuch.wiring import create_follower, create_office
from projections.catalogue import all_read_models
from projections.db import SQLiteDatabase
from projections.engine import Projector
from web.app import create_app
from web.services import Services

REVIEW = {"formal_ok": "ja", "substantive_ok": "ja", "notes": "Vollständig.", "on": "2026-06-15"}
REVIEWED = "Antrag geprüft: formal in Ordnung, inhaltlich förderfähig"


def services_on(settings: Settings, lock_timeout: float = 30.0, lease: bool = False) -> Services:
    """Services on the test's SQLite file; ``lock_timeout`` bounds how long a read-model write may wait."""
    office = create_office(settings, today=lambda: TODAY)
    projector = Projector(
        office, SQLiteDatabase(str(settings.sqlite_path), timeout=lock_timeout), all_read_models(SealKey(settings))
    )
    credentials = CredentialStore.for_settings(settings, FAST_HASHER)
    follower = create_follower(settings, office, projector) if lease else None
    return Services(office, projector, credentials, follower=follower)


def slow_down(services: Services, seconds: float) -> None:
    """Every batch of the follower starts ``seconds`` late: pages must wait for it, not find it done."""
    batch = services.projector._batch

    def late(models: Any) -> Any:
        time.sleep(seconds)
        return batch(models)

    services.projector._batch = late  # type: ignore[method-assign]


def caught_up(services: Services) -> None:
    assert services.follower is not None
    assert services.follower.wait_for(services.projector.log_head(), timeout=30)


@pytest.fixture
def impatient(settings: Settings) -> Iterator[tuple[Desk, Services]]:
    """A desk whose read-model connection gives up on a write lock after 0.2 s (a write would fail)."""
    services = services_on(settings, lock_timeout=0.2)
    with TestClient(create_app(lambda: services, SECRET)) as client:
        yield Desk(client, build_world(services)), services


def test_a_page_read_takes_no_write_lock(impatient: tuple[Desk, Services], settings: Settings) -> None:
    desk, services = impatient
    grant = a_grant(desk.world, "approved")
    desk.sign_in("officer")
    caught_up(services)

    with closing(sqlite3.connect(settings.sqlite_path, isolation_level=None)) as other:
        other.execute("BEGIN IMMEDIATE")  # another process holds the file's write lock
        try:
            pages = [desk.get(path) for path in ("/", "/zuwendungen", f"/zuwendungen/{grant}", "/programme")]
            api_like = desk.get(f"/zuwendungen?suche={'Amiens'}")
        finally:
            other.execute("ROLLBACK")

    assert [page.status_code for page in pages] == [200, 200, 200, 200]
    assert "Jugendbegegnung Amiens 2026" in pages[1].text and "Jugendbegegnung Amiens 2026" in api_like.text


def test_a_person_sees_their_own_command_at_once_even_when_the_follower_is_slow(
    impatient: tuple[Desk, Services],
) -> None:
    desk, services = impatient
    grant = a_grant(desk.world)
    desk.sign_in("officer")
    caught_up(services)
    slow_down(services, 0.5)

    answer = desk.post(f"/zuwendungen/{grant}/pruefen", REVIEW)
    behind = services.projector.follower_position() < desk.head()
    page = desk.get(f"/zuwendungen/{grant}")

    assert answer.status_code == 303
    assert behind, "the follower had already caught up: this test would not show the wait"
    assert REVIEWED in page.text
    assert "noch nicht ganz aktuell" not in page.text


def test_another_worker_shows_the_command_too(settings: Settings) -> None:
    first, second = services_on(settings, lease=True), services_on(settings, lease=True)
    with (
        TestClient(create_app(lambda: first, SECRET)) as one,
        TestClient(create_app(lambda: second, SECRET)) as two,
    ):
        world = build_world(first)
        grant = a_grant(world)
        desk = Desk(one, world)
        desk.sign_in("officer")
        caught_up(first)
        assert [first.follower.active, second.follower.active].count(True) == 1  # type: ignore[union-attr]
        for services in (first, second):
            slow_down(services, 0.5)

        assert desk.post(f"/zuwendungen/{grant}/pruefen", REVIEW).status_code == 303
        two.cookies.update(one.cookies)  # the same browser, its next request served by the other worker
        page = two.get(f"/zuwendungen/{grant}")

    assert page.status_code == 200
    assert REVIEWED in page.text


def test_a_page_that_cannot_wait_long_enough_says_how_current_it_is(impatient: tuple[Desk, Services]) -> None:
    desk, services = impatient
    grant = a_grant(desk.world)
    desk.sign_in("officer")
    caught_up(services)
    slow_down(services, 4.0)  # longer than a page waits

    assert desk.post(f"/zuwendungen/{grant}/pruefen", REVIEW).status_code == 303
    page = desk.get(f"/zuwendungen/{grant}")

    assert page.status_code == 200
    assert "noch nicht ganz aktuell" in page.text
    assert REVIEWED not in page.text


def form_of(page: str, slug: str) -> dict[str, str]:
    """The hidden fields of one form on a page (its CSRF and one-time tokens)."""
    found = re.search(rf'<form method="post" action="[^"]*/{slug}(?:#[^"]*)?">(.*?)</form>', page, re.DOTALL)
    assert found, f"no form {slug}"
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', found.group(1)))


def test_a_form_sent_twice_records_once(desk: Desk) -> None:
    grant = a_grant(desk.world)
    desk.sign_in("officer")
    hidden = form_of(desk.get(f"/zuwendungen/{grant}").text, "pruefen")
    assert set(hidden) >= {"csrf_token", "einmal"}

    first = desk.client.post(f"/zuwendungen/{grant}/pruefen", data={**REVIEW, **hidden}, follow_redirects=False)
    head = desk.head()
    again = desk.client.post(f"/zuwendungen/{grant}/pruefen", data={**REVIEW, **hidden}, follow_redirects=False)

    assert first.status_code == 303 and again.status_code == 303
    assert again.headers["location"] == first.headers["location"]
    assert desk.head() == head  # nothing recorded the second time
    assert "schon abgeschickt" in desk.get(again.headers["location"]).text


def test_a_refused_form_can_be_corrected_and_sent(desk: Desk) -> None:
    grant = a_grant(desk.world)
    desk.sign_in("officer")
    hidden = form_of(desk.get(f"/zuwendungen/{grant}").text, "pruefen")

    refused = desk.client.post(
        f"/zuwendungen/{grant}/pruefen", data={**REVIEW, "on": "kein Datum", **hidden}, follow_redirects=False
    )
    corrected = desk.client.post(f"/zuwendungen/{grant}/pruefen", data={**REVIEW, **hidden}, follow_redirects=False)

    assert refused.status_code == 400
    assert corrected.status_code == 303
    assert desk.office.grant(grant).status == "reviewed"
