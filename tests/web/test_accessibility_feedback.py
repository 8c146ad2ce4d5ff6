"""The accessibility statement with its feedback form (BITV 2.0): anyone may report a barrier; the
report is a tracked case with an answer deadline of one month that officers see and answer."""

from __future__ import annotations

import re

from web_support import Desk, csrf_of


def _report(desk: Desk, text: str, email: str = "") -> object:
    desk.client.cookies.clear()
    form = desk.get("/barrierefreiheit").text
    return desk.client.post(
        "/barrierefreiheit",
        data={"text": text, "page": "/portal/antrag", "email": email, "csrf_token": csrf_of(form)},
        follow_redirects=False,
    )


def test_anyone_reports_a_barrier_and_an_officer_answers_it_within_the_deadline(desk: Desk) -> None:
    statement = desk.get("/barrierefreiheit")
    assert statement.status_code == 200 and "Erklärung zur Barrierefreiheit" in statement.text

    sent = _report(desk, "Die Summe im Antrag wird vom Screenreader nicht vorgelesen.", "leser@example.org")
    assert sent.status_code == 303  # type: ignore[attr-defined]

    desk.sign_in("officer")
    cases = desk.get("/barrierefreiheit/rueckmeldungen").text
    assert "Die Summe im Antrag wird vom Screenreader nicht vorgelesen." in cases
    assert "Antwort fällig bis 15.07.2026" in cases and "leser@example.org" in cases
    feedback_id = re.search(r'action="/barrierefreiheit/rueckmeldungen/([0-9a-f-]{36})"', cases)
    assert feedback_id is not None

    answered = desk.post(f"/barrierefreiheit/rueckmeldungen/{feedback_id.group(1)}", {"answer": "Ist behoben."})
    assert answered.status_code == 303
    after = desk.get("/barrierefreiheit/rueckmeldungen").text
    assert "beantwortet am 15.06.2026" in after and "Ist behoben." in after


def test_an_empty_report_is_refused_and_records_nothing(desk: Desk) -> None:
    before = desk.head()

    refused = _report(desk, "   ")

    assert refused.status_code == 400  # type: ignore[attr-defined]
    assert desk.head() == before


def test_only_officers_and_the_administration_see_the_reports(desk: Desk) -> None:
    desk.sign_in("dfg")
    assert desk.get("/barrierefreiheit/rueckmeldungen").status_code == 403
    desk.sign_in("finance")
    assert desk.get("/barrierefreiheit/rueckmeldungen").status_code == 403
