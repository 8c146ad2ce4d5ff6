"""Two-factor sign-in: required for the roles the settings name, optional for others, one-time codes,
recovery codes, and an administrator's reset (an event) that ends the person's sessions."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import anyio
import pyotp
import pytest
from accounts_support import PASSWORD, SECRET, Browser, World, copy_session, csrf_of, refused_replay
from starlette.applications import Starlette
from starlette.testclient import TestClient

from web.app import create_app
from web.config import WebConfig
from web.services import Services
from web.sessions import SESSION_COOKIE


@pytest.fixture
def strict(services: Services, world: World) -> Iterator[TestClient]:
    """The app as deployed: admin and finance must have a second factor."""
    config = WebConfig(two_factor_roles=frozenset({"admin", "finance"}))
    app: Starlette = create_app(lambda: services, SECRET, config=config)
    app.state.services = services  # the services are running already (the ``client`` fixture)
    app.state.hashing = anyio.CapacityLimiter(2)
    yield TestClient(app)


def _password(client: TestClient, email: str) -> object:
    page = client.get("/anmelden")
    return client.post(
        "/anmelden",
        data={"email": email, "password": PASSWORD, "csrf_token": csrf_of(page.text), "next": "/kaemmerei"},
        follow_redirects=False,
    )


def _secret(page_text: str) -> str:
    found = re.search(r'<code id="schluessel">([A-Z2-7 ]+)</code>', page_text)
    assert found, "no secret on the page"
    return found.group(1).replace(" ", "")


def _enrol(client: TestClient) -> tuple[str, list[str]]:
    page = client.get("/zweiter-faktor")
    assert "<svg" in page.text and "<script" not in page.text  # the QR code is inline SVG
    secret = _secret(page.text)
    done = client.post("/zweiter-faktor", data={"code": pyotp.TOTP(secret).now(), "csrf_token": csrf_of(page.text)})
    assert done.status_code == 200, done.text
    codes = re.findall(r"<code>([0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4})</code>", done.text)
    assert len(codes) == 10
    return secret, codes


def test_finance_must_enrol_before_any_page_and_then_signs_in_with_a_code(
    strict: TestClient, world: World, services: Services
) -> None:
    answer = _password(strict, "kai@dortmund.example")
    assert answer.status_code == 303 and answer.headers["location"].startswith("/zweiter-faktor")
    assert strict.get("/kaemmerei", follow_redirects=False).status_code == 303  # not signed in yet
    secret, codes = _enrol(strict)
    assert world.office.user(world.users["finance"]).second_factor  # recorded in the log
    assert strict.get("/kaemmerei", follow_redirects=False).status_code == 200

    strict.cookies.clear()
    answer = _password(strict, "kai@dortmund.example")
    assert answer.headers["location"].startswith("/anmelden/code")
    assert strict.get("/kaemmerei", follow_redirects=False).status_code == 303
    page = strict.get("/anmelden/code")
    wrong = strict.post(
        "/anmelden/code", data={"code": "000000", "csrf_token": csrf_of(page.text), "next": "/kaemmerei"}
    )
    assert wrong.status_code == 400 and "Der Code stimmt nicht." in wrong.text
    # the code of the enrolment was used already: wait for the next time step
    code = pyotp.TOTP(secret).at(time.time() + 30)
    right = strict.post(
        "/anmelden/code",
        data={"code": code, "csrf_token": csrf_of(page.text), "next": "/kaemmerei"},
        follow_redirects=False,
    )
    assert right.status_code == 303 and right.headers["location"] == "/kaemmerei"
    assert strict.get("/kaemmerei", follow_redirects=False).status_code == 200
    assert services.credentials.second_factors.check(world.users["finance"], code) is False  # once only

    strict.cookies.clear()
    _password(strict, "kai@dortmund.example")
    page = strict.get("/anmelden/code")
    recovered = strict.post(
        "/anmelden/code", data={"code": codes[0], "csrf_token": csrf_of(page.text)}, follow_redirects=False
    )
    assert recovered.status_code == 303
    assert services.credentials.second_factors.recovery_codes_left(world.users["finance"]) == 9


def test_an_officer_may_enrol_but_need_not(browser: Browser, world: World) -> None:
    browser.sign_in("officer")
    assert browser.get("/").status_code == 200
    _enrol(browser.client)
    browser.client.cookies.clear()
    page = browser.client.get("/anmelden")
    answer = browser.client.post(
        "/anmelden",
        data={"email": "sven@dortmund.example", "password": PASSWORD, "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert answer.headers["location"].startswith("/anmelden/code")


def test_an_admin_resets_a_lost_second_factor_which_ends_the_sessions(
    browser: Browser, world: World, other: Browser
) -> None:
    other.sign_in("officer")
    _enrol(other.client)
    copied = copy_session(other)
    browser.sign_in("admin")
    user_id = world.users["officer"]
    assert "Zweiten Faktor zurücksetzen" in browser.get(f"/benutzer/{user_id}").text
    reset = browser.post(f"/benutzer/{user_id}/zweiter-faktor-zuruecksetzen", {"reason": "Handy verloren"})
    assert reset.status_code == 303
    assert not world.office.user(user_id).second_factor
    assert "zweiten Faktor zurückgesetzt" in browser.get(f"/benutzer/{user_id}").text
    refused_replay(other, copied, world)
    other.sign_in("officer")  # no code asked any more
    assert SESSION_COOKIE in other.cookies()


def test_code_guessing_is_limited(strict: TestClient, world: World, services: Services) -> None:
    services.credentials.second_factors.begin(world.users["finance"])
    secret = services.credentials.second_factors.pending_secret(world.users["finance"])
    assert secret is not None
    assert services.credentials.second_factors.confirm(world.users["finance"], pyotp.TOTP(secret).now())
    _password(strict, "kai@dortmund.example")
    page = strict.get("/anmelden/code")
    statuses = [
        strict.post("/anmelden/code", data={"code": f"{n:06d}", "csrf_token": csrf_of(page.text)}).status_code
        for n in range(7)
    ]
    assert statuses[:6] == [400] * 6 and statuses[-1] == 429
