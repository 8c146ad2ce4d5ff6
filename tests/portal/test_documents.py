"""Uploading requested documents in the portal: stored by hash outside the event log, the hash in the event.

Every refusal (too large, a type we do not take, a path trick in the file name, another
organisation's grant, a missing form token) records nothing: the log's last notification id stays
where it was. No file ever lands outside the storage folder, whatever the uploaded name says.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from portal_support import Member, a_grant

from domain.errors import InvalidInputError
from foerderbuch.documents import MAX_BYTES, DocumentFiles
from foerderbuch.settings import Settings

PDF = b"%PDF-1.7\n" + b"Vereinssatzung der DFG Dortmund\n" * 40 + b"%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "portal.dokumente"


def upload(
    member: Member,
    grant: UUID,
    files: list[tuple[str, bytes]],
    note: str = "",
    token: str | None = "session",
    request_id: str | None = None,
) -> Any:
    if request_id is None:
        request_id = next(iter(member.office.grant(grant).open_document_requests))
    data = {"request_id": request_id, "note": note}
    if token == "session":
        data["csrf_token"] = member.token()
    parts = [("dateien", (name, io.BytesIO(content), "application/pdf")) for name, content in files]
    return member.client.post(f"/portal/zuwendungen/{grant}/unterlagen", data=data, files=parts, follow_redirects=False)


def stored_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def assert_nothing_escaped(tmp_path: Path, folder: Path) -> None:
    """Outside the storage folder only the database's own files exist; inside, only ``ab/<62 hex>``."""
    for path in tmp_path.rglob("*"):
        if path.is_file() and folder not in path.parents:
            assert path.name.startswith("portal."), f"a file outside the storage folder: {path}"
    for path in stored_files(folder):
        relative = path.relative_to(folder).parts
        assert len(relative) == 2 and len(relative[0]) == 2 and len(relative[1]) == 62, path
        assert hashlib.sha256(path.read_bytes()).hexdigest() == "".join(relative)


def docx_bytes() -> bytes:
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return target.getvalue()


