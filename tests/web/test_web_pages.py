"""Every page, for the people who use it: what they see, in German formats, from the read models."""

from __future__ import annotations

import html
import re
from datetime import date
from typing import ClassVar

import pytest
from web_support import Desk, a_grant, a_plan, field_error, payment_of

from domain.dates import FiscalYear, FundingPeriod
from domain.money import Money
from domain.posting import PostingCoordinates

STAFF = ["officer", "approver", "finance", "auditor", "admin"]


class TestTheDashboard:
    def test_budget_bars_are_for_current_years_older_ones_are_a_link_away(self, desk: Desk) -> None:
        posting = PostingCoordinates("01.11.02", "531800", "1011000")
        admin = desk.world.actor("admin")
        for year in (2023, 2024, 2025, 2027):
            desk.office.allocate_budget(
                desk.world.programme, FiscalYear(year), Money("1000.00"), posting, "Haushalt", admin
            )
        desk.sign_in("officer")

        page = desk.get("/").text
        bars = re.findall(r"<title>IB-VEREINE (\d{4}): Budget", page)

        assert bars == ["2025", "2026", "2027"]  # last year, this year (15 June 2026) and the next
        assert 'href="/programme"' in page and "Frühere Haushaltsjahre" in page
        assert "<title>IB-VEREINE 2023" in desk.get("/programme").text

    def test_an_officer_sees_their_queues_the_budget_bars_and_the_latest_grants(self, desk: Desk) -> None:
        a_grant(desk.world)
        desk.sign_in("officer")

        page = desk.get("/").text

        assert "Ihr Arbeitskorb" in page and "Anträge zu prüfen" in page
        assert "IB-2026-0001" in page
        assert '<svg class="budget-bar"' in page and "<title>IB-VEREINE 2026: Budget 50.000,00\xa0€" in page
        assert "50.000,00\xa0€" in page
        assert "01.06.2026 – 30.09.2026" in page

    def test_the_approval_queue_never_offers_what_one_reviewed(self, desk: Desk) -> None:
        grant = a_grant(desk.world, title="Selbst geprüfte Reise")
        desk.office.review_application(grant, True, True, "ok", desk.world.actor("both"), on=date(2026, 6, 15))
        desk.sign_in("both", role=None)
        desk.post("/rolle", {"role": "approver"})
        mine = desk.get("/").text.split("Anträge und Änderungen zu bewilligen")[1].split("</section>")[0]
        desk.sign_in("approver")
        theirs = desk.get("/").text.split("Anträge und Änderungen zu bewilligen")[1].split("</section>")[0]

        assert "Selbst geprüfte Reise" not in mine and "Nichts zu tun." in mine
        assert "Selbst geprüfte Reise" in theirs

    def test_the_release_queue_never_offers_what_one_certified(self, desk: Desk) -> None:
        grant = a_grant(desk.world, "requested")
        desk.office.certify_payment(
            grant,
            __import__("uuid").UUID(payment_of(desk.world, grant)),
            desk.world.actor("both"),
            on=date(2026, 6, 15),
        )
        desk.sign_in("both")
        desk.post("/rolle", {"role": "approver"})
        mine = desk.get("/").text.split("Zahlungen freizugeben")[1].split("</section>")[0]
        desk.sign_in("finance")
        theirs = desk.get("/").text.split("Zahlungen freizugeben")[1].split("</section>")[0]

        assert "IB-2026-0001" not in mine
        assert "IB-2026-0001" in theirs and "#form-freigeben-" in theirs

    def test_overdue_proofs_and_open_claims_are_listed(self, desk: Desk) -> None:
        w, office = desk.world, desk.world.office
        office.allocate_budget(
            w.programme,
            FiscalYear(2025),
            Money("30000.00"),
            PostingCoordinates("01.11.02", "531800", "1011000"),
            "Haushalt 2025",
            w.actor("admin"),
        )
        late = office.apply_for_grant(
            w.programme,
            w.leeds,
            "Längst vorbei",
            "Reise 2025",
            "Leeds",
            FundingPeriod(date(2025, 6, 1), date(2025, 9, 30)),
            "deficit",
            a_plan(),
            w.actor("officer"),
            file_number="IB-2025-0007",
            on=date(2025, 5, 4),
        )
        office.review_application(late, True, True, "ok", w.actor("officer"), on=date(2025, 5, 5))
        office.approve_grant(late, Money("4000.00"), w.actor("approver"), on=date(2025, 5, 6))
        a_grant(w, "determined", number="IB-2026-0008", title="Mit Rückforderung")
        desk.sign_in("finance")

        page = desk.get("/").text
        overdue_part = page.split("Überfällige Nachweise")[1].split("</section>")[0]
        claims_part = page.split("Offene Rückforderungen")[1].split("</section>")[0]

        assert "Längst vorbei" in overdue_part and "fällig seit 30.03.2026" in overdue_part
        assert "Mit Rückforderung" not in overdue_part
        assert "Mit Rückforderung" in claims_part and "1.300,00\xa0€" in claims_part

    def test_an_association_member_sees_their_own_portfolio(self, desk: Desk) -> None:
        a_grant(desk.world, "approved", organisation="dfg", title="Amiens-Reise")
        a_grant(desk.world, organisation="leeds", number="IB-2026-0002", title="Leeds-Reise")
        desk.sign_in("dfg")

        page = desk.get("/").text

        assert "Deutsch-Französische Gesellschaft Dortmund e.V." in page
        assert "Amiens-Reise" in page and "Leeds-Reise" not in page
        assert "Verwendungsnachweis einreichen" in page


