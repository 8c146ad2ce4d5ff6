"""An association applies in the portal, the office approves, the association sees "Bewilligt" and
asks for money — in a real browser, as the people involved would do it."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from browser_support import PASSWORD, Office, Screenshots
from test_browser_flow import sign_in, sign_out

from domain.actors import Actor, Role
from domain.money import Money

MEMBER = "vorstand@dfg-dortmund.example"


def _register_member(live: Office) -> None:
    office = live.services.office
    organisation = office.grant(live.grant).organisation_id
    member = office.register_user(
        MEMBER, "Claire Dubois", Role.ASSOCIATION, Actor.system(), organisation_id=organisation
    )
    live.services.credentials.set_password(member, PASSWORD)


def _member_signs_in(page: Any, live: Office) -> None:
    page.goto(f"{live.base_url}/anmelden")
    page.get_by_label("E-Mail-Adresse").fill(MEMBER)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(f"{live.base_url}/portal/")


def test_a_member_applies_the_office_approves_and_the_member_requests_money(
    live: Office, browser: Any, screenshots: Screenshots
) -> None:
    _register_member(live)
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="de-DE")

    # The association applies with its financing plan.
    _member_signs_in(page, live)
    page.get_by_role("link", name="Neuen Antrag stellen").click()
    page.locator("#antrag-programme_id").select_option(label="Förderung internationaler Vereinsarbeit")
    page.locator("#antrag-title").fill("Chorfahrt nach Amiens")
    page.locator("#antrag-partner_city").select_option("Amiens")
    page.locator("#antrag-purpose").fill("Konzertreise des Jugendchors mit zwei Konzerten in Amiens")
    page.locator("#antrag-period_start").fill("2026-06-01")
    page.locator("#antrag-period_end").fill("2026-08-31")
    page.locator("#antrag-financing_type").select_option("deficit")
    page.locator("#antrag-line_1_label").fill("Busreise")
    page.locator("#antrag-line_1_amount").fill("3.000,00")
    page.locator("#antrag-line_2_label").fill("Unterkunft")
    page.locator("#antrag-line_2_amount").fill("2.000,00")
    page.locator("#antrag-own_funds").fill("1.000,00")
    page.locator("#antrag-income").fill("500,00")
    page.locator("#antrag-grant").fill("3.500,00")
    page.get_by_role("button", name="Antrag absenden").click()
    page.wait_for_selector("text=Antrag eingegangen")
    grant_url = page.url
    assert "/portal/zuwendungen/" in grant_url
    sign_out(page)

    # The office reviews and approves it (two different people).
    sign_in(page, live, "officer")
    page.locator("section.queue", has_text="Anträge zu prüfen").get_by_role(
        "link", name="Chorfahrt nach Amiens"
    ).click()
    page.locator("#form-pruefen-notes").fill("Vollständig, Fehlbedarf plausibel.")
    page.get_by_role("button", name="Prüfung vermerken").click()
    page.wait_for_selector("text=Die Prüfung ist vermerkt.")
    sign_out(page)
    sign_in(page, live, "approver")
    page.locator("section.queue", has_text="zu bewilligen").get_by_role("link", name="Chorfahrt nach Amiens").click()
    page.get_by_role("button", name="Bewilligen und Mittel binden").click()
    page.wait_for_selector("text=Die Zuwendung ist bewilligt")
    sign_out(page)

    # The member sees "Bewilligt" and asks for the first instalment.
    _member_signs_in(page, live)
    page.goto(grant_url)
    assert "Bewilligt" in page.locator("main").inner_text()
    page.locator("details", has_text="Geld abrufen").locator("summary").first.click()
    form = page.locator("form", has=page.get_by_role("button", name="Abruf absenden"))
    form.get_by_label("Betrag in Euro").first.fill("1.500,00")
    form.get_by_label("Wann müssen Sie bezahlen?").first.fill("2026-07-01")
    form.get_by_label("Wofür?").first.fill("Anzahlung Busunternehmen")
    form.get_by_role("button", name="Abruf absenden").click()
    page.wait_for_selector("text=1.500,00")
    screenshots.take(page, "portal-grant.png", full_page=True)

    grant = live.services.office.grant(UUID(grant_url.rstrip("/").rsplit("/", 1)[-1]))
    assert grant.status == "approved"
    assert [(p["status"], p["amount"]) for p in grant.payments.values()] == [("requested", Money("1500.00"))]
