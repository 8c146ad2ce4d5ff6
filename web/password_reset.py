"""Passwort vergessen: a one-time link by e-mail, and the page that sets a new password with it.

The request page answers the same whether or not the address belongs to anybody, and does the looking
up and the mailing after the answer has gone out, so neither the text nor the time tells. Requests are
limited per address and per client. The link (``FOERDERBUCH_BASE_URL``/passwort-neu/…, never from the
request's ``Host``) is good for 30 minutes and once; setting the password with it ends every session
of the person. Welcome links for new accounts use the same page and are good for seven days.
"""

from __future__ import annotations

from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from domain.errors import DomainError
from domain.messages import N_
from domain.passwords import check_password_policy
from domain.user import normalise_email
from web import sessions as why
from web.auth import check_csrf, services, sign_out
from web.config import WebConfig
from web.i18n import current_language
from web.pages import give_notice
from web.services import Services
from web.templating import templates
from web.throttle import MAIL_PER_ADDRESS, MAIL_PER_RECIPIENT, TooManyAttempts, claim, client_address, email_key
from web.users import RESET_SECONDS, password_link

SAME_ANSWER = (
    "Wenn die Adresse bei uns registriert ist, ist eine E-Mail mit einem Link unterwegs. Der Link gilt 30 Minuten."
)


def _send_if_known(the: Services, config: WebConfig, email: str) -> None:
    try:
        user = the.office.user_by_email(email)
    except DomainError:
        return
    if user.disabled:
        return
    password_link(the, config, user.id, "reset", RESET_SECONDS, current_language.get())  # who asked reads it


async def forgot(request: Request) -> Response:
    if request.method == "GET":
        return templates.TemplateResponse(request, "account/forgot.html", {"done": False, "error": None, "email": ""})
    form = await request.form()
    check_csrf(request, form)
    text = str(form.get("email") or "").strip()[:320]
    try:
        email = normalise_email(text)
    except DomainError as error:
        return templates.TemplateResponse(
            request, "account/forgot.html", {"done": False, "error": error.message, "email": text}, status_code=400
        )
    the = services(request)
    keys = [
        (f"reset:account:{email_key(email)}", MAIL_PER_RECIPIENT),
        (f"reset:address:{client_address(request)}", MAIL_PER_ADDRESS),
    ]
    try:
        await run_in_threadpool(claim, the.credentials.attempts, keys)
    except TooManyAttempts as refused:
        return templates.TemplateResponse(
            request, "account/forgot.html", {"done": False, "error": refused.message, "email": text}, status_code=429
        )
    task = BackgroundTask(_send_if_known, the, request.app.state.config, email)
    return templates.TemplateResponse(
        request, "account/forgot.html", {"done": True, "error": None, "email": ""}, background=task
    )


def _gone(request: Request) -> Response:
    return templates.TemplateResponse(
        request,
        "error.html",
        {
            "title": N_("Link nicht mehr gültig"),
            "message": "Dieser Link ist abgelaufen oder wurde schon benutzt. Fordern Sie unter »Passwort vergessen« "
            "einen neuen an.",
            "status": 410,
        },
        status_code=410,
    )


async def new_password(request: Request) -> Response:
    token = request.path_params["token"]
    the = services(request)
    found = await run_in_threadpool(the.credentials.password_links.find, token)
    if found is None or not found.usable():
        return _gone(request)
    if request.method == "GET":
        return templates.TemplateResponse(request, "account/new_password.html", {"error": None, "token": token})
    form = await request.form()
    check_csrf(request, form)
    password, again = str(form.get("password") or ""), str(form.get("again") or "")
    error = None
    try:
        check_password_policy(password)
    except DomainError as refused:
        error = refused.message
    if error is None and password != again:
        error = "Die beiden Passwörter stimmen nicht überein."
    if error is not None:
        return templates.TemplateResponse(
            request, "account/new_password.html", {"error": error, "token": token}, status_code=400
        )

    def use() -> bool:
        used = the.credentials.password_links.use(token)
        if used is None:
            return False
        the.credentials.set_password(used.user_id, password, why.PASSWORD_RESET)  # ends every session
        sign_out(request, why.PASSWORD_RESET)
        return True

    if not await run_in_threadpool(use):
        return _gone(request)
    give_notice(request, N_("Ihr Passwort ist gesetzt. Bitte melden Sie sich jetzt an."))
    return RedirectResponse("/anmelden", status_code=303)