class TestTheGrantList:
    def test_filters_narrow_the_list(self, desk: Desk) -> None:
        a_grant(desk.world, "approved", organisation="dfg", number="IB-2026-0001", title="Amiens-Reise")
        a_grant(desk.world, organisation="leeds", number="IB-2026-0002", title="Leeds-Reise")
        desk.sign_in("officer")
        w = desk.world

        by_status = desk.get("/zuwendungen?stand=approved").text
        by_organisation = desk.get(f"/zuwendungen?organisation={w.leeds}").text
        by_programme = desk.get(f"/zuwendungen?programm={w.programme}&jahr=2026&partnerstadt=Amiens").text
        by_search = desk.get("/zuwendungen?suche=leeds").text
        other_year = desk.get("/zuwendungen?jahr=2025").text

        assert "Amiens-Reise" in by_status and "Leeds-Reise" not in by_status
        assert "Leeds-Reise" in by_organisation and "Amiens-Reise" not in by_organisation
        assert "Amiens-Reise" in by_programme and "Leeds-Reise" in by_programme  # both name Amiens
        assert "Leeds-Reise" in by_search and "Amiens-Reise" not in by_search
        assert "Keine Zuwendung passt zu diesen Filtern." in other_year

    def test_the_overdue_filter_shows_grants_with_a_deadline_passed(self, desk: Desk) -> None:
        late = a_grant(desk.world, number="IB-2026-0001", title="Verspätete Unterlagen")
        desk.office.request_documents(
            late, "Kostenplan", date(2026, 6, 1), desk.world.actor("officer"), on=date(2026, 5, 20)
        )
        a_grant(desk.world, number="IB-2026-0002", title="Pünktlich")
        desk.sign_in("officer")

        page = desk.get("/zuwendungen?ueberfaellig=ja").text

        assert "Verspätete Unterlagen" in page and "Pünktlich" not in page
        assert "(überfällig)" in page

    def test_the_list_is_paginated(self, desk: Desk) -> None:
        for n in range(30):
            a_grant(desk.world, number=f"IB-2026-{n:04d}", title=f"Vorhaben {n:02d}")
        desk.sign_in("officer")

        first = desk.get("/zuwendungen?stand=applied").text
        [onward] = re.findall(r'href="(\?[^"]*)" rel="next"', first)
        second = desk.get("/zuwendungen" + html.unescape(onward)).text
        [back] = re.findall(r'href="(\?[^"]*)" rel="prev"', second)
        again = desk.get("/zuwendungen" + html.unescape(back)).text
        old_link = desk.get("/zuwendungen?stand=applied&seite=2").text

        assert "30 Treffer" in first and "Seite 1 von 2" in first and 'rel="prev"' not in first
        assert onward == "?stand=applied&amp;seite=2&amp;nach=2026-05-04_IB-2026-0024"  # the last row's key
        assert "Seite 2 von 2" in second and 'rel="next"' not in second
        assert back == "?stand=applied"
        numbers = [re.findall(r">(IB-2026-\d{4})</a>", page) for page in (first, second)]
        assert numbers[0] + numbers[1] == [f"IB-2026-{n:04d}" for n in range(30)]  # each once, in order
        assert re.findall(r">(IB-2026-\d{4})</a>", again) == numbers[0]
        assert re.findall(r">(IB-2026-\d{4})</a>", old_link) == numbers[1]  # an old link by number still works

    def test_a_member_cannot_search_other_organisations(self, desk: Desk) -> None:
        a_grant(desk.world, organisation="dfg", number="IB-2026-0001", title="Amiens-Reise")
        a_grant(desk.world, organisation="leeds", number="IB-2026-0002", title="Leeds-Reise")
        desk.sign_in("dfg")

        own = desk.get("/zuwendungen").text
        searched = desk.get("/zuwendungen?verein=Leeds").text
        chosen = desk.get(f"/zuwendungen?organisation={desk.world.leeds}").text

        assert 'name="verein"' not in own and "Amiens-Reise" in own
        assert "Amiens-Reise" in searched and "Leeds-Reise" not in searched
        assert "Leeds-Reise" not in chosen and "Amiens-Reise" in chosen

    def test_staff_find_an_organisation_by_part_of_its_name(self, desk: Desk) -> None:
        a_grant(desk.world, organisation="dfg", number="IB-2026-0001", title="Amiens-Reise")
        a_grant(desk.world, organisation="leeds", number="IB-2026-0002", title="Leeds-Reise")
        desk.sign_in("officer")

        page = desk.get("/zuwendungen?verein=leeds").text
        chosen = desk.get(f"/zuwendungen?organisation={desk.world.leeds}").text

        assert 'name="verein"' in page and '<select id="f-organisation"' not in page
        assert "Leeds-Reise" in page and "Amiens-Reise" not in page
        assert "Leeds-Reise" in chosen and "Amiens-Reise" not in chosen
        assert "gewählt:" in chosen and f'name="organisation" value="{desk.world.leeds}"' in chosen

    def test_nonsense_in_the_query_string_is_ignored(self, desk: Desk) -> None:
        a_grant(desk.world)
        desk.sign_in("officer")

        page = desk.get("/zuwendungen?seite=kaputt&jahr=abc&programm=nix&stand=<b>&suche=%25")

        assert page.status_code == 200


