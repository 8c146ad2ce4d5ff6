"""An application can be saved as a draft, comes back filled in, and the draft goes with the submission."""

from __future__ import annotations

from portal_support import Member
from test_portal import apply_form


def test_a_half_finished_application_is_kept_as_a_draft_without_recording_anything(member: Member) -> None:
    member.sign_in("dfg")
    before = member.head

    answer = member.post(
        "/portal/antrag", {"title": "Chorfahrt nach Amiens", "line_1_amount": "1.000,5x", "entwurf": "1"}
    )
    page = member.get("/portal/antrag").text

    assert answer.status_code == 303 and answer.headers["location"] == "/portal/antrag"
    assert member.head == before
    assert "Ihr Entwurf ist gespeichert" in page
    assert 'value="Chorfahrt nach Amiens"' in page and 'value="1.000,5x"' in page


def test_a_draft_belongs_to_its_author_only(member: Member) -> None:
    member.sign_in("dfg")
    member.post("/portal/antrag", {"title": "Geheimer Entwurf", "entwurf": "1"})

    member.sign_in("leeds")

    assert "Geheimer Entwurf" not in member.get("/portal/antrag").text


def test_submitting_the_application_removes_the_draft(member: Member) -> None:
    member.sign_in("dfg")
    member.post("/portal/antrag", {**apply_form(member), "entwurf": "1"})

    submitted = member.post("/portal/antrag", apply_form(member))

    assert submitted.status_code == 303 and "/portal/zuwendungen/" in submitted.headers["location"]
    assert "Chorfahrt nach Amiens" not in member.get("/portal/antrag").text


def test_saving_a_draft_needs_the_form_token(member: Member) -> None:
    member.sign_in("dfg")

    answer = member.post("/portal/antrag", {"title": "x", "entwurf": "1"}, token=None)

    assert answer.status_code == 403
