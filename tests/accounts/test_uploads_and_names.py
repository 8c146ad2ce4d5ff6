"""Uploads: office files are checked as zip archives within limits, refused uploads leave nothing, and names
(of files and of people) lose control and bidi characters."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from domain.actors import Actor, Role
from domain.errors import InvalidInputError
from domain.user import clean_display_name
from foerderbuch.documents import DocumentFiles
from foerderbuch.settings import Settings

RLO = "\u202e"


def _docx(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _stored(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


def test_a_real_docx_is_accepted(tmp_path: Path) -> None:
    store = DocumentFiles(tmp_path)
    record = store.save("Bericht.docx", io.BytesIO(_docx({"word/document.xml": b"<w:document/>" * 50})))
    assert record["content_type"].endswith("wordprocessingml.document")


def test_a_zip_bomb_named_docx_is_refused_and_leaves_nothing(tmp_path: Path) -> None:
    store = DocumentFiles(tmp_path)
    bomb = _docx({"word/document.xml": b"\0" * (50 * 1024 * 1024)})
    assert len(bomb) < 1024 * 1024  # small on the wire, fifty megabytes unpacked
    with pytest.raises(InvalidInputError, match="nicht annehmen"):
        store.save("Bericht.docx", io.BytesIO(bomb))
    assert _stored(tmp_path) == []


def test_an_archive_with_too_many_entries_is_refused(tmp_path: Path) -> None:
    store = DocumentFiles(tmp_path)
    crowded = _docx({"word/document.xml": b"<w/>", **{f"x/{n}.xml": b"" for n in range(2500)}})
    with pytest.raises(InvalidInputError):
        store.save("Liste.xlsx", io.BytesIO(crowded))
    assert _stored(tmp_path) == []


def test_a_refused_command_takes_its_new_files_away_but_not_older_copies(tmp_path: Path) -> None:
    store = DocumentFiles(tmp_path)
    older = store.save("alt.pdf", io.BytesIO(b"%PDF-1.4 alt"))
    store.keep([older])  # recorded by an earlier command
    again = store.save("alt-nochmal.pdf", io.BytesIO(b"%PDF-1.4 alt"))
    fresh = store.save("neu.pdf", io.BytesIO(b"%PDF-1.4 neu"))
    store.discard([again, fresh])  # the command for these two was refused
    assert store.read(fresh["sha256"]) is None
    assert store.read(older["sha256"]) == b"%PDF-1.4 alt"


def test_a_right_to_left_override_does_not_survive_in_a_file_name(tmp_path: Path) -> None:
    store = DocumentFiles(tmp_path)
    record = store.save(f"rechnung{RLO}fdp.exe", io.BytesIO(b"%PDF-1.4 x"))
    assert RLO not in record["name"] and record["name"] == "rechnungfdp.exe"


def test_display_names_drop_control_and_bidi_characters(sqlite_settings: Settings) -> None:
    assert clean_display_name(f"Ada{RLO} Admin\u200b\u0007") == "Ada Admin"
    with pytest.raises(InvalidInputError):
        clean_display_name(f"{RLO}\u200b")
    from foerderbuch.wiring import create_office

    office = create_office(sqlite_settings)
    try:
        user_id = office.register_user("x@dortmund.example", f"Max{RLO}nnamrem", Role.OFFICER, Actor.system())
        assert office.user(user_id).display_name == "Maxnnamrem"
    finally:
        office.close()
