"""Payment runs on ``/kaemmerei/zahlungslauf``: certified payments released together into one SEPA
credit-transfer file (pain.001.001.09, validated against the schema sepaxml ships), and bank statements
(camt.053) that book transfers by end-to-end id, list a return and an unmatched line, and change nothing
when imported twice."""

from __future__ import annotations

import hashlib
import re
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
import sepaxml
from lxml import etree
from web_support import a_grant, payment_of

from domain.actors import Role
from domain.money import Money
from domain.payment_run import PaymentRun, end_to_end_id
from projections.payment_runs import PaymentRuns
from web.config import WebConfig

PAIN = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"
XSD = Path(sepaxml.__file__).parent / "schemas" / "pain.001.001.09.xsd"


def two_certified(world: Any) -> list[tuple[UUID, UUID]]:
    """A certified payment of 1.500,00 € for the DFG and one for the Freundeskreis Leeds."""
    dfg = a_grant(world, "certified", "dfg", number="IB-2026-0001")
    leeds = a_grant(world, "certified", "leeds", number="IB-2026-0002", title="Chorreise Leeds")
    return [(dfg, UUID(payment_of(world, dfg))), (leeds, UUID(payment_of(world, leeds)))]


def run_file(desk: Any) -> tuple[bytes, PaymentRun]:
    page = desk.get("/kaemmerei/zahlungslauf").text
    link = re.search(r'href="(/kaemmerei/zahlungslaeufe/([0-9a-f-]+)/datei)"', page)
    assert link, "no payment run listed"
    answer = desk.get(link.group(1))
    assert answer.status_code == 200
    return answer.content, desk.office.repository.get(UUID(link.group(2)))


def statement(entries: list[dict[str, str]]) -> bytes:
    """A camt.053.001.08 statement with these entries (amount, CRDT/DBIT, value date, e2e, reason, text)."""
    ns = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"
    parts = []
    for e in entries:
        reason = f"<RtrInf><Rsn><Cd>{e['reason']}</Cd></Rsn></RtrInf>" if e.get("reason") else ""
        parts.append(
            f'<Ntry><Amt Ccy="EUR">{e["amount"]}</Amt><CdtDbtInd>{e["kind"]}</CdtDbtInd>'
            f"<Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>{e['date']}</Dt></BookgDt><ValDt><Dt>{e['date']}</Dt></ValDt>"
            f"<NtryDtls><TxDtls><Refs><EndToEndId>{e.get('e2e', 'NOTPROVIDED')}</EndToEndId></Refs>"
            f"<RmtInf><Ustrd>{e.get('text', '')}</Ustrd></RmtInf>{reason}</TxDtls></NtryDtls></Ntry>"
        )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><Document xmlns="{ns}"><BkToCstmrStmt>'
        "<GrpHdr><MsgId>STMT-1</MsgId><CreDtTm>2026-06-18T06:00:00</CreDtTm></GrpHdr>"
        "<Stmt><Id>2026-06-15-001</Id><Acct><Id><IBAN>DE80440501990001000017</IBAN></Id></Acct>"
        + "".join(parts)
        + "</Stmt></BkToCstmrStmt></Document>"
    ).encode()


def upload(desk: Any, content: bytes) -> Any:
    return desk.client.post(
        "/kaemmerei/kontoauszug",
        data={"csrf_token": desk.token()},
        files={"auszug": ("auszug.xml", content, "application/xml")},
    )


