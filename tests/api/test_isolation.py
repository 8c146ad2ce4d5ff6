"""A member of association A never sees or touches association B's things: by URL, by filter, by body field.

Every API operation that names a grant, payment, expense, claim or organisation in its path is called
by A's member with B's ids and a well-formed body: the answer is 404, word for word the answer for an
id that does not exist (so B's ids cannot be probed), or 403 where A's role may not call it at all;
nothing is recorded and nothing of B shows in the answer.
"""

from __future__ import annotations

import re
from typing import Any
from uuid import uuid4

import pytest

from domain.actors import Role
from web.api.framework import OPERATIONS

from .conftest import World, application_body, claim_for_b
from .test_auth import PROBLEM, assert_problem

SCOPED = ("grant_id", "payment_id", "expense_id", "claim_id", "organisation_id", "request_id")

BODIES: dict[str, Any] = {
    "request_documents": {"items": "Satzung", "due": "2026-06-01"},
    "receive_documents": {"note": "anbei"},
    "review_application": {"formal_ok": True, "substantive_ok": True, "notes": "ok"},
    "approve_grant": {"amount": "100.00", "rate": "0.5"},
    "reject_application": {"reason": "Testgrund"},
    "withdraw_application": {"reason": "Testgrund"},
    "request_payment": {"needs": [{"due": "2026-05-20", "amount": "10.00", "description": "Bus"}], "purpose": "Rate"},
    "certify_payment": {},
    "release_payment": {},
    "book_payment": {"value_date": "2026-05-05"},
    "cancel_payment": {"reason": "Testgrund"},
    "report_expense": {
        "budget_line": "travel",
        "paid_on": "2026-05-02",
        "payee": "Bahn",
        "purpose": "Fahrt",
        "receipt_reference": "X-1",
        "amount": "10.00",
    },
    "reverse_expense": {"reason": "Testgrund"},
    "submit_interim_proof": {"fiscal_year": 2026, "report": "Bericht"},
    "record_purpose_fulfilled": {"fulfilled_on": "2026-05-04"},
    "approve_early_start": {"start_on": "2026-04-02", "reason": "Buchung"},
    "record_transfer_abroad": {
        "euro": "100.00",
        "currency": "GHS",
        "received": "1550",
        "value_date": "2026-05-04",
        "recipient": "Partner",
    },
    "record_item": {"description": "Beamer", "acquired_on": "2026-04-15", "value": "1250.00"},
    "record_disposal": {"disposed_on": "2026-05-02", "how": "verkauft"},
    "submit_proof_of_use": {"report": "Bericht", "own_funds": "0", "third_party_funds": "0", "income": "0"},
    "submit_simple_proof_of_use": {
        "report": "Bericht",
        "own_funds": "0",
        "third_party_funds": "0",
        "income": "0",
        "actual_costs": {"travel": "100.00"},
    },
    "review_proof_of_use": {"notes": "geprüft"},
    "determine_final_amount": {},
    "propose_revocation": {
        "remaining_amount": "0",
        "effective_on": "2026-05-04",
        "facts_known_on": "2026-05-01",
        "heard_on": "2026-05-02",
        "reason": "Testgrund",
    },
    "decide_revocation": {"approve": True, "reason": "Testgrund"},
    "decide_idle_interest": {"amount": "0", "reason": "Testgrund"},
    "propose_claim_relief": {"kind": "waiver", "reason": "Testgrund"},
    "decide_claim_relief": {"approve": True, "reason": "Testgrund"},
    "close_grant": {},
    "receive_repayment": {"amount": "1.00", "value_date": "2026-05-04"},
    "record_register_entry": {"register_court": "Amtsgericht Dortmund", "register_number": "VR 4711"},
}

SCOPED_OPERATIONS = [op for op in OPERATIONS if any(name in op.path_params for name in SCOPED)]


def test_every_scoped_operation_is_covered() -> None:
    commands = {op.operation_id for op in SCOPED_OPERATIONS if op.body is not None}
    assert commands <= set(BODIES), commands - set(BODIES)
    assert len(SCOPED_OPERATIONS) >= 25


@pytest.fixture
def claim_b(world: World) -> str:
    return str(claim_for_b(world))


def _path(op, ids: dict[str, Any]) -> str:
    return "/api/v1" + re.sub(r"\{(\w+)\}", lambda m: str(ids[m.group(1)]), op.path)


