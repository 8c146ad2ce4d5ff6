"""Every command on a grant as a form: it is offered to the right person, it records its event, and the
grant page afterwards says so."""

from __future__ import annotations

from datetime import date

from web_support import Desk, a_grant, a_plan, payment_of

from domain.actors import Role
from domain.dates import FundingPeriod
from domain.money import Money


def url(grant, slug: str, item: str = "") -> str:
    return f"/zuwendungen/{grant}/{slug}" + (f"/{item}" if item else "")


class TestBeforeTheDecision:
    def test_an_officer_reviews_an_application_and_the_approvers_queue_gets_it(self, desk: Desk) -> None:
        grant = a_grant(desk.world)
        desk.sign_in("officer")
        assert 'id="form-pruefen"' in desk.get(f"/zuwendungen/{grant}").text

        answer = desk.post(
            url(grant, "pruefen"),
            {"formal_ok": "ja", "substantive_ok": "ja", "notes": "Vollständig.\r\nFörderfähig.", "on": "2026-06-15"},
        )

        assert answer.status_code == 303
        assert desk.office.grant(grant).status == "reviewed"
        page = desk.get(answer.headers["location"])
        assert "Die Prüfung ist vermerkt." in page.text
        assert "Antrag geprüft: formal in Ordnung, inhaltlich förderfähig" in page.text
        desk.sign_in("approver")
        assert "Jugendbegegnung Amiens 2026" in desk.get("/").text.split("Anträge und Änderungen zu bewilligen")[1]

    def test_an_officer_asks_for_documents_and_notes_their_arrival(self, desk: Desk) -> None:
        grant = a_grant(desk.world)
        desk.sign_in("officer")

        asked = desk.post(
            url(grant, "unterlagen-anfordern"), {"items": "Teilnehmendenliste", "due": "2026-06-30", "on": "2026-06-15"}
        )
        page = desk.get(f"/zuwendungen/{grant}").text
        request_id = next(iter(desk.office.grant(grant).open_document_requests))
        arrived = desk.post(
            url(grant, "unterlagen-eingegangen"), {"request_id": request_id, "note": "per Post", "on": "2026-06-15"}
        )

        assert asked.status_code == 303 and arrived.status_code == 303
        assert "Unterlagen nachreichen: Teilnehmendenliste (bis 30.06.2026)" in page
        assert desk.office.grant(grant).status == "applied"

    def test_an_approver_approves_with_the_terms_of_the_notice(self, desk: Desk) -> None:
        grant = a_grant(desk.world, "reviewed")
        desk.sign_in("approver")
        form = desk.get(f"/zuwendungen/{grant}").text
        assert 'id="form-bewilligen"' in form and 'value="4.000,00"' in form

        answer = desk.post(
            url(grant, "bewilligen"),
            {
                "amount": "3.500,00",
                "financing_type": "deficit",
                "rate": "",
                "maximum": "",
                "conditions": "Bericht mit Fotos",
                "on": "2026-06-15",
            },
        )

        assert answer.status_code == 303
        terms = desk.office.grant(grant).terms
        assert terms is not None and terms.amount == Money("3500.00") and terms.conditions == "Bericht mit Fotos"
        assert "Bewilligt: 3.500,00 € als Fehlbedarfsfinanzierung" in desk.get(f"/zuwendungen/{grant}").text

    def test_the_approval_form_sets_the_proof_of_use_deadline_of_the_notice(self, desk: Desk) -> None:
        grant = a_grant(desk.world, "reviewed")
        desk.sign_in("approver")
        assert 'name="proof_due"' in desk.get(f"/zuwendungen/{grant}").text
        fields = {"amount": "3.500,00", "financing_type": "deficit", "conditions": "", "on": "2026-06-15"}

        early = desk.post(url(grant, "bewilligen"), {**fields, "proof_due": "2026-01-31"})
        answer = desk.post(url(grant, "bewilligen"), {**fields, "proof_due": "2027-01-15"})

        assert early.status_code == 400 and "vor dem Ende des Bewilligungszeitraums" in early.text
        assert answer.status_code == 303
        final = [d for d in desk.office.grant(grant).deadlines(date(2026, 6, 15)) if d["key"] == "final"]
        assert final[0]["due"] == date(2027, 1, 15)

    def test_a_share_financing_is_approved_with_its_rate(self, desk: Desk) -> None:
        grant = a_grant(desk.world, "reviewed")
        desk.sign_in("approver")

        answer = desk.post(
            url(grant, "bewilligen"),
            {
                "amount": "4.000,00",
                "financing_type": "share",
                "rate": "80",
                "maximum": "4.000,00",
                "conditions": "",
                "on": "2026-06-15",
            },
        )

        assert answer.status_code == 303
        assert str(desk.office.grant(grant).terms.rate) == "0.8"

    def test_an_application_is_rejected_with_a_reason(self, desk: Desk) -> None:
        grant = a_grant(desk.world, "reviewed")
        desk.sign_in("approver")

        answer = desk.post(url(grant, "ablehnen"), {"reason": "Kein Bezug zur Partnerschaft", "on": "2026-06-15"})

        assert answer.status_code == 303
        assert desk.office.grant(grant).status == "rejected"

    def test_an_association_withdraws_its_own_application(self, desk: Desk) -> None:
        grant = a_grant(desk.world)
        desk.sign_in("dfg")

        answer = desk.post(url(grant, "zurueckziehen"), {"reason": "Reise fällt aus", "on": "2026-06-15"})

        assert answer.status_code == 303
        assert desk.office.grant(grant).status == "withdrawn"


