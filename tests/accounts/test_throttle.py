"""Throttling that holds: counted in the database before the check, across threads and processes' workers,
per account and address, and never fooled by an X-Forwarded-For header from an untrusted peer."""

from __future__ import annotations

import ipaddress
import threading
from collections.abc import Iterator

import pytest
from accounts_support import PASSWORD, SECRET, Browser, World, csrf_of
from starlette.testclient import TestClient

from foerderbuch.credentials import CredentialStore
from foerderbuch.settings import Settings
from web.app import create_app
from web.config import WebConfig
from web.services import Services
from web.throttle import ACCOUNT_AND_ADDRESS, Policy, resolve_client

GUESSES = 30


@pytest.fixture
def store(backend: Settings) -> Iterator[CredentialStore]:
    opened = CredentialStore.for_settings(backend)
    yield opened
    opened.close()


def test_thirty_concurrent_claims_let_only_the_free_ones_and_one_more_through(store: CredentialStore) -> None:
    policy = Policy(free=5, cap=900, quiet=900)
    keys = [("sign-in:pair:x:203.0.113.9", policy), ("sign-in:address:203.0.113.9", policy)]
    start, results, lock = threading.Barrier(GUESSES), [], threading.Lock()

    def guess() -> None:
        start.wait()
        wait = store.attempts.claim(keys)
        with lock:
            results.append(wait)

    threads = [threading.Thread(target=guess) for _ in range(GUESSES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    allowed = [w for w in results if w == 0.0]
    assert len(results) == GUESSES
    assert len(allowed) == policy.free + 1  # the sixth sets the first delay; everything after it waits
    assert store.attempts.count("sign-in:pair:x:203.0.113.9") == policy.free + 1


def test_the_delay_grows_and_the_count_forgets_after_a_quiet_time(store: CredentialStore) -> None:
    policy = Policy(free=2, cap=8, quiet=100)
    key = [("k", policy)]
    t = 1_000.0
    assert store.attempts.claim(key, now=t) == 0 and store.attempts.claim(key, now=t) == 0
    assert store.attempts.claim(key, now=t) == 0  # the third: counted, and from now on 1 s to wait
    assert store.attempts.claim(key, now=t + 0.5) == pytest.approx(0.5)
    assert store.attempts.claim(key, now=t + 1) == 0  # the fourth: 2 s
    assert store.attempts.claim(key, now=t + 2.5) == pytest.approx(0.5)
    assert store.attempts.claim(key, now=t + 3) == 0  # the fifth: 4 s
    assert store.attempts.claim(key, now=t + 7) == 0  # the sixth: 8 s, the cap
    assert store.attempts.claim(key, now=t + 15) == 0  # still 8 s, never more
    assert store.attempts.claim(key, now=t + 20) == pytest.approx(3)
    assert store.attempts.claim(key, now=t + 200) == 0  # quiet for longer than 100 s: free again
    assert store.attempts.count("k") == 1


def test_concurrent_wrong_passwords_are_mostly_refused_without_being_checked(
    client: TestClient, world: World, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked, real_verify, lock = [], services.credentials.verify, threading.Lock()

    def counting_verify(user_id, password):  # type: ignore[no-untyped-def]
        with lock:
            checked.append(password)
        return real_verify(user_id, password)

    monkeypatch.setattr(services.credentials, "verify", counting_verify)
    token = csrf_of(client.get("/anmelden").text)
    start, answers = threading.Barrier(GUESSES), []

    def guess(n: int) -> None:
        start.wait()
        answer = client.post(
            "/anmelden",
            data={"email": "sven@dortmund.example", "password": f"falsch-{n:04d}-x", "csrf_token": token},
            follow_redirects=False,
        )
        with lock:
            answers.append(answer.status_code)

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(GUESSES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(checked) <= ACCOUNT_AND_ADDRESS.free + 1
    assert answers.count(429) >= GUESSES - ACCOUNT_AND_ADDRESS.free - 1
    assert set(answers) <= {400, 429}


def test_a_spoofed_forwarded_for_does_not_buy_fresh_guesses(browser: Browser) -> None:
    wrong = []
    for n in range(ACCOUNT_AND_ADDRESS.free + 3):
        page = browser.client.get("/anmelden")
        answer = browser.client.post(
            "/anmelden",
            data={"email": "sven@dortmund.example", "password": "falsch-falsch-x", "csrf_token": csrf_of(page.text)},
            headers={"x-forwarded-for": f"198.51.100.{n}"},
            follow_redirects=False,
        )
        wrong.append(answer.status_code)
    assert wrong[: ACCOUNT_AND_ADDRESS.free + 1] == [400] * (ACCOUNT_AND_ADDRESS.free + 1)
    assert wrong[-1] == 429 and "Zu viele Versuche" in answer.text
    browser.sign_in("officer", PASSWORD, expect=429)  # the right password waits too, from this address


def test_behind_a_trusted_proxy_each_client_address_counts_on_its_own(services: Services, world: World) -> None:
    config = WebConfig(trusted_proxies=(ipaddress.ip_network("10.0.0.5/32"),))
    with TestClient(create_app(lambda: services, SECRET, config=config), client=("10.0.0.5", 40000)) as client:
        for _ in range(ACCOUNT_AND_ADDRESS.free + 2):
            answer = _guess(client, "sven@dortmund.example", "203.0.113.7")
        assert answer.status_code == 429  # one client behind the proxy has used up its guesses
        assert _guess(client, "sven@dortmund.example", "203.0.113.8").status_code == 400  # another has not
        signed_in = _guess(client, "sven@dortmund.example", "203.0.113.8", PASSWORD)
        assert signed_in.status_code == 303


def test_the_client_address_comes_from_forwarded_for_only_behind_trusted_proxies() -> None:
    proxies = (ipaddress.ip_network("10.0.0.0/24"),)
    assert resolve_client("203.0.113.1", ["198.51.100.1"], proxies) == "203.0.113.1"
    assert resolve_client("203.0.113.1", ["198.51.100.1"], ()) == "203.0.113.1"
    assert resolve_client("10.0.0.5", ["198.51.100.1"], proxies) == "198.51.100.1"
    # a client may put anything at the front of the header; the proxy appends the address it saw
    assert resolve_client("10.0.0.5", ["1.2.3.4, 198.51.100.1"], proxies) == "198.51.100.1"
    assert resolve_client("10.0.0.5", ["1.2.3.4, 198.51.100.1, 10.0.0.7"], proxies) == "198.51.100.1"
    assert resolve_client("10.0.0.5", ["kaputt"], proxies) == "10.0.0.5"
    assert resolve_client("10.0.0.5", [], proxies) == "10.0.0.5"


def test_guessing_the_current_password_on_the_password_page_is_limited(browser: Browser) -> None:
    browser.sign_in("officer")
    answers = [
        browser.post("/passwort", {"current": f"falsch-{n}-falsch", "new": "x" * 12, "again": "x" * 12}).status_code
        for n in range(ACCOUNT_AND_ADDRESS.free + 2)
    ]
    assert answers[: ACCOUNT_AND_ADDRESS.free + 1] == [400] * (ACCOUNT_AND_ADDRESS.free + 1)
    assert answers[-1] == 429


def _guess(client: TestClient, email: str, forwarded: str, password: str = "falsch-falsch-x"):  # type: ignore[no-untyped-def]
    page = client.get("/anmelden")
    return client.post(
        "/anmelden",
        data={"email": email, "password": password, "csrf_token": csrf_of(page.text)},
        headers={"x-forwarded-for": forwarded},
        follow_redirects=False,
    )
