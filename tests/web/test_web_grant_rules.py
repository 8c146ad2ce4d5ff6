"""Issue 11's rules 7, 8, 9, 12 and 13 as forms on the grant page: offered to the role that may take them,
refusals that keep the input and record nothing, and the new amounts on the page."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from web_support import Desk, a_grant

from domain.money import Money


def url(grant: UUID, slug: str) -> str:
    return f"/zuwendungen/{grant}/{slug}"


APPROVAL = {"financing_type": "fixed", "rate": "", "maximum": "", "conditions": "", "on": "2026-06-15"}


class TestFixedAmountPerUnit:
    def test_the_approver_grants_500_euros_per_participant(self, desk: Desk) -> None:
        grant = a_grant(desk.world, "reviewed")
        desk.sign_in("approver")
        assert 'name="unit_rate"' in desk.get(f"/zuwendungen/{grant}").text
        head = desk.head()

        wrong = desk.post(
            url(grant, "bewilligen"), {**APPROVAL, "amount": "4.000,00", "unit_rate": "500,00", "units": "7"}
        )
        assert wrong.status_code == 400 and "7 × 500,00 € sind 3.500,00 €" in wrong.text and desk.head() == head

        answer = desk.post(
            url(grant, "bewilligen"),
            {**APPROVAL, "amount": "4.000,00", "unit_rate": "500,00", "units": "8", "unit_label": "Teilnehmende"},
        )

        assert answer.status_code == 303
        terms = desk.office.grant(grant).terms
        assert terms is not None and terms.unit_rate == Money("500.00") and terms.units == 8
        assert "8 Teilnehmende × 500,00" in desk.get(f"/zuwendungen/{grant}").text


class TestDeadlines:
    def test_the_approval_form_is_prefilled_with_the_rule_s_proof_deadline(self, desk: Desk) -> None:
        """Period ends 30.09.2026: six months later is Tuesday 30.03.2027."""
        grant = a_grant(desk.world, "reviewed")
        desk.sign_in("approver")
        form = desk.get(f"/zuwendungen/{grant}").text.split('name="proof_due"')[1].split(">")[0]
        assert 'value="2027-03-30"' in form
        answer = desk.post(url(grant, "bewilligen"), {**APPROVAL, "amount": "4.000,00", "proof_due": "2027-03-30"})
        assert answer.status_code == 303
        assert desk.office.grant(grant).terms.proof_due == date(2027, 3, 30)  # type: ignore[union-attr]


class TestSimpleProofOfUse:
    def test_the_association_submits_sums_without_receipts(self, desk: Desk) -> None:
        grant = a_grant(desk.world, "booked")
        desk.sign_in("dfg")
        assert 'id="form-einfacher-nachweis"' in desk.get(f"/zuwendungen/{grant}").text
        fields = {
            "report": "Die Begegnung fand statt.",
            "own_funds": "800,00",
            "third_party_funds": "0,00",
            "income": "200,00",
            "cost_stay": "1.500,00",
            "on": "2026-06-15",
        }
        head = desk.head()

        bad = desk.post(url(grant, "einfacher-nachweis"), {**fields, "cost_travel": "viel"})
        assert bad.status_code == 400 and "Die Begegnung fand statt." in bad.text and desk.head() == head

        answer = desk.post(url(grant, "einfacher-nachweis"), {**fields, "cost_travel": "2.900,00"})

        assert answer.status_code == 303
        proof = desk.office.grant(grant).proof
        assert proof is not None and proof["simple"] and proof["actual_costs"]["travel"] == Money("2900.00")


class TestEarlyStart:
    def test_the_approver_agrees_to_an_early_start(self, desk: Desk) -> None:
        """Applied on 04.05.2026 for a period from 01.06.2026: receipts count from 04.05.; the approver lets
        the project begin on 01.06. (the first day of the period) — and is refused a day outside it."""
        grant = a_grant(desk.world, "reviewed")
        desk.sign_in("approver")
        page = desk.get(f"/zuwendungen/{grant}").text
        assert 'id="form-vorzeitiger-beginn"' in page and "04.05.2026" in page
        head = desk.head()

        outside = desk.post(
            url(grant, "vorzeitiger-beginn"), {"start_on": "2026-05-01", "reason": "Buchung", "on": "2026-06-15"}
        )
        assert outside.status_code == 400 and "im Bewilligungszeitraum" in outside.text and desk.head() == head

        answer = desk.post(
            url(grant, "vorzeitiger-beginn"),
            {"start_on": "2026-06-01", "reason": "Flüge nur jetzt buchbar", "on": "2026-06-15"},
        )

        assert answer.status_code == 303
        assert desk.office.grant(grant).early_start_on == date(2026, 6, 1)
        assert "vorzeitiger Maßnahmebeginn zugelassen" in desk.get(f"/zuwendungen/{grant}").text


class TestItems:
    def test_the_association_lists_a_projector_and_its_early_sale_is_shown(self, desk: Desk) -> None:
        grant = a_grant(desk.world, "approved")
        desk.sign_in("dfg")
        head = desk.head()
        item = {"description": "Beamer", "acquired_on": "2026-06-10", "on": "2026-06-15"}

        cheap = desk.post(url(grant, "gegenstand-erfassen"), {**item, "value": "500,00"})
        assert cheap.status_code == 400 and "Wertgrenze von 800,00 €" in cheap.text and desk.head() == head

        answer = desk.post(url(grant, "gegenstand-erfassen"), {**item, "value": "1.250,00"})
        assert answer.status_code == 303
        item_id = desk.office.grant(grant).items[0]["item_id"]
        page = desk.get(f"/zuwendungen/{grant}").text
        assert "10.06.2031" in page and 'id="form-gegenstand-abgang"' in page

        sold = desk.post(
            url(grant, "gegenstand-abgang"),
            {"item_id": item_id, "disposed_on": "2026-06-14", "how": "verkauft", "on": "2026-06-15"},
        )
        assert sold.status_code == 303
        assert "Grund zum Widerruf" in desk.get(f"/zuwendungen/{grant}").text


class TestForeignRates:
    def test_a_transfer_to_the_partner_gives_the_rate_for_its_receipts(self, desk: Desk) -> None:
        grant = a_grant(desk.world, "approved")
        desk.sign_in("dfg")
        transfer = {
            "euro": "2.000,00",
            "currency": "GHS",
            "received": "31.000",
            "recipient": "Partner",
            "on": "2026-06-15",
        }
        answer = desk.post(url(grant, "ueberweisung-partner"), {**transfer, "value_date": "2026-06-10"})
        assert answer.status_code == 303
        assert "15.500000 GHS je Euro" in desk.get(answer.headers["location"]).text

        expense = {
            "budget_line": "stay",
            "paid_on": "2026-06-12",
            "payee": "Guesthouse",
            "purpose": "Unterkunft",
            "receipt_reference": "K-1",
            "currency": "GHS",
            "amount": "",
            "original": "7.750",
            "rate": "",
            "rate_date": "",
        }
        head = desk.head()
        no_source = desk.post(url(grant, "ausgabe-erfassen"), expense)
        assert no_source.status_code == 400 and desk.head() == head

        done = desk.post(url(grant, "ausgabe-erfassen"), {**expense, "rate_source": "weighted_transfers"})
        assert done.status_code == 303
        page = desk.get(f"/zuwendungen/{grant}").text
        assert "Gewichteter Kurs der Überweisungen an den Partner" in page and "500,00" in page