class TestTheGrantPage:
    def test_it_shows_terms_plan_against_actuals_payments_deadlines_timeline_and_journal(self, desk: Desk) -> None:
        grant = a_grant(desk.world, "booked")
        desk.office.report_expense(
            grant, "travel", date(2026, 6, 12), "Bus", "Bus", Money("3300.00"), "B-1", desk.world.actor("dfg")
        )
        desk.sign_in("officer")

        page = desk.get(f"/zuwendungen/{grant}").text

        assert "Fehlbedarfsfinanzierung" in page and "4.000,00\xa0€" in page
        assert "3.300,00\xa0€" in page and "3.600,00\xa0€" in page  # spent, and the 20 % tolerance
        assert '<tr class="over">' in page
        assert "Auszahlung über 1.500,00 € freigegeben" in page
        assert "Ausgezahlt" in page and "Wertstellung" in page
        assert "Verwendungsnachweis" in page and "30.03.2027" in page  # six months after the period
        assert "Sven Sachbearbeiter" in page and "(Sachbearbeitung)" in page
        assert 'id="ereignis-' in page and 'href="#ereignis-' in page
        assert "Gebundene Mittel, nicht abgerufen" in page

    def test_every_money_figure_of_the_timeline_links_to_journal_lines_that_exist(self, desk: Desk) -> None:
        grant = a_grant(desk.world, "determined")
        desk.sign_in("auditor")

        page = desk.get(f"/zuwendungen/{grant}").text

        links = set(__import__("re").findall(r'href="#(ereignis-\d+)"', page))
        anchors = set(__import__("re").findall(r'id="(ereignis-\d+)"', page))
        assert links and links <= anchors