class TestReleasingTogether:
    def test_the_page_shows_payee_iban_bic_due_date_purpose_coordinates_and_who_certified(self, desk, world):
        two_certified(world)
        page = desk.sign_in("finance").get("/kaemmerei/zahlungslauf").text

        assert "DE89370400440532013000" in page and "COBADEFFXXX" in page
        assert "IB-2026-0001 Abschlag Busreise" in page  # file number and short purpose
        assert "01.11.02 / 531800 / 1011000" in page
        assert "20.06.2026" in page and "Sven Sachbearbeiter" in page

    def test_selected_payments_become_one_valid_sepa_file_with_one_end_to_end_id_each(self, desk, world):
        payments = two_certified(world)
        desk.sign_in("finance")

        answer = desk.post(
            "/kaemmerei/zahlungslauf", {"zahlung": [str(p) for _, p in payments], "ausfuehrung": "2026-06-16"}
        )
        assert answer.status_code == 303
        content, run = run_file(desk)
        document = etree.fromstring(content)

        assert etree.XMLSchema(etree.parse(str(XSD))).validate(document)
        transactions = document.findall(f".//{{{PAIN}}}CdtTrfTxInf")
        found = {
            t.findtext(f"{{{PAIN}}}PmtId/{{{PAIN}}}EndToEndId"): (
                t.findtext(f"{{{PAIN}}}Amt/{{{PAIN}}}InstdAmt"),
                t.findtext(f"{{{PAIN}}}CdtrAcct/{{{PAIN}}}Id/{{{PAIN}}}IBAN"),
            )
            for t in transactions
        }
        assert found == {
            end_to_end_id(payments[0][1]): ("1500.00", "DE89370400440532013000"),
            end_to_end_id(payments[1][1]): ("1500.00", "DE02370502990000684712"),
        }
        assert document.findtext(f".//{{{PAIN}}}ReqdExctnDt/{{{PAIN}}}Dt") == "2026-06-16"
        assert run.file_sha256 == hashlib.sha256(content).hexdigest()  # the file and its hash are in the log
        for grant, payment in payments:
            assert world.office.grant(grant).payments[payment.hex]["status"] == "released"

    def test_a_payment_the_releaser_certified_is_refused_on_its_own(self, desk, world):
        payments = two_certified(world)
        doris = world.actor("both", Role.OFFICER)
        third = a_grant(world, "requested", "dfg", number="IB-2026-0003")
        mine = UUID(payment_of(world, third))
        world.office.certify_payment(third, mine, doris, on=date(2026, 6, 12))
        desk.sign_in("both", Role.APPROVER)

        page = desk.get("/kaemmerei/zahlungslauf").text
        assert "von Ihnen festgestellt" in page
        desk.post("/kaemmerei/zahlungslauf", {"zahlung": [str(mine), str(payments[0][1])]})

        assert world.office.grant(third).payments[mine.hex]["status"] == "certified"
        assert world.office.grant(payments[0][0]).payments[payments[0][1].hex]["status"] == "released"
        assert "IB-2026-0003" in desk.get("/kaemmerei/zahlungslauf").text

    def test_nothing_chosen_is_a_german_error_and_records_nothing(self, desk, world):
        two_certified(world)
        desk.sign_in("finance")
        before = desk.head()

        answer = desk.post("/kaemmerei/zahlungslauf", {})

        assert answer.status_code == 400 and "mindestens eine Zahlung" in answer.text
        assert desk.head() == before

    def test_an_association_or_an_officer_cannot_open_the_page(self, desk, world):
        assert desk.sign_in("dfg").get("/kaemmerei/zahlungslauf").status_code in (403, 404)
        assert desk.sign_in("officer").get("/kaemmerei/zahlungslauf").status_code == 403


class TestBankStatements:
    @pytest.fixture
    def released(self, desk: Any, world: Any) -> list[tuple[UUID, UUID]]:
        payments = two_certified(world)
        desk.sign_in("finance")
        desk.post("/kaemmerei/zahlungslauf", {"zahlung": [str(p) for _, p in payments], "ausfuehrung": "2026-06-16"})
        desk.sign_in("cashier")  # the Stadtkasse books from the statement, never who released
        return payments

    def test_transfers_are_booked_by_end_to_end_id_with_the_value_date(self, desk, world, released):
        content = statement(
            [{"amount": "1500.00", "kind": "DBIT", "date": "2026-06-15", "e2e": end_to_end_id(p)} for _, p in released]
        )

        answer = upload(desk, content)

        assert answer.status_code == 200 and "2 Zahlungen gebucht" in answer.text
        for grant, payment in released:
            booked = world.office.grant(grant).payments[payment.hex]
            assert booked["status"] == "booked" and booked["value_date"] == date(2026, 6, 15)

    def test_a_return_and_an_unmatched_line_are_listed_for_a_person_to_decide(self, desk, world, released):
        (_grant, payment), (other, _) = released
        content = statement(
            [
                {"amount": "1500.00", "kind": "DBIT", "date": "2026-06-15", "e2e": end_to_end_id(payment)},
                {
                    "amount": "1500.00",
                    "kind": "CRDT",
                    "date": "2026-06-15",
                    "e2e": end_to_end_id(payment),
                    "reason": "AC04",
                },
                {"amount": "99.00", "kind": "DBIT", "date": "2026-06-15", "e2e": "UNBEKANNT-1", "text": "Gebühren"},
            ]
        )

        page = upload(desk, content).text

        assert "1 Zahlungen gebucht" in page and "2 Posten zur Entscheidung" in page
        assert "Rücklauf (AC04)" in page and "nicht zugeordnet" in page and "Gebühren" in page
        assert world.office.grant(other).payments[released[1][1].hex]["status"] == "released"

    def test_the_same_statement_twice_changes_nothing(self, desk, world, released):
        content = statement(
            [{"amount": "1500.00", "kind": "DBIT", "date": "2026-06-15", "e2e": end_to_end_id(p)} for _, p in released]
        )
        upload(desk, content)
        before = desk.head()

        page = upload(desk, content).text

        assert "schon eingelesen" in page
        assert desk.head() == before

    def test_a_file_that_is_no_statement_is_refused_in_german(self, desk, world, released):
        page = upload(desk, b"<html>kein Auszug</html>")

        assert page.status_code == 400 and "kein Kontoauszug im Format camt.053" in page.text

    def test_finance_who_released_cannot_import_the_statement(self, desk, world, released):
        content = statement(
            [{"amount": "1500.00", "kind": "DBIT", "date": "2026-06-15", "e2e": end_to_end_id(released[0][1])}]
        )
        desk.sign_in("finance")

        assert upload(desk, content).status_code == 403
        assert world.office.grant(released[0][0]).payments[released[0][1].hex]["status"] == "released"


