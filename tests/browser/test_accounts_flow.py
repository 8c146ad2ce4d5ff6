"""Accounts in a real browser: "Passwort vergessen" through the mailed link, and an association's account
request from the public form to the officer's approval and the new member's first sign-in."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from argon2 import PasswordHasher
from browser_support import PASSWORD, STAFF, TODAY, Office, build_office

from foerderbuch.credentials import CredentialStore
from foerderbuch.settings import Settings
from foerderbuch.wiring import create_office, create_projector
from web.app import create_app
from web.config import WebConfig
from web.services import Services


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Outbox:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str, str]] = []

    def send(self, to: str, subject: str, body: str) -> bool:
        self.sent.append((to, subject, body))
        return True

    def link(self, to: str, path: str, timeout: float = 10.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:  # mails go out after the answer (a background task)
            for recipient, _, body in reversed(self.sent):
                found = re.search(r"(http://\S+" + re.escape(path) + r"\S*)", body)
                if recipient == to and found:
                    return found.group(1)
            time.sleep(0.05)
        raise AssertionError(f"no mail to {to} with {path}")


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[Office, Outbox]]:
    settings = Settings(database_url=f"sqlite:///{tmp_path}/accounts.sqlite")
    office = create_office(settings, today=lambda: TODAY)
    hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    outbox = Outbox()
    services = Services(
        office, create_projector(settings, office), CredentialStore.for_settings(settings, hasher), mailer=outbox
    )
    world = build_office(services)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    app = create_app(lambda: services, "browser-test-secret-" + "c" * 40, config=WebConfig(base_url=base))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", ws="none"))
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    world.base_url = base
    try:
        yield world, outbox
    finally:
        server.should_exit = True
        thread.join(timeout=20)


def test_a_forgotten_password_is_set_again_through_the_mailed_link(site, browser, screenshots) -> None:  # type: ignore[no-untyped-def]
    office, outbox = site
    page = browser.new_page()
    page.goto(f"{office.base_url}/anmelden")
    page.get_by_role("link", name="Passwort vergessen?").click()
    page.get_by_label("E-Mail-Adresse").fill(STAFF["officer"][0])
    page.get_by_role("button", name="Link anfordern").click()
    assert "Wenn die Adresse bei uns registriert ist" in page.inner_text("main")
    link = outbox.link(STAFF["officer"][0], "/passwort-neu/")
    page.goto(link)
    page.get_by_label("Neues Passwort (mindestens 10 Zeichen)").fill("frisch-gesetzt-2026")
    page.get_by_label("Neues Passwort wiederholen").fill("frisch-gesetzt-2026")
    page.get_by_role("button", name="Passwort setzen").click()
    assert "Ihr Passwort ist gesetzt" in page.inner_text("main")
    page.get_by_label("E-Mail-Adresse").fill(STAFF["officer"][0])
    page.get_by_label("Passwort", exact=True).fill("frisch-gesetzt-2026")
    page.get_by_role("button", name="Anmelden").click()
    assert "Sven Sachbearbeiter" in page.inner_text("header")
    screenshots.take(page, "passwort-vergessen.png")
    page.goto(link)
    assert "nicht mehr gültig" in page.inner_text("main")


def test_an_association_asks_for_an_account_and_the_office_approves_it(site, browser, screenshots) -> None:  # type: ignore[no-untyped-def]
    office, outbox = site
    applicant = browser.new_page()
    applicant.goto(f"{office.base_url}/anmelden")
    applicant.get_by_role("link", name="Zugang beantragen").click()
    for label, value in (
        ("Name des Vereins", "Freundeskreis Dortmund–Kumasi e.V."),
        ("Registergericht (z. B. Amtsgericht Dortmund)", "Amtsgericht Dortmund"),
        ("Registernummer (z. B. VR 1234)", "VR 9911"),
        ("Straße und Hausnummer", "Westenhellweg 10"),
        ("Postleitzahl", "44137"),
        ("Ort", "Dortmund"),
        ("IBAN des Vereinskontos", "DE02370502990000684712"),
        ("Ansprechperson", "Akosua Mensah"),
        ("E-Mail-Adresse der Ansprechperson", "akosua@kumasi-verein.example"),
    ):
        applicant.get_by_label(label, exact=True).fill(value)
    applicant.get_by_role("button", name="Zugang beantragen").click()
    assert "Wir haben Ihnen eine E-Mail geschickt" in applicant.inner_text("main")
    applicant.goto(outbox.link("akosua@kumasi-verein.example", "/zugang-beantragen/bestaetigen/"))
    applicant.get_by_role("button", name="Antrag absenden").click()
    assert "Ihre Adresse ist bestätigt" in applicant.inner_text("main")

    officer = browser.new_context().new_page()
    officer.goto(f"{office.base_url}/anmelden")
    officer.get_by_label("E-Mail-Adresse").fill(STAFF["officer"][0])
    officer.get_by_label("Passwort", exact=True).fill(PASSWORD)
    officer.get_by_role("button", name="Anmelden").click()
    officer.get_by_role("link", name="Zugangsanträge").first.click()
    officer.get_by_role("link", name="Freundeskreis Dortmund–Kumasi e.V.").click()
    assert "VR 9911" in officer.inner_text("main")
    officer.get_by_role("button", name="Annehmen").click()
    screenshots.take(officer, "zugangsantrag-angenommen.png")

    welcome = outbox.link("akosua@kumasi-verein.example", "/passwort-neu/")
    member = browser.new_context().new_page()
    member.goto(welcome)
    member.get_by_label("Neues Passwort (mindestens 10 Zeichen)").fill("kumasi-verein-2026")
    member.get_by_label("Neues Passwort wiederholen").fill("kumasi-verein-2026")
    member.get_by_role("button", name="Passwort setzen").click()
    member.get_by_label("E-Mail-Adresse").fill("akosua@kumasi-verein.example")
    member.get_by_label("Passwort", exact=True).fill("kumasi-verein-2026")
    member.get_by_role("button", name="Anmelden").click()
    assert "Akosua Mensah" in member.inner_text("header")
    assert "/portal" in member.url
