"""A grant from review to payment in a real browser, by four people, as they would do it.

An officer reviews the application, an approver who did not review it approves it, the officer asks
for the first instalment (after a typing error the page points out), a second officer certifies it,
finance releases it, the Stadtkasse books it and downloads the finance workbook, which the test opens.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
from browser_support import PASSWORD, STAFF, Office, Screenshots


def sign_in(page: Any, office: Office, who: str) -> None:
    page.goto(f"{office.base_url}/anmelden")
    page.get_by_label("E-Mail-Adresse").fill(STAFF[who][0])
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(f"{office.base_url}/kaemmerei" if who == "finance" else f"{office.base_url}/")


def sign_out(page: Any) -> None:
    page.get_by_role("button", name="Abmelden").click()
    page.wait_for_url("**/anmelden")


def test_a_grant_goes_from_review_to_payment_and_finance_takes_the_workbook(
    live: Office, browser: Any, screenshots: Screenshots, tmp_path: Path
) -> None:
    page = browser.new_page(viewport={"width": 1360, "height": 900}, accept_downloads=True, locale="de-DE")
    grant_url = f"{live.base_url}/zuwendungen/{live.grant}"

    # The officer finds the application in their queue and reviews it, by keyboard.
    sign_in(page, live, "officer")
    queue = page.locator("section.queue", has_text="Anträge zu prüfen")
    queue.get_by_role("link", name="Jugendbegegnung Amiens 2026").click()
    notes = page.locator("#form-pruefen-notes")
    notes.focus()
    page.keyboard.type("Vollständig. Fehlbedarf plausibel.")
    page.keyboard.press("Tab")  # to the date, already today
    page.keyboard.press("Tab")  # to the button
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Die Prüfung ist vermerkt.")
    assert "Geprüft" in page.locator("h1").inner_text()
    sign_out(page)

    # An approver who did not review it approves it; the commitment is on the journal.
    sign_in(page, live, "approver")
    page.locator("section.queue", has_text="zu bewilligen").get_by_role(
        "link", name="Jugendbegegnung Amiens 2026"
    ).click()
    assert page.locator("#form-bewilligen-amount").input_value() == "4.000,00"
    page.get_by_role("button", name="Bewilligen und Mittel binden").click()
    page.wait_for_selector("text=Die Zuwendung ist bewilligt")
    assert "Bewilligt" in page.locator("h1").inner_text()
    assert (
        page.locator("section[aria-labelledby=buchungen]").get_by_text("Gebundene Mittel, nicht abgerufen").count() >= 1
    )
    sign_out(page)

    # The officer asks for the first instalment; a typing error comes back next to the amount.
    sign_in(page, live, "officer")
    page.goto(grant_url)
    form = page.locator("#form-mittel-abrufen")
    if form.get_attribute("open") is None:
        form.locator("summary").click()
    form.get_by_label("Betrag in Euro").fill("1.500,0x")
    form.get_by_label("Wofür wird das Geld gebraucht?").fill("Busreise nach Amiens")
    before = live.head()
    form.get_by_role("button", name="Abruf erfassen").click()
    error = page.locator("#form-mittel-abrufen-amount-fehler")
    assert "ist kein Betrag" in error.inner_text()
    assert live.head() == before
    assert page.locator("#form-mittel-abrufen-description").input_value() == "Busreise nach Amiens"
    page.locator("#form-mittel-abrufen-amount").fill("1.500,00")
    page.locator("#form-mittel-abrufen").get_by_role("button", name="Abruf erfassen").click()
    page.wait_for_selector("text=Der Mittelabruf ist erfasst")
    assert page.locator("section[aria-labelledby=zahlungen]").get_by_text("Abgerufen", exact=True).count() == 1
    sign_out(page)

    # A second officer certifies it as factually and arithmetically correct.
    sign_in(page, live, "officer2")
    page.locator("section.queue", has_text="festzustellen").get_by_role(
        "link", name="Jugendbegegnung Amiens 2026"
    ).click()
    row = page.locator("section[aria-labelledby=zahlungen] tbody tr").first
    certify = row.locator("details", has_text="Sachlich und rechnerisch richtig")
    assert certify.get_attribute("open") is not None  # the queue's link opens the task's form
    certify.get_by_role("button", name="Feststellen").click()
    page.wait_for_selector("text=Die Zahlung ist sachlich und rechnerisch festgestellt")
    sign_out(page)

    # Finance releases it (starting on the Kämmerei page); the Stadtkasse books it, then takes the workbook.
    sign_in(page, live, "finance")
    page.locator("section[aria-labelledby=freigabe]").get_by_role("link", name="IB-2026-0001").click()
    release = page.locator("section[aria-labelledby=zahlungen] tbody tr").first.locator(
        "details", has_text="Zahlung freigeben"
    )
    if release.get_attribute("open") is None:
        release.locator("summary").click()
    release.get_by_role("button", name="Freigeben").click()
    page.wait_for_selector("text=Die Zahlung ist freigegeben.")
    sign_out(page)
    sign_in(page, live, "cashier")
    page.locator("section.queue", has_text="Auszahlungen zu buchen").get_by_role(
        "link", name="Jugendbegegnung Amiens 2026"
    ).click()
    book = page.locator("section[aria-labelledby=zahlungen] tbody tr").first.locator(
        "details", has_text="Auszahlung buchen"
    )
    assert book.get_attribute("open") is not None  # the queue's link opens the task's form
    book.get_by_role("button", name="Buchen").click()
    page.wait_for_selector("text=Die Auszahlung ist gebucht.")
    assert page.locator("section[aria-labelledby=zahlungen]").get_by_text("Ausgezahlt", exact=True).count() == 1
    names = page.locator("section[aria-labelledby=zahlungen] tbody tr").first.inner_text()
    assert "Sven Sachbearbeiter" in names and "Olga Obermeier" in names and "Kai Kämmerer" in names
    screenshots.take(page, "grant-page.png", full_page=True)

    page.goto(f"{live.base_url}/")
    screenshots.take(page, "dashboard.png", full_page=True)

    page.get_by_role("link", name="Kämmerei").click()
    workbook_form = page.locator("form", has=page.locator("#download-finanzen"))
    workbook_form.get_by_label("Haushaltsjahr").select_option("2026")
    with page.expect_download() as download_info:
        workbook_form.get_by_role("button", name="Herunterladen").click()
    saved = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(saved)
    workbook = openpyxl.load_workbook(saved, read_only=True)
    cells = [
        str(c) for ws in workbook.worksheets for row in ws.iter_rows(values_only=True) for c in row if c is not None
    ]
    workbook.close()
    assert saved.name.endswith(".xlsx")
    assert any("IB-2026-0001" in c for c in cells)
    assert any("IB-VEREINE" in c for c in cells)

    assert live.services.office.grant(live.grant).paid.amount == 1500
    page.close()


def test_the_pages_work_without_a_mouse_and_show_no_script(live: Office, browser: Any) -> None:
    page = browser.new_page(viewport={"width": 1200, "height": 900}, locale="de-DE")
    sign_in(page, live, "officer")
    page.goto(f"{live.base_url}/zuwendungen")

    page.keyboard.press("Tab")  # the first stop is the skip link
    focused = page.evaluate("document.activeElement.textContent")
    page.keyboard.press("Enter")

    assert "Zum Inhalt springen" in focused
    page.wait_for_url("**#inhalt")  # Enter follows the skip link (the URL changes once the browser has moved)
    assert page.locator("script").count() == 0
    page.get_by_label("Suche").fill("Amiens")
    page.get_by_label("Suche").press("Enter")
    page.wait_for_url("**suche=Amiens**")
    assert "1 Treffer" in page.locator("main").inner_text()
    page.close()
