"""User administration (admin role): list and search, add people with one or more roles, grant and revoke
roles, disable and enable, send a link to set a new password, reset the second factor, see and end
sessions. Every change is a command to the domain with who and why; ending sessions and sending
links are recorded too.

The same operations serve the command line (``foerderbuch users …``): ``disable``, ``revoke_role``,
``end_sessions`` … first record the change in the log, then end the affected sessions at once.

Roles are offered from ``domain.actors.USER_ROLES``: a role the domain adds (the Stadtkasse, say)
appears here without a change, and one person may hold several.
"""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from domain.actors import ROLE_NAMES, USER_ROLES, Actor, Role
from domain.errors import DomainError, InvalidInputError
from domain.messages import N_, message
from projections.users import UserDirectory
from web import sessions as why
from web.auth import Viewer, check_csrf, require, services
from web.config import WebConfig
from web.grant_actions import status_for
from web.i18n import LANGUAGES, SOURCE_LANGUAGE, gettext, in_language
from web.pages import PAGE_SIZE, give_notice, page_number, pages, reading, take_notice, uuid_or_404
from web.services import Services
from web.templating import templates

WELCOME_SECONDS = 7 * 24 * 3600
RESET_SECONDS = 30 * 60


EVENT_GERMAN = {
    "Registered": "angelegt",
    "RoleGranted": "Rolle vergeben",
    "RoleRevoked": "Rolle entzogen",
    "Disabled": "gesperrt",
    "Enabled": "entsperrt",
    "ApiTokenIssued": "API-Token ausgestellt",
    "ApiTokenRevoked": "API-Token widerrufen",
    "SecondFactorEnrolled": "zweiten Faktor eingerichtet",
    "SecondFactorReset": "zweiten Faktor zurückgesetzt",
    "PasswordResetSent": "Link zum Setzen des Passworts gesendet",
    "SessionsEnded": "Sitzungen beendet",
}


# Operations (pages and command line) ------------------------------------------------------------


def add_user(
    the: Services,
    config: WebConfig,
    email: str,
    name: str,
    roles: list[Role],
    organisation_id: UUID | None,
    actor: Actor,
    language: str = SOURCE_LANGUAGE,
) -> tuple[UUID, str, bool]:
    """Registers the person and sends them a link to set their password (seven days) in ``language`` (the
    administrator's choice, remembered as the person's language until they choose one); returns the id, the
    link and whether the mail went out (without a mailer, the administrator passes the link on)."""
    if not roles:
        raise InvalidInputError(N_("Bitte mindestens eine Rolle wählen."), field="roles")
    first = Role.ASSOCIATION if Role.ASSOCIATION in roles else roles[0]
    others = tuple(r for r in roles if r is not first)
    user_id = the.office.register_user(
        email, name, first, actor, organisation_id if first is Role.ASSOCIATION else None, more_roles=others
    )
    if first is Role.ASSOCIATION and organisation_id is not None:
        the.office.add_portal_member(organisation_id, user_id, actor)
    user = the.office.user(user_id)
    the.credentials.languages.remember(user_id, language)
    link, sent = password_link(the, config, user_id, "welcome", WELCOME_SECONDS, known_language(the, user_id))
    return user_id, link, sent and bool(user)


def password_link(
    the: Services, config: WebConfig, user_id: UUID, purpose: str, seconds: int, language: str = SOURCE_LANGUAGE
) -> tuple[str, bool]:
    """A one-time link to set a password, mailed to the person in ``language`` (the language of the page they
    asked on when they asked themselves; else the one the office chose or the person is known to read);
    returns the link and whether it was sent."""
    user = the.office.user(user_id)
    token = the.credentials.password_links.issue(user_id, purpose, seconds)
    link = config.link(f"/passwort-neu/{token}")  # never from the request's Host header
    with in_language(language):
        if purpose == "welcome":
            subject = gettext(message("Ihr Zugang zum Förderbuch"))
            body = gettext(
                message(
                    "Guten Tag {name},\n\nfür Sie wurde ein Zugang zum Förderbuch der Stadt Dortmund angelegt.\n"
                    "Mit diesem Link legen Sie Ihr Passwort fest (gültig sieben Tage, nur einmal):\n\n{link}\n",
                    name=user.display_name,
                    link=link,
                )
            )
        else:
            subject = gettext(message("Neues Passwort für das Förderbuch"))
            body = gettext(
                message(
                    "Guten Tag {name},\n\nmit diesem Link setzen Sie ein neues Passwort (gültig 30 Minuten, nur "
                    "einmal):\n\n{link}\n\nWenn Sie das nicht angefordert haben, können Sie diese E-Mail "
                    "ignorieren; Ihr bisheriges Passwort gilt weiter.\n",
                    name=user.display_name,
                    link=link,
                )
            )
    sent = the.mailer.send(user.email, subject, body) if the.mailer is not None else False
    return link, sent


