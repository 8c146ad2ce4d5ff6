"""Each person's language for e-mails, remembered with their account (beside the passwords, on SQLite and
PostgreSQL): set by switching the pages' language when signed in, kept after signing out; the welcome link
in the language the administrator chose; an account request answered in the language of its form."""

from __future__ import annotations

from uuid import UUID

import pytest
from accounts_support import BASE_URL, Browser, Outbox, World, csrf_of
from test_account_requests import FORM, _apply, _requests

from foerderbuch.credentials import CredentialStore
from foerderbuch.settings import Settings
from web.services import Services


@pytest.fixture
def settings(backend: Settings) -> Settings:
    """These tests run on both backends: the language table is created and used on each."""
    return backend


def _switch(browser: Browser, language: str) -> None:
    answer = browser.post("/sprache", {"language": language, "next": "/"})
    assert answer.status_code == 303


def test_the_choice_of_a_signed_in_person_survives_signing_out_and_a_new_store(
    browser: Browser, services: Services, world: World, settings: Settings
) -> None:
    browser.sign_in("officer")
    _switch(browser, "en")
    assert browser.post("/abmelden").status_code == 303
    browser.client.cookies.clear()

    with CredentialStore.for_settings(settings) as reopened:  # another process, e.g. ``foerderbuch notify``
        assert reopened.languages.of(world.users["officer"]) == "en"
        assert reopened.languages.of(world.users["finance"]) is None
        reopened.languages.remember(world.users["finance"], "fr")  # not a language of the pages: ignored
        assert reopened.languages.of_many([world.users["officer"], world.users["finance"]]) == {
            world.users["officer"]: "en"
        }
    browser.sign_in("officer")
    _switch(browser, "de")
    assert services.credentials.languages.of(world.users["officer"]) == "de"


def test_the_welcome_link_is_in_the_language_the_administrator_chose(
    browser: Browser, outbox: Outbox, world: World, services: Services
) -> None:
    browser.sign_in("admin")
    assert 'name="language"' in browser.get("/benutzer/neu").text
    for email, language in (("nina@dortmund.example", "en"), ("olaf@dortmund.example", "de")):
        answer = browser.post(
            "/benutzer/neu",
            {"email": email, "name": "Neue Person", "roles": "officer", "language": language},
        )
        assert answer.status_code == 303, answer.text

    (to_nina, english_subject, english), (to_olaf, german_subject, german) = outbox.sent[-2:]
    assert to_nina == "nina@dortmund.example" and english_subject == "Your access to Förderbuch"
    assert english.startswith("Hello ") and "Passwort" not in english
    assert to_olaf == "olaf@dortmund.example" and german_subject == "Ihr Zugang zum Förderbuch"
    assert german.startswith("Guten Tag Neue Person")
    nina = world.office.user_by_email("nina@dortmund.example")
    assert services.credentials.languages.of(nina.id) == "en"  # her language until she chooses one

    answer = browser.post(f"/benutzer/{nina.id}/passwort-link", {"reason": "Link verloren"})
    assert answer.status_code == 303, answer.text  # a reset the administrator sends follows her known language
    assert outbox.sent[-1][0] == "nina@dortmund.example" and outbox.sent[-1][1] == "New password for Förderbuch"


def _request_in_english_confirmed_in_german(browser: Browser, outbox: Outbox, world: World) -> UUID:
    browser.client.cookies.set("sprache", "en")
    _apply(browser, FORM)
    assert outbox.sent[-1][1] == "Access to the grants portal: please confirm"
    browser.client.cookies.clear()  # confirmed on a German page: the form's language counts
    path = outbox.link(FORM["email"], "/zugang-beantragen/bestaetigen/").removeprefix(BASE_URL)
    page = browser.client.get(path)
    assert browser.client.post(path, data={"csrf_token": csrf_of(page.text)}).status_code == 200
    [request] = _requests(world)
    return request.id


def test_a_request_made_in_english_is_declined_in_english(
    browser: Browser, other: Browser, outbox: Outbox, world: World
) -> None:
    request_id = _request_in_english_confirmed_in_german(browser, outbox, world)
    other.sign_in("officer")
    answer = other.post(f"/zugangsantraege/{request_id}/ablehnen", {"reason": "Nicht im Vereinsregister gefunden"})
    assert answer.status_code == 303
    to, subject, body = outbox.sent[-1]
    assert to == FORM["email"] and subject == "Your request for access to the grants portal"
    assert body.startswith("Hello Miriam Levi,") and "Nicht im Vereinsregister gefunden" in body
    assert "Antrag" not in body


def test_a_request_made_in_english_is_approved_in_english_and_the_person_keeps_english(
    browser: Browser, other: Browser, outbox: Outbox, world: World, services: Services
) -> None:
    request_id = _request_in_english_confirmed_in_german(browser, outbox, world)
    other.sign_in("officer")
    assert other.post(f"/zugangsantraege/{request_id}/annehmen", {"organisation_id": ""}).status_code == 303

    to, subject, body = outbox.sent[-1]
    assert to == FORM["email"] and subject == "Your access to Förderbuch" and body.startswith("Hello Miriam Levi")
    member = world.office.user_by_email(FORM["email"])
    assert services.credentials.languages.of(member.id) == "en"


def test_a_request_made_in_german_is_declined_in_german(
    browser: Browser, other: Browser, outbox: Outbox, world: World
) -> None:
    _apply(browser, FORM)
    path = outbox.link(FORM["email"], "/zugang-beantragen/bestaetigen/").removeprefix(BASE_URL)
    page = browser.client.get(path)
    assert browser.client.post(path, data={"csrf_token": csrf_of(page.text)}).status_code == 200
    [request] = _requests(world)
    other.sign_in("officer")
    assert other.post(f"/zugangsantraege/{request.id}/ablehnen", {"reason": "Unvollständig"}).status_code == 303
    assert outbox.sent[-1][1] == "Ihr Antrag auf einen Zugang zum Förderportal"
