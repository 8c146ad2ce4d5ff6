"""Who is asking: sign-in, the server-side session, roles, and CSRF protection for every form.

The session lives in the database (``web.sessions``); the cookie holds only its opaque id. The session
holds the user id, the role the user acts in, and the form token; every request re-reads the user
from the log, so a disabled user or a revoked role takes effect at once (and ends the session). Every
page asks ``require(request, …roles)``; nobody signed in is sent to the sign-in page, a signed-in
user without the role gets a 403 page.
"""

from __future__ import annotations

import hmac
import json
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote
from uuid import UUID

from starlette.exceptions import HTTPException
from starlette.requests import Request

from domain.actors import ROLE_NAMES, Actor, Role
from domain.errors import DomainError
from domain.messages import N_
from web import sessions
from web.services import Services
from web.sessions import CHANGED, SECRET, STORED, signed_in
from web.throttle import client_address

CSRF_FIELD = "csrf_token"


class SignInRequired(Exception):
    """Raised when a page needs a signed-in user; answered with a redirect to the sign-in page."""

    def __init__(self, next_url: str) -> None:
        self.next_url = next_url


@dataclass(frozen=True)
class Viewer:
    """The signed-in user, acting in one of their roles."""

    user_id: UUID
    name: str
    email: str
    role: Role
    roles: tuple[Role, ...]
    organisation_id: UUID | None
    previous_id: UUID | None = None  # the derived id of a user of release 0.1 who moved to a random one

    @property
    def actor(self) -> Actor:
        return Actor(self.user_id, self.role, self.organisation_id, self.previous_id)

    @property
    def role_german(self) -> str:
        return ROLE_NAMES[self.role]

    def is_(self, *roles: Role) -> bool:
        return self.role in roles


def services(request: Request) -> Services:
    return request.app.state.services  # type: ignore[no-any-return]


def viewer(request: Request) -> Viewer | None:
    """The signed-in user of this request, or None; cached on the request."""
    if "viewer" in request.scope:
        return request.scope["viewer"]  # type: ignore[no-any-return]
    found = None
    uid, role = request.session.get("uid"), request.session.get("role")
    if uid and role and signed_in(request.scope):
        try:
            office = services(request).office
            user = office.user(UUID(uid))
            actor = office.actor_for(user.id, role)
            roles = tuple(Role(g["role"]) for g in user.roles)
            found = Viewer(
                user.id, user.display_name, user.email, actor.role, roles, actor.organisation_id, actor.previous_id
            )
        except (DomainError, ValueError):
            sign_out(request, sessions.DISABLED)  # disabled, the role revoked, removed: the session ends
    request.scope["viewer"] = found
    return found


def require(request: Request, *roles: Role) -> Viewer:
    """The signed-in user, if they act in one of ``roles`` (any role when none are named)."""
    current = viewer(request)
    if current is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise SignInRequired(target)
    if roles and current.role not in roles:
        raise HTTPException(status_code=403, detail=N_("Sie haben keine Berechtigung für diese Seite."))
    return current


def sign_in(request: Request, user_id: UUID, role: Role, stage: str | None = None) -> None:
    """Starts a new server-side session for this browser (ending the one it had): a fresh id, a fresh form token.

    ``stage`` marks a session that is not yet fully signed in (waiting for the second factor, or for its
    enrolment): ``viewer`` does not see such a session as signed in.
    """
    store = services(request).credentials.sessions
    config = request.app.state.config
    old = request.scope.get(SECRET)
    if old:
        store.end(old, sessions.REPLACED)
    data: dict[str, Any] = {"uid": str(user_id), "role": role.value, "csrf": secrets.token_urlsafe(32)}
    if stage:
        data["stage"] = stage
    secret = store.start(
        user_id,
        data,
        address=client_address(request),
        user_agent=request.headers.get("user-agent", ""),
        lifetime_seconds=config.session_seconds,
    )
    request.scope["session"], request.scope[SECRET], request.scope[CHANGED] = data, secret, True
    request.scope[STORED] = json.dumps(data, sort_keys=True)
    request.scope.pop("viewer", None)


def sign_out(request: Request, why: str = sessions.SIGNED_OUT) -> None:
    """Ends this browser's session in the database; the next response deletes its cookie."""
    old = request.scope.pop(SECRET, None)
    if old:
        services(request).credentials.sessions.end(old, why)
    request.scope["session"], request.scope[CHANGED] = {}, True
    request.scope.pop("viewer", None)


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return str(token)


def check_csrf(request: Request, form: Any) -> None:
    """Refuses a form without the session's token (403): no cross-site request can carry it."""
    sent = form.get(CSRF_FIELD) if form is not None else None
    expected = request.session.get("csrf")
    if not sent or not expected or not hmac.compare_digest(str(sent).encode(), str(expected).encode()):
        raise HTTPException(
            status_code=403,
            detail=N_(
                "Das Formular ist abgelaufen oder ungültig."
                " Bitte laden Sie die Seite neu und versuchen Sie es noch einmal."
            ),
        )
    from web.once import claim_submission  # a form sent twice records once (see web.once)

    claim_submission(request, form)


def sign_in_url(next_url: str) -> str:
    return "/anmelden?weiter=" + quote(next_url, safe="/")


def safe_next(url: str | None) -> str:
    """Only local paths are followed after sign-in (no open redirect)."""
    if not url or not url.startswith("/") or url.startswith("//") or "\\" in url:
        return "/"
    return url


# Where each role starts its day when sign-in was not on the way to a particular page.
ROLE_HOME = {Role.FINANCE: "/kaemmerei", Role.ASSOCIATION: "/portal/"}


def landing(next_url: str, role: Role) -> str:
    """The page after sign-in: the one asked for, or the role's own start page (finance: the Kämmerei)."""
    return ROLE_HOME.get(role, "/") if next_url == "/" else next_url


BUSINESS_DATE_FIELDS = ("on",)


def refuse_member_dates(viewer_: Viewer, form: Any, today: Any) -> None:
    """Back-dating (an application's receipt, a withdrawal …) is the office's business: a member who sends
    a business date other than today is refused (403), on every form, as the API refuses it."""
    if viewer_.role is not Role.ASSOCIATION:
        return
    for name in BUSINESS_DATE_FIELDS:
        sent = str(form.get(name) or "").strip()
        if sent and sent not in (today.isoformat(), today.strftime("%d.%m.%Y")):
            raise HTTPException(status_code=403, detail=N_("Vereinsmitglieder können kein abweichendes Datum angeben."))