def disable(the: Services, user_id: UUID, reason: str, actor: Actor) -> None:
    the.office.disable_user(user_id, reason, actor)
    the.credentials.sessions.end_all(user_id, why.DISABLED)


def enable(the: Services, user_id: UUID, reason: str, actor: Actor) -> None:
    the.office.enable_user(user_id, reason, actor)


def grant_role(the: Services, user_id: UUID, role: Role, organisation_id: UUID | None, actor: Actor) -> None:
    the.office.grant_role(user_id, role, actor, organisation_id if role is Role.ASSOCIATION else None)
    if role is Role.ASSOCIATION and organisation_id is not None:
        the.office.add_portal_member(organisation_id, user_id, actor)


def revoke_role(the: Services, user_id: UUID, role: Role, reason: str, actor: Actor) -> None:
    the.office.revoke_role(user_id, role, reason, actor)
    the.credentials.sessions.end_all(user_id, why.ROLE_REVOKED)


def end_sessions(the: Services, user_id: UUID, reason: str, actor: Actor) -> int:
    the.office.record_sessions_ended(user_id, reason, actor)
    return int(the.credentials.sessions.end_all(user_id, why.ENDED_BY_ADMIN))


def reset_second_factor(the: Services, user_id: UUID, reason: str, actor: Actor) -> None:
    the.office.reset_second_factor(user_id, reason, actor)
    the.credentials.second_factors.remove(user_id)
    the.credentials.sessions.end_all(user_id, why.SECOND_FACTOR_RESET)


def send_reset(the: Services, config: WebConfig, user_id: UUID, reason: str, actor: Actor) -> tuple[str, bool]:
    the.office.record_password_reset_sent(user_id, reason, actor)
    return password_link(the, config, user_id, "reset", RESET_SECONDS, known_language(the, user_id))


def known_language(the: Services, user_id: UUID) -> str:
    """The language the person chose (or was invited in); German when none is known."""
    return the.credentials.languages.of(user_id) or SOURCE_LANGUAGE


# Pages ------------------------------------------------------------------------------------------


def _admin(request: Request) -> Viewer:
    return require(request, Role.ADMIN)


def _role_options() -> list[tuple[str, str]]:
    return [(role.value, ROLE_NAMES[role]) for role in USER_ROLES]


def _organisations(the: Services) -> list[tuple[str, str]]:
    with the.projector.db.transaction() as cursor:
        cursor.execute("SELECT organisation_id, name FROM reg_organisations ORDER BY name")
        rows = cursor.fetchall()
    return [(str(UUID(r["organisation_id"])), r["name"]) for r in rows]


def _user_list(request: Request) -> Response:
    _admin(request)
    text = request.query_params.get("suche", "")[:100]
    role = request.query_params.get("rolle", "")
    role = role if role in {r.value for r in USER_ROLES} else ""
    status = request.query_params.get("status", "")
    page = page_number(request)
    with reading(request) as cursor:
        rows, total = UserDirectory.search(cursor, text, role, status, PAGE_SIZE, (page - 1) * PAGE_SIZE)
    return templates.TemplateResponse(
        request,
        "users/list.html",
        {
            "rows": rows,
            "total": total,
            "search": text,
            "role": role,
            "status": status,
            "roles": _role_options(),
            "role_names": {r.value: ROLE_NAMES[r] for r in USER_ROLES},
            "page": page,
            "pages": pages(total),
            "notice": take_notice(request),
        },
    )


