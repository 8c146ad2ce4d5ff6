"""Signing in and out, changing one's password, switching role and language."""

from __future__ import annotations

from uuid import uuid4

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from domain.actors import Role
from domain.errors import DomainError
from web.auth import check_csrf, require, safe_next, services, sign_in, sign_out, viewer
from web.i18n import LANGUAGES
from web.templating import templates


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def sign_in_page(request: Request) -> Response:
    if request.method == "GET":
        if viewer(request) is not None:
            return RedirectResponse(safe_next(request.query_params.get("weiter")), status_code=303)
        return templates.TemplateResponse(
            request,
            "account/sign_in.html",
            {"email": "", "error": None, "next": request.query_params.get("weiter", "/")},
        )
    form = await request.form()
    check_csrf(request, form)
    email = str(form.get("email", "")).strip().lower()
    password = str(form.get("password", ""))
    next_url = safe_next(str(form.get("next", "/")))
    error = await run_in_threadpool(_check_sign_in, request, email, password)
    if error:
        return templates.TemplateResponse(
            request, "account/sign_in.html", {"email": email, "error": error, "next": next_url}, status_code=400
        )
    return RedirectResponse(next_url, status_code=303)


def _check_sign_in(request: Request, email: str, password: str) -> str | None:
    throttle = request.app.state.throttle
    keys = (f"account:{email}", f"address:{_client(request)}")
    if throttle.blocked(*keys):
        return "Zu viele Fehlversuche. Bitte warten Sie einige Minuten."
    the = services(request)
    try:
        user = the.office.user_by_email(email)
    except DomainError:
        user = None
    ok = the.credentials.verify(user.id if user is not None else uuid4(), password)  # unknown users cost as much time
    if user is None or not ok or user.disabled or not user.roles:
        throttle.failed(*keys)
        return "E-Mail-Adresse oder Passwort sind falsch."
    throttle.succeeded(keys[0])
    sign_in(request, user.id, Role(user.roles[0]["role"]))
    return None


async def sign_out_page(request: Request) -> Response:
    form = await request.form()
    check_csrf(request, form)
    sign_out(request)
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
        response.set_cookie("sprache", language, max_age=365 * 24 * 3600, httponly=True, samesite="lax")
    return response


async def password_page(request: Request) -> Response:
    current = require(request)
    if request.method == "GET":
        return templates.TemplateResponse(request, "account/password.html", {"error": None, "done": False})
    form = await request.form()
    check_csrf(request, form)
    old, new, again = (str(form.get(k, "")) for k in ("current", "new", "again"))
    error = await run_in_threadpool(_change_password, request, current.user_id, old, new, again)
    return templates.TemplateResponse(
        request, "account/password.html", {"error": error, "done": error is None}, status_code=400 if error else 200
    )


def _change_password(request: Request, user_id: object, old: str, new: str, again: str) -> str | None:
    the = services(request)
    if not the.credentials.verify(user_id, old):  # type: ignore[arg-type]
        request.app.state.throttle.failed(f"account-password:{user_id}")
        return "Das bisherige Passwort ist falsch."
    if new != again:
        return "Die neuen Passwörter stimmen nicht überein."
    try:
        the.credentials.set_password(user_id, new)  # type: ignore[arg-type]
    except (DomainError, ValueError) as error:
        return str(error)
    return None
