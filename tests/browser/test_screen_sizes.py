"""The pages an office works in all day, measured in Chromium at 1366×768 (office desktop) and 390×844
(phone): no page scrolls sideways, the phone header stays small, the application form adds up while
typing. Screenshots of every page at both sizes go to test-output/screenshots."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from browser_support import PASSWORD, Office, Screenshots
from test_browser_flow import sign_in

from domain.actors import Actor, Role
from domain.foreign import ForeignAmount
from domain.money import Money

MEMBER = "kasse@dfg-dortmund.example"
SIZES = {"desktop": (1366, 768), "phone": (390, 844)}
# The elements that stick out on the right, for the failure message.
WIDE = """() => { const w = document.documentElement.clientWidth; const out = [];
 for (const el of document.querySelectorAll('body *')) { const r = el.getBoundingClientRect();
   if (r.right > w + 0.5 && r.width > 0) {
     out.push(el.tagName + '.' + el.className + '#' + el.id + ' ' + Math.round(r.left) + '-' + Math.round(r.right));
   } }
 return out.slice(0, 15); }"""

OVERFLOW = "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"


def _approved_with_receipts(live: Office) -> None:
    """The browser office's application approved, 1.500,00 € paid, two receipts (one in pounds)."""
    office, users = live.services.office, live.users
    officer = office.actor_for(users["officer"], Role.OFFICER)
    approver = office.actor_for(users["approver"], Role.APPROVER)
    finance = office.actor_for(users["finance"], Role.FINANCE)
    cashier = office.actor_for(users["cashier"], Role.CASHIER)
    organisation = office.grant(live.grant).organisation_id
    member_id = office.register_user(MEMBER, "Claire Dubois", Role.ASSOCIATION, Actor.system(), organisation)
    office.add_portal_member(organisation, member_id, Actor.system())
    live.services.credentials.set_password(member_id, PASSWORD)
    member = office.actor_for(member_id, Role.ASSOCIATION)
    office.review_application(live.grant, True, True, "förderfähig", officer, on=date(2026, 5, 11))
    office.approve_grant(live.grant, Money("4000.00"), approver, on=date(2026, 5, 18))
    payment = office.request_payment(
        live.grant,
        [{"due": date(2026, 6, 20), "amount": Money("1500.00"), "description": "Busreise"}],
        "Abschlag",
        member,
        on=date(2026, 6, 10),
    )
    office.certify_payment(live.grant, payment, officer, on=date(2026, 6, 11))
    office.release_payment(live.grant, payment, finance, on=date(2026, 6, 12))
    office.book_payment(live.grant, payment, date(2026, 6, 12), cashier)
    office.report_expense(
        live.grant, "travel", date(2026, 6, 12), "Busreisen Ruhr", "Anzahlung", Money("1200.00"), "B-1", member
    )
    office.report_expense(
        live.grant,
        "stay",
        date(2026, 6, 13),
        "Hostel Amiens",
        "Zimmer",
        ForeignAmount.convert("GBP", Decimal("95.00"), Decimal("0.8650"), date(2026, 6, 12)),
        "B-2",
        member,
    )


def _member_signs_in(page: Any, live: Office) -> None:
    page.goto(f"{live.base_url}/anmelden")
    page.get_by_label("E-Mail-Adresse").fill(MEMBER)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(f"{live.base_url}/portal/")


def _fits(page: Any, name: str, screenshots: Screenshots, size: str) -> None:
    screenshots.take(page, f"screens-{name}-{size}.png", full_page=True)
    scroll, client = page.evaluate(OVERFLOW)
    assert scroll <= client, f"{name} at {size}: {scroll} px wide in a {client} px window {page.evaluate(WIDE)}"


@pytest.mark.parametrize("size", SIZES)
def test_the_portal_fits_the_screen_and_adds_up_while_typing(
    live: Office, browser: Any, screenshots: Screenshots, size: str
) -> None:
    _approved_with_receipts(live)
    width, height = SIZES[size]
    page = browser.new_page(viewport={"width": width, "height": height}, locale="de-DE")
    _member_signs_in(page, live)

    _fits(page, "portal-start", screenshots, size)
    header = page.evaluate("() => document.querySelector('header.site').getBoundingClientRect().height")
    if size == "desktop":
        assert not page.get_by_role("button", name="Menü").is_visible()
    if size == "phone":
        assert header <= 0.15 * height, f"the header takes {header} px of {height}"
        page.get_by_role("button", name="Menü").click()
        assert page.get_by_role("link", name="Neuigkeiten").is_visible()

    page.goto(f"{live.base_url}/portal/zuwendungen/{live.grant}")
    _fits(page, "portal-grant", screenshots, size)
    main = page.locator("main").inner_text()
    assert "95,00 GBP, Kurs 0,8650" in main and "Reisekosten" in main

    page.goto(f"{live.base_url}/portal/antrag")
    form_width = page.evaluate("() => document.querySelector('#antrag-formular').getBoundingClientRect().right")
    assert form_width <= width
    page.locator("#antrag-line_1_amount").fill("3.000,00")
    page.locator("#antrag-line_2_amount").fill("2.000,00")
    page.locator("#antrag-own_funds").fill("1.000,00")
    page.locator("#antrag-grant").fill("3.500,00")
    assert page.locator("#summe-kosten").inner_text() == "5.000,00 €"
    assert page.locator("#summe-differenz").inner_text() == "500,00 € fehlen in der Finanzierung"
    page.locator("#antrag-income").fill("500,00")
    assert page.locator("#summe-differenz").inner_text() == "0,00 € – ausgeglichen"
    _fits(page, "portal-apply", screenshots, size)


@pytest.mark.parametrize("size", SIZES)
def test_the_staff_pages_fit_the_screen(live: Office, browser: Any, screenshots: Screenshots, size: str) -> None:
    _approved_with_receipts(live)
    width, height = SIZES[size]
    page = browser.new_page(viewport={"width": width, "height": height}, locale="de-DE")
    sign_in(page, live, "officer")

    page.goto(f"{live.base_url}/zuwendungen")
    _fits(page, "staff-grants", screenshots, size)
    if size == "desktop":
        for column in ("Bewilligt", "Ausgezahlt"):
            header = page.locator("table thead th", has_text=column).first
            box = header.bounding_box()
            assert box is not None and box["x"] + box["width"] <= width, f"{column} is off-screen"

    page.goto(f"{live.base_url}/zuwendungen/{live.grant}")
    _fits(page, "staff-grant", screenshots, size)
