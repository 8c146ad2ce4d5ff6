"""The register entry and the consent to publish the purpose through the JSON API."""

from __future__ import annotations

from typing import Any

from .conftest import ADDRESS, World, application_body
from .test_auth import assert_problem


def ok(answer: Any, status: int = 200) -> Any:
    assert answer.status_code == status, answer.text
    return answer.json()


def test_an_organisation_is_registered_with_its_court_and_the_entry_recorded_later(world: World) -> None:
    created = ok(
        world.post(
            "officer",
            "/organisations",
            {
                "name": "Freundeskreis Novi Sad e.V.",
                "legal_form": "e.V.",
                "register_number": "VR 7001",
                "register_court": "Amtsgericht Dortmund",
                "address": ADDRESS,
                "iban": "DE02120300000000202051",
            },
        ),
        201,
    )
    assert (created["register_court"], created["register_number"]) == ("Amtsgericht Dortmund", "VR 7001")

    path = f"/organisations/{world.org_a}/register-entry"
    head = world.office.recorder.max_notification_id()
    assert_problem(
        world.post("member_a", path, {"register_court": "AG Dortmund", "register_number": "VR 4711"}),
        403,
        "not_permitted",
    )
    assert_problem(
        world.post("officer", path, {"register_court": "AG Dortmund", "register_number": "kaputt"}),
        422,
        "invalid_input",
    )
    assert world.office.recorder.max_notification_id() == head

    recorded = ok(world.post("officer", path, {"register_court": "Amtsgericht Dortmund", "register_number": "VR 4711"}))
    assert recorded["register_court"] == "Amtsgericht Dortmund"


def test_the_consent_to_publish_the_purpose_is_recorded_with_the_application(world: World) -> None:
    assert world.programme_id is not None
    agreed = ok(
        world.post("member_a", "/grants", {**application_body(world.programme_id), "publish_purpose": True}), 201
    )
    silent = ok(world.post("member_a", "/grants", application_body(world.programme_id)), 201)

    assert agreed["publish_purpose"] is True and silent["publish_purpose"] is False
