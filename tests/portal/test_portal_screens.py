"""The portal a volunteer treasurer understands: drafts on the start page, to-dos that open their forms,
the money at a glance with the bank account, plan against actual per cost line, German numbers."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from html import unescape

from portal_support import Member, World, a_grant, a_plan

from domain.dates import FundingPeriod
from domain.foreign import ForeignAmount
from domain.money import Money
from web.portal.todos import cost_line_names, todo


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def test_a_saved_draft_is_on_the_start_page_and_its_message_shows_once(member: Member) -> None:
    member.sign_in("dfg")
    member.post("/portal/antrag", {"title": "Chorfahrt nach Amiens", "entwurf": "1"})

    form = member.get("/portal/antrag").text
    start = member.get("/portal/").text

    assert form.count("Ihr Entwurf ist gespeichert") == 1
    assert "Ihr gespeicherter Entwurf ist eingesetzt" not in form  # one message, not two
    assert "Ihr gespeicherter Entwurf" in start and "Chorfahrt nach Amiens" in start
    assert 'href="/portal/antrag">Entwurf weiter bearbeiten' in start


def test_the_application_form_chooses_nothing_for_the_user_and_shows_the_programme_rules(member: Member) -> None:
    member.sign_in("dfg")

    page = member.get("/portal/antrag").text

    for name in ("programme_id", "partner_city"):
        select = re.search(rf'<select id="antrag-{name}"[^>]*>(.*?)</select>', page, re.S)
        assert select is not None
        first = re.search(r"<option ([^>]*)>", select.group(1))
        assert first is not None and 'value=""' in first.group(1) and "selected" in first.group(1)
        assert select.group(1).count("selected") == 1
    text = _text(page)
    assert "Förderung ab 250,00 €" in text
    assert "Eigenmittel Ihres Vereins mindestens 10 % der Kosten" in text
    assert '/static/antrag.js" defer' in page and 'id="summe-differenz"' in page


def test_an_application_without_a_partner_city_is_refused_with_what_was_typed(member: Member) -> None:
    member.sign_in("dfg")
    before = member.head()

    answer = member.post("/portal/antrag", {"title": "Chorfahrt nach Amiens", "partner_city": ""})

    assert answer.status_code == 400
    assert "Bitte eine Partnerstadt wählen." in answer.text and 'value="Chorfahrt nach Amiens"' in answer.text
    assert member.head() == before


def test_the_grant_shows_its_money_in_rows_the_bank_account_and_plan_against_actual(
    member: Member, world: World
) -> None:
    grant = a_grant(world, "booked")
    claire = world.actor("dfg")
    world.office.report_expense(
        grant, "travel", date(2026, 6, 12), "Busreisen Ruhr", "Anzahlung Bus", Money("1200.00"), "B-1", claire
    )
    world.office.report_expense(
        grant,
        "stay",
        date(2026, 6, 13),
        "Hostel Amiens",
        "Zimmer",
        ForeignAmount.convert("GBP", Decimal("1095.00"), Decimal("0.8650"), date(2026, 6, 12)),
        "B-2",
        claire,
    )
    member.sign_in("dfg")

    page = member.get(f"/portal/zuwendungen/{grant}").text
    text = _text(page)

    facts = re.search(r'<dl class="facts">(.*?)</dl>', page, re.S)
    assert facts is not None
    rows = re.findall(r"<div[^>]*>\s*<dt>(.*?)</dt>\s*<dd>(.*?)</dd>\s*</div>", facts.group(1), re.S)
    assert ("Beantragt", "4.000,00\xa0€") in [(dt, unescape(dd)) for dt, dd in rows]
    assert ("Überwiesen", "1.500,00\xa0€") in [(dt, unescape(dd)) for dt, dd in rows]
    assert ("Noch abrufbar", "2.500,00\xa0€") in [(dt, unescape(dd)) for dt, dd in rows]
    assert "IBAN DE89 3704 0044 0532 0130 00" in text
    plan = re.search(r'aria-labelledby="portal-plan-ist">(.*?)</table>', page, re.S)
    assert plan is not None
    plan_text = _text(plan.group(1))
    assert "Reisekosten 3.000,00 € 1.200,00 € 1.800,00 €" in plan_text.replace("\xa0", " ")
    assert "travel" not in plan_text and "stay" not in plan_text
    receipts = _text(re.search(r'aria-labelledby="portal-belege">(.*?)</table>', page, re.S).group(1))  # type: ignore[union-attr]
    assert "1.095,00 GBP, Kurs 0,8650" in receipts
    assert "Summe der Belege (ohne stornierte)" in receipts
    assert "Unterkunft" in receipts and " stay " not in receipts


def test_every_to_do_shown_opens_its_form_first(member: Member, world: World) -> None:
    approved = a_grant(world, "approved")
    asked = a_grant(world, "requested_docs", number="IB-2026-0002", title="Chorfahrt Amiens")
    member.sign_in("dfg")

    start = member.get("/portal/").text
    links = set(re.findall(r'href="(/portal/zuwendungen/[^"?]+\?aufgabe=[^"#]+)#portal-([a-z]+)"', start))
    for grant in (approved, asked):
        grant_page = member.get(f"/portal/zuwendungen/{grant}").text
        links |= set(re.findall(r'href="(/portal/zuwendungen/[^"?]+\?aufgabe=[^"#]+)#portal-([a-z]+)"', grant_page))

    assert {slug for _, slug in links} >= {"unterlagen", "verwendungsnachweis"}
    for url, slug in links:
        page = member.get(unescape(url)).text
        first = re.search(r'<details class="action" id="([^"]+)"( open)?>', page)
        assert first is not None and first.group(1) == f"portal-{slug}" and first.group(2) == " open", url


def test_no_proof_is_left_to_do_once_the_proof_of_use_is_in() -> None:
    today = date(2027, 2, 1)

    open_interim = todo(
        "interim", "interim-2026", "Zwischennachweis 2026 einreichen", date(2027, 4, 30), "approved", today
    )
    stale = todo(
        "interim", "interim-2026", "Zwischennachweis 2026 einreichen", date(2027, 4, 30), "proof_submitted", today
    )
    coming = todo("interim", "interim-2027", "Zwischennachweis 2027 einreichen", date(2028, 4, 30), "approved", today)

    assert open_interim is not None and open_interim.slug == "zwischennachweis"
    assert stale is None
    assert coming is not None and coming.slug is None and coming.from_day == date(2028, 1, 1)


def test_an_interim_proof_for_a_year_not_over_is_shown_as_coming_without_a_dead_link(
    member: Member, world: World
) -> None:
    office = world.office
    long = office.apply_for_grant(
        world.programme,
        world.dfg,
        "Städtepartnerschaft über den Jahreswechsel",
        "Zwei Begegnungen",
        "Amiens",
        FundingPeriod(date(2026, 6, 1), date(2027, 3, 31)),
        "deficit",
        a_plan(),
        world.actor("officer"),
        file_number="IB-2026-0003",
    )
    office.review_application(long, True, True, "förderfähig", world.actor("officer"))
    office.approve_grant(long, Money("4000.00"), world.actor("approver"))
    member.sign_in("dfg")

    text = _text(member.get(f"/portal/zuwendungen/{long}").text)

    assert "Zwischennachweis 2026 einreichen bis" in text and "möglich ab 01.01.2027" in text
    assert "aufgabe=zwischennachweis" not in member.get(f"/portal/zuwendungen/{long}").text


def test_the_association_asks_for_a_new_bank_account_and_the_office_reads_it(member: Member, world: World) -> None:
    grant = a_grant(world, "approved")
    member.sign_in("dfg")
    before = member.head()

    refused = member.post(
        f"/portal/zuwendungen/{grant}/bankverbindung", {"iban": "DE00 1234", "reason": "neue Hausbank"}
    )
    assert refused.status_code == 400 and "keine gültige IBAN" in refused.text
    assert member.head() == before

    sent = member.post(
        f"/portal/zuwendungen/{grant}/bankverbindung",
        {"iban": "DE02 3705 0299 0000 6847 12", "reason": "neue Hausbank"},
    )
    assert sent.status_code == 303
    page = _text(member.get(f"/portal/zuwendungen/{grant}").text)
    assert "Neu: IBAN DE02 3705 0299 0000 6847 12" in page
    assert world.office.organisation(world.dfg).iban == "DE89370400440532013000"  # the office changes it


def test_cuts_in_the_history_name_the_cost_lines() -> None:
    names = {"travel": "Reisekosten", "stay": "Unterkunft"}

    text = cost_line_names("Kürzungen: stay: Quittung fehlt; travel: zu teuer", names)

    assert text == "Kürzungen: Unterkunft: Quittung fehlt; Reisekosten: zu teuer"
    assert cost_line_names("Alles lief gut.", names) == "Alles lief gut."
