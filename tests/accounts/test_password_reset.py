"""Passwort vergessen: the same answer for any address, a 30-minute one-time link from the base URL, and a
used link ends every session of the person."""

from __future__ import annotations

import re
import time

from accounts_support import BASE_URL, PASSWORD, Browser, Outbox, World, copy_session, csrf_of, refused_replay

from web.services import Services


def _ask(browser: Browser, email: str, host: str = "testserver") -> str:
    page = browser.client.get("/passwort-vergessen")
    answer = browser.client.post(
        "/passwort-vergessen",
        data={"email": email, "csrf_token": csrf_of(page.text)},
        headers={"host": host},
    )
    assert answer.status_code == 200, answer.text
    return answer.text


def test_known_and_unknown_addresses_get_the_same_answer_and_only_the_known_one_a_mail(
    browser: Browser, outbox: Outbox
) -> None:
    known = _ask(browser, "sven@dortmund.example")
    unknown = _ask(browser, "niemand@dortmund.example")
    hidden = re.compile(r'(<input type="hidden" name="[^"]+" value=")[^"]*(")')
    assert hidden.sub(r"\1\2", known) == hidden.sub(r"\1\2", unknown)  # form tokens differ, nothing else
    assert [to for to, _, _ in outbox.sent] == ["sven@dortmund.example"]


def test_the_link_uses_the_base_url_whatever_the_host_header_says(
    browser: Browser, outbox: Outbox, other: Browser, world: World
) -> None:
    other.sign_in("officer")
    copied = copy_session(other)
    _ask(browser, "sven@dortmund.example", host="boese.example")
    link = outbox.link("sven@dortmund.example", "/passwort-neu/")
    assert link.startswith(BASE_URL + "/passwort-neu/") and "boese.example" not in outbox.sent[-1][2]
    path = link.removeprefix(BASE_URL)
    page = browser.client.get(path)
    done = browser.client.post(
        path, data={"password": "neu-und-sicher-2026", "again": "neu-und-sicher-2026", "csrf_token": csrf_of(page.text)}
    )
    assert "Ihr Passwort ist gesetzt" in done.text
    refused_replay(other, copied, world)  # the reset ended the session that was open elsewhere
    browser.sign_in("officer", PASSWORD, expect=400)
    browser.sign_in("officer", "neu-und-sicher-2026")


def test_a_link_runs_out_after_30_minutes_and_a_newer_one_voids_it(
    browser: Browser, outbox: Outbox, services: Services, world: World
) -> None:
    user = world.users["officer"]
    first = services.credentials.password_links.issue(user, "reset", 30 * 60)
    found = services.credentials.password_links.find(first)
    assert found is not None and found.expires_at - time.time() <= 30 * 60
    assert not found.usable(now=time.time() + 30 * 60 + 1)
    second = services.credentials.password_links.issue(user, "reset", 30 * 60)
    assert browser.client.get(f"/passwort-neu/{first}").status_code == 410
    assert browser.client.get(f"/passwort-neu/{second}").status_code == 200


def test_reset_requests_are_limited(browser: Browser, outbox: Outbox) -> None:
    statuses = []
    for _ in range(6):
        page = browser.client.get("/passwort-vergessen")
        statuses.append(
            browser.client.post(
                "/passwort-vergessen", data={"email": "sven@dortmund.example", "csrf_token": csrf_of(page.text)}
            ).status_code
        )
    assert statuses[:4] == [200] * 4 and statuses[-1] == 429
    assert len(outbox.sent) <= 4


def test_the_mail_is_in_the_language_of_the_page_the_person_asked_on(browser: Browser, outbox: Outbox) -> None:
    _ask(browser, "sven@dortmund.example")
    browser.client.cookies.set("sprache", "en")
    _ask(browser, "sven@dortmund.example")
    (_, german_subject, german), (_, english_subject, english) = outbox.sent
    assert german_subject == "Neues Passwort für das Förderbuch"
    assert german.startswith("Guten Tag ") and "mit diesem Link setzen Sie ein neues Passwort" in german
    assert english_subject == "New password for Förderbuch"
    assert english.startswith("Hello ") and "with this link you set a new password (valid for 30 minutes" in english
    assert "Passwort" not in english