class TestAmendments:
    def test_one_person_proposes_an_amendment_and_another_approves_it(self, desk: Desk) -> None:
        grant = a_grant(desk.world, "approved")
        desk.sign_in("officer")
        proposed = desk.post(
            url(grant, "aenderung-vorbereiten"),
            {"amount": "3.000,00", "rate": "", "reason": "Weniger Teilnehmende", "on": "2026-06-15"},
        )
        desk.sign_in("approver")

        approved = desk.post(url(grant, "aenderung-bewilligen"), {"on": "2026-06-15"})

        assert proposed.status_code == 303 and approved.status_code == 303
        assert desk.office.grant(grant).terms.amount == Money("3000.00")

    def test_an_approver_rejects_a_proposed_amendment(self, desk: Desk) -> None:
        grant = a_grant(desk.world, "approved")
        desk.sign_in("officer")
        desk.post(
            url(grant, "aenderung-vorbereiten"),
            {"amount": "3.000,00", "rate": "", "reason": "Weniger Teilnehmende", "on": "2026-06-15"},
        )
        desk.sign_in("approver")

        answer = desk.post(url(grant, "aenderung-ablehnen"), {"reason": "Nicht begründet", "on": "2026-06-15"})

        assert answer.status_code == 303
        assert desk.office.grant(grant).pending_amendment is None


