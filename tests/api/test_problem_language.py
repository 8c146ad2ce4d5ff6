"""Problem details speak the language the request asks for: German by default, English on request."""

from __future__ import annotations

import pytest

from web.i18n import accepted_language

from .conftest import World
from .test_auth import assert_problem


def _refused_payment_request(world: World, **headers: str):
    world.post(
        "officer", f"/grants/{world.applied_a}/review", {"formal_ok": True, "substantive_ok": True, "notes": "gut"}
    )
    world.post("approver", f"/grants/{world.applied_a}/approval", {"amount": "10845.68", "rate": "0.88"})
    return world.client.post(
        f"/api/v1/grants/{world.applied_a}/payments",
        headers={**world.headers("member_a"), **headers},
        json={"needs": [{"due": "2026-06-15", "amount": "100.00", "description": "Vorschuss"}], "purpose": "zu früh"},
    )


def test_a_domain_refusal_is_german_without_a_language_asked_for(world: World) -> None:
    body = assert_problem(_refused_payment_request(world), 409, "payment_refused")

    assert body["title"] == "Konflikt mit dem aktuellen Stand"
    assert body["detail"].startswith("Abrufe sind nur im Förderzeitraum (")


def test_a_domain_refusal_is_english_when_the_request_asks_for_english(world: World) -> None:
    answer = _refused_payment_request(world, **{"Accept-Language": "en-GB,en;q=0.9,de;q=0.5"})

    body = assert_problem(answer, 409, "payment_refused")
    assert answer.headers["content-language"] == "en"
    assert body["title"] == "Conflict with the current state"
    assert body["detail"].startswith("Payment requests are possible only within the funding period (")
    assert body["detail"].endswith(").") and "2026" in body["detail"]  # the period is filled in
    assert body["code"] == "payment_refused"  # the stable code does not change with the language


def test_a_language_the_catalogue_lacks_falls_back_to_german(world: World) -> None:
    answer = _refused_payment_request(world, **{"Accept-Language": "fr-FR, fr;q=0.9"})

    body = assert_problem(answer, 409, "payment_refused")
    assert answer.headers["content-language"] == "de"
    assert body["detail"].startswith("Abrufe sind nur im Förderzeitraum (")


def test_a_not_found_problem_is_english_too(world: World) -> None:
    answer = world.client.get(
        "/api/v1/grants/00000000-0000-4000-8000-000000000000",
        headers={**world.headers("officer"), "Accept-Language": "en"},
    )

    body = assert_problem(answer, 404, "not_found")
    assert body["title"] == "Not found"
    assert not any(word in body["detail"] for word in ("gibt es nicht", "Zuwendung"))


@pytest.mark.parametrize(
    ("header", "language"),
    [
        (None, None),
        ("", None),
        ("en", "en"),
        ("EN-us", "en"),
        ("de-DE,de;q=0.9,en;q=0.8", "de"),
        ("fr;q=1, en;q=0.4, de;q=0.6", "de"),
        ("fr", None),
        ("en;q=0, de;q=0.1", "de"),
        ("en;q=kaputt", None),
        ("*", None),
    ],
)
def test_accept_language_picks_the_first_supported_language_by_quality(
    header: str | None, language: str | None
) -> None:
    assert accepted_language(header) == language


def test_the_apis_own_refusals_are_english_too(world: World) -> None:
    english = {"Accept-Language": "en"}

    no_token = world.client.get("/api/v1/grants", headers=english)
    unknown = world.client.get(
        f"/api/v1/grants/{world.grant_a}?farbe=blau", headers={**world.headers("officer"), **english}
    )

    assert assert_problem(no_token, 401, "token_missing")["title"] == "Sign-in required"
    assert no_token.json()["detail"].startswith("Please send an API token")
    assert assert_problem(unknown, 422, "invalid_input")["detail"] == "Unknown parameter »farbe«."


def test_history_lines_come_in_the_language_asked_for_and_what_stays_german(world: World) -> None:
    path = f"/api/v1/grants/{world.applied_a}/timeline"
    german = world.client.get(path, headers=world.headers("officer")).json()["items"]
    english = world.client.get(path, headers={**world.headers("officer"), "Accept-Language": "en"}).json()["items"]

    assert [e["what"] for e in english] == [e["what"] for e in german]  # the stable German text does not change
    assert [e["what_shown"] for e in german] == [e["what"] for e in german]
    assert german[0]["what"].startswith("Antrag eingegangen")
    assert english[0]["what_shown"].startswith("Application received")