async def user_list(request: Request) -> Response:
    return await run_in_threadpool(_user_list, request)


def _new_page(
    request: Request, values: dict[str, Any] | None = None, error: str | None = None, status: int = 200
) -> Response:
    return templates.TemplateResponse(
        request,
        "users/new.html",
        {
            "values": values or {"roles": []},
            "error": error,
            "roles": _role_options(),
            "organisations": _organisations(services(request)),
        },
        status_code=status,
    )


async def user_new(request: Request) -> Response:
    viewer = _admin(request)
    if request.method == "GET":
        return await run_in_threadpool(_new_page, request)
    form = await request.form()
    check_csrf(request, form)
    email, name = str(form.get("email") or "").strip(), str(form.get("name") or "").strip()
    chosen = [str(v) for v in form.getlist("roles")]
    organisation = str(form.get("organisation_id") or "").strip()
    language = str(form.get("language") or SOURCE_LANGUAGE)
    language = language if language in LANGUAGES else SOURCE_LANGUAGE
    values = {"email": email, "name": name, "roles": chosen, "organisation_id": organisation, "language": language}

    def handle() -> Response:
        the = services(request)
        try:
            roles = [Role.parse(v) for v in chosen if v in {r.value for r in USER_ROLES}]
            organisation_id = _organisation_id(organisation) if Role.ASSOCIATION in roles else None
            if Role.ASSOCIATION in roles and organisation_id is None:
                raise InvalidInputError(N_("Vereinsmitglieder brauchen eine Organisation."), field="organisation_id")
            user_id, link, sent = add_user(
                the, request.app.state.config, email, name, roles, organisation_id, viewer.actor, language
            )
        except DomainError as error:
            return _new_page(request, values, error.message, status_for(error))
        if sent:
            give_notice(
                request,
                message(
                    "Der Zugang ist angelegt; {email} hat einen Link zum Setzen des Passworts erhalten.", email=email
                ),
            )
        else:
            request.session["link"] = link
            give_notice(
                request,
                N_(
                    "Der Zugang ist angelegt. Es ist kein Mailserver eingerichtet: Geben Sie der Person den Link unten."
                ),
            )
        return RedirectResponse(f"/benutzer/{user_id}", status_code=303)

    return await run_in_threadpool(handle)


def _organisation_id(text: str) -> UUID | None:
    if not text:
        return None
    try:
        return UUID(text)
    except ValueError:
        raise InvalidInputError(N_("Diese Organisation gibt es nicht."), field="organisation_id") from None


def _detail(request: Request, error: str | None = None, status: int = 200) -> Response:
    _admin(request)
    the = services(request)
    user_id = uuid_or_404(request.path_params["user_id"])
    try:
        user = the.office.user(user_id)
    except DomainError:
        raise HTTPException(status_code=404, detail=N_("Diesen Benutzer gibt es nicht.")) from None
    organisations = dict(_organisations(the))
    held = [
        {
            "role": g["role"],
            "german": ROLE_NAMES.get(Role(g["role"]), g["role"]),
            "organisation": organisations.get(str(g["organisation_id"])) if g.get("organisation_id") else None,
        }
        for g in user.roles
    ]
    live = the.credentials.sessions.of_user(user_id)
    ended = [s for s in the.credentials.sessions.of_user(user_id, include_ended=True) if not s.active][:10]
    return templates.TemplateResponse(
        request,
        "users/detail.html",
        {
            "user": user,
            "held": held,
            "grantable": [(v, n) for v, n in _role_options() if not user.has_role(Role(v))],
            "organisations": list(organisations.items()),
            "sessions": live,
            "ended": ended,
            "ended_german": why.ENDED_GERMAN,
            "history": _history(the, user_id),
            "when": _when,
            "error": error,
            "link": request.session.pop("link", None),
            "notice": take_notice(request),
        },
        status_code=status,
    )


async def user_detail(request: Request) -> Response:
    return await run_in_threadpool(_detail, request)


