"""Guard rails and sealing of the command line (issue 14): no silent empty store, no unsealed CLI writes.

* A SQLite URL naming a file that does not exist is refused by every command but those that create a
  store; nothing is created.
* ``verify`` on an empty store says so and does not pass.
* Events written by the command line are sealed before the command ends, so an edit in the database
  afterwards is a ``verify`` finding — not sealed by ``verify`` as the original.
* ``verify`` never seals: events no follower has seen are a finding.
* An export to a path that cannot be written says so, not "database not reachable".
"""

from __future__ import annotations

import sqlite3
import sys
from contextlib import closing
from pathlib import Path

import pytest
from cli_support import PASSWORD, TypedInput, cli_store, log_head

from foerderbuch import cli
from foerderbuch.settings import Settings
from foerderbuch.wiring import create_office, create_projector
from projections.seal import Seal


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    return cli_store(tmp_path, monkeypatch, "echt.sqlite")


def add_user(monkeypatch: pytest.MonkeyPatch, email: str, role: str) -> int:
    monkeypatch.setattr(sys, "stdin", TypedInput(PASSWORD + "\n"))
    return cli.main(["users", "add", email, "--role", role, "--password-stdin"])


def seal_position(settings: Settings) -> int:
    office = create_office(settings)
    projector = create_projector(settings, office)
    try:
        with projector.db.transaction() as cursor:
            head = Seal.head(cursor)
        return head.position if head else 0
    finally:
        projector.db.close()
        office.close()


@pytest.mark.parametrize(
    "argv",
    [
        ["verify"],
        ["users", "list"],
        ["projections", "status"],
        ["export", "finance", "-o", "bericht.xlsx"],
        ["follow", "--once"],
    ],
    ids=["verify", "users-list", "projections-status", "export", "follow"],
)
def test_a_typo_in_the_sqlite_file_name_is_refused_and_creates_nothing(
    store: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
) -> None:
    typo = tmp_path / "echt.sqlit"
    monkeypatch.setenv("FOERDERBUCH_DATABASE_URL", f"sqlite:///{typo}")

    code = cli.main(argv)

    err = capsys.readouterr().err
    assert code == 1
    assert f"Die Datenbank {typo} gibt es nicht" in err and "Tippfehler" in err
    assert not typo.exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("echt.sqlit") and p.suffix != ".sqlite") == []


def test_users_add_on_a_store_that_does_not_exist_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "neu.sqlite"
    monkeypatch.setenv("FOERDERBUCH_DATABASE_URL", f"sqlite:///{missing}")

    assert add_user(monkeypatch, "a@dortmund.example", "admin") == 1
    assert "gibt es nicht" in capsys.readouterr().err
    assert not missing.exists()


def test_demo_creates_a_new_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    new = tmp_path / "neu.sqlite"
    monkeypatch.setenv("FOERDERBUCH_DATABASE_URL", f"sqlite:///{new}")
    monkeypatch.chdir(tmp_path)

    assert cli.main(["demo"]) == 0

    settings = Settings(database_url=f"sqlite:///{new}")
    assert seal_position(settings) == log_head(settings) > 0  # the demo's events are sealed at once


def test_verify_on_an_empty_store_says_so_and_does_not_pass(
    store: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli.main(["verify"])

    out = capsys.readouterr().out
    assert code == 3
    assert "Der Log ist leer" in out
    assert "Prüfung bestanden" not in out


def test_events_written_by_the_command_line_are_sealed_before_it_ends(
    store: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert add_user(monkeypatch, "k.brandt@dortmund.example", "finance") == 0

    head = log_head(store)
    assert head > 0
    assert seal_position(store) == head


def test_a_cli_written_role_changed_in_the_database_afterwards_is_a_finding(
    store: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert add_user(monkeypatch, "k.brandt@dortmund.example", "finance") == 0
    with closing(sqlite3.connect(store.sqlite_path)) as conn, conn:
        [(position, state)] = conn.execute(
            "SELECT rowid, state FROM stored_events WHERE topic LIKE '%User.Registered' OR topic LIKE '%User.Created'"
        ).fetchall()
        assert b'"finance"' in state
        conn.execute(
            "UPDATE stored_events SET state = ? WHERE rowid = ?", (state.replace(b'"finance"', b'"admin"'), position)
        )
    capsys.readouterr()

    assert cli.main(["verify"]) == 1
    assert f"Position {position}: Ereignis User." in capsys.readouterr().out
    assert cli.main(["verify"]) == 1  # the first run sealed nothing: still a finding


def test_verify_seals_nothing_itself_an_appended_event_stays_a_finding(
    store: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("foerderbuch.operations.SEAL_WAIT_SECONDS", 0.2)
    assert add_user(monkeypatch, "a.vogel@dortmund.example", "auditor") == 0
    sealed = seal_position(store)
    with closing(sqlite3.connect(store.sqlite_path)) as conn, conn:
        row = conn.execute(
            "SELECT originator_id, originator_version, topic, state FROM stored_events ORDER BY rowid DESC LIMIT 1"
        ).fetchone()
        conn.execute(
            "INSERT INTO stored_events (originator_id, originator_version, topic, state) VALUES (?, ?, ?, ?)",
            (row[0], row[1] + 1000, row[2], row[3]),
        )
    capsys.readouterr()

    assert cli.main(["verify"]) == 1
    out = capsys.readouterr().out
    assert f"Position {sealed + 1}" in out and "nicht versiegelt" in out
    assert seal_position(store) == sealed
    assert cli.main(["verify"]) == 1


def test_an_export_to_an_unwritable_folder_names_the_file_not_the_database(
    store: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert add_user(monkeypatch, "a.vogel@dortmund.example", "auditor") == 0
    capsys.readouterr()

    code = cli.main(["export", "finance", "-o", "/proc/bericht.xlsx"])  # /proc takes no new files, not even root's

    err = capsys.readouterr().err
    assert code == 2
    assert "Die Datei /proc/bericht.xlsx kann nicht geschrieben werden" in err
    assert "Datenbank" not in err
