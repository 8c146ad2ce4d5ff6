"""A real browser against a real server: Debian's chromium driven by Playwright, uvicorn on a free port.

Playwright never downloads a browser here: it launches ``/usr/bin/chromium`` (installed by ``.ci/run``;
``FOERDERBUCH_CHROMIUM`` names another binary).
Without it the browser tests are skipped with the reason — except under ``CI=true``, where that is a
failure, because CI must prove the flow in a browser. The server runs in a background thread on
127.0.0.1 with a fresh SQLite store on a fixed business day (Monday 15 June 2026); screenshots go to
``test-output/screenshots``.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from argon2 import PasswordHasher
from browser_support import TODAY, Office, Screenshots, build_office

from foerderbuch.credentials import CredentialStore
from foerderbuch.documents import DocumentFiles
from foerderbuch.settings import Settings
from foerderbuch.wiring import create_office, create_projector
from web.app import create_app
from web.services import Services

CHROMIUM = Path(os.environ.get("FOERDERBUCH_CHROMIUM", "/usr/bin/chromium"))  # Debian's chromium
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium) to run the browser tests"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} (CI=true: the browser tests must run)", pytrace=False)
        pytest.skip(reason)
    return CHROMIUM


@pytest.fixture
def live(tmp_path: Path) -> Iterator[Office]:
    """The server, with the office's people and one application waiting for review."""
    settings = Settings(database_url=f"sqlite:///{tmp_path}/browser.sqlite")
    office = create_office(settings, today=lambda: TODAY)
    hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    services = Services(
        office,
        create_projector(settings, office),
        CredentialStore.for_settings(settings, hasher),
        DocumentFiles.for_settings(settings),
    )
    world = build_office(services)
    port = _free_port()
    config = uvicorn.Config(
        create_app(lambda: services, "browser-test-secret-" + "b" * 40),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        ws="none",
        lifespan="on",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    world.base_url = f"http://127.0.0.1:{port}"
    try:
        yield world
    finally:
        server.should_exit = True
        thread.join(timeout=20)


@pytest.fixture
def browser(chromium_path: Path) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium_path), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def screenshots() -> Screenshots:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return Screenshots(SCREENSHOTS)