class TestTheCitysAccount:
    def test_the_file_pays_from_the_account_the_settings_name(self, desk, world):
        payments = two_certified(world)
        desk.sign_in("finance").post("/kaemmerei/zahlungslauf", {"zahlung": [str(p) for _, p in payments]})
        content, _run = run_file(desk)
        document = etree.fromstring(content)

        assert document.findtext(f".//{{{PAIN}}}DbtrAcct/{{{PAIN}}}Id/{{{PAIN}}}IBAN") == "DE80440501990001000017"
        assert document.findtext(f".//{{{PAIN}}}DbtrAgt/{{{PAIN}}}FinInstnId/{{{PAIN}}}BICFI") == "DORTDE33XXX"
        assert document.findtext(f".//{{{PAIN}}}Dbtr/{{{PAIN}}}Nm") == "Stadt Dortmund - Stadtkasse"

    @pytest.mark.parametrize("web_config", [WebConfig()])
    def test_without_the_citys_account_nothing_is_released_and_the_page_says_what_to_set(self, desk, world):
        payments = two_certified(world)
        desk.sign_in("finance")
        assert "FOERDERBUCH_SEPA_DEBTOR_IBAN" in desk.get("/kaemmerei/zahlungslauf").text
        before = desk.head()

        answer = desk.post("/kaemmerei/zahlungslauf", {"zahlung": [str(p) for _, p in payments]})

        assert answer.status_code == 409 and "FOERDERBUCH_SEPA_DEBTOR_NAME" in answer.text
        assert desk.head() == before
        for grant, payment in payments:
            assert world.office.grant(grant).payments[payment.hex]["status"] == "certified"


def decide(desk: Any, line: tuple[UUID, int], decision: str, reason: str = "") -> Any:
    statement_id, index = line
    return desk.post(
        f"/kaemmerei/kontoauszug/{statement_id}/posten/{index}", {"entscheidung": decision, "begruendung": reason}
    )


def open_line(desk: Any, outcome: str) -> tuple[UUID, int]:
    with desk.client.app.state.services.projector.db.transaction() as cursor:
        lines = PaymentRuns.open_lines(cursor)
    found = [(line.statement_id, line.index) for line in lines if line.outcome == outcome]
    assert found, f"no open line {outcome}: {lines}"
    return found[0]


