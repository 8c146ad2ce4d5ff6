"""``foerderbuch users disable`` and ``users reset-password``: a disabled user can no longer sign in, and a
reset gives a one-time password that works while the old one no longer does."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from cli_support import PASSWORD, TypedInput, cli_store, log_head

from foerderbuch import cli
from foerderbuch.credentials import CredentialStore
from foerderbuch.settings import Settings
from foerderbuch.wiring import create_office


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    settings = cli_store(tmp_path, monkeypatch)
    monkeypatch.setattr(sys, "stdin", TypedInput(PASSWORD + "\n"))
    assert cli.main(["users", "add", "m.muster@dortmund.example", "--role", "officer", "--password-stdin"]) == 0
    return settings


def test_disabling_a_user_records_the_reason_and_locks_them_out(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli.main(["users", "disable", "m.muster@dortmund.example", "--reason", "ausgeschieden zum 30.06.2026"])

    assert code == 0
    assert "ist gesperrt" in capsys.readouterr().out
    office = create_office(settings)
    try:
        assert office.user_by_email("m.muster@dortmund.example").disabled
    finally:
        office.close()


def test_disabling_twice_or_an_unknown_user_is_refused_and_writes_nothing(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    cli.main(["users", "disable", "m.muster@dortmund.example", "--reason", "ausgeschieden"])
    before = log_head(settings)

    again = cli.main(["users", "disable", "m.muster@dortmund.example", "--reason", "nochmal"])
    unknown = cli.main(["users", "disable", "niemand@dortmund.example", "--reason", "gibt es nicht"])
    no_reason = cli.main(["users", "disable", "m.muster@dortmund.example"])

    assert (again, unknown, no_reason) == (2, 2, 2)
    assert "bereits gesperrt" in capsys.readouterr().err
    assert log_head(settings) == before


def test_a_reset_password_works_once_shown_and_the_old_one_no_longer(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()

    code = cli.main(["users", "reset-password", "m.muster@dortmund.example"])

    assert code == 0
    new = capsys.readouterr().out.strip().splitlines()[-1]
    office, credentials = create_office(settings), CredentialStore.for_settings(settings)
    try:
        user = office.user_by_email("m.muster@dortmund.example").id
        assert len(new) >= 20
        assert credentials.verify(user, new) and not credentials.verify(user, PASSWORD)
    finally:
        credentials.close()
        office.close()


def test_resetting_an_unknown_users_password_is_refused(settings: Settings) -> None:
    assert cli.main(["users", "reset-password", "niemand@dortmund.example"]) == 2
