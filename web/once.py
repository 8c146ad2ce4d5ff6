"""Web forms record once: a form sent a second time leads where the first led, and records nothing.

Every form carries a fresh one-time token (``einmal``, see ``web.templating``). When a signed-in
person's form passes the CSRF check, its token is claimed (``web.replays``); the middleware below
stores where the answer led (the redirect after a successful command). The same form sent again —
a double click, the browser's "send again", a retry after a lost answer — is answered with a redirect
to that same place and a note, and runs nothing. A refused form (400, 409) releases its token, so the
corrected form, which carries a new one anyway, runs normally.
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from web import replays

SCOPE_KEY = "foerderbuch.submission"
NOTICE = "Dieses Formular war schon abgeschickt; es wurde nichts doppelt gespeichert."


class AlreadySubmitted(Exception):
    """The form was sent before: answered with a redirect to where the first submission led."""

    def __init__(self, location: str) -> None:
        self.location = location


class StillRunning(Exception):
    """The first submission of this form is still being processed."""


def claim_submission(request: Request, form: Any) -> None:
    """Claims the form's one-time token (only for a signed-in person; sign-in itself records nothing)."""
    token = form.get(replays.TOKEN_FIELD) if form is not None else None
    uid = request.session.get("uid") if "session" in request.scope else None
    if not token or not uid or not replays.KEY_PATTERN.match(str(token)):
        return
    db = request.app.state.services.projector.db
    scope, key, fingerprint = f"form:{uid}", str(token), request.url.path
    claim = replays.claim(db, scope, key, fingerprint)
    if claim.kind == "pending":
        claim = replays.wait_for_answer(db, scope, key, fingerprint)
    if claim.kind == "new":
        request.scope[SCOPE_KEY] = (scope, key)
        return
    if claim.kind == "done" and claim.answer is not None:
        raise AlreadySubmitted(claim.answer.location or request.url.path)
    if claim.kind == "mismatch":  # the token of another form: treat like an expired form
        raise AlreadySubmitted(request.url.path)
    raise StillRunning()


async def already_submitted(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, AlreadySubmitted)
    location = exc.location if exc.location.startswith("/") and not exc.location.startswith("//") else "/"
    if "session" in request.scope:
        request.session["notice"] = NOTICE
    return RedirectResponse(location, status_code=303)


class OneTimeForms:
    """ASGI middleware (inside the session middleware): stores the answer of a claimed form submission."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        finished = False

        async def record(message: Message) -> None:
            nonlocal finished
            if message["type"] == "http.response.start" and not finished and SCOPE_KEY in scope:
                finished = True
                await run_in_threadpool(_finish, scope, message)
            await send(message)

        try:
            await self.app(scope, receive, record)
        finally:
            if not finished and SCOPE_KEY in scope:  # no answer at all: let the retry run
                db = scope["app"].state.services.projector.db
                await run_in_threadpool(replays.release, db, *scope[SCOPE_KEY])


def _finish(scope: Scope, message: Message) -> None:
    db = scope["app"].state.services.projector.db
    claim_scope, key = scope[SCOPE_KEY]
    status = int(message["status"])
    if status >= 400:
        replays.release(db, claim_scope, key)
        return
    headers = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in message.get("headers", [])}
    location = headers.get("location") or scope.get("path", "/")
    replays.finish(db, claim_scope, key, replays.Answer(status, location, None, ""))
