"""The association portal: pages, forms, and that a member only ever reaches their own organisation's grants."""

from __future__ import annotations

from portal_support import Member, a_grant

from domain.money import Money

APPLY = {
    "title": "Chorfahrt nach Amiens",
    "partner_city": "Amiens",
    "purpose": "Konzertreise des Jugendchors",
    "period_start": "2026-07-01",
    "period_end": "2026-08-31",
    "financing_type": "share",
    "line_1_label": "Busreise",
    "line_1_amount": "3.000,00",
    "line_2_label": "Unterkunft",
    "line_2_amount": "2.000",
    "own_funds": "1.000,00",
    "third_party_funds": "0,00",
    "income": "500,00",
    "grant": "3.500,00",
}


def apply_form(member: Member, **changes: str) -> dict[str, str]:
    return {**APPLY, "programme_id": str(member.world.programme), **changes}


class TestPages:
    def test_the_start_page_redirects_a_member_and_lists_only_their_grants(self, member: Member) -> None:
        a_grant(member.world, "approved", title="Amiens-Reise")
        a_grant(member.world, organisation="leeds", number="IB-2026-0002", title="Leeds-Reise")
        member.sign_in("dfg")

        first = member.get("/", follow_redirects=False)
        page = member.get("/").text

        assert first.status_code == 303 and first.headers["location"] == "/portal/"
        assert "Deutsch-Französische Gesellschaft Dortmund e.V." in page
        assert "Amiens-Reise" in page and "Leeds-Reise" not in page
        assert "Bewilligt" in page and "Verwendungsnachweis" in page

    def test_the_grant_page_shows_status_amounts_deadlines_payments_and_history(self, member: Member) -> None:
        grant = a_grant(member.world, "booked")
        member.sign_in("dfg")

        page = member.get(f"/portal/zuwendungen/{grant}").text

        assert "Bewilligt" in page and "4.000,00\xa0€" in page
        assert "Überwiesen" in page and "1.500,00\xa0€" in page
        assert "Fristen" in page and "Verlauf" in page
        assert "Geld abrufen" in page and "Ausgabe melden" in page and "Verwendungsnachweis einreichen" in page
        assert "verwendungsnachweis.xlsx" in page

    def test_a_fresh_application_reads_antrag_eingegangen(self, member: Member) -> None:
        grant = a_grant(member.world)
        member.sign_in("dfg")

        page = member.get(f"/portal/zuwendungen/{grant}").text

        assert "Antrag eingegangen" in page and "Antrag zurückziehen" in page and "Geld abrufen" not in page


class TestApplying:
    def test_a_member_applies_and_lands_on_the_new_grant(self, member: Member) -> None:
        member.sign_in("dfg")
        assert "Förderung beantragen" in member.get("/portal/antrag").text

        answer = member.post("/portal/antrag", apply_form(member))

        assert answer.status_code == 303
        page = member.get(answer.headers["location"]).text
        assert "Chorfahrt nach Amiens" in page and "Antrag eingegangen" in page and "3.500,00\xa0€" in page
        grant = member.office.grant(__import__("uuid").UUID(answer.headers["location"].rsplit("/", 1)[1]))
        assert grant.organisation_id == member.world.dfg and grant.plan.grant == Money("3500.00")

    def test_an_unbalanced_plan_is_refused_with_the_input_kept(self, member: Member) -> None:
        member.sign_in("dfg")
        before = member.head()

        answer = member.post("/portal/antrag", apply_form(member, grant="3.400,00"))

        assert answer.status_code in (400, 409)
        assert member.head() == before
        assert 'value="3.400,00"' in answer.text and "Chorfahrt nach Amiens" in answer.text
        assert 'class="field-error"' in answer.text or 'class="error"' in answer.text

    def test_bad_amounts_are_shown_next_to_their_field_and_nothing_is_recorded(self, member: Member) -> None:
        member.sign_in("dfg")
        before = member.head()
        for bad, field in (("1.000,5x", "own_funds"), ("-100,00", "income"), ("3.500,001", "grant")):
            answer = member.post("/portal/antrag", apply_form(member, **{field: bad}))

            assert answer.status_code == 400, bad
            assert f'value="{bad}"' in answer.text
            assert f'id="antrag-{field}-fehler"' in answer.text, bad
        assert member.head() == before

    def test_an_application_for_another_organisation_by_form_field_is_refused(self, member: Member) -> None:
        member.sign_in("dfg")
        before = member.head()

        answer = member.post("/portal/antrag", apply_form(member, organisation_id=str(member.world.leeds)))

        assert answer.status_code == 403
        assert member.head() == before


