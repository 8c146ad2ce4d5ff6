"""``foerderbuch users …``: the same administration on the command line, with the same session endings."""

from __future__ import annotations

import io
import time
import uuid

import pytest

from foerderbuch.cli import main
from foerderbuch.credentials import CredentialStore
from foerderbuch.settings import Settings
from foerderbuch.wiring import create_office

PASSWORD = "richtig-geheim-2026"


@pytest.fixture
def settings(tmp_path) -> Settings:  # type: ignore[no-untyped-def]
    settings = Settings(database_url=f"sqlite:///{tmp_path}/cli.sqlite", base_url="https://foerderung.dortmund.example")
    create_office(settings).close()  # the store exists, as after a first »serve --no-demo«
    return settings


def run(settings: Settings, *argv: str, stdin: str = "") -> int:
    import sys

    old = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        return main(list(argv), settings=settings)
    finally:
        sys.stdin = old


def _open_session(settings: Settings, email: str) -> str:
    office = create_office(settings)
    store = CredentialStore.for_settings(settings)
    try:
        user = office.user_by_email(email)
        return store.sessions.start(
            user.id, {"uid": str(user.id)}, address="127.0.0.1", user_agent="t", lifetime_seconds=3600
        )
    finally:
        store.close()
        office.close()


def _live(settings: Settings, secret: str) -> bool:
    store = CredentialStore.for_settings(settings)
    try:
        return store.sessions.load(secret, idle_seconds=3600) is not None
    finally:
        store.close()


def test_the_users_commands_administer_people(settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(settings, "users", "add", "lea@dortmund.example", "--role", "officer", "--role", "approver",
               "--name", "Lea Leitung", "--password-stdin", stdin=PASSWORD + "\n") == 0  # fmt: skip
    assert "Sachbearbeitung, Zeichnungsbefugte" in capsys.readouterr().out
    assert run(settings, "users", "list", "--search", "LEITUNG") == 0
    out = capsys.readouterr().out
    assert "lea@dortmund.example" in out and "officer, approver" in out and "1 Benutzer." in out

    secret = _open_session(settings, "lea@dortmund.example")
    assert run(settings, "users", "sessions", "lea@dortmund.example") == 0
    assert "127.0.0.1" in capsys.readouterr().out
    assert (
        run(settings, "users", "revoke-role", "lea@dortmund.example", "--role", "approver", "--reason", "Wechsel") == 0
    )
    assert not _live(settings, secret)
    assert run(settings, "users", "grant-role", "lea@dortmund.example", "--role", "auditor") == 0

    secret = _open_session(settings, "lea@dortmund.example")
    assert run(settings, "users", "disable", "lea@dortmund.example", "--reason", "Elternzeit") == 0
    assert not _live(settings, secret)
    assert run(settings, "users", "enable", "lea@dortmund.example", "--reason", "Zurück") == 0

    secret = _open_session(settings, "lea@dortmund.example")
    assert run(settings, "users", "end-sessions", "lea@dortmund.example", "--reason", "Gerät verloren") == 0
    assert not _live(settings, secret)

    capsys.readouterr()
    assert run(settings, "users", "send-reset", "lea@dortmund.example", "--reason", "Anruf") == 0
    assert "https://foerderung.dortmund.example/passwort-neu/" in capsys.readouterr().out

    office = create_office(settings)
    try:
        user = office.user_by_email("lea@dortmund.example")
        kinds = [type(e).__name__ for e in office.repository.event_store.get(user.id)]
    finally:
        office.close()
    assert kinds == [
        "Registered",
        "RoleRevoked",
        "RoleGranted",
        "Disabled",
        "Enabled",
        "SessionsEnded",
        "PasswordResetSent",
    ]
    assert user.id != uuid.uuid5(uuid.NAMESPACE_URL, "/foerderbuch/users/lea@dortmund.example")
    assert time.time() > 0


def test_unknown_people_and_roles_are_refused_in_german(settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(settings, "users", "enable", "niemand@dortmund.example", "--reason", "x y z") == 2
    assert "gibt es nicht" in capsys.readouterr().err
    assert (
        run(settings, "users", "add", "a@dortmund.example", "--role", "chef", "--password-stdin", stdin=PASSWORD + "\n")
        == 2
    )
    assert "Unbekannte Rolle" in capsys.readouterr().err
