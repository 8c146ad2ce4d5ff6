"""Deadlines through the JSON API (issue 11 rule 8): the purpose fulfilled brings the proof of use forward,
a deadline on a weekend or NRW public holiday ends on the next working day; refusals record nothing."""

from __future__ import annotations

from typing import Any

from .conftest import World
from .test_auth import assert_problem


def ok(answer: Any, status: int = 200) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    return answer.json()  # type: ignore[no-any-return]


def final(detail: dict[str, Any]) -> dict[str, Any]:
    return next(d for d in detail["deadlines"] if d["key"] == "final")


def test_the_purpose_fulfilled_sets_the_proof_of_use_deadline(world: World) -> None:
    """Funding period 01.04.–30.09.2026: by the rule the proof is due 30.03.2027 (a Tuesday); the purpose
    fulfilled on 04.05.2026 makes it 04.11.2026 (a Wednesday)."""
    path = f"/grants/{world.grant_a}"
    assert final(ok(world.get("member_a", path)))["due"] == "2027-03-30"

    detail = ok(world.post("member_a", f"{path}/purpose-fulfilled", {"fulfilled_on": "2026-05-04"}))

    assert detail["purpose_fulfilled_on"] == "2026-05-04"
    assert final(detail)["due"] == "2026-11-04"
    assert any(
        "Zweck erfüllt am 04.05.2026" in entry["what"]
        for entry in ok(world.get("member_a", f"{path}/timeline"))["items"]
    )


def test_a_day_in_the_future_or_another_association_s_grant_is_refused(world: World) -> None:
    head = world.office.recorder.max_notification_id()

    future = world.post("member_a", f"/grants/{world.grant_a}/purpose-fulfilled", {"fulfilled_on": "2026-05-05"})
    foreign = world.post("member_b", f"/grants/{world.grant_a}/purpose-fulfilled", {"fulfilled_on": "2026-05-04"})
    approver = world.post("approver", f"/grants/{world.grant_a}/purpose-fulfilled", {"fulfilled_on": "2026-05-04"})

    assert assert_problem(future, 422, "invalid_input")["field"] == "fulfilled_on"
    assert_problem(foreign, 404, "not_found")
    assert_problem(approver, 403, "not_permitted")
    assert world.office.recorder.max_notification_id() == head
    assert world.office.grant(world.grant_a).purpose_fulfilled_on is None  # type: ignore[arg-type]