class TestProgrammes:
    def test_the_list_shows_posting_coordinates_and_bars(self, desk: Desk) -> None:
        a_grant(desk.world, "approved")
        desk.sign_in("finance")

        page = desk.get("/programme").text

        assert "01.11.02 / 531800 / 1011000" in page
        assert "46.000,00\xa0€" in page and '<svg class="budget-bar"' in page

    def test_the_detail_shows_balances_rules_and_balances_as_of_a_date(self, desk: Desk) -> None:
        a_grant(desk.world, "booked")
        desk.sign_in("auditor")
        w = desk.world

        today = desk.get(f"/programme/{w.programme}").text
        before_payout = desk.get(f"/programme/{w.programme}?stichtag=2026-06-11").text
        after_payout = desk.get(f"/programme/{w.programme}?stichtag=12.06.2026").text
        nonsense = desk.get(f"/programme/{w.programme}?stichtag=gestern")

        assert "NRW-kommunal-2026" in today and "2 Monate" in today and "Fehlbedarfsfinanzierung" in today
        assert "P2M" not in today  # durations in words
        table = before_payout.split("Stand am")[1]
        assert "11.06.2026" in table and "1.500,00\xa0€" in table  # requested, not yet paid
        assert "Stand am 12.06.2026" in after_payout
        assert nonsense.status_code == 200 and "ist kein Datum" in nonsense.text

    def test_an_admin_opens_a_programme(self, desk: Desk) -> None:
        desk.sign_in("admin")
        assert desk.get("/programme/neu").status_code == 200

        answer = desk.post(
            "/programme/neu",
            {
                "code": "azubi-ausland",
                "title": "Auslandsaufenthalte für Auszubildende",
                "funding_source": "city",
                "rule_set": "nrw",
                "fiscal_year": "2026",
                "amount": "18.000,00",
                "product": "01.11.02",
                "account": "531800",
                "cost_centre": "1011000",
            },
        )

        assert answer.status_code == 303
        assert desk.office.programme_by_code("AZUBI-AUSLAND").budget(FiscalYear(2026)) == Money("18000.00")

    def test_a_bad_programme_code_is_refused_next_to_the_code(self, desk: Desk) -> None:
        desk.sign_in("admin")
        before = desk.head()

        answer = desk.post(
            "/programme/neu",
            {
                "code": "x",
                "title": "T",
                "funding_source": "city",
                "rule_set": "nrw",
                "fiscal_year": "2026",
                "amount": "18.000,00",
                "product": "01.11.02",
                "account": "531800",
                "cost_centre": "1011000",
            },
        )

        assert answer.status_code == 400
        assert "Programmkürzel" in field_error(answer.text, "neu-code")
        assert desk.head() == before

    def test_finance_amends_a_budget_with_a_reason(self, desk: Desk) -> None:
        desk.sign_in("finance")

        answer = desk.post(
            f"/programme/{desk.world.programme}/budget-aendern",
            {"fiscal_year": "2026", "amount": "55.000,00", "reason": "Nachtragshaushalt"},
        )

        assert answer.status_code == 303
        assert desk.office.programme(desk.world.programme).budget(FiscalYear(2026)) == Money("55000.00")

    def test_a_budget_below_what_is_committed_is_refused(self, desk: Desk) -> None:
        a_grant(desk.world, "approved")
        desk.sign_in("finance")
        before = desk.head()

        answer = desk.post(
            f"/programme/{desk.world.programme}/budget-aendern",
            {"fiscal_year": "2026", "amount": "3.000,00", "reason": "Kürzung"},
        )

        assert answer.status_code == 409
        assert "kann nicht unter die gebundenen Mittel (4.000,00 €) sinken" in field_error(
            answer.text, "form-budget-aendern-amount"
        )
        assert desk.head() == before

    def test_a_budget_for_another_year_and_closing(self, desk: Desk) -> None:
        desk.sign_in("admin")
        w = desk.world

        allocated = desk.post(
            f"/programme/{w.programme}/budget-bereitstellen",
            {
                "fiscal_year": "2027",
                "amount": "40.000,00",
                "product": "01.11.02",
                "account": "531800",
                "cost_centre": "1011000",
                "reason": "Haushalt 2027",
            },
        )
        closed = desk.post(f"/programme/{w.programme}/schliessen", {"reason": "Programm endet"})

        assert allocated.status_code == 303 and closed.status_code == 303
        programme = desk.office.programme(w.programme)
        assert programme.budget(FiscalYear(2027)) == Money("40000.00") and programme.closed

    def test_officers_may_not_change_budgets(self, desk: Desk) -> None:
        desk.sign_in("officer")
        before = desk.head()

        answer = desk.post(
            f"/programme/{desk.world.programme}/budget-aendern",
            {"fiscal_year": "2026", "amount": "55.000,00", "reason": "mehr"},
        )

        assert answer.status_code == 403
        assert desk.get("/programme/neu").status_code == 403
        assert desk.head() == before


