"""Two-factor sign-in: the code page after the password, and enrolment with a QR code and recovery codes.

After the right password a person with a second factor gets a session that is not yet signed in
(stage ``second-factor``) and is asked for the six-digit code of their authenticator app, or one of
their recovery codes; only then is the session signed in (with a new id). A person who holds a role of
``FOERDERBUCH_TWO_FACTOR_ROLES`` (admin and finance by default) and has no second factor yet gets a
session of stage ``enrol`` that can only set one up. Everybody else may set one up at
``/zweiter-faktor`` whenever they like.

The QR code is drawn as inline SVG (segno), so it needs neither a script nor an image from elsewhere
under the content security policy; the secret is also shown as text for typing in.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pyotp
import segno
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from domain.actors import Actor, Role
from domain.errors import DomainError
from domain.messages import N_
from web.auth import check_csrf, require, safe_next, services, sign_in, viewer
from web.i18n import gettext
from web.templating import templates
from web.throttle import SECOND_FACTOR, TooManyAttempts, claim

ISSUER = "Förderbuch Dortmund"
WAITING = "second-factor"
ENROL = "enrol"


def required(request: Request, roles: list[dict[str, Any]]) -> bool:
    """Whether one of the person's roles needs a second factor (``FOERDERBUCH_TWO_FACTOR_ROLES``)."""
    wanted = request.app.state.config.two_factor_roles
    return any(g["role"] in wanted for g in roles)


def after_password(request: Request, user: Any, role: Role) -> str:
    """Starts the session that fits the person after the right password; returns where to go next."""
    the = services(request)
    if the.credentials.second_factors.enrolled(user.id):
        sign_in(request, user.id, role, stage=WAITING)
        return "/anmelden/code"
    if required(request, user.roles):
        sign_in(request, user.id, role, stage=ENROL)
        return "/zweiter-faktor"
    sign_in(request, user.id, role)
    return ""


def _pending(request: Request, stage: str) -> tuple[UUID, Role] | None:
    session = request.session
    if session.get("stage") != stage or not session.get("uid"):
        return None
    return UUID(session["uid"]), Role(session["role"])


async def code_page(request: Request) -> Response:
    pending = _pending(request, WAITING)
    if pending is None:
        return RedirectResponse("/anmelden", status_code=303)
    next_url = safe_next(request.query_params.get("weiter"))
    if request.method == "GET":
        return templates.TemplateResponse(request, "account/code.html", {"error": None, "next": next_url})
    form = await request.form()
    check_csrf(request, form)
    next_url = safe_next(str(form.get("next") or "/"))
    user_id, role = pending
    the = services(request)
    try:
        await run_in_threadpool(claim, the.credentials.attempts, [(f"second-factor:{user_id}", SECOND_FACTOR)])
    except TooManyAttempts as refused:
        return templates.TemplateResponse(
            request, "account/code.html", {"error": refused.message, "next": next_url}, status_code=429
        )
    ok = await run_in_threadpool(the.credentials.second_factors.check, user_id, str(form.get("code") or ""))
    if not ok:
        return templates.TemplateResponse(
            request, "account/code.html", {"error": N_("Der Code stimmt nicht."), "next": next_url}, status_code=400
        )
    await run_in_threadpool(the.credentials.attempts.clear, f"second-factor:{user_id}")
    await run_in_threadpool(sign_in, request, user_id, role)
    return RedirectResponse(next_url, status_code=303)


def _qr(uri: str) -> Markup:
    svg = segno.make(uri, error="m").svg_inline(scale=4, title=gettext(N_("QR-Code für die Authenticator-App")))
    return Markup(svg)  # segno's own SVG: paths and numbers, nothing of the user's


async def enrol_page(request: Request) -> Response:
    pending = _pending(request, ENROL)
    if pending is None:
        current = require(request)
        user_id, role = current.user_id, current.role
    else:
        user_id, role = pending
    the = services(request)
    if request.method == "GET":
        return await run_in_threadpool(_enrol_form, request, user_id, None, 200)
    form = await request.form()
    check_csrf(request, form)
    try:
        await run_in_threadpool(claim, the.credentials.attempts, [(f"second-factor:{user_id}", SECOND_FACTOR)])
    except TooManyAttempts as refused:
        return await run_in_threadpool(_enrol_form, request, user_id, refused.message, 429)
    codes = await run_in_threadpool(the.credentials.second_factors.confirm, user_id, str(form.get("code") or ""))
    if codes is None:
        return await run_in_threadpool(_enrol_form, request, user_id, N_("Der Code stimmt nicht."), 400)

    def record() -> None:
        the.credentials.attempts.clear(f"second-factor:{user_id}")
        user = the.office.user(user_id)
        the.office.enrol_second_factor(user_id, Actor(user_id, role, user.organisation_for(role), user.previous_id))
        sign_in(request, user_id, role)  # a new, fully signed-in session

    try:
        await run_in_threadpool(record)
    except DomainError as error:
        return await run_in_threadpool(_enrol_form, request, user_id, error.message, 409)
    return templates.TemplateResponse(request, "account/recovery_codes.html", {"codes": codes})


def _enrol_form(request: Request, user_id: UUID, error: str | None, status: int) -> Response:
    the = services(request)
    if the.credentials.second_factors.enrolled(user_id):
        return templates.TemplateResponse(
            request,
            "account/second_factor.html",
            {"enrolled": True, "left": the.credentials.second_factors.recovery_codes_left(user_id), "error": error},
            status_code=status,
        )
    secret = the.credentials.second_factors.pending_secret(user_id) or the.credentials.second_factors.begin(user_id)
    user = the.office.user(user_id)
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)
    return templates.TemplateResponse(
        request,
        "account/second_factor.html",
        {
            "enrolled": False,
            "qr": _qr(uri),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "error": error,
            "forced": viewer(request) is None,
        },
        status_code=status,
    )
