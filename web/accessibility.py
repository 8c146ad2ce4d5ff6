"""The accessibility statement (Erklärung zur Barrierefreiheit, BITV 2.0 § 7) with its feedback form,
and the office's list of the reports it has to answer.

Anyone may send a report, signed in or not: it is recorded at once as a tracked case
(``AccessibilityFeedback``) with an answer deadline of one month; sending is limited per client
address like the account requests. Officers and the administration see the cases, open ones first by
deadline, and record their answers.
"""

from __future__ import annotations

from uuid import UUID

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from domain.actors import Actor, Role
from domain.errors import DomainError
from domain.messages import N_, message
from projections.accessibility import AccessibilityCases
from web.auth import check_csrf, require, services
from web.grant_actions import status_for
from web.pages import give_notice, reading, take_notice, today
from web.templating import templates
from web.throttle import MAIL_PER_ADDRESS, TooManyAttempts, claim, client_address

ANSWERING = (Role.OFFICER, Role.ADMIN)


def _statement(request: Request, values: dict[str, str], error: str | None = None, status: int = 200) -> Response:
    return templates.TemplateResponse(
        request,
        "accessibility/statement.html",
        {"values": values, "error": error, "notice": take_notice(request)},
        status_code=status,
    )


async def statement(request: Request) -> Response:
    """``/barrierefreiheit``: the statement, and the form that reports a barrier."""
    if request.method == "GET":
        return _statement(request, {"page": request.query_params.get("seite", "")[:500]})
    form = await request.form()
    check_csrf(request, form)
    values = {name: str(form.get(name) or "")[:5000] for name in ("text", "page", "email")}
    the = services(request)
    try:
        await run_in_threadpool(
            claim, the.credentials.attempts, [(f"accessibility:address:{client_address(request)}", MAIL_PER_ADDRESS)]
        )
    except TooManyAttempts as refused:
        return _statement(request, values, refused.message, 429)
    try:
        await run_in_threadpool(
            the.office.receive_accessibility_feedback, values["text"], values["page"], values["email"], Actor.system()
        )
    except DomainError as error:
        return _statement(request, values, error.message, status_for(error))
    give_notice(
        request,
        N_("Danke für Ihre Rückmeldung. Wir antworten innerhalb eines Monats an die angegebene E-Mail-Adresse.")
        if values["email"].strip()
        else N_("Danke für Ihre Rückmeldung. Wir antworten innerhalb eines Monats."),
    )
    return RedirectResponse("/barrierefreiheit#rueckmeldung", status_code=303)


async def cases(request: Request) -> Response:
    """``/barrierefreiheit/rueckmeldungen``: the reports with their deadlines (officers, administration)."""
    require(request, *ANSWERING)

    def build() -> Response:
        with reading(request) as cursor:
            found = AccessibilityCases.cases(cursor)
        return templates.TemplateResponse(
            request,
            "accessibility/cases.html",
            {"cases": found, "today": today(request), "notice": take_notice(request)},
        )

    return await run_in_threadpool(build)


async def answer(request: Request) -> Response:
    viewer = require(request, *ANSWERING)
    form = await request.form()
    check_csrf(request, form)
    try:
        feedback_id = UUID(request.path_params["feedback_id"])
    except ValueError:
        raise HTTPException(status_code=404, detail=N_("Diese Rückmeldung gibt es nicht.")) from None
    try:
        await run_in_threadpool(
            services(request).office.answer_accessibility_feedback,
            feedback_id,
            str(form.get("answer") or ""),
            viewer.actor,
        )
    except DomainError as error:
        give_notice(request, message("Die Antwort wurde nicht vermerkt: {error}", error=error.message))
    else:
        give_notice(request, N_("Die Antwort ist vermerkt."))
    return RedirectResponse("/barrierefreiheit/rueckmeldungen", status_code=303)


accessibility_routes = [
    Route("/barrierefreiheit", statement, methods=["GET", "POST"], name="accessibility"),
    Route("/barrierefreiheit/rueckmeldungen", cases, name="accessibility_cases"),
    Route("/barrierefreiheit/rueckmeldungen/{feedback_id}", answer, methods=["POST"], name="accessibility_answer"),
]