class TestGrantForms:
    def test_withdraw(self, member: Member) -> None:
        grant = a_grant(member.world)
        member.sign_in("dfg")

        answer = member.post(f"/portal/zuwendungen/{grant}/zurueckziehen", {"reason": "Die Reise fällt aus."})

        assert answer.status_code == 303
        assert "Zurückgezogen" in member.get(f"/portal/zuwendungen/{grant}").text

    def test_documents_sent(self, member: Member) -> None:
        grant = a_grant(member.world, "requested_docs")
        member.sign_in("dfg")
        page = member.get(f"/portal/zuwendungen/{grant}").text
        assert "Vereinssatzung" in page
        request_id = next(iter(member.office.grant(grant).open_document_requests))

        answer = member.post(
            f"/portal/zuwendungen/{grant}/unterlagen",
            {"request_id": request_id, "note": "Per E-Mail am 14.06. geschickt."},
        )

        assert answer.status_code == 303, answer.text
        assert member.office.grant(grant).open_document_requests == []

    def test_request_a_payment_with_two_needs(self, member: Member) -> None:
        grant = a_grant(member.world, "approved")
        member.sign_in("dfg")

        answer = member.post(
            f"/portal/zuwendungen/{grant}/abrufen",
            {
                "need_1_amount": "1.000,00",
                "need_1_due": "2026-06-20",
                "need_1_description": "Bus",
                "need_2_amount": "250,50",
                "need_2_due": "2026-06-25",
                "need_2_description": "Herberge",
                "purpose": "IB-2026-0001",
            },
        )

        assert answer.status_code == 303, answer.text
        [payment] = member.office.grant(grant).payments.values()
        assert payment["amount"] == Money("1250.50")
        assert "Beantragt" in member.get(f"/portal/zuwendungen/{grant}").text

    def test_a_payment_with_a_bad_amount_keeps_the_input(self, member: Member) -> None:
        grant = a_grant(member.world, "approved")
        member.sign_in("dfg")
        before = member.head()

        answer = member.post(
            f"/portal/zuwendungen/{grant}/abrufen",
            {
                "need_1_amount": "1.000,5x",
                "need_1_due": "2026-06-20",
                "need_1_description": "Bus",
                "purpose": "x",
            },
        )

        assert answer.status_code == 400
        assert 'value="1.000,5x"' in answer.text and 'id="portal-abrufen-need_1_amount-fehler"' in answer.text
        assert member.head() == before

    def test_a_payment_beyond_the_grant_is_refused_by_the_domain(self, member: Member) -> None:
        grant = a_grant(member.world, "approved")
        member.sign_in("dfg")
        before = member.head()

        answer = member.post(
            f"/portal/zuwendungen/{grant}/abrufen",
            {
                "need_1_amount": "9.000,00",
                "need_1_due": "2026-06-20",
                "need_1_description": "Bus",
                "purpose": "x",
            },
        )

        assert answer.status_code in (400, 409)
        assert "offen sind nur noch" in answer.text and 'value="9.000,00"' in answer.text
        assert member.head() == before

    def test_take_back_a_payment_request(self, member: Member) -> None:
        grant = a_grant(member.world, "requested")
        payment = next(iter(member.office.grant(grant).payments))
        member.sign_in("dfg")

        answer = member.post(f"/portal/zuwendungen/{grant}/abrufe/{payment}/zuruecknehmen")

        assert answer.status_code == 303
        assert member.office.grant(grant).payments[payment]["status"] == "cancelled"

    def test_report_expenses_in_euro_and_in_a_foreign_currency(self, member: Member) -> None:
        grant = a_grant(member.world, "booked")
        member.sign_in("dfg")

        euro = member.post(
            f"/portal/zuwendungen/{grant}/ausgabe",
            {
                "budget_line": "travel",
                "paid_on": "2026-06-12",
                "payee": "Busreisen Kley",
                "purpose": "Bus",
                "receipt_reference": "B-1",
                "currency": "EUR",
                "amount": "1.200,00",
            },
        )
        foreign = member.post(
            f"/portal/zuwendungen/{grant}/ausgabe",
            {
                "budget_line": "stay",
                "paid_on": "2026-06-13",
                "payee": "Hostel Leeds",
                "purpose": "Übernachtung",
                "receipt_reference": "B-2",
                "currency": "GBP",
                "original": "100,00",
                "rate": "0,8",
                "rate_date": "2026-06-13",
            },
        )

        assert euro.status_code == 303 and foreign.status_code == 303, foreign.text
        page = member.get(f"/portal/zuwendungen/{grant}").text
        assert "B-1" in page and "B-2" in page and "GBP" in page and "125,00\xa0€" in page

    def test_an_expense_with_three_decimals_is_refused(self, member: Member) -> None:
        grant = a_grant(member.world, "booked")
        member.sign_in("dfg")
        before = member.head()

        answer = member.post(
            f"/portal/zuwendungen/{grant}/ausgabe",
            {
                "budget_line": "travel",
                "paid_on": "2026-06-12",
                "payee": "Kley",
                "purpose": "Bus",
                "receipt_reference": "B-1",
                "currency": "EUR",
                "amount": "12,345",
            },
        )

        assert answer.status_code == 400 and 'id="portal-ausgabe-amount-fehler"' in answer.text
        assert 'value="12,345"' in answer.text
        assert member.head() == before

    def test_submit_the_proof_of_use_and_download_the_workbook(self, member: Member) -> None:
        grant = a_grant(member.world, "booked")
        member.sign_in("dfg")

        answer = member.post(
            f"/portal/zuwendungen/{grant}/verwendungsnachweis",
            {
                "report": "Die Begegnung fand statt.",
                "own_funds": "800,00",
                "third_party_funds": "0,00",
                "income": "200,00",
            },
        )
        download = member.get(f"/portal/zuwendungen/{grant}/verwendungsnachweis.xlsx")

        assert answer.status_code == 303, answer.text
        assert "Nachweis eingereicht" in member.get(f"/portal/zuwendungen/{grant}").text
        assert download.status_code == 200 and download.content[:2] == b"PK"
        assert "verwendungsnachweis-IB-2026-0001.xlsx" in download.headers["content-disposition"]


