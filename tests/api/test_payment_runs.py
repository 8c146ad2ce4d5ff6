"""Payment runs and bank statements through the JSON API, with the page's role checks.

Finance lists the certified payments and releases them together into a run with its SEPA file; the
Stadtkasse imports a camt.053 statement (base64 in JSON) that books the transfer, lists a return and an
incoming repayment, and decides them; the same statement twice changes nothing. Associations, officers
and the wrong role are refused and the log stays as it was.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

import sepaxml
from lxml import etree

from domain.money import Money
from domain.payment_run import end_to_end_id

from .conftest import TODAY, World, claim_for_b
from .test_auth import assert_problem

PAIN = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"
XSD = Path(sepaxml.__file__).parent / "schemas" / "pain.001.001.09.xsd"


def ok(answer: Any, status: int = 200) -> Any:
    assert answer.status_code == status, answer.text
    return answer.json()


def certified(world: World) -> tuple[UUID, UUID]:
    """A payment of 1.000 € on grant A, requested by its member and certified by an officer."""
    assert world.grant_a is not None
    payment = world.office.request_payment(
        world.grant_a,
        [{"due": date(2026, 6, 1), "amount": Money("1000.00"), "description": "Bus"}],
        "Anzahlung Bus",
        world.actors["member_a"],
        on=TODAY,
    )
    world.office.certify_payment(world.grant_a, payment, world.actors["officer"], on=TODAY)
    return world.grant_a, payment


def camt(entries: list[dict[str, str]]) -> str:
    ns = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"
    parts = []
    for e in entries:
        reason = f"<RtrInf><Rsn><Cd>{e['reason']}</Cd></Rsn></RtrInf>" if e.get("reason") else ""
        parts.append(
            f'<Ntry><Amt Ccy="EUR">{e["amount"]}</Amt><CdtDbtInd>{e["kind"]}</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>'
            f"<ValDt><Dt>{e['date']}</Dt></ValDt><NtryDtls><TxDtls><Refs><EndToEndId>{e.get('e2e', 'NOTPROVIDED')}"
            f"</EndToEndId></Refs><RmtInf><Ustrd>{e.get('text', '')}</Ustrd></RmtInf>{reason}"
            "</TxDtls></NtryDtls></Ntry>"
        )
    xml = (
        f'<?xml version="1.0" encoding="UTF-8"?><Document xmlns="{ns}"><BkToCstmrStmt><GrpHdr><MsgId>M1</MsgId>'
        "<CreDtTm>2026-05-04T06:00:00</CreDtTm></GrpHdr><Stmt><Id>AUSZUG-7</Id><Acct><Id><IBAN>DE80440501990001000017"
        "</IBAN></Id></Acct>" + "".join(parts) + "</Stmt></BkToCstmrStmt></Document>"
    )
    return base64.b64encode(xml.encode()).decode()


def test_finance_lists_the_certified_payments_with_payee_iban_and_posting(world: World) -> None:
    _grant, payment = certified(world)

    items = ok(world.get("finance", "/payment-runs/payable"))["items"]

    (item,) = [i for i in items if i["payment_id"] == str(payment)]
    assert (item["iban"], item["bic"], item["amount"]) == ("DE89370400440532013000", "COBADEFFXXX", "1000.00")
    assert item["purpose_line"] == "IB-2026-0001 Anzahlung Bus"
    assert item["posting"] == "01.11.02 / 531800 / 1011000" and item["certified_by"] == "Sven Sachbearbeiter"
    assert item["end_to_end_id"] == end_to_end_id(payment)


def test_a_run_is_released_with_a_valid_sepa_file_equal_to_the_payments(world: World) -> None:
    grant, payment = certified(world)

    run = ok(
        world.post("finance", "/payment-runs", {"payment_ids": [str(payment)], "execution_date": "2026-05-05"}), 201
    )

    assert [(p["payment_id"], p["amount"], p["iban"]) for p in run["payments"]] == [
        (str(payment), "1000.00", "DE89370400440532013000")
    ]
    answer = world.get("auditor", f"/payment-runs/{run['run_id']}/file")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/xml")
    document = etree.fromstring(answer.content)
    assert etree.XMLSchema(etree.parse(str(XSD))).validate(document)
    assert document.findtext(f".//{{{PAIN}}}EndToEndId") == end_to_end_id(payment)
    assert document.findtext(f".//{{{PAIN}}}DbtrAcct/{{{PAIN}}}Id/{{{PAIN}}}IBAN") == "DE80440501990001000017"
    assert hashlib.sha256(answer.content).hexdigest() == run["sha256"]
    assert world.office.grant(grant).payments[payment.hex]["status"] == "released"
    listed = ok(world.get("cashier", "/payment-runs"))["items"]
    assert [r["run_id"] for r in listed] == [run["run_id"]] and listed[0]["total"] == "1000.00"
    assert ok(world.get("finance", f"/payment-runs/{run['run_id']}"))["message_id"] == run["message_id"]


def test_the_page_roles_hold_and_a_refusal_records_nothing(world: World) -> None:
    _grant, payment = certified(world)
    head = world.office.recorder.max_notification_id()
    body = {"payment_ids": [str(payment)]}

    for who in ("officer", "cashier", "auditor", "member_a"):
        assert_problem(world.post(who, "/payment-runs", body), 403, "not_permitted")
    for who in ("officer", "member_a"):
        assert_problem(world.get(who, "/payment-runs/payable"), 403, "not_permitted")
    assert_problem(world.post("finance", "/bank-statements", {"content_base64": camt([])}), 403, "not_permitted")
    unknown = {"payment_ids": ["00000000-0000-0000-0000-000000000001"]}
    assert_problem(world.post("finance", "/payment-runs", unknown), 409, "nothing_released")
    assert_problem(world.get("finance", f"/payment-runs/{payment}"), 404, "not_found")
    assert world.office.recorder.max_notification_id() == head


def test_without_the_citys_account_nothing_is_released(world: World) -> None:
    grant, payment = certified(world)
    world.client.app.state.config = type(world.client.app.state.config)()  # type: ignore[attr-defined]
    head = world.office.recorder.max_notification_id()

    problem = assert_problem(
        world.post("finance", "/payment-runs", {"payment_ids": [str(payment)]}), 409, "sepa_account_missing"
    )

    assert "FOERDERBUCH_SEPA_DEBTOR_IBAN" in problem["detail"]
    assert world.office.recorder.max_notification_id() == head
    assert world.office.grant(grant).payments[payment.hex]["status"] == "certified"


def test_a_statement_books_lists_and_decides_and_twice_changes_nothing(world: World) -> None:
    grant, payment = certified(world)
    ok(world.post("finance", "/payment-runs", {"payment_ids": [str(payment)]}), 201)
    claim = claim_for_b(world)
    e2e = end_to_end_id(payment)
    content = camt(
        [
            {"amount": "1000.00", "kind": "DBIT", "date": "2026-05-04", "e2e": e2e},
            {"amount": "1000.00", "kind": "CRDT", "date": "2026-05-04", "e2e": e2e, "reason": "AC04"},
            {"amount": "50.00", "kind": "CRDT", "date": "2026-05-04", "text": "Rueckzahlung IB-2026-0002"},
        ]
    )

    imported = ok(world.post("cashier", "/bank-statements", {"file_name": "auszug.xml", "content_base64": content}))

    assert imported["duplicate"] is False and imported["bank_statement_id"] == "AUSZUG-7"
    assert [(b["outcome"], b["file_number"]) for b in imported["booked"]] == [("booked", "IB-2026-0001")]
    assert sorted(o["outcome"] for o in imported["open"]) == ["repayment", "returned"]
    assert world.office.grant(grant).payments[payment.hex]["value_date"] == date(2026, 5, 4)
    head = world.office.recorder.max_notification_id()
    again = ok(world.post("cashier", "/bank-statements", {"file_name": "auszug.xml", "content_base64": content}))
    assert again["duplicate"] is True and world.office.recorder.max_notification_id() == head

    statement = imported["statement_id"]
    lines = {
        line["outcome"]: line["index"] for line in ok(world.get("auditor", "/bank-statements/open-lines"))["items"]
    }
    assert_problem(
        world.post("finance", f"/bank-statements/{statement}/lines/{lines['returned']}/return"), 403, "not_permitted"
    )
    left = ok(world.post("cashier", f"/bank-statements/{statement}/lines/{lines['returned']}/return"))["items"]
    assert [line["outcome"] for line in left] == ["repayment"]
    assert world.office.grant(grant).payments[payment.hex]["returned"] == Money("1000.00")
    assert_problem(
        world.post("cashier", f"/bank-statements/{statement}/lines/{lines['returned']}/return"), 409, "invalid_state"
    )

    owed = world.office.claim(claim).outstanding
    assert (
        ok(world.post("cashier", f"/bank-statements/{statement}/lines/{lines['repayment']}/repayment"))["items"] == []
    )
    assert world.office.claim(claim).outstanding < owed


def test_an_unmatched_line_is_set_aside_with_a_reason(world: World) -> None:
    content = camt([{"amount": "7.50", "kind": "DBIT", "date": "2026-05-04", "text": "Gebühr"}])
    imported = ok(world.post("cashier", "/bank-statements", {"content_base64": content}))
    (line,) = imported["open"]
    path = f"/bank-statements/{imported['statement_id']}/lines/{line['index']}/set-aside"

    assert_problem(world.post("cashier", path, {"reason": ""}), 422, "invalid_input")
    assert ok(world.post("cashier", path, {"reason": "Kontoführungsgebühr"}))["items"] == []


def test_a_file_that_is_no_statement_is_refused(world: World) -> None:
    bad = base64.b64encode(b"<html/>").decode()
    assert_problem(world.post("cashier", "/bank-statements", {"content_base64": bad}), 422, "invalid_statement")
    assert_problem(world.post("cashier", "/bank-statements", {"content_base64": "%%%%"}), 422, "invalid_input")
    assert_problem(
        world.post("cashier", "/bank-statements/00000000-0000-0000-0000-000000000001/lines/x/return"), 404, "not_found"
    )