def _history(the: Services, user_id: UUID) -> list[dict[str, Any]]:
    """The person's account history from the log: what happened, when, by whom, and why."""
    names: dict[UUID, str] = {}

    def who(actor_id: UUID) -> str:
        if actor_id not in names:
            try:
                names[actor_id] = the.office.user(actor_id).display_name
            except DomainError:
                names[actor_id] = "System"
        return names[actor_id]

    lines = []
    for event in the.office.repository.event_store.get(user_id):
        kind = type(event).__name__
        detail = getattr(event, "role", "") or getattr(event, "token_id", "")
        if detail and kind.startswith("Role"):
            with contextlib.suppress(ValueError):
                detail = ROLE_NAMES[Role(detail)]
        lines.append(
            {
                "when": event.timestamp,  # type: ignore[attr-defined]
                "what": EVENT_GERMAN.get(kind, kind),
                "detail": detail,
                "who": who(event.actor_id) if hasattr(event, "actor_id") else "",
                "reason": getattr(event, "reason", ""),
            }
        )
    return list(reversed(lines))


def _when(moment: float | datetime) -> str:
    if isinstance(moment, int | float):
        moment = datetime.fromtimestamp(moment, UTC)
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo("Europe/Berlin")).strftime("%d.%m.%Y %H:%M")


ACTIONS = {
    "rolle-vergeben",
    "rolle-entziehen",
    "sperren",
    "entsperren",
    "passwort-link",
    "sitzungen-beenden",
    "sitzung-beenden",
    "zweiter-faktor-zuruecksetzen",
}


async def user_action(request: Request) -> Response:
    viewer = _admin(request)
    action = request.path_params["action"]
    if action not in ACTIONS:
        raise HTTPException(status_code=404, detail=N_("Diese Aktion gibt es nicht."))
    form = await request.form()
    check_csrf(request, form)
    user_id = uuid_or_404(request.path_params["user_id"])
    reason = str(form.get("reason") or "")

    def handle() -> Response:
        the, config, actor = services(request), request.app.state.config, viewer.actor
        try:
            the.office.user(user_id)
        except DomainError:
            raise HTTPException(status_code=404, detail=N_("Diesen Benutzer gibt es nicht.")) from None
        try:
            if action == "rolle-vergeben":
                role = Role.parse(str(form.get("role") or ""))
                grant_role(the, user_id, role, _organisation_id(str(form.get("organisation_id") or "")), actor)
                notice = f"Die Rolle {role.german} ist vergeben."
            elif action == "rolle-entziehen":
                role = Role.parse(str(form.get("role") or ""))
                if user_id == viewer.user_id and role is Role.ADMIN:
                    raise InvalidInputError(
                        N_("Sie können sich die Administration nicht selbst entziehen."), field="role"
                    )
                revoke_role(the, user_id, role, reason, actor)
                notice = f"Die Rolle {role.german} ist entzogen; die Sitzungen der Person sind beendet."
            elif action == "sperren":
                disable(the, user_id, reason, actor)
                notice = "Der Zugang ist gesperrt; alle Sitzungen sind beendet."
            elif action == "entsperren":
                enable(the, user_id, reason, actor)
                notice = "Der Zugang ist wieder offen."
            elif action == "passwort-link":
                link, sent = send_reset(the, config, user_id, reason, actor)
                if sent:
                    notice = "Der Link zum Setzen eines neuen Passworts ist per E-Mail unterwegs (gültig 30 Minuten)."
                else:
                    request.session["link"] = link
                    notice = "Es ist kein Mailserver eingerichtet: Geben Sie der Person den Link unten (30 Minuten)."
            elif action == "sitzungen-beenden":
                count = end_sessions(the, user_id, reason, actor)
                notice = f"{count} Sitzung(en) beendet."
            elif action == "sitzung-beenden":
                ended = the.credentials.sessions.end_handle(user_id, str(form.get("handle") or ""), why.ENDED_BY_ADMIN)
                notice = "Die Sitzung ist beendet." if ended else "Diese Sitzung war schon beendet."
            else:
                reset_second_factor(the, user_id, reason, actor)
                notice = (
                    "Der zweite Faktor ist zurückgesetzt; die Person richtet ihn bei der nächsten Anmeldung neu ein."
                )
        except DomainError as error:
            return _detail(request, error.message, status_for(error))
        give_notice(request, notice)
        return RedirectResponse(f"/benutzer/{user_id}", status_code=303)

    return await run_in_threadpool(handle)
