"""The case file in a real browser: the association sends a PDF, the officer opens it from the grant page,
the office approves, and the association reads the approval notice (the letter from the log) in the portal."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

from browser_support import PASSWORD, Office, Screenshots
from test_browser_flow import sign_in, sign_out

from domain.actors import Actor, Role

MEMBER = "vorstand@dfg-dortmund.example"
PROGRAMME_PDF = b"%PDF-1.4\n% Programm der Begegnung in Amiens\n" + b"0" * 2000 + b"\n%%EOF\n"


def _member_signs_in(page: Any, live: Office) -> None:
    page.goto(f"{live.base_url}/anmelden")
    page.get_by_label("E-Mail-Adresse").fill(MEMBER)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(f"{live.base_url}/portal/")


def test_the_officer_opens_the_uploaded_pdf_and_the_association_reads_its_approval_notice(
    live: Office, browser: Any, screenshots: Screenshots, tmp_path: Path
) -> None:
    office = live.services.office
    organisation = office.grant(live.grant).organisation_id
    member = office.register_user(MEMBER, "Claire Dubois", Role.ASSOCIATION, Actor.system(), organisation)
    live.services.credentials.set_password(member, PASSWORD)
    upload = tmp_path / "Programm Amiens.pdf"
    upload.write_bytes(PROGRAMME_PDF)
    page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True, locale="de-DE")

    # The association sends its programme as a PDF with a message.
    _member_signs_in(page, live)
    page.goto(f"{live.base_url}/portal/zuwendungen/{live.grant}")
    page.get_by_label("Ihre Nachricht an das Büro").fill("Anbei das Programm der Begegnung.")
    page.locator("#portal-nachricht-dateien").set_input_files(str(upload))
    page.get_by_role("button", name="Nachricht senden").click()
    page.wait_for_selector("text=Ihre Nachricht ist beim Büro für Internationale Beziehungen angekommen.")
    sign_out(page)

    # The officer sees the new message on the dashboard and opens the PDF from the case file.
    sign_in(page, live, "officer")
    page.locator("#neue-nachrichten").wait_for()
    page.get_by_role("link", name="Jugendbegegnung Amiens").first.click()
    with page.expect_download() as download_info:
        page.locator("section[aria-labelledby=akte]").get_by_role("link", name="Programm Amiens.pdf").click()
    download = download_info.value
    opened = tmp_path / "geoeffnet.pdf"
    download.save_as(str(opened))
    assert opened.read_bytes() == PROGRAMME_PDF and download.suggested_filename == "Programm Amiens.pdf"
    page.locator("#form-pruefen-notes").fill("Programm liegt vor; förderfähig.")
    page.get_by_role("button", name="Prüfung vermerken").click()
    page.wait_for_selector("text=Die Prüfung ist vermerkt.")
    sign_out(page)

    sign_in(page, live, "approver")
    page.goto(f"{live.base_url}/zuwendungen/{live.grant}")
    page.locator("#form-bewilligen-proof_due").fill("2026-12-15")
    page.locator("#form-bewilligen-nachricht").fill("Viel Erfolg in Amiens!")
    page.get_by_role("button", name="Bewilligen und Mittel binden").click()
    page.wait_for_selector("text=Das Schreiben ist erstellt")
    sign_out(page)

    # The association reads the approval notice in the portal.
    _member_signs_in(page, live)
    page.goto(f"{live.base_url}/portal/zuwendungen/{live.grant}")
    main = page.locator("main").inner_text()
    assert "Zuwendungsbescheid erstellt" in main and "Viel Erfolg in Amiens!" in main
    screenshots.take(page, "portal-bescheid.png", full_page=True)
    with page.expect_download() as download_info:
        page.locator("#portal-dateien").locator("..").get_by_role("link", name="zuwendungsbescheid").first.click()
    notice = tmp_path / "bescheid.pdf"
    download_info.value.save_as(str(notice))
    content = notice.read_bytes()
    assert content.startswith(b"%PDF-")
    pdftotext = shutil.which("pdftotext")
    assert pdftotext is not None, "pdftotext is needed to read the notice (apt-get install poppler-utils)"
    text = " ".join(subprocess.run([pdftotext, str(notice), "-"], capture_output=True, text=True).stdout.split())
    assert "Zuwendungsbescheid" in text and "15.12.2026" in text and "Prüfcode" in text