class TestPayments:
    def test_a_payment_goes_from_request_to_booking_through_four_hands(self, desk: Desk) -> None:
        grant = a_grant(desk.world, "approved")
        desk.sign_in("officer")
        requested = desk.post(
            url(grant, "mittel-abrufen"),
            {
                "amount": "1.250,50",
                "due": "2026-06-20",
                "description": "Busreise",
                "purpose": "IB-2026-0001",
                "on": "2026-06-15",
            },
        )
        payment = payment_of(desk.world, grant)
        desk.sign_in("officer2")
        certified = desk.post(url(grant, "feststellen", payment), {"on": "2026-06-15"})
        desk.sign_in("finance")
        released = desk.post(url(grant, "freigeben", payment), {"on": "2026-06-15"})
        desk.sign_in("cashier")
        booked = desk.post(url(grant, "buchen", payment), {"value_date": "2026-06-15"})

        assert [a.status_code for a in (requested, certified, released, booked)] == [303] * 4
        data = desk.office.grant(grant).payments[payment]
        assert data["status"] == "booked" and data["amount"] == Money("1250.50")
        page = desk.get(f"/zuwendungen/{grant}").text
        assert "Kai Kämmerer" in page and "Olga Obermeier" in page and "Karla Kasse" in page
        assert 'href="#ereignis-' in page  # the amount links to its journal lines

    def test_who_released_a_payment_is_shown_why_they_cannot_book_it(self, desk: Desk) -> None:
        """§ 31 (3) KomHVO NRW: Kai holds both roles; as the Stadtkasse he may not book what he released."""
        grant = a_grant(desk.world, "released")
        payment = payment_of(desk.world, grant)
        desk.office.grant_role(desk.world.actor("finance").user_id, Role.CASHIER, desk.world.actor("admin"))
        desk.sign_in("finance", Role.CASHIER)
        head = desk.head()

        page = desk.get(f"/zuwendungen/{grant}").text
        refused = desk.post(url(grant, "buchen", payment), {"value_date": "2026-06-15"})

        assert "Von Ihnen freigegeben (angeordnet)" in page
        assert refused.status_code == 409 and "§ 31 Abs. 3 KomHVO NRW" in refused.text
        assert desk.head() == head and desk.office.grant(grant).payments[payment]["status"] == "released"

    def test_finance_no_longer_books_and_a_future_value_date_is_refused(self, desk: Desk) -> None:
        grant = a_grant(desk.world, "released")
        payment = payment_of(desk.world, grant)
        head = desk.head()

        desk.sign_in("finance")
        page = desk.get(f"/zuwendungen/{grant}").text
        desk.sign_in("cashier")
        future = desk.post(url(grant, "buchen", payment), {"value_date": "2026-06-16"})

        assert f'id="form-buchen-{payment[:8]}"' not in page
        assert future.status_code == 400 and "liegt in der Zukunft" in future.text
        assert "2026-06-16" in future.text  # what was typed is kept
        assert desk.head() == head

    def test_finance_cancels_a_released_payment(self, desk: Desk) -> None:
        grant = a_grant(desk.world, "released")
        payment = payment_of(desk.world, grant)
        desk.sign_in("finance")

        answer = desk.post(url(grant, "stornieren", payment), {"reason": "Doppelt angewiesen", "on": "2026-06-15"})

        assert answer.status_code == 303
        assert desk.office.grant(grant).payments[payment]["status"] == "cancelled"

    def test_the_cash_office_books_money_that_came_back(self, desk: Desk) -> None:
        grant = a_grant(desk.world, "booked")
        payment = payment_of(desk.world, grant)
        desk.sign_in("cashier")

        answer = desk.post(
            url(grant, "rueckfluss", payment),
            {"amount": "100,00", "value_date": "2026-06-15", "reason": "Rücküberweisung"},
        )

        assert answer.status_code == 303
        assert desk.office.grant(grant).payments[payment]["returned"] == Money("100.00")


