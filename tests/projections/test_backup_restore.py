"""Backup and restore drills on both backends, a damaged backup refused, and anchors (issue 14).

* A backup taken while a bounded stream of commands runs (each with an uploaded document) is restored
  into a fresh store: every command acknowledged before the backup started is there, ``verify`` passes
  and every document the log names is in place.
* ``backup --verify`` refuses a backup with a document missing, with one byte changed, or with a file
  the manifest does not name.
* ``anchor`` writes the chain head to a file and to the log; ``verify --anchor`` proves the log still
  holds it — and fails after an event before the anchor was changed and the seal renewed over it.
"""

from __future__ import annotations

import io
import json
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import psycopg
import pytest
from ledger_story import TODAY, Story, tell
from psycopg import sql
from rich.console import Console

from foerderbuch import cli, operations
from foerderbuch.backup import MANIFEST, BackupError, check_backup
from foerderbuch.documents import DocumentFiles
from foerderbuch.settings import Settings
from foerderbuch.wiring import create_office, create_projector

COMMANDS = 40
BACKUP_AFTER = 12


def console() -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, width=400, color_system=None), out


class Stream:
    """A bounded stream of messages with documents, written by a thread while the backup runs."""

    def __init__(self, settings: Settings, story: Story) -> None:
        self.settings = settings
        self.story = story
        self.acknowledged: list[str] = []
        self.documents: list[str] = []
        self.error: BaseException | None = None
        self.started_backup = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        office = create_office(self.settings, today=lambda: TODAY)
        files = DocumentFiles.for_settings(self.settings)
        try:
            for number in range(COMMANDS):
                text = f"Drill-Nachricht {number:03d} Ende"
                record = files.save(f"beleg-{number}.pdf", io.BytesIO(b"%PDF-1.4\n" + text.encode() + b"\n%%EOF\n"))
                office.post_message(self.story.amiens, text, self.story.petra, documents=[record])
                self.acknowledged.append(text)
                self.documents.append(record["sha256"])
                if number == BACKUP_AFTER:
                    self.started_backup.wait(30)
        except BaseException as error:  # reported by the test
            self.error = error
        finally:
            office.close()


@pytest.fixture
def restored_postgres(postgres_url: str, postgres_schema: str) -> Iterator[Settings]:
    """Settings for the same schema name in a new, empty PostgreSQL database, dropped afterwards."""
    name = f"fb_restore_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = postgres_url.rsplit("/", 1)[0] + f"/{name}"
    try:
        yield Settings(database_url=url, extra_env={"POSTGRES_SCHEMA": postgres_schema})
    finally:
        with psycopg.connect(postgres_url, autocommit=True) as conn:
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))


def restore_target(backend: Settings, tmp_path: Path, request: pytest.FixtureRequest) -> Settings:
    if backend.backend == "sqlite":
        return Settings(database_url=f"sqlite:///{tmp_path / 'wiederhergestellt' / 'foerderbuch.sqlite'}")
    target: Settings = request.getfixturevalue("restored_postgres")
    return target.model_copy(update={"document_dir": str(tmp_path / "dokumente-wiederhergestellt")})


def test_a_backup_during_writes_restores_every_acknowledged_command_with_its_documents(
    backend: Settings, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    backend = backend.model_copy(update={"document_dir": str(tmp_path / "dokumente")})  # not the working directory
    office = create_office(backend, today=lambda: TODAY)
    story = tell(office)
    projector = create_projector(backend, office)
    projector.catch_up()
    projector.db.close()
    office.close()
    stream = Stream(backend, story)
    stream.thread.start()
    deadline = time.monotonic() + 120
    while len(stream.acknowledged) <= BACKUP_AFTER and stream.error is None and time.monotonic() < deadline:
        time.sleep(0.01)
    acknowledged_before = list(stream.acknowledged)
    documents_before = list(stream.documents)
    folder = tmp_path / "sicherung"
    out_console, out = console()
    try:
        code = operations.backup(backend, folder, out_console)
    finally:
        stream.started_backup.set()
        stream.thread.join(120)
    assert stream.error is None, stream.error
    assert code == 0, out.getvalue()
    assert len(acknowledged_before) > BACKUP_AFTER

    manifest, problems = check_backup(folder)
    assert problems == []
    assert manifest["backend"] == backend.backend

    target = restore_target(backend, tmp_path, request)
    if target.backend == "sqlite":
        Path(target.sqlite_path).parent.mkdir()
    restore_console, restore_out = console()
    assert operations.restore(target, folder, restore_console) == 0, restore_out.getvalue()
    assert "Prüfung bestanden" in restore_out.getvalue()

    restored = create_office(target)
    try:  # messages are stored encrypted under the grant's key: read them decoded
        events = [restored.mapper.to_domain_event(n) for n in restored.recorder.select_notifications(1, 1_000_000)]
    finally:
        restored.close()
    texts = [getattr(event, "text", None) for event in events if type(event).__name__ == "MessagePosted"]
    lost = [text for text in acknowledged_before if text not in texts]
    assert lost == []  # every command acknowledged before the backup started survived
    assert all(texts.count(text) == 1 for text in acknowledged_before)  # once each
    folder_after = DocumentFiles.for_settings(target).folder
    assert all((folder_after / d[:2] / d[2:]).is_file() for d in documents_before)
    assert operations.missing_documents(target) == []


@pytest.fixture
def sqlite_backup(tmp_path: Path) -> tuple[Settings, Path, Story]:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'quelle.sqlite'}")
    office = create_office(settings, today=lambda: TODAY)
    story = tell(office)
    files = DocumentFiles.for_settings(settings)
    for number in range(3):
        record = files.save(
            f"beleg-{number}.pdf", io.BytesIO(b"%PDF-1.4\nBeleg " + str(number).encode() + b"\n%%EOF\n")
        )
        office.post_message(story.amiens, f"Beleg {number}", story.petra, documents=[record])
    projector = create_projector(settings, office)
    projector.catch_up()
    projector.db.close()
    office.close()
    folder = tmp_path / "sicherung"
    assert operations.backup(settings, folder, console()[0]) == 0
    return settings, folder, story


