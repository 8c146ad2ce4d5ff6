"""Who may call: a bearer token or nothing (401), the token's role (403), no cookies, problem details."""

from __future__ import annotations

import re

import pytest

from domain.actors import Actor, Role
from web.api import api_routes
from web.api.framework import OPERATIONS

from .conftest import World

PROBLEM = "application/problem+json"


def assert_problem(answer, status: int, code: str) -> dict:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == PROBLEM
    body = answer.json()
    assert body["status"] == status and body["code"] == code
    assert body["type"] == f"urn:foerderbuch:problem:{code}"
    assert body["title"] and body["detail"] and body["instance"] == answer.request.url.path
    assert "field" in body
    return body


def concrete(path: str, world: World) -> str:
    """A path of the operation table with ids of association B's things filled in."""
    values = {
        "grant_id": world.grant_b,
        "payment_id": world.payment_b,
        "expense_id": world.expense_b,
        "organisation_id": world.org_b,
        "programme_id": world.programme_id,
        "request_id": world.payment_b,
        "claim_id": world.payment_b,
        "item_id": world.payment_b,
        "token_id": "0123456789abcdef",
        "run_id": world.payment_b,
        "statement_id": world.payment_b,
        "line": 1,
    }
    return "/api/v1" + re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), path)


PROTECTED = [op for op in OPERATIONS if op.roles is not None]


@pytest.mark.parametrize("op", PROTECTED, ids=lambda op: f"{op.method} {op.path}")
def test_every_endpoint_but_the_document_needs_a_token(world: World, op) -> None:
    answer = world.client.request(op.method, concrete(op.path, world))

    body = assert_problem(answer, 401, "token_missing")
    assert answer.headers["www-authenticate"].startswith("Bearer")
    assert "Authorization: Bearer" in body["detail"]


@pytest.mark.parametrize(
    "header",
    [
        "Bearer fbk_0123456789abcdef_" + "A" * 43,
        "Bearer nonsense",
        "Basic dXNlcjpwYXNz",
        "Bearer ",
        "fbk_0123456789abcdef_" + "A" * 43,
    ],
)
def test_a_wrong_token_is_refused_with_401(world: World, header: str) -> None:
    answer = world.client.get("/api/v1/grants", headers={"Authorization": header})

    assert answer.status_code == 401
    assert answer.headers["content-type"] == PROBLEM
    assert answer.json()["code"] in ("token_missing", "token_invalid")
    assert "Zuwendung" not in answer.text


def test_a_tampered_secret_is_refused(world: World) -> None:
    token = world.tokens["officer"]
    tampered = token[:-2] + ("xy" if not token.endswith("xy") else "yz")

    answer = world.client.get("/api/v1/me", headers={"Authorization": f"Bearer {tampered}"})

    body = assert_problem(answer, 401, "token_invalid")
    assert 'error="invalid_token"' in answer.headers["www-authenticate"]
    assert "widerrufen" in body["detail"]


def test_a_revoked_token_is_refused(world: World) -> None:
    token_id = world.get("finance", "/me").json()["token_id"]
    world.credentials.revoke_token(token_id)

    assert_problem(world.get("finance", "/grants"), 401, "token_invalid")


def test_a_disabled_user_s_token_stops_working(world: World) -> None:
    world.office.disable_user(world.users["member_a"], "Vorstand gewechselt", world.actors["admin"])

    assert_problem(world.get("member_a", "/me"), 401, "token_invalid")


def test_a_token_whose_role_was_revoked_stops_working(world: World) -> None:
    world.office.revoke_role(world.users["finance"], Role.FINANCE, "Wechsel in ein anderes Amt", world.actors["admin"])

    assert_problem(world.get("finance", "/me"), 401, "token_invalid")


