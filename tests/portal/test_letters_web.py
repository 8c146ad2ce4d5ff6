"""Letters on the grant page: a preview that decides nothing, the letter right after the decision, shown to
the association in the portal, its Bekanntgabe, and the check page in the workspace."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from portal_support import TODAY, Member, World, a_grant
from starlette.testclient import TestClient

from projections.case_file import CaseFile
from web.services import Services

PDFTOTEXT = shutil.which("pdftotext")
pytestmark = pytest.mark.skipif(
    PDFTOTEXT is None and os.environ.get("CI") != "true",
    reason="pdftotext (Debian's poppler-utils) is not installed",
)
APPROVAL = {
    "amount": "4.000,00",
    "financing_type": "deficit",
    "conditions": "Fotos der Begegnung",
    "proof_due": "2026-12-31",
    "on": "2026-06-15",
}


def text_of(pdf: bytes, tmp_path: Path) -> str:
    assert PDFTOTEXT is not None, "pdftotext is needed (apt-get install poppler-utils)"
    path = tmp_path / "brief.pdf"
    path.write_bytes(pdf)
    return " ".join(
        subprocess.run([PDFTOTEXT, str(path), "-"], capture_output=True, check=True, text=True).stdout.split()
    )


def reviewed(world: World) -> object:
    grant = a_grant(world, "applied")
    world.office.review_application(grant, True, True, "ok", world.actor("officer"), on=TODAY)
    return grant


def test_the_preview_shows_the_draft_letter_and_records_nothing(
    client: TestClient, world: World, tmp_path: Path
) -> None:
    grant = reviewed(world)
    member = Member(client, world)
    member.sign_in("approver")
    page = member.get(f"/zuwendungen/{grant}").text
    assert 'name="vorschau"' in page
    before = member.head()

    once = {"einmal": "vorschau-und-entscheidung-1"}  # the form's one-time token, the same for both buttons
    preview = member.post(f"/zuwendungen/{grant}/bewilligen", {**APPROVAL, **once, "vorschau": "1"})

    assert preview.status_code == 200 and preview.headers["content-type"] == "application/pdf"
    text = text_of(preview.content, tmp_path)
    assert "ENTWURF" in text and "Zuwendungsbescheid" in text and "4.000,00 €" in text and "31.12.2026" in text
    assert "Protokollposition" not in text and "SHA-256 des Ereignisses" not in text
    assert member.head() == before and world.office.grant(grant).status == "reviewed"
    refused = member.post(f"/zuwendungen/{grant}/bewilligen", {**APPROVAL, "amount": "9.000,00", "vorschau": "1"})
    assert refused.status_code == 400 and "Fehlbedarf" in refused.text  # the domain's own check, no letter
    decided = member.post(f"/zuwendungen/{grant}/bewilligen", {**APPROVAL, **once})  # after the preview
    assert decided.status_code == 303 and world.office.grant(grant).status == "approved"


def test_the_decision_makes_the_letter_the_association_reads_it_and_the_office_records_its_bekanntgabe(
    client: TestClient, world: World, services: Services, tmp_path: Path
) -> None:
    grant = reviewed(world)
    member = Member(client, world)
    member.sign_in("approver")

    decided = member.post(f"/zuwendungen/{grant}/bewilligen", APPROVAL)

    assert decided.status_code == 303
    assert "Das Schreiben ist erstellt" in member.get(f"/zuwendungen/{grant}").text
    with services.projector.db.transaction() as cursor:
        (letter,) = CaseFile.letters(cursor, grant)
    member.sign_in("dfg")
    portal = member.get(f"/portal/zuwendungen/{grant}").text
    assert "Zuwendungsbescheid erstellt" in portal and f"/dateien/{letter.sha256}" in portal
    download = member.get(f"/portal/zuwendungen/{grant}/dateien/{letter.sha256}")
    assert download.status_code == 200 and "Fotos der Begegnung" in text_of(download.content, tmp_path)
    assert "Ein Schreiben liegt für Sie im Förderportal bereit" in member.get("/portal/neuigkeiten").text

    member.sign_in("officer")
    recorded = member.post(
        f"/zuwendungen/{grant}/schreiben/bekanntgabe", {"letter_id": letter.letter_id.hex, "datum": "2026-06-15"}
    )
    assert recorded.status_code == 303
    assert world.office.grant(grant).notice_final_on.isoformat() == "2026-07-16"

    member.sign_in("auditor")
    checked = member.client.post(
        "/pruefung/schreiben",
        data={"csrf_token": member.token()},
        files=[("datei", ("bescheid.pdf", download.content, "application/pdf"))],
    )
    forged = member.client.post(
        "/pruefung/schreiben",
        data={"csrf_token": member.token()},
        files=[("datei", ("bescheid.pdf", download.content[:-40] + b"x" * 40, "application/pdf"))],
    )
    assert checked.status_code == 200 and "Echt: Zuwendungsbescheid" in checked.text
    assert forged.status_code == 200 and "keinem Schreiben im Protokoll" in forged.text
