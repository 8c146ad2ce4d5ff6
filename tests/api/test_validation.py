"""Bad input is refused with 422 (or 400/404/405/415) as problem details, and nothing is recorded."""

from __future__ import annotations

import json

import pytest

from .conftest import World, application_body, plan_body
from .test_auth import PROBLEM, assert_problem


def log_head(world: World) -> int:
    return int(world.office.recorder.max_notification_id() or 0)


def expense(**changes) -> dict:
    body = {
        "budget_line": "travel",
        "paid_on": "2026-05-02",
        "payee": "Deutsche Bahn",
        "purpose": "Fahrkarten",
        "receipt_reference": "A-1",
        "amount": "120.50",
    }
    body.update(changes)
    return {k: v for k, v in body.items() if v is not None}


@pytest.mark.parametrize(
    ("amount", "why"),
    [
        (120.5, "a JSON number (float)"),
        (120, "a JSON integer"),
        ("1.000,5x", "German notation with garbage"),
        ("1.000,50", "German notation"),
        ("-120.50", "negative"),
        ("120.505", "a third decimal place"),
        ("1e3", "exponent"),
        ("NaN", "not a number"),
        ("", "empty"),
        (" 120.50", "padding"),
        (True, "a boolean"),
        ("1000000000000.00", "absurdly large"),
    ],
)
def test_amounts_must_be_decimal_strings_with_at_most_two_places(world: World, amount, why: str) -> None:
    before = log_head(world)

    answer = world.post("member_a", f"/grants/{world.grant_a}/expenses", expense(amount=amount))

    body = assert_problem(answer, 422, "invalid_input")
    assert body["field"] == "amount", why
    assert body["errors"][0]["field"] == "amount"
    assert log_head(world) == before


def test_unknown_fields_are_refused(world: World) -> None:
    answer = world.post("member_a", f"/grants/{world.grant_a}/expenses", expense(approved_by_myself=True))

    body = assert_problem(answer, 422, "invalid_input")
    assert body["field"] == "approved_by_myself"


def test_nested_errors_name_the_path_of_the_field(world: World) -> None:
    plan = plan_body()
    plan["cost_lines"][1]["amount"] = 4345.68

    answer = world.post("member_a", "/grants", application_body(world.programme_id, plan=plan))

    body = assert_problem(answer, 422, "invalid_input")
    assert body["field"] == "plan.cost_lines.1.amount"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"period_start": "01.06.2026"}, "period_start"),
        ({"period_start": "2026-02-30"}, "period_start"),
        ({"period_start": "1899-06-01"}, "period_start"),
        ({"period_start": 1780000000}, "period_start"),
        ({"financing_type": "gift"}, "financing_type"),
        ({"programme_id": "IB-VEREINE"}, "programme_id"),
        ({"title": ""}, "title"),
        ({"title": None}, "title"),
    ],
)
def test_malformed_values_are_refused(world: World, changes: dict, field: str) -> None:
    body = application_body(world.programme_id)
    body.update(changes)

    answer = world.post("member_a", "/grants", body)

    assert assert_problem(answer, 422, "invalid_input")["field"] == field


def test_a_plan_that_does_not_balance_is_refused_by_the_domain_with_its_code(world: World) -> None:
    plan = plan_body()
    plan["own_funds"] = "1000.00"
    before = log_head(world)

    answer = world.post("member_a", "/grants", application_body(world.programme_id, plan=plan))

    body = assert_problem(answer, 422, "plan_not_balanced")
    assert body["field"] == "grant" and "nicht ausgeglichen" in body["detail"]
    assert log_head(world) == before


def test_a_rule_of_the_programme_is_refused_with_422(world: World) -> None:
    answer = world.post("member_a", "/grants", application_body(world.programme_id, plan=plan_body("100.00")))

    body = assert_problem(answer, 422, "rule_violation")
    assert body["field"] == "grant" and "fördert ab" in body["detail"]


def test_expense_needs_exactly_one_of_amount_and_foreign(world: World) -> None:
    foreign = {"currency": "GHS", "original": "100.00", "rate": "15.23", "rate_date": "2026-05-01"}
    both = world.post("member_a", f"/grants/{world.grant_a}/expenses", expense(foreign=foreign))
    neither = world.post("member_a", f"/grants/{world.grant_a}/expenses", expense(amount=None))

    assert_problem(both, 422, "invalid_input")
    assert_problem(neither, 422, "invalid_input")


def test_malformed_json_is_400(world: World) -> None:
    answer = world.client.post(
        f"/api/v1/grants/{world.grant_a}/expenses",
        content=b'{"amount": "1.00",',
        headers={**world.headers("member_a"), "content-type": "application/json"},
    )

    assert_problem(answer, 400, "malformed_json")


def test_a_body_that_is_not_json_is_415(world: World) -> None:
    answer = world.client.post(
        f"/api/v1/grants/{world.grant_a}/expenses",
        content=b"amount=1.00",
        headers={**world.headers("member_a"), "content-type": "application/x-www-form-urlencoded"},
    )

    assert_problem(answer, 415, "unsupported_media_type")


def test_a_body_that_is_not_an_object_is_422(world: World) -> None:
    answer = world.post("member_a", f"/grants/{world.grant_a}/expenses", ["amount", "1.00"])

    assert_problem(answer, 422, "invalid_input")


def test_a_huge_body_is_413(world: World) -> None:
    answer = world.client.post(
        f"/api/v1/grants/{world.grant_a}/expenses",
        content=json.dumps({"purpose": "x" * 1_100_000}),
        headers={**world.headers("member_a"), "content-type": "application/json"},
    )

    assert_problem(answer, 413, "too_large")


@pytest.mark.parametrize(
    "query",
    [
        "limit=0",
        "limit=101",
        "limit=zehn",
        "status=bewilligt",
        "programme_id=42",
        "cursor=kaputt",
        "farbe=blau",
        "limit=5&limit=6",
    ],
)
def test_bad_query_parameters_are_422(world: World, query: str) -> None:
    answer = world.get("officer", f"/grants?{query}")

    assert_problem(answer, 422, "invalid_input")


def test_a_cursor_only_fits_the_filters_it_was_made_for(world: World) -> None:
    page = world.get("officer", "/grants?limit=1").json()
    assert page["next_cursor"]

    answer = world.get("officer", f"/grants?limit=1&status=approved&cursor={page['next_cursor']}")

    assert assert_problem(answer, 422, "invalid_input")["field"] == "cursor"


def test_unknown_paths_methods_and_ids_answer_problems(world: World) -> None:
    unknown = world.get("officer", "/zuwendungen")
    not_uuid = world.get("officer", "/grants/IB-2026-0001")
    missing = world.get("officer", "/grants/00000000-0000-4000-8000-000000000000")
    wrong_method = world.client.put(f"/api/v1/grants/{world.grant_a}", headers=world.headers("officer"))

    assert_problem(unknown, 404, "not_found")
    assert_problem(not_uuid, 404, "not_found")
    assert_problem(missing, 404, "not_found")
    assert_problem(wrong_method, 405, "method_not_allowed")
    assert wrong_method.headers["allow"] == "GET, HEAD"


def test_errors_are_never_html(world: World) -> None:
    for answer in (
        world.client.get("/api/v1/nirgends"),
        world.get("officer", "/grants/kaputt"),
        world.client.delete("/api/v1/programmes"),
    ):
        assert answer.headers["content-type"] == PROBLEM
        assert "<html" not in answer.text.lower()