class TestSpendingAndProofs:
    def test_the_purpose_fulfilled_sets_the_proof_deadline_off_the_weekend(self, desk: Desk) -> None:
        """Fulfilled on Saturday 13.06.2026: six months later is Sunday 13.12.2026, so Monday 14.12.2026."""
        grant = a_grant(desk.world, "approved")
        desk.sign_in("officer")
        head = desk.head()

        future = desk.post(url(grant, "zweck-erfuellt"), {"fulfilled_on": "2026-06-16", "on": "2026-06-15"})
        assert future.status_code == 400 and "liegt in der Zukunft" in future.text and desk.head() == head

        answer = desk.post(url(grant, "zweck-erfuellt"), {"fulfilled_on": "2026-06-13", "on": "2026-06-15"})

        assert answer.status_code == 303
        assert desk.office.grant(grant).purpose_fulfilled_on == date(2026, 6, 13)
        page = desk.get(answer.headers["location"]).text
        assert "bis zum 14.12.2026 fällig" in page and "14.12.2026" in desk.get(f"/zuwendungen/{grant}").text

    def test_an_expense_in_euro_and_one_in_pounds_are_recorded(self, desk: Desk) -> None:
        grant = a_grant(desk.world, "booked")
        desk.sign_in("officer")
        base = {
            "budget_line": "travel",
            "paid_on": "2026-06-12",
            "payee": "Busreisen Kley",
            "purpose": "Bus",
            "receipt_reference": "B-1",
            "amount": "",
            "original": "",
            "rate": "",
            "rate_date": "",
        }

        in_euro = desk.post(url(grant, "ausgabe-erfassen"), {**base, "currency": "EUR", "amount": "1.200,00"})
        in_pounds = desk.post(
            url(grant, "ausgabe-erfassen"),
            {
                **base,
                "currency": "GBP",
                "original": "850,00",
                "rate": "0,85",
                "rate_date": "2026-06-12",
                "rate_source": "bank_statement",
            },
        )

        assert in_euro.status_code == 303 and in_pounds.status_code == 303
        assert desk.office.grant(grant).spent_per_line()["travel"] == Money("2200.00")

    def test_an_expense_is_reversed_with_a_reason(self, desk: Desk) -> None:
        grant = a_grant(desk.world, "booked")
        expense = desk.office.report_expense(
            grant, "stay", date(2026, 6, 12), "Hostel", "Nacht", Money("300.00"), "B-2", desk.world.actor("officer")
        )
        desk.sign_in("dfg")

        answer = desk.post(url(grant, "ausgabe-stornieren", expense.hex), {"reason": "Falscher Beleg"})

        assert answer.status_code == 303
        assert desk.office.grant(grant).expenses[expense.hex]["reversed"] is True

    def test_a_deadline_is_extended_and_a_reminder_noted(self, desk: Desk) -> None:
        grant = a_grant(desk.world, "approved")
        desk.sign_in("officer")

        extended = desk.post(
            url(grant, "frist-verlaengern"),
            {"key": "final", "new_due": "2027-06-30", "reason": "Krankheit im Vorstand", "on": "2026-06-15"},
        )
        reminded = desk.post(url(grant, "erinnern"), {"key": "final", "on": "2026-06-15"})

        assert extended.status_code == 303 and reminded.status_code == 303
        assert desk.office.grant(grant).deadline_extensions["final"] == date(2027, 6, 30)

    def test_the_association_submits_the_proof_and_an_officer_reviews_it_with_a_cut(self, desk: Desk) -> None:
        grant = a_grant(desk.world, "booked")
        desk.office.report_expense(
            grant, "travel", date(2026, 6, 12), "Bus", "Bus", Money("1200.00"), "B-1", desk.world.actor("dfg")
        )
        desk.sign_in("dfg")
        submitted = desk.post(
            url(grant, "nachweis-einreichen"),
            {
                "report": "Bericht",
                "own_funds": "800,00",
                "third_party_funds": "0,00",
                "income": "200,00",
                "on": "2026-06-15",
            },
        )
        desk.sign_in("officer")

        reviewed = desk.post(
            url(grant, "nachweis-pruefen"),
            {
                "recognised_travel": "1.000,00",
                "cut_reason_travel": "Taxi nicht förderfähig",
                "recognised_stay": "0,00",
                "cut_reason_stay": "",
                "notes": "geprüft",
                "on": "2026-06-15",
            },
        )

        assert submitted.status_code == 303 and reviewed.status_code == 303
        assert desk.office.grant(grant).recognised["costs"]["travel"] == Money("1000.00")

    def test_an_approver_determines_the_final_amount_and_the_overpayment_becomes_a_claim(self, desk: Desk) -> None:
        grant = a_grant(desk.world, "proof_reviewed")
        desk.sign_in("approver")

        answer = desk.post(url(grant, "schlussfestsetzung"), {"on": "2026-06-15"})

        assert answer.status_code == 303
        page = desk.get(answer.headers["location"]).text
        assert "die Überzahlung wird zurückgefordert" in page
        assert 'id="rueckforderungen-liste"' in page and "1.300,00\xa0€" in page