class TestOrganisations:
    def test_the_list_and_the_page_show_grants_and_bank_details(self, desk: Desk) -> None:
        a_grant(desk.world, "booked")
        desk.sign_in("officer")

        listing = desk.get("/organisationen?suche=französ").text
        page = desk.get(f"/organisationen/{desk.world.dfg}").text

        assert "Deutsch-Französische Gesellschaft" in listing and "Leeds" not in listing
        assert "DE89370400440532013000" in page and "IB-2026-0001" in page and "Kampstr. 1" in page

    def test_an_officer_registers_an_organisation(self, desk: Desk) -> None:
        desk.sign_in("officer")

        answer = desk.post(
            "/organisationen/neu",
            {
                "name": "Städtepartnerschaftsverein Dortmund–Novi Sad e.V.",
                "legal_form": "e.V.",
                "register_number": "VR 9999",
                "street": "Südwall 2",
                "postcode": "44137",
                "city": "Dortmund",
                "country": "DE",
                "iban": "DE02 1203 0000 0000 2020 51",
            },
        )

        assert answer.status_code == 303
        assert "Novi Sad" in desk.get(answer.headers["location"]).text

    def test_a_wrong_iban_is_refused_next_to_the_iban_and_nothing_is_recorded(self, desk: Desk) -> None:
        desk.sign_in("officer")
        before = desk.head()

        answer = desk.post(
            "/organisationen/neu",
            {
                "name": "Verein mit Tippfehler e.V.",
                "legal_form": "e.V.",
                "register_number": "VR 1",
                "street": "Südwall 2",
                "postcode": "44137",
                "city": "Dortmund",
                "country": "DE",
                "iban": "DE89370400440532013001",
            },
        )

        assert answer.status_code == 400
        assert "keine gültige IBAN: die Prüfziffer stimmt nicht." in field_error(answer.text, "neu-iban")
        assert 'value="Verein mit Tippfehler e.V."' in answer.text
        assert desk.head() == before

    def test_the_bank_account_and_address_are_changed(self, desk: Desk) -> None:
        desk.sign_in("officer")
        w = desk.world

        bank = desk.post(
            f"/organisationen/{w.dfg}/bankverbindung", {"iban": "DE02370502990000684712", "reason": "Neue Hausbank"}
        )
        where = desk.post(
            f"/organisationen/{w.dfg}/anschrift",
            {"street": "Hansastr. 7", "postcode": "44137", "city": "Dortmund", "country": "DE"},
        )
        bad = desk.post(
            f"/organisationen/{w.dfg}/anschrift",
            {"street": "Hansastr. 7", "postcode": "!", "city": "Dortmund", "country": "DE"},
        )

        assert bank.status_code == 303 and where.status_code == 303
        assert desk.office.organisation(w.dfg).iban == "DE02370502990000684712"
        assert bad.status_code == 400 and "keine Postleitzahl" in field_error(bad.text, "form-anschrift-postcode")

    def test_finance_may_not_change_an_organisation(self, desk: Desk) -> None:
        desk.sign_in("finance")
        before = desk.head()

        answer = desk.post(
            f"/organisationen/{desk.world.dfg}/bankverbindung", {"iban": "DE02370502990000684712", "reason": "x y z"}
        )

        assert answer.status_code == 403
        assert desk.head() == before


