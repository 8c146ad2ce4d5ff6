"""Retries never record twice: the same Idempotency-Key returns the first answer and records nothing new."""

from __future__ import annotations

import threading
from typing import Any

from domain.actors import Role

from .conftest import World


def head(world: World) -> int:
    return int(world.office.recorder.max_notification_id() or 0)


def review_and_approve_headers(world: World, key: str) -> dict[str, str]:
    return {**world.headers("approver"), "Idempotency-Key": key}


def reviewed(world: World) -> Any:
    grant = world.applied_a
    answer = world.post(
        "officer", f"/grants/{grant}/review", {"formal_ok": True, "substantive_ok": True, "notes": "ok"}
    )
    assert answer.status_code == 200, answer.text
    return grant


def test_the_same_key_returns_the_first_answer_and_records_nothing_new(world: World) -> None:
    grant = reviewed(world)
    body = {"amount": "10845.68", "rate": "0.88"}
    headers = review_and_approve_headers(world, "approve-a-1")

    first = world.client.post(f"/api/v1/grants/{grant}/approval", json=body, headers=headers)
    after_first = head(world)
    again = world.client.post(f"/api/v1/grants/{grant}/approval", json=body, headers=headers)

    assert first.status_code == 200, first.text
    assert again.status_code == 200
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert head(world) == after_first
    stored = world.office.events.get(grant)
    assert sum(1 for e in stored if type(e).__name__ == "GrantApproved") == 1


def test_a_refusal_is_the_answer_to_its_retries_too(world: World) -> None:
    grant = world.applied_a  # not reviewed: approving is refused
    headers = review_and_approve_headers(world, "approve-too-early")
    body = {"amount": "10845.68"}

    first = world.client.post(f"/api/v1/grants/{grant}/approval", json=body, headers=headers)
    again = world.client.post(f"/api/v1/grants/{grant}/approval", json=body, headers=headers)

    assert first.status_code == again.status_code
    assert first.status_code >= 400
    assert again.json()["code"] == first.json()["code"]


def test_the_same_key_for_another_request_is_refused(world: World) -> None:
    grant = reviewed(world)
    headers = review_and_approve_headers(world, "one-key")
    assert world.client.post(f"/api/v1/grants/{grant}/approval", json={"amount": "100.00"}, headers=headers)
    before = head(world)

    other = world.client.post(f"/api/v1/grants/{grant}/approval", json={"amount": "200.00"}, headers=headers)

    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    assert head(world) == before


def test_keys_belong_to_their_caller(world: World) -> None:
    """Another person's request with the same key is their own request, not a replay of someone else's."""
    body = {"formal_ok": True, "substantive_ok": True, "notes": "ok"}
    mine = {**world.headers("officer"), "Idempotency-Key": "shared"}
    theirs = {**world.headers("officer2"), "Idempotency-Key": "shared"}

    first = world.client.post(f"/api/v1/grants/{world.applied_a}/review", json=body, headers=mine)
    second = world.client.post(f"/api/v1/grants/{world.applied_b}/review", json=body, headers=theirs)

    assert first.status_code == 200 and second.status_code == 200
    assert "idempotent-replayed" not in second.headers
    assert world.office.grant(world.applied_b).status == "reviewed"


def test_a_malformed_key_is_refused(world: World) -> None:
    headers = {**world.headers("officer"), "Idempotency-Key": "with space"}
    answer = world.client.post(f"/api/v1/grants/{world.applied_a}/review", json={"notes": "x"}, headers=headers)
    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid_idempotency_key"


def test_concurrent_retries_record_once(world: World) -> None:
    grant = reviewed(world)
    headers = review_and_approve_headers(world, "double-click")
    before = head(world)
    answers: list[Any] = []

    def send() -> None:
        answers.append(
            world.client.post(
                f"/api/v1/grants/{grant}/approval", json={"amount": "10845.68", "rate": "0.88"}, headers=headers
            )
        )

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert sorted(a.status_code for a in answers) == [200, 200, 200, 200]
    assert len({a.text for a in answers}) == 1
    stored = world.office.events.get(grant)
    assert sum(1 for e in stored if type(e).__name__ == "GrantApproved") == 1
    assert head(world) > before
    assert world.office.actor_for(world.users["approver"], Role.APPROVER)  # the caller is untouched