def _without_instance(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k != "instance"}


@pytest.mark.parametrize("op", SCOPED_OPERATIONS, ids=lambda op: f"{op.method} {op.path}")
def test_a_member_meets_the_other_association_s_things_as_not_found(world: World, claim_b: str, op) -> None:
    b_ids = {
        "grant_id": world.grant_b,
        "payment_id": world.payment_b,
        "expense_id": world.expense_b,
        "claim_id": claim_b,
        "organisation_id": world.org_b,
        "request_id": uuid4(),
        "item_id": uuid4(),
        "programme_id": world.programme_id,
    }
    nobody_s = {**b_ids, **{name: uuid4() for name in SCOPED if name in op.path_params}}
    body = BODIES.get(op.operation_id)
    head = world.office.recorder.max_notification_id()

    answer = world.client.request(op.method, _path(op, b_ids), headers=world.headers("member_a"), json=body)

    if Role.ASSOCIATION not in op.roles:
        assert_problem(answer, 403, "not_permitted")
    else:
        problem = assert_problem(answer, 404, "not_found")
        unknown = world.client.request(op.method, _path(op, nobody_s), headers=world.headers("member_a"), json=body)
        assert _without_instance(problem) == _without_instance(unknown.json())
    assert world.office.recorder.max_notification_id() == head
    for secret in ("Kumasi", "IB-2026-0002", "Kotoka", "B-17", "DE02120300000000202051"):
        assert secret not in answer.text


@pytest.mark.parametrize("op", SCOPED_OPERATIONS, ids=lambda op: f"{op.method} {op.path}")
def test_the_owner_gets_past_the_isolation(world: World, claim_b: str, op) -> None:
    """The same requests by B's own member are not refused as 'not found' (the check above is about A)."""
    ids = {
        "grant_id": world.grant_b,
        "payment_id": world.payment_b,
        "expense_id": world.expense_b,
        "claim_id": claim_b,
        "organisation_id": world.org_b,
        "request_id": uuid4(),
        "item_id": uuid4(),
    }
    answer = world.client.request(
        op.method, _path(op, ids), headers=world.headers("member_b"), json=BODIES.get(op.operation_id)
    )

    if op.method == "GET":
        assert answer.status_code == 200, answer.text
    elif "request_id" not in op.path_params:
        assert answer.status_code != 404 or answer.json()["field"] is not None, answer.text


def test_lists_hold_only_the_member_s_own_things(world: World) -> None:
    grants = world.get("member_a", "/grants").json()["items"]
    organisations = world.get("member_a", "/organisations").json()["items"]

    assert {g["organisation_id"] for g in grants} == {str(world.org_a)}
    assert {g["grant_id"] for g in grants} == {str(world.grant_a), str(world.applied_a)}
    assert [o["organisation_id"] for o in organisations] == [str(world.org_a)]
    assert len(world.get("officer", "/grants").json()["items"]) == 4


def test_a_filter_for_the_other_association_is_not_found(world: World) -> None:
    answer = world.get("member_a", f"/grants?organisation_id={world.org_b}")
    own = world.get("member_a", f"/grants?organisation_id={world.org_a}")

    assert assert_problem(answer, 404, "not_found")["field"] == "organisation_id"
    assert own.status_code == 200 and len(own.json()["items"]) == 2


def test_applying_in_the_other_association_s_name_is_not_found(world: World) -> None:
    head = world.office.recorder.max_notification_id()
    body = application_body(world.programme_id, organisation_id=str(world.org_b))

    answer = world.post("member_a", "/grants", body)

    assert assert_problem(answer, 404, "not_found")["field"] == "organisation_id"
    assert world.office.recorder.max_notification_id() == head


def test_the_other_association_s_export_is_not_found(world: World) -> None:
    answer = world.get("member_a", f"/grants/{world.grant_b}/exports/expenses.csv")

    assert answer.status_code == 404 and answer.headers["content-type"] == PROBLEM
    assert "Kotoka" not in answer.text


def test_programme_balances_are_for_staff(world: World) -> None:
    member = world.get("member_a", f"/programmes/{world.programme_id}").json()
    officer = world.get("officer", f"/programmes/{world.programme_id}").json()

    assert member["balances"] is None and member["rule_set"]["min_grant"] == "250.00"
    assert officer["balances"][0]["committed"] == "10000.00"
