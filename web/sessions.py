"""The session of a request: server-side once signed in, a signed cookie before; and the request-body limit.

Signed in, the cookie ``foerderbuch_sitzung`` holds only an opaque random id; the session itself (who,
in which role, the form token, a one-time notice) is a row in the database (``Credentials.sessions``),
with idle and absolute timeouts, and it can be ended from the server: at sign-out, by a password
change or reset, by disabling the person, revoking a role or removing a membership, or by an
administrator. A copied cookie then opens nothing.

Before sign-in, the little a visitor's session holds (the form token of the sign-in form, a notice)
lives in a signed cookie, ``foerderbuch_formular`` (itsdangerous, two hours), so strangers cause no
rows in the database. Pages keep using ``request.session`` as a dict either way.

Cookies are HttpOnly and SameSite=Lax, and Secure with ``FOERDERBUCH_HTTPS=1``.

``BodyLimit`` refuses a request body that is larger than allowed with 413 before reading it when the
request declares its length, and stops reading at the limit when it does not. Visitors who are not
signed in may send little (the sign-in, reset and account-request forms); signed-in people may upload.
"""

from __future__ import annotations

import json
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import HTTPConnection, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from domain.messages import N_, message
from web.config import WebConfig

SESSION_COOKIE = "foerderbuch_sitzung"
FORM_COOKIE = "foerderbuch_formular"
FORM_COOKIE_SECONDS = 2 * 3600

# Why a session ended (stored with it; the sessions pages say it in German, ``ENDED_GERMAN``)
SIGNED_OUT = "signed-out"
IDLE = "idle"
EXPIRED = "expired"
PASSWORD_CHANGED = "password-changed"
PASSWORD_RESET = "password-reset"
DISABLED = "disabled"
ROLE_REVOKED = "role-revoked"
MEMBERSHIP_REMOVED = "membership-removed"
ENDED_BY_ADMIN = "ended-by-admin"
ENDED_BY_USER = "ended-by-user"
SECOND_FACTOR_RESET = "second-factor-reset"
REPLACED = "replaced"  # a new session was started in the same browser (sign-in, second factor passed)
ENDED_GERMAN = {
    SIGNED_OUT: "abgemeldet",
    IDLE: "zu lange nicht benutzt",
    EXPIRED: "Höchstdauer erreicht",
    PASSWORD_CHANGED: "Passwort geändert",
    PASSWORD_RESET: "Passwort zurückgesetzt",
    DISABLED: "Zugang gesperrt",
    ROLE_REVOKED: "Rolle entzogen",
    MEMBERSHIP_REMOVED: "Mitgliedschaft beendet",
    ENDED_BY_ADMIN: "von der Administration beendet",
    ENDED_BY_USER: "selbst beendet",
    SECOND_FACTOR_RESET: "zweiter Faktor zurückgesetzt",
    REPLACED: "durch neue Anmeldung ersetzt",
}

SECRET = "session_secret"  # scope keys: the live session's secret, and whether this request changed it
CHANGED = "session_changed"
STORED = "session_stored"  # the data a session was started with in this request (JSON)


def session_store(scope: Scope) -> Any:
    services = getattr(scope["app"].state, "services", None)
    return getattr(getattr(services, "credentials", None), "sessions", None)


def _config(scope: Scope) -> WebConfig:
    config = getattr(scope["app"].state, "config", None)
    return config if isinstance(config, WebConfig) else WebConfig()


def _cookie(name: str, value: str, max_age: int, secure: bool) -> str:
    parts = [f"{name}={value}", "Path=/", "HttpOnly", "SameSite=Lax"]
    parts.append(f"Max-Age={max_age}" if value else "Max-Age=0")
    if secure:
        parts.append("Secure")
    return "; ".join(parts)


class Sessions:
    def __init__(self, app: ASGIApp, secret_key: str) -> None:
        self.app = app
        self.serializer = URLSafeTimedSerializer(secret_key, salt="foerderbuch-formular")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        config, store = _config(scope), session_store(scope)
        cookies = HTTPConnection(scope).cookies
        secret = cookies.get(SESSION_COOKIE)
        live = None
        if secret and store is not None:
            live = await run_in_threadpool(store.load, secret, config.session_idle_seconds)
        if live is not None:
            scope["session"], scope[SECRET] = dict(live.data), secret
        else:
            scope["session"] = self._visitor(cookies.get(FORM_COOKIE))
        before = json.dumps(scope["session"], sort_keys=True)

        async def send_with_cookies(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                current, data = scope.get(SECRET), scope.get("session") or {}
                now = json.dumps(data, sort_keys=True)
                changed = now != before
                stored = scope.get(STORED, before)  # what the database holds for the current session
                if current and now != stored and store is not None:
                    await run_in_threadpool(store.save, current, data)
                if scope.get(CHANGED) and current:
                    headers.append("set-cookie", _cookie(SESSION_COOKIE, current, config.session_seconds, config.https))
                    if cookies.get(FORM_COOKIE):
                        headers.append("set-cookie", _cookie(FORM_COOKIE, "", 0, config.https))
                elif not current:
                    if secret and (scope.get(CHANGED) or live is None):
                        headers.append("set-cookie", _cookie(SESSION_COOKIE, "", 0, config.https))
                    if changed or scope.get(CHANGED):
                        value = self.serializer.dumps(data) if data else ""
                        headers.append("set-cookie", _cookie(FORM_COOKIE, value, FORM_COOKIE_SECONDS, config.https))
            await send(message)

        await self.app(scope, receive, send_with_cookies)

    def _visitor(self, value: str | None) -> dict[str, Any]:
        if not value:
            return {}
        try:
            data = self.serializer.loads(value, max_age=FORM_COOKIE_SECONDS)
        except (BadSignature, ValueError, TypeError):
            return {}
        return data if isinstance(data, dict) and "uid" not in data else {}


def signed_in(scope: Scope) -> bool:
    """Whether the request belongs to a live, fully signed-in session (not one waiting for a second factor)."""
    session = scope.get("session") or {}
    return bool(scope.get(SECRET)) and bool(session.get("uid")) and not session.get("stage")


class TooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        megabytes = limit / (1024 * 1024)
        size = f"{megabytes:.0f} MB" if megabytes >= 1 else f"{limit // 1024} KB"
        super().__init__(status_code=413, detail=message("Die Anfrage ist zu groß (höchstens {size}).", size=size))


class BodyLimit:
    """Refuses request bodies over the limit: at once when declared, else when reading reaches it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/api/"):  # the API has its own limit
            await self.app(scope, receive, send)
            return
        config = _config(scope)
        limit = config.max_body_bytes if signed_in(scope) else config.max_anonymous_body_bytes
        declared = HTTPConnection(scope).headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await self._refuse(scope, receive, send, limit)
            return
        received = 0

        async def counting() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise TooLarge(limit)
            return message

        await self.app(scope, counting, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        from web.templating import templates

        error = TooLarge(limit)
        response = templates.TemplateResponse(
            Request(scope, receive),
            "error.html",
            {"title": N_("Zu groß"), "message": error.detail, "status": 413},
            status_code=413,
            headers={"connection": "close"},
        )
        await response(scope, receive, send)