class TestUpload:
    def test_the_form_is_multipart_with_a_file_input_and_the_token(self, member: Member) -> None:
        grant = a_grant(member.world, "requested_docs")
        page = member.sign_in("dfg").get(f"/portal/zuwendungen/{grant}").text
        form = page[page.index('action="/portal/zuwendungen/' + str(grant) + "/unterlagen") :]
        form = form[: form.index("</form>")]
        assert 'enctype="multipart/form-data"' in form
        assert 'type="file"' in form and 'name="dateien"' in form and "multiple" in form
        assert 'name="csrf_token"' in form

    def test_uploaded_files_are_stored_once_and_their_hashes_recorded(
        self, member: Member, folder: Path, tmp_path: Path
    ) -> None:
        grant = a_grant(member.world, "requested_docs")
        member.sign_in("dfg")

        answer = upload(member, grant, [("Satzung.pdf", PDF), ("Satzung Kopie.pdf", PDF), ("Logo.png", PNG)])

        assert answer.status_code == 303, answer.text
        received = [e for e in member.office.events.get(grant) if type(e).__name__ == "DocumentsReceived"]
        assert len(received) == 1
        recorded = received[0].documents
        assert [d["name"] for d in recorded] == ["Satzung.pdf", "Satzung Kopie.pdf", "Logo.png"]
        assert recorded[0]["sha256"] == hashlib.sha256(PDF).hexdigest() == recorded[1]["sha256"]
        assert recorded[2]["sha256"] == hashlib.sha256(PNG).hexdigest()
        assert [d["content_type"] for d in recorded] == ["application/pdf", "application/pdf", "image/png"]
        assert recorded[0]["size"] == len(PDF)
        assert len(stored_files(folder)) == 2  # the same bytes twice are kept once
        assert_nothing_escaped(tmp_path, folder)
        grant_now = member.office.grant(grant)
        assert grant_now.open_document_requests == [] and len(grant_now.uploaded_documents) == 3
        assert "Satzung.pdf" in member.get(f"/portal/zuwendungen/{grant}").text

    def test_a_member_downloads_their_own_file_as_an_attachment_with_the_sniffed_type(self, member: Member) -> None:
        grant = a_grant(member.world, "requested_docs")
        member.sign_in("dfg")
        assert upload(member, grant, [("Satzung ü.pdf", PDF)]).status_code == 303

        answer = member.get(f"/portal/zuwendungen/{grant}/dateien/{hashlib.sha256(PDF).hexdigest()}")

        assert answer.status_code == 200
        assert answer.content == PDF
        assert answer.headers["content-type"] == "application/pdf"
        assert answer.headers["content-disposition"].startswith("attachment;")
        assert "Satzung%20%C3%BC.pdf" in answer.headers["content-disposition"]
        assert answer.headers["x-content-type-options"] == "nosniff"

    def test_office_formats_are_recognised_by_their_content(self, member: Member) -> None:
        grant = a_grant(member.world, "requested_docs")
        member.sign_in("dfg")
        content = docx_bytes()

        assert upload(member, grant, [("Finanzplan.docx", content)]).status_code == 303

        recorded = member.office.grant(grant).uploaded_documents[0]
        assert recorded["content_type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

    def test_a_note_alone_still_works(self, member: Member, folder: Path) -> None:
        grant = a_grant(member.world, "requested_docs")
        member.sign_in("dfg")

        assert upload(member, grant, [], note="Per Post am 12.06. geschickt.").status_code == 303

        assert member.office.grant(grant).uploaded_documents == ()
        assert stored_files(folder) == []

    def test_neither_note_nor_file_is_refused(self, member: Member) -> None:
        grant = a_grant(member.world, "requested_docs")
        member.sign_in("dfg")
        before = member.head()

        assert upload(member, grant, []).status_code == 400
        assert member.head() == before


class TestRefusals:
    def test_a_file_above_10_mb_is_refused_and_nothing_recorded(
        self, member: Member, folder: Path, tmp_path: Path
    ) -> None:
        grant = a_grant(member.world, "requested_docs")
        member.sign_in("dfg")
        before = member.head()
        too_large = b"%PDF-1.7\n" + b"\x00" * (MAX_BYTES + 1 - 9)
        assert len(too_large) == 10 * 1024 * 1024 + 1

        answer = upload(member, grant, [("gross.pdf", too_large)])

        assert answer.status_code == 400
        assert "zu groß" in answer.text
        assert member.head() == before
        assert stored_files(folder) == []  # not even the temporary file is left
        assert_nothing_escaped(tmp_path, folder)

    def test_exactly_10_mb_is_accepted(self, member: Member) -> None:
        grant = a_grant(member.world, "requested_docs")
        member.sign_in("dfg")

        answer = upload(member, grant, [("genau.pdf", b"%PDF-1.7\n" + b"\x00" * (MAX_BYTES - 9))])

        assert answer.status_code == 303, answer.text

    @pytest.mark.parametrize(
        "content",
        [
            b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 64,  # a Linux program
            b"MZ\x90\x00" + b"\x00" * 64,  # a Windows program
            b"<!doctype html><script>alert(1)</script>",  # HTML
            b"PK\x03\x04 not really a zip",  # a zip signature without a zip
        ],
        ids=["elf", "exe", "html", "fake-zip"],
    )
    def test_a_file_of_another_type_renamed_to_pdf_is_refused(
        self, member: Member, folder: Path, content: bytes
    ) -> None:
        grant = a_grant(member.world, "requested_docs")
        member.sign_in("dfg")
        before = member.head()

        answer = upload(member, grant, [("satzung.pdf", content)])

        assert answer.status_code == 400
        assert "Art, die wir nicht annehmen" in answer.text
        assert member.head() == before
        assert stored_files(folder) == []

    def test_a_plain_zip_archive_is_refused(self, member: Member) -> None:
        grant = a_grant(member.world, "requested_docs")
        member.sign_in("dfg")
        target = io.BytesIO()
        with zipfile.ZipFile(target, "w") as archive:
            archive.writestr("virus.exe", "MZ")
        before = member.head()

        assert upload(member, grant, [("antrag.docx", target.getvalue())]).status_code == 400
        assert member.head() == before

    def test_a_good_file_with_a_bad_one_records_nothing(self, member: Member) -> None:
        grant = a_grant(member.world, "requested_docs")
        member.sign_in("dfg")
        before = member.head()

        answer = upload(member, grant, [("ok.pdf", PDF), ("boese.pdf", b"<html></html>")])

        assert answer.status_code == 400
        assert member.head() == before
        assert member.office.grant(grant).uploaded_documents == ()

    @pytest.mark.parametrize(
        "name",
        [
            "../../etc/passwd",
            "..\\x.pdf",
            "/etc/passwd",
            "C:\\Windows\\x.pdf",
            "a\x00b.pdf",
            "a\nb.pdf",
            "satzung.pdf\r\nX-Evil: 1",
            "..",
        ],
    )
    def test_path_tricks_in_the_file_name_never_become_a_path(
        self, member: Member, folder: Path, tmp_path: Path, name: str
    ) -> None:
        grant = a_grant(member.world, "requested_docs")
        member.sign_in("dfg")
        before = member.head()

        answer = upload(member, grant, [(name, PDF)])

        if answer.status_code == 303:  # stored safely: the name is metadata only
            recorded = member.office.grant(grant).uploaded_documents[0]
            assert "/" not in recorded["name"] and "\\" not in recorded["name"]
            assert not any(ord(c) < 32 for c in recorded["name"])
        else:
            assert answer.status_code == 400
            assert member.head() == before
            assert member.office.grant(grant).uploaded_documents == ()
        assert_nothing_escaped(tmp_path, folder)
        assert not (tmp_path.parent / "x.pdf").exists() and not (tmp_path / "x.pdf").exists()

    @pytest.mark.parametrize(
        "raw_name",
        [
            b"a\x00b.pdf",
            b"a\x01b.pdf",
            b"..\\..\\x.pdf",
            b"../../x.pdf",
            b"x.pdf\x00.exe",
            b"\x7f.pdf",
        ],
        ids=["nul", "soh", "backslashes", "dots", "nul-ext", "del"],
    )
    def test_raw_control_characters_in_the_multipart_header_are_refused(
        self, member: Member, folder: Path, tmp_path: Path, raw_name: bytes
    ) -> None:
        """Sent as raw bytes (a client library would escape them): the name reaches the server unescaped."""
        grant = a_grant(member.world, "requested_docs")
        member.sign_in("dfg")
        token, request_id = member.token(), next(iter(member.office.grant(grant).open_document_requests))
        before = member.head()
        boundary = b"grenze4711"
        body = b"".join(
            [
                b"--"
                + boundary
                + b'\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
                + token.encode()
                + b"\r\n",
                b"--"
                + boundary
                + b'\r\nContent-Disposition: form-data; name="request_id"\r\n\r\n'
                + request_id.encode()
                + b"\r\n",
                b"--"
                + boundary
                + b'\r\nContent-Disposition: form-data; name="dateien"; filename="'
                + raw_name
                + b'"\r\n'
                b"Content-Type: application/pdf\r\n\r\n" + PDF + b"\r\n",
                b"--" + boundary + b"--\r\n",
            ]
        )

        answer = member.client.post(
            f"/portal/zuwendungen/{grant}/unterlagen",
            content=body,
            follow_redirects=False,
            headers={"content-type": "multipart/form-data; boundary=" + boundary.decode()},
        )

        if answer.status_code == 303:  # the parser reduced it to a plain name
            recorded = member.office.grant(grant).uploaded_documents[0]["name"]
            assert not any(c in "/\\" or ord(c) < 32 or ord(c) == 127 for c in recorded), recorded
        else:
            assert answer.status_code == 400, answer.text
            assert "nicht erlaubt" in answer.text
            assert member.head() == before
        assert_nothing_escaped(tmp_path, folder)
        assert not (tmp_path.parent / "x.pdf").exists() and not (tmp_path / "x.pdf").exists()

    def test_more_than_ten_files_are_refused(self, member: Member) -> None:
        grant = a_grant(member.world, "requested_docs")
        member.sign_in("dfg")
        before = member.head()

        answer = upload(member, grant, [(f"teil-{n}.pdf", PDF + bytes([n])) for n in range(11)])

        assert answer.status_code == 400
        assert "höchstens 10 Dateien" in answer.text
        assert member.head() == before

    def test_another_organisations_grant_is_not_found(self, member: Member, folder: Path) -> None:
        theirs = a_grant(member.world, "requested_docs", organisation="leeds", number="IB-2026-0002")
        member.sign_in("dfg")
        before = member.head()

        answer = upload(member, theirs, [("satzung.pdf", PDF)])

        assert answer.status_code == 404
        assert member.head() == before
        assert stored_files(folder) == []

    def test_a_form_without_the_token_is_refused(self, member: Member, folder: Path) -> None:
        grant = a_grant(member.world, "requested_docs")
        member.sign_in("dfg")
        before = member.head()

        answer = upload(member, grant, [("satzung.pdf", PDF)], token=None)

        assert answer.status_code == 403
        assert member.head() == before
        assert stored_files(folder) == []

    def test_a_wrong_token_is_refused(self, member: Member) -> None:
        grant = a_grant(member.world, "requested_docs")
        member.sign_in("dfg")
        before = member.head()

        answer = member.client.post(
            f"/portal/zuwendungen/{grant}/unterlagen",
            data={"request_id": next(iter(member.office.grant(grant).open_document_requests)), "csrf_token": "x"},
            files=[("dateien", ("satzung.pdf", io.BytesIO(PDF), "application/pdf"))],
            follow_redirects=False,
        )

        assert answer.status_code == 403
        assert member.head() == before


class TestDownloadIsolation:
    def test_another_organisations_document_is_not_found(self, member: Member) -> None:
        theirs = a_grant(member.world, "requested_docs", organisation="leeds", number="IB-2026-0002")
        mine = a_grant(member.world, "requested_docs")
        member.sign_in("leeds")
        secret = b"%PDF-1.4\nNur fuer Leeds\n"
        assert upload(member, theirs, [("leeds.pdf", secret)]).status_code == 303
        sha = hashlib.sha256(secret).hexdigest()
        assert member.get(f"/portal/zuwendungen/{theirs}/dateien/{sha}").status_code == 200

        member.sign_in("dfg")

        assert member.get(f"/portal/zuwendungen/{theirs}/dateien/{sha}").status_code == 404  # their grant
        assert member.get(f"/portal/zuwendungen/{mine}/dateien/{sha}").status_code == 404  # not under mine
        assert member.get(f"/portal/zuwendungen/{mine}/dateien/{'0' * 64}").status_code == 404
        assert member.get(f"/portal/zuwendungen/{mine}/dateien/..%2F..%2Fportal.sqlite").status_code == 404

    def test_staff_cannot_download_through_the_portal(self, member: Member) -> None:
        grant = a_grant(member.world, "requested_docs")
        member.sign_in("dfg")
        assert upload(member, grant, [("satzung.pdf", PDF)]).status_code == 303
        member.sign_in("officer")

        answer = member.get(f"/portal/zuwendungen/{grant}/dateien/{hashlib.sha256(PDF).hexdigest()}")

        assert answer.status_code == 403


class TestStoreAndDomain:
    def test_the_store_uses_the_configured_folder_and_never_the_name(self, tmp_path: Path) -> None:
        store = DocumentFiles.for_settings(
            Settings(database_url=f"sqlite:///{tmp_path}/x.sqlite"),
            environ={"FOERDERBUCH_DOCUMENT_DIR": str(tmp_path / "ablage")},
        )

        record = store.save("../../evil.pdf", io.BytesIO(PDF))

        sha = hashlib.sha256(PDF).hexdigest()
        assert record == {"name": "../../evil.pdf", "content_type": "application/pdf", "size": len(PDF), "sha256": sha}
        assert (tmp_path / "ablage" / sha[:2] / sha[2:]).read_bytes() == PDF
        assert store.read(sha) == PDF
        assert store.read("../x.sqlite") is None and store.read("0" * 64) is None
        assert not (tmp_path.parent / "evil.pdf").exists()

    def test_an_empty_file_is_refused(self, tmp_path: Path) -> None:
        with pytest.raises(InvalidInputError, match="leer"):
            DocumentFiles(tmp_path).save("leer.pdf", io.BytesIO(b""))

    @pytest.mark.parametrize(
        "documents, message",
        [
            (
                [{"name": "a.pdf", "content_type": "application/pdf", "size": 1, "sha256": "0" * 64}] * 11,
                "höchstens 10",
            ),
            ([{"name": "../a.pdf", "content_type": "application/pdf", "size": 1, "sha256": "0" * 64}], "nicht erlaubt"),
            (
                [{"name": "a\x00.pdf", "content_type": "application/pdf", "size": 1, "sha256": "0" * 64}],
                "nicht erlaubt",
            ),
            ([{"name": "a.pdf", "content_type": "application/pdf", "size": 0, "sha256": "0" * 64}], "leer"),
            ([{"name": "a.pdf", "content_type": "application/pdf", "size": 5, "sha256": "xyz"}], "Prüfsumme"),
        ],
        ids=["eleven", "path", "nul", "empty", "hash"],
    )
    def test_the_domain_checks_the_record_of_uploaded_files(
        self, member: Member, documents: list[dict[str, Any]], message: str
    ) -> None:
        grant = a_grant(member.world, "requested_docs")
        request_id = UUID(next(iter(member.office.grant(grant).open_document_requests)))
        before = member.head()

        with pytest.raises(InvalidInputError, match=message):
            member.office.receive_documents(
                grant, request_id, "", member.world.actor("dfg"), on=date(2026, 6, 14), documents=documents
            )

        assert member.head() == before