class TestRefusals:
    def test_another_organisations_grant_payment_and_export_are_not_found(self, member: Member) -> None:
        theirs = a_grant(member.world, "requested", organisation="leeds", number="IB-2026-0009")
        payment = next(iter(member.office.grant(theirs).payments))
        member.sign_in("dfg")
        before = member.head()

        assert member.get(f"/portal/zuwendungen/{theirs}").status_code == 404
        assert member.get(f"/portal/zuwendungen/{theirs}/verwendungsnachweis.xlsx").status_code == 404
        assert member.post(f"/portal/zuwendungen/{theirs}/abrufe/{payment}/zuruecknehmen").status_code == 404
        for slug, form in (
            ("zurueckziehen", {"reason": "weg"}),
            (
                "abrufen",
                {"need_1_amount": "10,00", "need_1_due": "2026-06-20", "need_1_description": "x", "purpose": "x"},
            ),
            (
                "ausgabe",
                {
                    "budget_line": "travel",
                    "paid_on": "2026-06-12",
                    "payee": "x",
                    "purpose": "x",
                    "receipt_reference": "x",
                    "currency": "EUR",
                    "amount": "1,00",
                },
            ),
            ("verwendungsnachweis", {"report": "x", "own_funds": "0", "third_party_funds": "0", "income": "0"}),
        ):
            assert member.post(f"/portal/zuwendungen/{theirs}/{slug}", form).status_code == 404, slug
        assert member.head() == before
        assert member.office.grant(theirs).payments[payment]["status"] == "requested"

    def test_another_organisations_payment_under_my_grant_by_url_is_not_found(self, member: Member) -> None:
        mine = a_grant(member.world, "requested")
        theirs = a_grant(member.world, "requested", organisation="leeds", number="IB-2026-0009")
        payment = next(iter(member.office.grant(theirs).payments))
        member.sign_in("dfg")
        before = member.head()

        answer = member.post(f"/portal/zuwendungen/{mine}/abrufe/{payment}/zuruecknehmen")

        assert answer.status_code == 404 and member.head() == before
        assert member.office.grant(theirs).payments[payment]["status"] == "requested"

    def test_another_organisations_document_request_by_form_field_is_refused(self, member: Member) -> None:
        mine = a_grant(member.world, "requested_docs")
        theirs = a_grant(member.world, "requested_docs", organisation="leeds", number="IB-2026-0009")
        their_request = next(iter(member.office.grant(theirs).open_document_requests))
        member.sign_in("dfg")
        before = member.head()

        answer = member.post(f"/portal/zuwendungen/{mine}/unterlagen", {"request_id": their_request, "note": "x"})

        assert answer.status_code == 400 and member.head() == before

    def test_a_form_without_the_csrf_token_is_refused(self, member: Member) -> None:
        grant = a_grant(member.world)
        member.sign_in("dfg")
        before = member.head()

        assert member.post(f"/portal/zuwendungen/{grant}/zurueckziehen", {"reason": "x"}, token=None).status_code == 403
        assert member.post("/portal/antrag", apply_form(member), token="falsch").status_code == 403
        assert member.head() == before

    def test_staff_cannot_use_the_portal(self, member: Member) -> None:
        grant = a_grant(member.world)
        for who in ("officer", "approver", "finance", "admin"):
            member.sign_in(who)
            before = member.head()
            assert member.get("/portal/").status_code == 403, who
            assert member.get(f"/portal/zuwendungen/{grant}").status_code == 403, who
            assert member.post(f"/portal/zuwendungen/{grant}/zurueckziehen", {"reason": "x"}).status_code == 403
            assert member.head() == before

    def test_nobody_signed_in_is_sent_to_the_sign_in_page(self, member: Member) -> None:
        answer = member.get("/portal/", follow_redirects=False)

        assert answer.status_code == 303 and answer.headers["location"].startswith("/anmelden")
