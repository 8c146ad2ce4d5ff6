"""The command line run in-process in tests: a store in ``tmp_path``, typed input, the log's head.

``cli_store`` makes the store exist, as after a first ``serve --no-demo``, and points the environment at it
the way a person's shell would (``FOERDERBUCH_DATABASE_URL``, working directory); ``TypedInput`` stands in
for a standard input that is not a terminal (passwords are read from it with ``--password-stdin``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from foerderbuch.settings import Settings
from foerderbuch.wiring import create_office

PASSWORD = "sehr-geheimes-passwort"


class TypedInput:
    """A non-terminal standard input holding the given text, read line by line."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines(keepends=True)

    def readline(self) -> str:
        return self.lines.pop(0) if self.lines else ""

    def isatty(self) -> bool:
        return False


def cli_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str = "cli.sqlite") -> Settings:
    """An empty SQLite store under ``tmp_path`` that the command line finds through its environment."""
    url = f"sqlite:///{tmp_path / name}"
    monkeypatch.setenv("FOERDERBUCH_DATABASE_URL", url)
    monkeypatch.chdir(tmp_path)
    settings = Settings(database_url=url)
    create_office(settings).close()
    return settings


def log_head(settings: Settings) -> int:
    """The position of the store's last event (0 for an empty store)."""
    office = create_office(settings)
    try:
        return int(office.recorder.max_notification_id() or 0)
    finally:
        office.close()
