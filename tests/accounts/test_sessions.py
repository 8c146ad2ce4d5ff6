"""Server-side sessions: an opaque id in the cookie, timeouts, and copied cookies that stop working."""

from __future__ import annotations

import hashlib

import pytest
from accounts_support import PASSWORD, Browser, World, copy_session, refused_replay
from starlette.applications import Starlette
from starlette.testclient import TestClient

from foerderbuch.cli import main
from foerderbuch.settings import Settings
from web.config import WebConfig
from web.services import Services
from web.sessions import FORM_COOKIE, SESSION_COOKIE


def test_the_cookie_holds_only_an_opaque_id_and_the_database_only_its_hash(
    browser: Browser, services: Services, world: World
) -> None:
    browser.sign_in("officer")
    secret = browser.cookies()[SESSION_COOKIE]
    assert len(secret) == 43 and world.users["officer"].hex not in secret
    live = services.credentials.sessions.of_user(world.users["officer"])
    assert [s.handle for s in live] == [hashlib.sha256(secret.encode()).hexdigest()]
    assert FORM_COOKIE not in browser.cookies()  # the visitor's signed cookie is gone once signed in
    assert browser.get("/").status_code == 200


def test_a_cookie_copied_before_sign_out_is_refused_afterwards(browser: Browser, world: World) -> None:
    browser.sign_in("officer")
    copied = copy_session(browser)
    assert browser.post("/abmelden").status_code == 303
    refused_replay(browser, copied, world)


def test_a_cookie_copied_before_a_password_change_is_refused_and_the_changer_stays_signed_in(
    browser: Browser, world: World
) -> None:
    browser.sign_in("officer")
    copied = copy_session(browser)
    changed = browser.post(
        "/passwort", {"current": PASSWORD, "new": "ein-ganz-neues-2026", "again": "ein-ganz-neues-2026"}
    )
    assert changed.status_code == 200 and "Das Passwort wurde geändert." in changed.text
    mine = browser.cookies()
    assert mine[SESSION_COOKIE] != copied[SESSION_COOKIE]
    assert browser.get("/").status_code == 200  # this browser got a new session
    refused_replay(browser, copied, world)


@pytest.mark.parametrize("command", ["set-password", "reset-password"])
def test_a_cookie_copied_before_a_password_set_on_the_command_line_is_refused(
    browser: Browser, world: World, settings: Settings, command: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    browser.sign_in("officer")
    copied = copy_session(browser)
    if command == "set-password":
        monkeypatch.setattr("sys.stdin", _Line("ein-neues-passwort-2026\n"))
        assert main(["users", command, "sven@dortmund.example", "--password-stdin"], settings=settings) == 0
    else:
        assert main(["users", command, "sven@dortmund.example"], settings=settings) == 0
    refused_replay(browser, copied, world)


def test_a_wrong_current_password_keeps_the_session_and_the_old_password(browser: Browser) -> None:
    browser.sign_in("officer")
    answer = browser.post("/passwort", {"current": "falsch-falsch-falsch", "new": "x" * 12, "again": "x" * 12})
    assert answer.status_code == 400 and "Das bisherige Passwort ist falsch." in answer.text
    assert browser.get("/").status_code == 200
    browser.sign_in("officer", PASSWORD)


def test_sessions_end_when_idle_and_at_their_absolute_end(services: Services, world: World) -> None:
    store, user = services.credentials.sessions, world.users["officer"]
    start = 1_800_000_000.0
    secret = store.start(
        user, {"uid": str(user)}, address="127.0.0.1", user_agent="t", lifetime_seconds=8 * 3600, now=start
    )
    assert store.load(secret, idle_seconds=1800, now=start + 1700) is not None  # used: the idle clock restarts
    assert store.load(secret, idle_seconds=1800, now=start + 3400) is not None
    assert store.load(secret, idle_seconds=1800, now=start + 3400 + 1801) is None
    assert store.of_user(user, include_ended=True)[0].ended_why == "idle"

    busy = store.start(
        user, {"uid": str(user)}, address="127.0.0.1", user_agent="t", lifetime_seconds=8 * 3600, now=start
    )
    moment = start
    while moment < start + 8 * 3600 - 600:
        moment += 600
        assert store.load(busy, idle_seconds=1800, now=moment) is not None
    assert store.load(busy, idle_seconds=1800, now=start + 8 * 3600) is None
    assert {s.ended_why for s in store.of_user(user, include_ended=True)} == {"idle", "expired"}


def test_an_unknown_or_forged_cookie_is_dropped(browser: Browser) -> None:
    browser.put_back({SESSION_COOKIE: "A" * 43})
    page = browser.get("/")
    assert page.status_code == 303
    assert f"{SESSION_COOKIE}=;" in page.headers.get("set-cookie", "") or SESSION_COOKIE not in browser.cookies()


def test_https_gives_secure_cookies_and_hsts(services: Services, world: World) -> None:
    app: Starlette = _app(services, WebConfig(https=True))
    with TestClient(app, base_url="https://testserver") as client:
        page = client.get("/anmelden")
        assert "max-age=31536000" in page.headers["strict-transport-security"]
        assert "Secure" in page.headers["set-cookie"]
        answer = client.post(
            "/anmelden",
            data={"email": "sven@dortmund.example", "password": PASSWORD, "csrf_token": _csrf(page.text)},
            follow_redirects=False,
        )
        cookies = [v for k, v in answer.headers.multi_items() if k == "set-cookie"]
        session = next(c for c in cookies if c.startswith(SESSION_COOKIE + "="))
        assert "Secure" in session and "HttpOnly" in session and "SameSite=Lax" in session


def test_without_https_there_is_no_hsts(browser: Browser) -> None:
    assert "strict-transport-security" not in browser.get("/anmelden").headers


def _app(services: Services, config: WebConfig) -> Starlette:
    from accounts_support import SECRET

    from web.app import create_app

    return create_app(lambda: services, SECRET, config=config)


def _csrf(text: str) -> str:
    from accounts_support import csrf_of

    return csrf_of(text)


class _Line:
    def __init__(self, text: str) -> None:
        self.text = text

    def readline(self) -> str:
        return self.text

    def isatty(self) -> bool:
        return False
