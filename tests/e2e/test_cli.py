"""The ``foerderbuch`` command line, run in-process against a SQLite file in ``tmp_path``.

Every refusal must exit with a German one-line message on stderr, the documented exit code, and
nothing written: no event, no password.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from argon2 import PasswordHasher
from cli_support import PASSWORD, TypedInput, cli_store, log_head

from domain.actors import Actor, Role
from domain.errors import InvalidInputError
from domain.organisation import address
from domain.user import User
from foerderbuch import cli
from foerderbuch.credentials import CredentialStore
from foerderbuch.demo import DemoState, demo_state
from foerderbuch.settings import Settings
from foerderbuch.wiring import create_office

IBAN = "DE74440501991000234567"


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    return cli_store(tmp_path, monkeypatch)


def run(argv: list[str], monkeypatch: pytest.MonkeyPatch, stdin: str | None = None) -> int:
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", TypedInput(stdin))
    return cli.main(argv)


def credential_rows(settings: Settings) -> list[tuple[str, str]]:
    path = settings.sqlite_path
    if not path.exists():
        return []
    connection = sqlite3.connect(path)
    try:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "credentials" not in tables:
            return []
        return connection.execute("SELECT user_id, password_hash FROM credentials ORDER BY user_id").fetchall()
    finally:
        connection.close()


def verify(settings: Settings, email: str, password: str) -> bool:
    office = create_office(settings)
    try:
        user_id = office.user_by_email(email).id if office.email_registered(email) else User.legacy_id(email)
    finally:
        office.close()
    store = CredentialStore.for_settings(settings)
    try:
        return store.verify(user_id, password)
    finally:
        store.close()


@pytest.fixture
def organisation_id(settings: Settings) -> UUID:
    office = create_office(settings)
    try:
        return office.register_organisation(
            "Deutsch-Französische Gesellschaft Dortmund e.V.",
            "e.V.",
            "VR 2143",
            address("Kampstraße 47", "44137", "Dortmund"),
            IBAN,
            Actor.system(),
        )
    finally:
        office.close()


# users add -----------------------------------------------------------------------------------------


def test_users_add_registers_the_user_and_stores_a_verifiable_password(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run(
        [
            "users",
            "add",
            "S.Krueger@Dortmund.example",
            "--role",
            "officer",
            "--name",
            "Sabine Krüger",
            "--password-stdin",
        ],
        monkeypatch,
        stdin=PASSWORD + "\n",
    )

    assert code == 0, capsys.readouterr().err
    assert "s.krueger@dortmund.example" in capsys.readouterr().out
    office = create_office(settings)
    try:
        user = office.user_by_email("s.krueger@dortmund.example")
        assert user.display_name == "Sabine Krüger"
        assert user.has_role(Role.OFFICER)
        assert office.actor_for(user.id, "officer").role is Role.OFFICER
    finally:
        office.close()
    assert verify(settings, "s.krueger@dortmund.example", PASSWORD)
    assert not verify(settings, "s.krueger@dortmund.example", PASSWORD.upper())
    [(user_id, password_hash)] = credential_rows(settings)
    office = create_office(settings)
    try:
        registered = office.user_by_email("s.krueger@dortmund.example").id
    finally:
        office.close()
    assert user_id == str(registered)
    assert registered != User.legacy_id("s.krueger@dortmund.example")  # random, not derived from the address
    assert password_hash.startswith("$argon2id$") and PASSWORD not in password_hash


def test_users_add_defaults_the_name_and_keeps_spaces_inside_the_password(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run(["users", "add", "pruefung@dortmund.example", "--role", "AUDITOR", "--password-stdin"],
               monkeypatch, stdin=" mit Leerzeichen \r\n") == 0  # fmt: skip

    assert verify(settings, "pruefung@dortmund.example", " mit Leerzeichen ")
    office = create_office(settings)
    try:
        assert office.user_by_email("pruefung@dortmund.example").display_name == "pruefung"
    finally:
        office.close()


def test_an_association_member_joins_the_organisation_portal(
    settings: Settings, organisation_id: UUID, monkeypatch: pytest.MonkeyPatch
) -> None:
    code = run(
        ["users", "add", "vorstand@dfg-dortmund.example", "--role", "association",
         "--organisation", str(organisation_id), "--password-stdin"],
        monkeypatch, stdin=PASSWORD + "\n",
    )  # fmt: skip

    assert code == 0
    office = create_office(settings)
    try:
        user = office.user_by_email("vorstand@dfg-dortmund.example")
        actor = office.actor_for(user.id, "association")
        assert actor.organisation_id == organisation_id
        assert user.id in office.organisation(organisation_id).members
    finally:
        office.close()


BAD_INPUT = [
    pytest.param(
        ["users", "add", "x@dortmund.example", "--role", "boss", "--password-stdin"],
        PASSWORD,
        "Unbekannte Rolle »boss«",
        id="unknown-role",
    ),
    pytest.param(
        ["users", "add", "x@dortmund.example", "--role", "system", "--password-stdin"],
        PASSWORD,
        "Die Rolle System ist nicht vergebbar",
        id="system-role",
    ),
    pytest.param(
        ["users", "add", "keine-adresse", "--role", "officer", "--password-stdin"],
        PASSWORD,
        "ist keine gültige E-Mail-Adresse",
        id="bad-email",
    ),
    pytest.param(
        ["users", "add", "x@dortmund.example", "--role", "officer", "--password-stdin"],
        "kurz-123",
        "mindestens 10 Zeichen",
        id="short-password",
    ),
    pytest.param(
        ["users", "add", "x@dortmund.example", "--role", "officer", "--password-stdin"],
        "",
        "kein Passwort",
        id="no-password",
    ),
    pytest.param(
        ["users", "add", "x@dortmund.example", "--role", "association", "--organisation", "DFG", "--password-stdin"],
        PASSWORD,
        "»DFG« ist keine gültige Organisationskennung",
        id="organisation-not-a-uuid",
    ),
    pytest.param(
        [
            "users",
            "add",
            "x@dortmund.example",
            "--role",
            "association",
            "--organisation",
            "6f1c2b1e-0000-4000-8000-000000000000",
            "--password-stdin",
        ],
        PASSWORD,
        "Diese Organisation gibt es nicht",
        id="unknown-organisation",
    ),
    pytest.param(
        ["users", "add", "x@dortmund.example", "--role", "association", "--password-stdin"],
        PASSWORD,
        "Vereinsmitglieder brauchen eine Organisation",
        id="association-without-organisation",
    ),
    pytest.param(
        ["users", "add", "x@dortmund.example", "--role", "officer"],
        PASSWORD,
        "--password-stdin",
        id="no-terminal-no-flag",
    ),
    pytest.param(
        ["users", "add", "x@dortmund.example", "--password-stdin"],
        PASSWORD,
        "Diese Angaben fehlen: --role",
        id="missing-role",
    ),
    pytest.param(
        ["users", "set-password", "niemand@dortmund.example", "--password-stdin"],
        PASSWORD,
        "Diesen Benutzer gibt es nicht",
        id="set-password-unknown-user",
    ),
    pytest.param(["serve", "--port", "70000"], "", "zwischen 1 und 65535", id="port-out-of-range"),
    pytest.param(["exportieren"], "", "ungültige Auswahl", id="unknown-command"),
]


@pytest.mark.parametrize(("argv", "stdin", "message"), BAD_INPUT)
def test_bad_input_exits_2_with_a_german_message_and_writes_nothing(
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    stdin: str,
    message: str,
) -> None:
    monkeypatch.setattr("uvicorn.run", lambda *a, **k: pytest.fail("serve got as far as starting the server"))
    before = log_head(settings)

    code = run(argv, monkeypatch, stdin=stdin + "\n" if stdin else "")

    err = capsys.readouterr().err
    assert code == 2
    assert message in err
    assert "Fehler" in err
    assert "Traceback" not in err
    assert log_head(settings) == before
    assert credential_rows(settings) == []


def test_a_duplicate_email_is_refused_and_keeps_the_old_password(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["users", "add", "k.brandt@dortmund.example", "--role", "finance", "--password-stdin"],
               monkeypatch, stdin=PASSWORD + "\n") == 0  # fmt: skip
    capsys.readouterr()
    before = log_head(settings)
    rows = credential_rows(settings)

    code = run(["users", "add", "K.Brandt@dortmund.example", "--role", "admin", "--password-stdin"],
               monkeypatch, stdin="ein-anderes-passwort\n")  # fmt: skip

    err = capsys.readouterr().err
    assert code == 2
    assert "Die E-Mail-Adresse k.brandt@dortmund.example ist bereits registriert." in err
    assert err.count("\n") == 1
    assert log_head(settings) == before
    assert credential_rows(settings) == rows
    assert verify(settings, "k.brandt@dortmund.example", PASSWORD)
    assert not verify(settings, "k.brandt@dortmund.example", "ein-anderes-passwort")


def test_set_password_replaces_the_hash(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["users", "add", "admin@dortmund.example", "--role", "admin", "--password-stdin"],
               monkeypatch, stdin=PASSWORD + "\n") == 0  # fmt: skip
    events = log_head(settings)

    assert run(["users", "set-password", "admin@dortmund.example", "--password-stdin"],
               monkeypatch, stdin="ganz-neues-passwort\n") == 0  # fmt: skip

    assert "neu gesetzt" in capsys.readouterr().out
    assert verify(settings, "admin@dortmund.example", "ganz-neues-passwort")
    assert not verify(settings, "admin@dortmund.example", PASSWORD)
    assert log_head(settings) == events  # a password is not an event


# Settings and database problems -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "message"),
    [
        pytest.param("mysql://localhost/foerderbuch", "Einstellungen: FOERDERBUCH_DATABASE_URL", id="unknown-scheme"),
        pytest.param("sqlite:////nicht/vorhanden/foerderbuch.sqlite", "gibt es nicht", id="missing-directory"),
        pytest.param("postgresql://postgres@127.0.0.1:1/foerderbuch", "nicht erreichbar", id="postgres-unreachable"),
        pytest.param("postgresql:///ohne-host", "braucht Host und Datenbank", id="postgres-without-host"),
    ],
)
@pytest.mark.parametrize(
    "argv",
    [
        ["demo"],
        ["serve"],
        ["users", "add", "x@dortmund.example", "--role", "officer", "--password-stdin"],
        ["verify"],
        ["projections", "status"],
    ],
    ids=["demo", "serve", "users-add", "verify", "projections-status"],
)
def test_every_command_reports_bad_settings_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], url: str, message: str, argv: list[str]
) -> None:
    monkeypatch.setenv("FOERDERBUCH_DATABASE_URL", url)
    monkeypatch.setattr("uvicorn.run", lambda *a, **k: pytest.fail("uvicorn.run called"))

    code = run(argv, monkeypatch, stdin=PASSWORD + "\n")

    err = capsys.readouterr().err
    assert code == 1
    assert message in err
    assert err.startswith("foerderbuch: Fehler: ") and err.count("\n") == 1


def test_a_file_that_is_not_a_database_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "kaputt.sqlite"
    path.write_text("keine Datenbank, sondern Text " * 20)
    monkeypatch.setenv("FOERDERBUCH_DATABASE_URL", f"sqlite:///{path}")

    assert run(["demo"], monkeypatch) == 1

    assert "Die Datenbank ist nicht erreichbar oder nicht nutzbar" in capsys.readouterr().err


# serve ---------------------------------------------------------------------------------------------


@pytest.fixture
def uvicorn_calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, dict[str, Any]]]:
    calls: list[tuple[Any, dict[str, Any]]] = []
    monkeypatch.setattr("uvicorn.run", lambda app, **kwargs: calls.append((app, kwargs)))
    return calls


def test_serve_loads_the_demo_into_an_empty_store_then_starts_the_server(
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    uvicorn_calls: list[tuple[Any, dict[str, Any]]],
) -> None:
    assert run(["serve", "--host", "0.0.0.0", "--port", "8123"], monkeypatch) == 0

    out = capsys.readouterr().out
    assert "Die Datenbank ist noch leer: Die Demodaten werden geladen." in out
    assert "http://0.0.0.0:8123/" in out
    [(app, kwargs)] = uvicorn_calls
    assert kwargs == {"host": "0.0.0.0", "port": 8123, "proxy_headers": False}
    assert callable(app)
    office = create_office(settings)
    try:
        assert demo_state(office).state is DemoState.COMPLETE
    finally:
        office.close()


def test_serve_leaves_a_store_with_events_alone(
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    uvicorn_calls: list[tuple[Any, dict[str, Any]]],
) -> None:
    assert run(["users", "add", "admin@dortmund.example", "--role", "admin", "--password-stdin"],
               monkeypatch, stdin=PASSWORD + "\n") == 0  # fmt: skip
    before = log_head(settings)

    assert run(["serve"], monkeypatch) == 0

    assert "Demodaten" not in capsys.readouterr().out
    assert log_head(settings) == before
    [(_, kwargs)] = uvicorn_calls
    assert kwargs == {"host": "127.0.0.1", "port": 8000, "proxy_headers": False}


def test_serve_no_demo_starts_empty(
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    uvicorn_calls: list[tuple[Any, dict[str, Any]]],
) -> None:
    assert run(["serve", "--no-demo"], monkeypatch) == 0

    assert "--no-demo" in capsys.readouterr().out
    assert log_head(settings) == 0
    assert len(uvicorn_calls) == 1


# verify and read models -----------------------------------------------------------------------------


def test_verify_and_the_projection_commands_run_on_the_configured_store(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["users", "add", "admin@dortmund.example", "--role", "admin", "--password-stdin"],
               monkeypatch, stdin=PASSWORD + "\n") == 0  # fmt: skip
    capsys.readouterr()

    assert run(["verify"], monkeypatch) == 0
    assert "Prüfung bestanden" in capsys.readouterr().out

    assert run(["projections", "status"], monkeypatch) == 0
    assert "Lesemodelle (Log bis Ereignis" in capsys.readouterr().out

    assert run(["projections", "rebuild"], monkeypatch) == 0
    assert "Neu aufgebaut" in capsys.readouterr().out

    assert run(["projections", "rebuild", "gibt-es-nicht"], monkeypatch) == 2
    assert "Unbekanntes Lesemodell »gibt-es-nicht«" in capsys.readouterr().out


# help and entry points ------------------------------------------------------------------------------


def test_help_is_german_and_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Aufruf: foerderbuch")
    for text in ("Befehle", "serve", "demo", "users", "diese Hilfe anzeigen", "FOERDERBUCH_DATABASE_URL"):
        assert text in out

    assert cli.main(["users", "add", "--help"]) == 0
    out = capsys.readouterr().out
    assert "mindestens 10 Zeichen" in out and "--password-stdin" in out


def test_python_dash_m_runs_the_same_command_line(tmp_path: Path) -> None:
    create_office(Settings(database_url=f"sqlite:///{tmp_path / 'm.sqlite'}")).close()
    result = subprocess.run(
        [sys.executable, "-m", "foerderbuch", "users", "add", "x@dortmund.example", "--role", "officer",
         "--password-stdin"],
        input="kurz\n", capture_output=True, text=True, cwd=tmp_path, timeout=60,
        env={"FOERDERBUCH_DATABASE_URL": f"sqlite:///{tmp_path / 'm.sqlite'}", "PATH": "/usr/bin:/bin"},
    )  # fmt: skip

    assert result.returncode == 2
    assert "Das Passwort muss mindestens 10 Zeichen lang sein." in result.stderr


# The credential store itself ------------------------------------------------------------------------


@pytest.fixture
def memory_store() -> Iterator[CredentialStore]:
    store = CredentialStore.for_settings(Settings(database_url="memory://"))
    yield store
    store.close()


def test_the_store_refuses_short_passwords_in_german(memory_store: CredentialStore) -> None:
    user_id = User.legacy_id("a@dortmund.example")
    with pytest.raises(InvalidInputError, match="mindestens 10 Zeichen"):
        memory_store.set_password(user_id, "123456789")
    assert not memory_store.has_password(user_id)
    memory_store.set_password(user_id, "1234567890")
    assert memory_store.verify(user_id, "1234567890")


def test_unknown_users_and_wrong_passwords_do_not_verify(memory_store: CredentialStore) -> None:
    known, unknown = User.legacy_id("a@dortmund.example"), User.legacy_id("b@dortmund.example")
    memory_store.set_password(known, PASSWORD)
    assert not memory_store.verify(unknown, PASSWORD)
    assert not memory_store.verify(known, "")
    assert not memory_store.verify(known, PASSWORD + " ")


def test_an_outdated_hash_is_replaced_on_the_next_sign_in(settings: Settings) -> None:
    user_id = User.legacy_id("a@dortmund.example")
    weak = CredentialStore.for_settings(settings, PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1))
    try:
        weak.set_password(user_id, PASSWORD)
    finally:
        weak.close()
    [(_, old_hash)] = credential_rows(settings)
    assert "m=8192,t=1,p=1" in old_hash

    assert verify(settings, "a@dortmund.example", PASSWORD)

    [(_, new_hash)] = credential_rows(settings)
    assert new_hash != old_hash and "m=65536,t=3,p=4" in new_hash
    assert verify(settings, "a@dortmund.example", PASSWORD)


def test_serve_with_several_workers_hands_uvicorn_the_factory_and_makes_the_shared_secret_first(
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    uvicorn_calls: list[tuple[Any, dict[str, Any]]],
) -> None:
    assert run(["serve", "--no-demo", "--workers", "3"], monkeypatch) == 0

    [(app, kwargs)] = uvicorn_calls
    assert app == "foerderbuch.asgi:create"
    assert kwargs == {"factory": True, "workers": 3, "host": "127.0.0.1", "port": 8000, "proxy_headers": False}
    assert settings.sqlite_path.with_suffix(".secret").read_text().strip()


def test_serve_refuses_a_silly_number_of_workers(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["serve", "--workers", "0"], monkeypatch) == 2

    assert "zwischen 1 und 64 Prozesse" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        pytest.param(["--batch-size", "0"], "zwischen 1 und 100000 Ereignisse", id="batch-too-small"),
        pytest.param(["--batch-size", "zehn"], "»zehn« ist keine Zahl", id="batch-not-a-number"),
        pytest.param(["--pause", "61"], "zwischen 0 und 60 Sekunden", id="pause-too-long"),
        pytest.param(["--pause=-0,5"], "zwischen 0 und 60 Sekunden", id="pause-negative"),
    ],
)
def test_follow_refuses_options_out_of_range(
    arguments: list[str], message: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["follow", "--once", *arguments], monkeypatch) == 2

    assert message in capsys.readouterr().err
