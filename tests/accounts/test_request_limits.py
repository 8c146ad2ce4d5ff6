"""A request body larger than allowed is refused with 413 before it is read, and nothing reaches the disk."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import anyio
import pytest
from accounts_support import Browser, World
from starlette.applications import Starlette

MB = 1024 * 1024
HUGE = 200 * MB


async def _post(
    app: Starlette, path: str, chunks: int, chunk: bytes, headers: list[tuple[bytes, bytes]]
) -> dict[str, Any]:
    """Sends a POST straight to the ASGI app, one chunk per ``receive``; counts what the app took."""
    sent = {"bytes": 0, "status": None, "body": b""}
    remaining = chunks

    async def receive() -> dict[str, Any]:
        nonlocal remaining
        if remaining == 0:
            return {"type": "http.disconnect"}
        remaining -= 1
        sent["bytes"] += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": remaining > 0}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            sent["status"] = message["status"]
        elif message["type"] == "http.response.body":
            sent["body"] += message.get("body", b"")

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"testserver"), *headers],
        "client": ("203.0.113.5", 50000),
        "server": ("testserver", 80),
        "app": app,
        "state": {},
    }
    await app(scope, receive, send)
    return sent


@pytest.fixture
def spool(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Python's temporary files (where multipart parsing spools large parts) go to a folder we can look into."""
    folder = tmp_path / "spool"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_a_declared_200_mb_body_to_the_sign_in_form_is_refused_unread(
    app: Starlette, world: World, spool: Path
) -> None:
    headers = [
        (b"content-type", b"multipart/form-data; boundary=xyz"),
        (b"content-length", str(HUGE).encode()),
    ]
    result = anyio.run(_post, app, "/anmelden", HUGE // MB, b"x" * MB, headers)
    assert result["status"] == 413
    assert result["bytes"] == 0  # not a byte was read
    assert "Die Anfrage ist zu groß".encode() in result["body"]
    assert list(spool.iterdir()) == []


def test_an_undeclared_200_mb_body_is_cut_off_at_the_limit(app: Starlette, world: World, spool: Path) -> None:
    part = b'--xyz\r\nContent-Disposition: form-data; name="datei"; filename="a.pdf"\r\n\r\n'
    chunk = part + b"x" * (64 * 1024 - len(part))
    headers = [(b"content-type", b"multipart/form-data; boundary=xyz"), (b"transfer-encoding", b"chunked")]
    result = anyio.run(_post, app, "/anmelden", HUGE // len(chunk), chunk, headers)
    assert result["status"] == 413
    assert result["bytes"] <= 64 * 1024 + len(chunk)  # the anonymous limit and one chunk, not 200 MB
    assert list(spool.iterdir()) == []


def test_signed_in_people_may_send_more_but_not_without_limit(browser: Browser, app: Starlette) -> None:
    browser.sign_in("member")
    small = browser.client.post(
        "/passwort",
        data={"current": "x", "new": "y", "again": "z", "csrf_token": browser.token(), "pad": "p" * 200_000},
    )
    assert small.status_code == 400  # read and answered: more than a visitor may send, within a member's limit
    answer = browser.client.post(
        "/passwort",
        content=b"x",
        headers={"content-length": str(HUGE), "content-type": "application/x-www-form-urlencoded"},
    )
    assert answer.status_code == 413


def test_visitors_forms_stay_small(browser: Browser) -> None:
    token = browser.token("/anmelden")
    answer = browser.client.post(
        "/anmelden", data={"email": "a@b.example", "password": "p" * (100 * 1024), "csrf_token": token}
    )
    assert answer.status_code == 413
