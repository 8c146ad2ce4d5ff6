"""Signing in and out, changing one's password, switching role and language.

A signed-in person who switches the pages' language has it remembered with their account
(``credentials.languages``): the e-mails sent while they are not on a page (the portal's news, a welcome
link) follow it, and signing in on a browser without a language cookie sets it. The password page
(``/passwort``) shows it and changes it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote
from uuid import UUID, uuid4

import anyio
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from domain.actors import Role
from domain.errors import DomainError
from domain.messages import N_
from web.auth import check_csrf, landing, require, safe_next, services, sign_in, sign_out, viewer
from web.i18n import LANGUAGES
from web.pages import take_notice
from web.second_factor import after_password
from web.services import Services
from web.templating import templates
from web.throttle import ACCOUNT_AND_ADDRESS as PASSWORD_GUESSES
from web.throttle import TooManyAttempts, claim, cleared_on_success, client_address, sign_in_keys

WRONG = N_("E-Mail-Adresse oder Passwort sind falsch.")
DISABLED = "Ihr Zugang ist gesperrt. Bitte wenden Sie sich an das Büro für Internationale Beziehungen."
NO_ROLE = "Ihr Zugang hat derzeit keine Rolle. Bitte wenden Sie sich an das Büro für Internationale Beziehungen."


async def sign_in_page(request: Request) -> Response:
    if request.method == "GET":
        if viewer(request) is not None:
            return RedirectResponse(safe_next(request.query_params.get("weiter")), status_code=303)
        return _sign_in_form(request, "", None, request.query_params.get("weiter", "/"))
    form = await request.form()
    check_csrf(request, form)
    email = str(form.get("email", "")).strip().lower()[:320]
    password = str(form.get("password", ""))
    next_url = safe_next(str(form.get("next", "/")))
    the, address = services(request), client_address(request)
    try:
        await run_in_threadpool(claim, the.credentials.attempts, sign_in_keys(email, address))
    except TooManyAttempts as refused:
        return _sign_in_form(request, email, refused.message, next_url, 429)
    user = await anyio.to_thread.run_sync(_password_matches, the, email, password, limiter=request.app.state.hashing)
    if user is None:
        return _sign_in_form(request, email, WRONG, next_url, 400)
    await run_in_threadpool(the.credentials.attempts.clear, *cleared_on_success(email, address))
    refusal, role = await run_in_threadpool(_usable_role, the, user)
    if role is None:
        return _sign_in_form(request, email, refusal, next_url, 403)
    next_url = landing(next_url, role)
    target = await run_in_threadpool(after_password, request, user, role)
    if target:
        response = RedirectResponse(f"{target}?weiter={quote(next_url, safe='/')}", status_code=303)
    else:
        response = RedirectResponse(next_url, status_code=303)
    remembered = await run_in_threadpool(the.credentials.languages.of, user.id)
    if remembered is not None and "sprache" not in request.cookies:  # a new browser shows the pages in it too
        _language_cookie(response, remembered)
    return response


def _language_cookie(response: Response, language: str) -> None:
    response.set_cookie("sprache", language, max_age=365 * 24 * 3600, httponly=True, samesite="lax")


def _sign_in_form(request: Request, email: str, error: str | None, next_url: str, status: int = 200) -> Response:
    return templates.TemplateResponse(
        request,
        "account/sign_in.html",
        {"email": email, "error": error, "next": next_url, "notice": take_notice(request)},
        status_code=status,
    )


def _password_matches(the: Services, email: str, password: str) -> Any:
    """The user whose password this is, or None (an unknown address costs as much time as a wrong password)."""
    try:
        user = the.office.user_by_email(email)
    except DomainError:
        user = None
    ok = the.credentials.verify(user.id if user is not None else uuid4(), password)
    return user if ok and user is not None else None


def _usable_role(the: Services, user: Any) -> tuple[str | None, Role | None]:
    """The first role the person may act in now; else why not, in words they understand.

    Only someone who knows the password gets to read this, so it reveals nothing to a stranger.
    """
    if user.disabled:
        return DISABLED, None
    removed_from = None
    for grant in user.roles:
        try:
            return None, the.office.actor_for(user.id, grant["role"]).role
        except DomainError:
            if grant["role"] == Role.ASSOCIATION.value and grant.get("organisation_id"):
                removed_from = grant["organisation_id"]
    if removed_from is not None:
        try:
            name = the.office.organisation(removed_from).name
        except DomainError:
            name = "Ihrem Verein"
        return (
            f"Ihr Zugang zum Portal von {name} wurde entfernt. Wenn das ein Irrtum ist, wenden Sie sich bitte an "
            "Ihren Verein oder an das Büro für Internationale Beziehungen.",
            None,
        )
    return NO_ROLE, None


async def sign_out_page(request: Request) -> Response:
    form = await request.form()
    check_csrf(request, form)
    await run_in_threadpool(sign_out, request)
    return RedirectResponse("/anmelden", status_code=303)


async def switch_role(request: Request) -> Response:
    current = require(request)
    form = await request.form()
    check_csrf(request, form)
    wanted = str(form.get("role", ""))
    if wanted in {r.value for r in current.roles}:
        request.session["role"] = wanted
    return RedirectResponse("/", status_code=303)


async def switch_language(request: Request) -> Response:
    form = await request.form()
    check_csrf(request, form)
    language = str(form.get("language", "de"))
    response = RedirectResponse(safe_next(str(form.get("next", "/"))), status_code=303)
    if language in LANGUAGES:
        _language_cookie(response, language)
        current = await run_in_threadpool(viewer, request)
        if current is not None:  # a signed-in person's choice is remembered for the e-mails they get later
            await run_in_threadpool(services(request).credentials.languages.remember, current.user_id, language)
    return response


async def password_page(request: Request) -> Response:
    current = require(request)
    if request.method == "GET":
        return _password_form(request, None, 200, done=False)
    form = await request.form()
    check_csrf(request, form)
    old, new, again = (str(form.get(k, "")) for k in ("current", "new", "again"))
    the = services(request)
    try:
        await run_in_threadpool(claim, the.credentials.attempts, [(f"password:{current.user_id}", PASSWORD_GUESSES)])
    except TooManyAttempts as refused:
        return _password_form(request, refused.message, 429)
    error = await anyio.to_thread.run_sync(
        _change_password, the, current.user_id, old, new, again, limiter=request.app.state.hashing
    )
    if error:
        return _password_form(request, error, 400)
    await run_in_threadpool(the.credentials.attempts.clear, f"password:{current.user_id}")
    # Every session of the person ended with the new password, this one too: this browser gets a new one.
    await run_in_threadpool(sign_in, request, current.user_id, current.role)
    return _password_form(request, None, 200)


def _password_form(request: Request, error: str | None, status: int, done: bool | None = None) -> Response:
    current = require(request)
    mail_language = services(request).credentials.languages.of(current.user_id)
    return templates.TemplateResponse(
        request,
        "account/password.html",
        {"error": error, "done": error is None if done is None else done, "mail_language": mail_language},
        status_code=status,
    )


def _change_password(the: Services, user_id: UUID, old: str, new: str, again: str) -> str | None:
    if not the.credentials.verify(user_id, old):
        return N_("Das bisherige Passwort ist falsch.")
    if new != again:
        return N_("Die neuen Passwörter stimmen nicht überein.")
    try:
        the.credentials.set_password(user_id, new)
    except (DomainError, ValueError) as error:
        return str(error)
    return None