class TestClaimsRevocationAndClosure:
    def test_the_cash_office_books_the_repayment_of_a_claim(self, desk: Desk) -> None:
        grant = a_grant(desk.world, "determined")
        claim = desk.office.grant(grant).claim_ids[0]
        desk.sign_in("cashier")

        answer = desk.post(url(grant, "rueckzahlung", claim.hex), {"amount": "1.300,00", "value_date": "2026-06-15"})

        assert answer.status_code == 303
        assert desk.office.claim(claim).status == "settled"

    def test_a_waiver_is_proposed_by_one_and_decided_by_another(self, desk: Desk) -> None:
        grant = a_grant(desk.world, "determined")
        claim = desk.office.grant(grant).claim_ids[0]
        desk.sign_in("officer")
        proposed = desk.post(
            url(grant, "erleichterung-vorschlagen", claim.hex),
            {"kind": "waiver", "until": "", "reason": "Verein aufgelöst"},
        )
        desk.sign_in("approver")

        decided = desk.post(
            url(grant, "erleichterung-entscheiden", claim.hex),
            {"decision": "ja", "reason": "Einverstanden", "on": "2026-06-15"},
        )

        assert proposed.status_code == 303 and decided.status_code == 303
        assert desk.office.claim(claim).status == "settled"

    def test_an_officer_prepares_a_revocation_and_an_approver_decides_it(self, desk: Desk) -> None:
        grant = a_grant(desk.world, "booked")
        desk.sign_in("officer")
        prepared = desk.post(
            url(grant, "widerruf-vorbereiten"),
            {
                "remaining_amount": "0,00",
                "effective_on": "2026-06-15",
                "facts_known_on": "2026-06-01",
                "heard_on": "2026-06-10",
                "reason": "Reise nicht angetreten",
                "on": "2026-06-15",
            },
        )
        assert prepared.status_code == 303
        page = desk.get(prepared.headers["location"]).text
        assert "bis zum 01.06.2027" in page  # the one-year limit, on a Tuesday
        assert 'id="widerruf-zinsen"' in page and "Vorbereiteter Widerruf" in page and "10.06.2026" in page
        assert "Sie haben den Widerruf vorbereitet" not in page  # an officer is not offered the decision at all

        desk.sign_in("approver")
        decided = desk.post(
            url(grant, "widerrufen"), {"decision": "ja", "reason": "Angehört, nichts Neues", "on": "2026-06-16"}
        )

        assert decided.status_code == 303
        assert desk.office.grant(grant).status == "revoked"
        assert len(desk.office.grant(grant).claim_ids) == 1
        page = desk.get(decided.headers["location"]).text
        assert "Widerruf: Tatsachen bekannt seit" in page and "Widerruf: Jahresfrist bis" in page

    def test_a_revocation_without_a_hearing_date_keeps_what_was_typed(self, desk: Desk) -> None:
        grant = a_grant(desk.world, "booked")
        desk.sign_in("officer")
        answer = desk.post(
            url(grant, "widerruf-vorbereiten"),
            {
                "remaining_amount": "0,00",
                "effective_on": "2026-06-15",
                "facts_known_on": "2026-06-01",
                "heard_on": "",
                "reason": "Reise nicht angetreten",
                "on": "2026-06-15",
            },
        )
        assert answer.status_code == 400
        assert "Reise nicht angetreten" in answer.text
        assert desk.office.grant(grant).pending_revocation is None

    def test_a_settled_grant_is_closed(self, desk: Desk) -> None:
        grant = a_grant(desk.world, "determined")
        claim = desk.office.grant(grant).claim_ids[0]
        desk.office.receive_repayment(claim, Money("1300.00"), date(2026, 6, 15), desk.world.actor("cashier"))
        desk.sign_in("officer")

        answer = desk.post(url(grant, "abschliessen"), {"on": "2026-06-15"})

        assert answer.status_code == 303
        assert desk.office.grant(grant).status == "closed"


class TestWhatIsOffered:
    def test_the_reviewer_is_told_why_they_cannot_approve_instead_of_getting_a_button(self, desk: Desk) -> None:
        grant = a_grant(desk.world)
        desk.sign_in("both")
        desk.post(url(grant, "pruefen"), {"formal_ok": "ja", "substantive_ok": "ja", "notes": "ok", "on": "2026-06-15"})
        desk.post("/rolle", {"role": "approver"})

        page = desk.get(f"/zuwendungen/{grant}").text

        assert "Sie haben diesen Antrag geprüft; bewilligen muss eine andere" in page
        assert 'action="/zuwendungen/' + str(grant) + "/bewilligen" not in page

    def test_the_certifier_is_not_offered_the_release(self, desk: Desk) -> None:
        grant = a_grant(desk.world, "requested")
        desk.sign_in("both")
        payment = payment_of(desk.world, grant)
        desk.post(url(grant, "feststellen", payment), {"on": "2026-06-15"})
        desk.post("/rolle", {"role": Role.APPROVER.value})

        page = desk.get(f"/zuwendungen/{grant}").text

        assert "Von Ihnen festgestellt – freigeben muss eine andere Person." in page
        assert f"/freigeben/{payment}" not in page

    def test_the_auditor_reads_everything_and_is_offered_nothing(self, desk: Desk) -> None:
        grant = a_grant(desk.world, "determined")
        desk.sign_in("auditor")

        page = desk.get(f"/zuwendungen/{grant}").text

        assert "Die Rechnungsprüfung liest nur." in page
        assert 'method="post" action="/zuwendungen/' not in page
        assert "Verlauf" in page and "Buchungen" in page


def test_the_notice_may_fix_another_funding_period_than_applied_for(desk: Desk) -> None:
    grant = a_grant(desk.world, "reviewed")
    desk.sign_in("approver")

    answer = desk.post(
        url(grant, "bewilligen"),
        {
            "amount": "4.000,00",
            "financing_type": "deficit",
            "rate": "",
            "maximum": "",
            "conditions": "",
            "period_start": "2026-06-01",
            "period_end": "2026-12-31",
            "on": "2026-06-15",
        },
    )

    assert answer.status_code == 303
    assert desk.office.grant(grant).terms.period.end == date(2026, 12, 31)


