"""The demo loaded by ``foerderbuch demo`` into a SQLite file, shared by the tests that only read it."""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from foerderbuch.cli import main
from foerderbuch.demo import DEMO_PASSWORD
from foerderbuch.settings import Settings


@dataclass(frozen=True)
class DemoStore:
    """A SQLite file holding the demo as ``foerderbuch demo`` loaded it, and what the command printed."""

    path: Path
    exit_code: int
    stdout: str
    stderr: str

    @property
    def url(self) -> str:
        return f"sqlite:///{self.path}"

    def settings(self) -> Settings:
        return Settings(database_url=self.url)


def load_demo_store(path: Path) -> DemoStore:
    """Runs ``foerderbuch demo`` against a fresh SQLite file at ``path``, capturing what it prints."""
    stdout, stderr = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FOERDERBUCH_DATABASE_URL", f"sqlite:///{path}")
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            code = main(["demo"])
    return DemoStore(path, code, stdout.getvalue(), stderr.getvalue())


def copy_sqlite_store(source: Path, target: Path) -> Settings:
    """A consistent copy of a SQLite store (the backup API copies the WAL's content too)."""
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)
    for suffix in (".sealkey", ".privacykey"):  # the keys live beside the file, not in it: they go along
        key = source.with_suffix(suffix)
        if key.exists():
            shutil.copyfile(key, target.with_suffix(suffix))
    return Settings(database_url=f"sqlite:///{target}")


RELEASE_0_1_STORE = Path(__file__).parent / "fixtures" / "store-0.1.0-demo.jsonl"
"""The demo's stored events as release 0.1.0 wrote them: names in clear, user ids derived from addresses."""


def write_release_0_1_store(settings: Settings) -> None:
    """Writes the demo store of release 0.1.0 (the fixture's stored_events rows) into a new SQLite file."""
    from foerderbuch.wiring import create_office

    create_office(settings).close()
    connection = sqlite3.connect(settings.sqlite_path)
    try:
        with connection:
            for line in RELEASE_0_1_STORE.read_text(encoding="utf-8").splitlines():
                row = json.loads(line)
                connection.execute(
                    "INSERT INTO stored_events (rowid, originator_id, originator_version, topic, state) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (
                        row["rowid"],
                        row["originator_id"],
                        row["originator_version"],
                        row["topic"],
                        row["state"].encode("utf-8"),
                    ),
                )
    finally:
        connection.close()


def hidden_fields(page: str) -> dict[str, str]:
    """A form's hidden fields: the session's CSRF token and the form's one-time token."""
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))


def sign_in_to_demo(client: Any, email: str) -> None:
    """Signs a demo person in through the sign-in form (a Starlette ``TestClient``), with the demo password."""
    client.cookies.clear()
    form = client.get("/anmelden")
    answer = client.post(
        "/anmelden",
        data={"email": email, "password": DEMO_PASSWORD, **hidden_fields(form.text), "next": "/"},
        follow_redirects=False,
    )
    assert answer.status_code == 303, f"{email} could not sign in"