def test_backup_verify_passes_an_intact_backup(sqlite_backup: tuple[Settings, Path, Story]) -> None:
    _settings, folder, _story = sqlite_backup

    assert cli.main(["backup", "--verify", str(folder)]) == 0
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["documents"] == 3
    assert manifest["chain_head"]["position"] == manifest["log_head"] > 0
    assert any(name.startswith("geheim/") for name in manifest["files"])


def test_a_backup_missing_a_document_is_refused(
    sqlite_backup: tuple[Settings, Path, Story], capsys: pytest.CaptureFixture[str]
) -> None:
    _settings, folder, _story = sqlite_backup
    document = next((folder / "dokumente").rglob("*"), None)
    documents = [p for p in (folder / "dokumente").rglob("*") if p.is_file()]
    assert document is not None and len(documents) == 3
    documents[0].unlink()

    assert cli.main(["backup", "--verify", str(folder)]) == 1
    out = capsys.readouterr().out
    assert f"{documents[0].relative_to(folder).as_posix()}: fehlt." in out


@pytest.mark.parametrize("which", ["datenbank.sqlite", "dokument", "manifest-fremd"])
def test_a_backup_with_one_byte_changed_is_refused_and_not_restored(
    sqlite_backup: tuple[Settings, Path, Story], tmp_path: Path, capsys: pytest.CaptureFixture[str], which: str
) -> None:
    _settings, folder, _story = sqlite_backup
    if which == "manifest-fremd":
        (folder / "dokumente" / "zusatz.txt").write_text("untergeschoben")
    else:
        path = (
            folder / which
            if which.endswith(".sqlite")
            else next(p for p in (folder / "dokumente").rglob("*") if p.is_file())
        )
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 0x01
        path.write_bytes(bytes(data))

    assert cli.main(["backup", "--verify", str(folder)]) == 1
    assert "Befund" in capsys.readouterr().out
    target = Settings(database_url=f"sqlite:///{tmp_path / 'ziel.sqlite'}")
    with pytest.raises(BackupError, match="beschädigt"):
        operations.restore(target, folder, console()[0])
    assert not Path(target.sqlite_path).exists()


def test_restore_refuses_a_store_that_exists(sqlite_backup: tuple[Settings, Path, Story]) -> None:
    settings, folder, _story = sqlite_backup

    with pytest.raises(BackupError, match="gibt es schon"):
        operations.restore(settings, folder, console()[0])


def test_an_anchor_is_written_to_a_file_and_the_log_and_proves_the_log_later(
    sqlite_backup: tuple[Settings, Path, Story], tmp_path: Path
) -> None:
    settings, _folder, _story = sqlite_backup
    anchor_file = tmp_path / "anker.json"

    assert operations.anchor(settings, anchor_file, console()[0]) == 0

    anchored = json.loads(anchor_file.read_text(encoding="utf-8"))
    office = create_office(settings)
    try:
        notifications = office.recorder.select_notifications(1, 1_000_000)
        [recorded] = [n for n in notifications if n.topic.endswith("ChainAnchored")]
        event = office.mapper.to_domain_event(recorded)
    finally:
        office.close()
    assert (event.position, event.mac) == (anchored["position"], anchored["hmac"])
    assert anchored["time"]
    code_console, code_out = console()
    assert operations.verify(settings, code_console, quick=True, anchor=anchor_file) == 0, code_out.getvalue()
    assert "bestätigt" in code_out.getvalue()

    # An event before the anchor is changed and the seal renewed over it: the chain passes, the anchor not.
    with closing(sqlite3.connect(settings.sqlite_path)) as conn, conn:
        rowid, state = conn.execute(
            "SELECT rowid, state FROM stored_events WHERE topic LIKE '%PaymentBooked' ORDER BY rowid LIMIT 1"
        ).fetchone()
        conn.execute(
            "UPDATE stored_events SET state = ? WHERE rowid = ?", (state.replace(b'"3000.10"', b'"3100.10"'), rowid)
        )
    assert operations.projections_rebuild(settings, "seal", console()[0], reason="Test: Anker") == 0
    renewed_console, renewed_out = console()
    assert operations.verify(settings, renewed_console, quick=True, anchor=anchor_file) == 1
    assert f"Position {anchored['position']}: Der Log bis Position {anchored['position']} ist nicht mehr" in (
        renewed_out.getvalue()
    )