class TestDecidingOpenLines:
    """Returns and proposed repayments are booked by the cash office from the page; each line once."""

    @pytest.fixture
    def returned(self, desk: Any, world: Any) -> tuple[UUID, UUID]:
        payments = two_certified(world)
        desk.sign_in("finance")
        desk.post("/kaemmerei/zahlungslauf", {"zahlung": [str(p) for _, p in payments], "ausfuehrung": "2026-06-16"})
        desk.sign_in("cashier")
        grant, payment = payments[0]
        e2e = end_to_end_id(payment)
        upload(
            desk,
            statement(
                [
                    {"amount": "1500.00", "kind": "DBIT", "date": "2026-06-12", "e2e": e2e},
                    {"amount": "1500.00", "kind": "CRDT", "date": "2026-06-15", "e2e": e2e, "reason": "AC04"},
                    {"amount": "12.50", "kind": "DBIT", "date": "2026-06-15", "text": "Kontoführung"},
                ]
            ),
        )
        return grant, payment

    def test_the_return_is_booked_on_its_payment_with_the_reason_code_and_only_once(self, desk, world, returned):
        grant, payment = returned
        assert "Rücklauf buchen" in desk.get("/kaemmerei/zahlungslauf").text
        line = open_line(desk, "returned")

        answer = decide(desk, line, "return")

        assert answer.status_code == 303
        assert world.office.grant(grant).payments[payment.hex]["returned"] == Money("1500.00")
        page = desk.get("/kaemmerei/zahlungslauf").text
        assert "Rücklauf gebucht" in page and "Rücklauf buchen" not in page
        before = desk.head()
        again = decide(desk, line, "return")
        assert again.status_code == 409 and "schon entschieden" in again.text
        assert desk.head() == before

    def test_the_reason_code_is_kept_in_german_with_the_return(self, desk, world, returned):
        grant, _ = returned
        decide(desk, open_line(desk, "returned"), "return")

        events = list(world.office.events.get(grant))
        returns = [e for e in events if type(e).__name__ == "PaymentReturned"]
        assert len(returns) == 1 and "AC04 (Konto aufgelöst)" in returns[0].reason
        assert returns[0].value_date == date(2026, 6, 15)

    def test_an_unmatched_line_is_set_aside_with_a_reason(self, desk, world, returned):
        line = open_line(desk, "unmatched")
        assert decide(desk, line, "set_aside", "").status_code == 400  # a reason is needed

        answer = decide(desk, line, "set_aside", "Kontoführungsgebühr, gebucht im Kassenbuch")

        assert answer.status_code == 303
        assert "Kontoführung" not in desk.get("/kaemmerei/zahlungslauf").text

    def test_a_returned_line_cannot_be_booked_as_a_repayment(self, desk, world, returned):
        before = desk.head()

        answer = decide(desk, open_line(desk, "returned"), "repayment")

        assert answer.status_code == 409 and desk.head() == before

    def test_only_the_cash_office_decides(self, desk, world, returned):
        line = open_line(desk, "returned")
        desk.sign_in("finance")  # finance released the payment: the cash office books the money

        assert decide(desk, line, "return").status_code == 403
        assert world.office.grant(returned[0]).payments[returned[1].hex]["returned"] == Money("0")

    def test_who_released_the_payment_cannot_book_its_return(self, desk, world):
        admin = world.actor("admin", Role.ADMIN)
        world.office.grant_role(world.users["cashier"], Role.FINANCE, admin)  # Karla also works in finance
        world.office.grant_role(world.users["officer2"], Role.CASHIER, admin)
        grant = a_grant(world, "certified", "dfg", number="IB-2026-0003")
        payment = UUID(payment_of(world, grant))
        world.office.release_payment(grant, payment, world.actor("cashier", Role.FINANCE), on=date(2026, 6, 12))
        world.office.book_payment(grant, payment, date(2026, 6, 12), world.actor("officer2", Role.CASHIER))
        desk.sign_in("cashier")
        e2e = end_to_end_id(payment)
        upload(
            desk, statement([{"amount": "1500.00", "kind": "CRDT", "date": "2026-06-15", "e2e": e2e, "reason": "AC01"}])
        )
        before = desk.head()

        answer = decide(desk, open_line(desk, "returned"), "return")

        assert answer.status_code == 409 and "KomHVO" in answer.text
        assert desk.head() == before


class TestProposedRepayments:
    def test_an_incoming_repayment_naming_the_file_number_is_booked_on_its_claim(self, desk, world):
        grant = a_grant(world, "determined", number="IB-2026-0007")
        claim = world.office.grant(grant).claim_ids[0]
        desk.sign_in("cashier")
        upload(
            desk,
            statement(
                [{"amount": "1300.00", "kind": "CRDT", "date": "2026-06-15", "text": "Rueckzahlung IB-2026-0007"}]
            ),
        )
        line = open_line(desk, "repayment")

        answer = decide(desk, line, "repayment")

        assert answer.status_code == 303
        assert world.office.claim(claim).status == "settled"
        assert decide(desk, line, "repayment").status_code == 409

    def test_a_longer_file_number_is_not_taken_for_a_shorter_one(self, desk, world):
        a_grant(world, "determined", number="IB-2026-0007")
        desk.sign_in("cashier")
        upload(
            desk,
            statement([{"amount": "1300.00", "kind": "CRDT", "date": "2026-06-15", "text": "Zahlung IB-2026-00071"}]),
        )

        open_line(desk, "unmatched")
