"""Two people in the cash office through the JSON API (§ 31 (3) KomHVO NRW, issue 11 rule 10).

Finance releases a payment, the Stadtkasse (role ``cashier``) books it; one person may hold both roles
but never acts twice on one payment; a value date after today is refused. Every refusal leaves the log
as it was.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from domain.actors import Role
from domain.money import Money
from tests.revocations import revoke

from .conftest import TODAY, World
from .test_auth import assert_problem
from .test_grant_law import paid_share_grant


def ok(answer: Any, status: int = 200) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    return answer.json()  # type: ignore[no-any-return]


def released_payment(world: World) -> tuple[UUID, UUID]:
    """A grant of association A with 1.000 € requested on 04.05.2026, certified and released by finance."""
    office = world.office
    assert world.grant_a is not None
    grant = world.grant_a
    payment = office.request_payment(
        grant,
        [{"due": date(2026, 6, 1), "amount": Money("1000.00"), "description": "Bus"}],
        "Anzahlung",
        world.actors["member_a"],
        on=TODAY,
    )
    office.certify_payment(grant, payment, world.actors["officer"], on=TODAY)
    office.release_payment(grant, payment, world.actors["finance"], on=TODAY)
    return grant, payment


def test_the_cash_office_books_what_finance_released(world: World) -> None:
    grant, payment = released_payment(world)
    path = f"/grants/{grant}/payments/{payment}/booking"
    head = world.office.recorder.max_notification_id()

    assert_problem(world.post("finance", path, {"value_date": "2026-05-04"}), 403, "not_permitted")
    future = assert_problem(world.post("cashier", path, {"value_date": "2026-05-05"}), 422, "invalid_input")
    assert future["field"] == "value_date" and "in der Zukunft" in future["detail"]
    assert world.office.recorder.max_notification_id() == head

    booked = ok(world.post("cashier", path, {"value_date": "2026-05-04"}))
    assert (booked["status"], booked["value_date"], booked["amount"]) == ("booked", "2026-05-04", "1000.00")


def test_who_released_a_payment_never_books_it_in_the_other_role(world: World) -> None:
    grant, payment = released_payment(world)
    world.office.grant_role(world.users["finance"], Role.CASHIER, world.actors["admin"])
    as_cashier = world.token_for("finance", Role.CASHIER, label="Stadtkasse")
    head = world.office.recorder.max_notification_id()

    refused = world.client.post(
        f"/api/v1/grants/{grant}/payments/{payment}/booking",
        headers={"Authorization": f"Bearer {as_cashier}"},
        json={"value_date": "2026-05-04"},
    )

    problem = assert_problem(refused, 403, "four_eyes")
    assert "§ 31 Abs. 3 KomHVO NRW" in problem["detail"]
    assert world.office.recorder.max_notification_id() == head
    assert world.office.grant(grant).payments[payment.hex]["status"] == "released"


def test_a_repayment_is_booked_by_the_cash_office(world: World) -> None:
    grant = paid_share_grant(world)
    claim_id = revoke(
        world.office,
        grant,
        Money("0"),
        date(2026, 4, 1),
        "Zweck verfehlt",
        world.actors["officer"],
        world.actors["approver"],
        on=date(2026, 4, 20),
    )
    path = f"/claims/{claim_id}/repayments"
    head = world.office.recorder.max_notification_id()

    assert_problem(world.post("finance", path, {"amount": "100.00", "value_date": "2026-05-04"}), 403, "not_permitted")
    future = assert_problem(
        world.post("cashier", path, {"amount": "100.00", "value_date": "2026-05-05"}), 422, "invalid_input"
    )
    assert future["field"] == "value_date"
    assert world.office.recorder.max_notification_id() == head

    claim = ok(world.post("cashier", path, {"amount": "100.00", "value_date": "2026-05-04"}))
    assert claim["status"] == "open"
    assert world.office.claim(claim_id).interest_from == date(2026, 5, 4)