class TestProjectsFinanceAndAudit:
    def test_project_spending_by_city_sdg_and_line(self, desk: Desk) -> None:
        w = desk.world
        project = desk.office.start_project(
            "FAIRE-SCHOKOLADE",
            "Faire Stadtschokolade",
            "Schokolade mit Kumasi",
            "Kumasi",
            [12, 17],
            FundingPeriod(date(2026, 1, 1), date(2026, 12, 31)),
            ["Material", "Reisen"],
            w.actor("officer"),
        )
        desk.office.draw_project_budget(
            project, w.programme, FiscalYear(2026), Money("5000.00"), "Start", w.actor("approver")
        )
        desk.office.record_project_expenditure(
            project, date(2026, 3, 1), "Druckerei", "Flyer", "Material", Money("750.00"), "R-1", w.actor("officer")
        )
        desk.sign_in("officer")

        listing = desk.get("/projekte").text
        page = desk.get(f"/projekte/{project}").text

        assert "Faire Stadtschokolade" in listing and "SDG 12" in listing and "Kumasi" in listing
        assert "5.000,00\xa0€" in page, "the budget drawn from the programme"
        assert "750,00\xa0€" in page and "Material" in page and "01.03.2026" in page, "the expenditure and its line"

    def test_finance_sees_the_release_and_booking_queues(self, desk: Desk) -> None:
        a_grant(desk.world, "certified", number="IB-2026-0001", title="Festgestellt")
        a_grant(desk.world, "released", number="IB-2026-0002", title="Freigegeben")  # released by Kai (finance)
        desk.sign_in("finance")
        page = desk.get("/kaemmerei").text
        desk.sign_in("cashier")
        for_the_cash_office = desk.get("/kaemmerei").text

        release = page.split('id="freigabe"')[1].split("</section>")[0]
        book = page.split('id="buchung"')[1].split("</section>")[0]
        assert "IB-2026-0001" in release and "IB-2026-0002" not in release
        assert "IB-2026-0002" not in book, "who released a payment never books it (§ 31 (3) KomHVO NRW)"
        assert "IB-2026-0002" in for_the_cash_office.split('id="buchung"')[1].split("</section>")[0]

    def test_the_audit_page_shows_the_chain_head_and_the_verify_result(self, desk: Desk) -> None:
        a_grant(desk.world, "determined")
        desk.sign_in("auditor")
        before = desk.head()

        first = desk.get("/pruefung").text
        checked = desk.get("/pruefung?pruefen=1").text

        assert "Prüfsumme der Kette (SHA-256)" in first and f"Nr. {before}" in first
        assert "Geprüft: Die Siegelkette ist unversehrt" in checked
        assert desk.head() == before


class TestLanguageAndHeaders:
    def test_english_is_selectable_and_german_stays_the_default(self, desk: Desk) -> None:
        grant = a_grant(desk.world)
        desk.sign_in("officer")
        german = desk.get(f"/zuwendungen/{grant}").text

        desk.post("/sprache", {"language": "en", "next": f"/zuwendungen/{grant}"})
        english = desk.get(f"/zuwendungen/{grant}").text

        assert "Was jetzt zu tun ist" in german and '<html lang="de">' in german
        assert "What to do now" in english and '<html lang="en">' in english
        assert "Review application" in english

    @pytest.mark.parametrize("who", STAFF)
    def test_every_staff_page_answers_with_the_security_headers(self, desk: Desk, who: str) -> None:
        grant = a_grant(desk.world, "determined")
        desk.sign_in(who)
        pages = [
            "/",
            "/zuwendungen",
            f"/zuwendungen/{grant}",
            "/programme",
            f"/programme/{desk.world.programme}",
            "/organisationen",
            f"/organisationen/{desk.world.dfg}",
            "/projekte",
            "/pruefung",
        ]

        for path in pages:
            answer = desk.get(path)
            assert answer.status_code == 200, path
            assert "script-src 'self'" in answer.headers["content-security-policy"]
            assert "<script" not in answer.text and " style=" not in answer.text, path
            assert answer.headers["x-frame-options"] == "DENY"


class TestDownloads:
    def test_finance_downloads_the_workbook_for_a_year_and_opens_it(self, desk: Desk) -> None:
        import io

        import openpyxl

        a_grant(desk.world, "booked")
        desk.sign_in("finance")
        page = desk.get("/kaemmerei").text
        assert 'action="/kaemmerei/download/finanzen"' in page

        answer = desk.get("/kaemmerei/download/finanzen?jahr=2026&programm=IB-VEREINE")

        assert answer.status_code == 200
        assert "foerderbuch-finanzen-IB-VEREINE-2026.xlsx" in answer.headers["content-disposition"]
        workbook = openpyxl.load_workbook(io.BytesIO(answer.content))
        assert len(workbook.sheetnames) >= 3

    @pytest.mark.parametrize("slug", ["tabellen", "360giving", "360giving-xlsx"])
    def test_the_other_downloads_answer_with_a_file(self, desk: Desk, slug: str) -> None:
        a_grant(desk.world, "booked")
        desk.sign_in("auditor")

        answer = desk.get(f"/kaemmerei/download/{slug}")

        assert answer.status_code == 200 and answer.content
        assert "attachment" in answer.headers["content-disposition"]

    def test_the_proof_of_use_workbook_of_one_grant(self, desk: Desk) -> None:
        a_grant(desk.world, "proof")
        desk.sign_in("finance")

        found = desk.get("/kaemmerei/download/verwendungsnachweis?aktenzeichen=IB-2026-0001")
        missing = desk.get("/kaemmerei/download/verwendungsnachweis?aktenzeichen=IB-1999-9999")

        assert (
            found.status_code == 200 and "verwendungsnachweis-IB-2026-0001.xlsx" in found.headers["content-disposition"]
        )
        assert missing.status_code == 400 and "IB-1999-9999" in missing.text

    def test_officers_and_associations_get_no_downloads(self, desk: Desk) -> None:
        desk.sign_in("officer")
        assert desk.get("/kaemmerei/download/finanzen").status_code == 403
        desk.sign_in("dfg")
        assert desk.get("/kaemmerei/download/finanzen").status_code == 403