def test_a_token_acts_in_its_own_role_only(world: World) -> None:
    world.office.grant_role(world.users["officer"], Role.AUDITOR, Actor.system())
    auditor_token = world.token_for("officer", Role.AUDITOR)

    me = world.client.get("/api/v1/me", headers={"Authorization": f"Bearer {auditor_token}"}).json()
    review = world.client.post(
        f"/api/v1/grants/{world.applied_a}/review",
        headers={"Authorization": f"Bearer {auditor_token}"},
        json={"formal_ok": True, "substantive_ok": True, "notes": "passt"},
    )

    assert me["role"] == "auditor"
    assert_problem(review, 403, "not_permitted")


@pytest.mark.parametrize(
    ("who", "method", "path", "body"),
    [
        ("member_a", "GET", "/balances", None),
        ("member_a", "GET", "/work-queue", None),
        ("auditor", "POST", "/grants/{applied_a}/review", {"formal_ok": True, "substantive_ok": True, "notes": "ok"}),
        ("member_a", "POST", "/grants/{applied_a}/review", {"formal_ok": True, "substantive_ok": True, "notes": "ok"}),
        ("officer", "POST", "/grants/{applied_a}/approval", {"amount": "100.00"}),
        ("finance", "POST", "/grants", {}),
        ("member_a", "POST", "/organisations", {}),
        ("approver", "POST", "/grants/{grant_b}/payments/{payment_b}/booking", {"value_date": "2026-05-05"}),
        ("member_b", "POST", "/grants/{grant_b}/payments/{payment_b}/certification", {}),
    ],
)
def test_a_role_that_may_not_answers_403(world: World, who: str, method: str, path: str, body) -> None:
    path = path.format(applied_a=world.applied_a, grant_b=world.grant_b, payment_b=world.payment_b)

    answer = world.client.request(method, "/api/v1" + path, headers=world.headers(who), json=body)

    body = assert_problem(answer, 403, "not_permitted")
    assert body["detail"]


def test_four_eyes_refusals_say_so(world: World) -> None:
    review = world.post(
        "officer",
        f"/grants/{world.applied_a}/review",
        {"formal_ok": True, "substantive_ok": True, "notes": "vollständig"},
    )
    assert review.status_code == 200
    world.office.grant_role(world.users["officer"], Role.APPROVER, Actor.system())
    as_approver = world.token_for("officer", Role.APPROVER)

    answer = world.client.post(
        f"/api/v1/grants/{world.applied_a}/approval",
        headers={"Authorization": f"Bearer {as_approver}"},
        json={"amount": "10845.68"},
    )

    body = assert_problem(answer, 403, "four_eyes")
    assert "Vier-Augen" in body["detail"]


def test_a_signed_in_browser_session_is_no_way_into_the_api(world: World) -> None:
    """The API reads no cookie: a session cookie (even a valid one) is not a token, so CSRF cannot ride on it."""
    world.office.grant_role(world.users["admin"], Role.OFFICER, Actor.system())
    world.credentials.set_password(world.users["admin"], "ein-langes-passwort")
    form = world.client.get("/anmelden").text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert csrf is not None
    signed_in = world.client.post(
        "/anmelden",
        data={
            "email": "ada.admin@dortmund.de",
            "password": "ein-langes-passwort",
            "csrf_token": csrf.group(1),
            "next": "/",
        },
        follow_redirects=False,
    )
    assert signed_in.status_code == 303 and world.client.cookies

    answer = world.client.post(f"/api/v1/grants/{world.applied_a}/rejection", json={"reason": "per Cookie"})

    assert_problem(answer, 401, "token_missing")
    assert world.office.grant(world.applied_a).status == "applied"


def test_the_openapi_document_needs_no_token(world: World) -> None:
    answer = world.client.get("/api/v1/openapi.json")

    assert answer.status_code == 200
    assert answer.json()["openapi"].startswith("3.1")


def test_api_responses_are_not_cached_and_carry_the_security_headers(world: World) -> None:
    for answer in (world.get("officer", "/me"), world.client.get("/api/v1/me")):
        assert answer.headers["cache-control"] == "no-store"
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert "set-cookie" not in answer.headers


def test_the_routes_are_mounted_under_api_v1(world: World) -> None:
    assert len(api_routes) == len(OPERATIONS) + 1  # one catch-all answering problems for unknown paths
