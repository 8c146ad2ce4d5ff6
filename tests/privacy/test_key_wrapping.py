"""The per-person keys are wrapped under the privacy key, which never enters the database.

* A copy of the database without the key file reveals no personal data: no row of ``personal_keys``
  opens a user's envelope, and the copy opened without the key (or with another one) is refused
  instead of reading every field as erased.
* Keys an earlier release stored unwrapped are wrapped when the store is opened, and still open.
* ``backup`` keeps the privacy key in ``geheim/`` with its id in the manifest; ``restore`` puts it
  back and the personal data reads again; a restore with another privacy key set is refused.
"""

from __future__ import annotations

import base64
import io
import json
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path
from uuid import UUID

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from rich.console import Console

from domain.actors import Actor, Role
from domain.user import User
from foerderbuch import operations
from foerderbuch.backup import MANIFEST, BackupError
from foerderbuch.backup import restore as restore_backup
from foerderbuch.key_files import PRIVACY_KEY
from foerderbuch.privacy.keys import WRAPPED, privacy_key_id
from foerderbuch.settings import Settings, SettingsError
from foerderbuch.wiring import create_office

EMAIL = "lea.brandt@dortmund.example"


def _store(tmp_path: Path, name: str = "quelle.sqlite") -> tuple[Settings, object]:
    settings = Settings(database_url=f"sqlite:///{tmp_path / name}")
    office = create_office(settings)
    try:
        user_id = office.register_user(EMAIL, "Lea Brandt", Role.OFFICER, Actor.system())
    finally:
        office.close()
    return settings, user_id


def _rows(path: Path, query: str) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(path)) as connection:
        return list(connection.execute(query).fetchall())


def _envelope(path: Path) -> dict[str, str]:
    topic = "domain.user:User.Registered"
    (state,) = _rows(path, f"SELECT state FROM stored_events WHERE topic = '{topic}'")[0]
    return dict(json.loads(state)["_personal"])  # type: ignore[arg-type]


def test_a_copied_database_without_the_key_file_reveals_no_personal_data(tmp_path: Path) -> None:
    settings, _user_id = _store(tmp_path)
    database = Path(settings.sqlite_path)
    copy = tmp_path / "kopie" / "quelle.sqlite"
    copy.parent.mkdir()
    shutil.copyfile(database, copy)

    wal = Path(f"{database}-wal")
    raw = database.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    assert EMAIL.encode() not in raw and b"Lea Brandt" not in raw
    keys = [str(key) for _subject, key in _rows(copy, "SELECT subject, key FROM personal_keys")]
    assert keys and all(key.startswith(WRAPPED) for key in keys)
    envelope = _envelope(copy)
    blob = base64.b64decode(envelope["data"])
    subject = bytes.fromhex(envelope["subject"])
    for stored in keys:  # neither the wrapped form nor any reading of it as a key opens the envelope
        candidate = base64.b64decode(stored[len(WRAPPED) :])
        for key in (candidate[:32], candidate[-32:], candidate[12:44]):
            with pytest.raises(InvalidTag):
                AESGCM(key).decrypt(blob[:12], blob[12:], subject)

    copied = Settings(database_url=f"sqlite:///{copy}")
    with pytest.raises(SettingsError, match=r"Datenschutzschlüssel .* fehlt"):
        create_office(copied)
    assert not copy.with_suffix(".privacykey").exists()  # no new key was made for a store that has one
    other = Settings(database_url=f"sqlite:///{copy}", privacy_key="ein-ganz-anderer-schluessel-" + "x" * 20)
    with pytest.raises(SettingsError, match="passt nicht zu dieser Datenbank"):
        create_office(other)

    shutil.copyfile(database.with_suffix(".privacykey"), copy.with_suffix(".privacykey"))
    office = create_office(copied)
    try:
        assert office.user_by_email(EMAIL).display_name == "Lea Brandt"
    finally:
        office.close()


def test_keys_stored_unwrapped_by_an_earlier_release_are_wrapped_and_still_open(tmp_path: Path) -> None:
    settings, user_id = _store(tmp_path)
    database = Path(settings.sqlite_path)
    key_file = database.with_suffix(".privacykey")
    subjects = [UUID(str(subject)) for (subject,) in _rows(database, "SELECT subject FROM personal_keys")]
    office = create_office(settings)
    try:
        plain = {subject: office.mapper.keys.key(subject) for subject in subjects}  # type: ignore[attr-defined]
    finally:
        office.close()
    assert user_id in plain and all(key is not None and len(key) == 32 for key in plain.values())
    with closing(sqlite3.connect(database)) as connection, connection:  # the store as the earlier release left it
        for subject, key in plain.items():
            connection.execute(
                "UPDATE personal_keys SET key = ? WHERE subject = ?",
                (base64.b64encode(key).decode("ascii"), subject.hex),  # type: ignore[arg-type]
            )
        connection.execute("DELETE FROM privacy_key")
    key_file.unlink()

    office = create_office(settings)
    try:
        assert office.user(user_id).email == EMAIL
        assert office.mapper.keys.wrap_plain_keys() == 0  # type: ignore[attr-defined]
    finally:
        office.close()
    for subject, stored in _rows(database, "SELECT subject, key FROM personal_keys"):
        assert str(stored).startswith(WRAPPED)
        assert base64.b64encode(plain[UUID(str(subject))]).decode() not in str(stored)  # type: ignore[arg-type]
    (kid,) = _rows(database, "SELECT key_id FROM privacy_key")[0]
    assert kid == privacy_key_id(PRIVACY_KEY.load(settings, create=False))


def test_backup_keeps_the_privacy_key_and_restore_reads_the_personal_data_again(tmp_path: Path) -> None:
    settings, user_id = _store(tmp_path)
    folder = tmp_path / "sicherung"
    out = io.StringIO()
    assert operations.backup(settings, folder, Console(file=out, width=300)) == 0
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    assert "geheim/foerderbuch.privacykey" in manifest["files"]
    assert manifest["privacy_key_id"] == privacy_key_id(PRIVACY_KEY.load(settings, create=False))
    assert "Datenschutzschlüssel" in out.getvalue()

    wrong = Settings(
        database_url=f"sqlite:///{tmp_path / 'falsch.sqlite'}", privacy_key="ein-ganz-anderer-schluessel-" + "x" * 20
    )
    with pytest.raises(BackupError, match="Datenschutzschlüssel ist nicht der der Sicherung"):
        restore_backup(wrong, folder)
    assert not Path(wrong.sqlite_path).exists()

    target = Settings(database_url=f"sqlite:///{tmp_path / 'neu' / 'wieder.sqlite'}")
    Path(target.sqlite_path).parent.mkdir()
    assert operations.restore(target, folder, Console(file=io.StringIO(), width=300)) == 0
    assert Path(target.sqlite_path).with_suffix(".privacykey").is_file()
    office = create_office(target)
    try:
        user = office.user(user_id)
        assert isinstance(user, User) and user.email == EMAIL and user.display_name == "Lea Brandt"
    finally:
        office.close()