class TestEnteringAnApplication:
    FORM: ClassVar[dict[str, str]] = {
        "title": "Chorfahrt nach Zwickau",
        "partner_city": "Zwickau",
        "purpose": "Zwei Konzerte",
        "period_start": "2026-07-01",
        "period_end": "2026-07-31",
        "financing_type": "deficit",
        "line_1_label": "Busreise",
        "line_1_amount": "2.000,00",
        "line_2_label": "Unterkunft",
        "line_2_amount": "1.000,00",
        "own_funds": "500,00",
        "third_party_funds": "0,00",
        "income": "0,00",
        "grant": "2.500,00",
        "on": "2026-06-15",
    }

    def test_an_officer_enters_an_application_that_came_by_post(self, desk: Desk) -> None:
        desk.sign_in("officer")
        assert desk.get("/zuwendungen/neu").status_code == 200

        answer = desk.post(
            "/zuwendungen/neu",
            {**self.FORM, "programme_id": str(desk.world.programme), "organisation_id": str(desk.world.leeds)},
        )

        assert answer.status_code == 303
        page = desk.get(answer.headers["location"]).text
        assert "Chorfahrt nach Zwickau" in page and "Antrag eingegangen" in page and "Busreise" in page

    def test_a_plan_that_does_not_balance_is_refused_on_the_grant_with_everything_kept(self, desk: Desk) -> None:
        desk.sign_in("dfg")
        before = desk.head()

        answer = desk.post(
            "/zuwendungen/neu",
            {
                **self.FORM,
                "grant": "2.400,00",
                "programme_id": str(desk.world.programme),
                "organisation_id": str(desk.world.dfg),
            },
        )

        assert answer.status_code == 400
        assert "nicht ausgeglichen" in field_error(answer.text, "antrag-grant") and "Differenz 100,00 €" in answer.text
        assert 'value="Chorfahrt nach Zwickau"' in answer.text
        assert desk.head() == before

    def test_an_association_cannot_apply_for_another_organisation(self, desk: Desk) -> None:
        desk.sign_in("dfg")
        before = desk.head()

        answer = desk.post(
            "/zuwendungen/neu",
            {**self.FORM, "programme_id": str(desk.world.programme), "organisation_id": str(desk.world.leeds)},
        )

        assert answer.status_code == 403
        assert "Sie können nur für Ihren eigenen Verein handeln." in answer.text
        assert desk.head() == before
        assert str(desk.world.leeds) not in desk.get("/zuwendungen/neu").text

    def test_the_recipient_is_found_by_name_not_picked_from_every_organisation(self, desk: Desk) -> None:
        desk.sign_in("officer")

        found = desk.get("/zuwendungen/neu?verein=leeds").text
        linked = desk.get(f"/zuwendungen/neu?organisation={desk.world.dfg}&verein=leeds").text
        refused = desk.post("/zuwendungen/neu", {**self.FORM, "grant": "1,00", "organisation_id": str(desk.world.dfg)})

        assert 'name="verein"' in found
        assert str(desk.world.leeds) in found and str(desk.world.dfg) not in found
        assert str(desk.world.dfg) in linked and str(desk.world.leeds) in linked
        assert refused.status_code == 400 and f'value="{desk.world.dfg}" selected' in refused.text

    def test_a_member_is_offered_only_their_own_organisation(self, desk: Desk) -> None:
        desk.sign_in("dfg")

        page = desk.get(f"/zuwendungen/neu?verein=leeds&organisation={desk.world.leeds}").text

        assert 'name="verein"' not in page
        assert str(desk.world.dfg) in page and str(desk.world.leeds) not in page

    def test_finance_does_not_enter_applications(self, desk: Desk) -> None:
        desk.sign_in("finance")

        assert desk.get("/zuwendungen/neu").status_code == 403