def test_a_period_ending_before_it_starts_is_refused_next_to_its_end(desk: Desk) -> None:
    grant = a_grant(desk.world, "reviewed")
    desk.sign_in("approver")
    before = desk.head()

    answer = desk.post(
        url(grant, "bewilligen"),
        {
            "amount": "4.000,00",
            "financing_type": "deficit",
            "rate": "",
            "maximum": "",
            "conditions": "",
            "period_start": "2026-06-01",
            "period_end": "2026-05-31",
            "on": "2026-06-15",
        },
    )

    assert answer.status_code == 400
    assert "endet vor seinem Beginn" in answer.text
    assert desk.head() == before


def test_an_amendment_extends_the_funding_period(desk: Desk) -> None:
    grant = a_grant(desk.world, "approved")
    desk.sign_in("officer")
    desk.post(
        url(grant, "aenderung-vorbereiten"),
        {
            "amount": "4.000,00",
            "rate": "",
            "period_end": "2026-12-31",
            "reason": "Reise verschoben",
            "on": "2026-06-15",
        },
    )
    desk.sign_in("approver")

    answer = desk.post(url(grant, "aenderung-bewilligen"), {"on": "2026-06-15"})

    assert answer.status_code == 303
    assert desk.office.grant(grant).terms.period.end == date(2026, 12, 31)


class TestIdleMoney:
    def test_an_officer_charges_interest_on_money_that_lay_idle(self, desk: Desk) -> None:
        """1.500 € paid on 02.03.2026 for a deficit grant, nothing spent by 15.06.2026 (two months ended on
        02.05.2026): 105 days (30 + 30 + 31 + 14) at 4,27 %: 1.500 × 4,27 × 105 / 36.500 = 672.525 / 36.500
        = 18,425342… → 18,43 €."""
        world, office = desk.world, desk.office
        officer = world.actor("officer")
        grant = office.apply_for_grant(
            world.programme, world.dfg, "Frühjahrsbegegnung", "Austausch", "Amiens",
            FundingPeriod(date(2026, 3, 1), date(2026, 9, 30)), "deficit", a_plan(), officer,
            file_number="IB-2026-0900", on=date(2026, 2, 20),
        )  # fmt: skip
        office.review_application(grant, True, True, "förderfähig", officer, on=date(2026, 2, 21))
        office.approve_grant(grant, Money("4000.00"), world.actor("approver"), on=date(2026, 2, 25))
        payment = office.request_payment(
            grant, [{"due": date(2026, 3, 10), "amount": Money("1500.00"), "description": "Bus"}], "Abschlag",
            officer, on=date(2026, 3, 1),
        )  # fmt: skip
        office.certify_payment(grant, payment, world.actor("officer2"), on=date(2026, 3, 2))
        office.release_payment(grant, payment, world.actor("finance"), on=date(2026, 3, 2))
        office.book_payment(grant, payment, date(2026, 3, 2), world.actor("cashier"))
        desk.sign_in("officer")

        page = desk.get(f"/zuwendungen/{grant}").text
        assert 'id="widerruf-zinsen"' in page and "18,43\xa0€" in page and "noch nicht verwendet" in page
        answer = desk.post(
            url(grant, "zinsen-ungenutzte-mittel"),
            {"amount": "18,43", "reason": "Zu früh abgerufen", "on": "2026-06-15"},
        )

        assert answer.status_code == 303
        [claim_id] = office.grant(grant).claim_ids
        assert office.claim(claim_id).interest_charged == Money("18.43")
        page = desk.get(answer.headers["location"]).text
        assert "Zinsen auf nicht alsbald verwendete Mittel, festgesetzt" in page and "keine Zinsen auf Zinsen" in page

    def test_nothing_to_decide_is_refused_on_the_form(self, desk: Desk) -> None:
        grant = a_grant(desk.world, "booked")
        desk.sign_in("officer")
        answer = desk.post(
            url(grant, "zinsen-ungenutzte-mittel"),
            {"amount": "1,00", "reason": "Zu früh abgerufen", "on": "2026-06-15"},
        )
        assert answer.status_code == 409  # paid on 12.06.2026: nothing lay idle beyond two months
        assert "länger als 2 Monate ungenutzt" in answer.text
        assert desk.office.grant(grant).claim_ids == []
