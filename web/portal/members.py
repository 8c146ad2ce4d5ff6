"""The association's members: invite somebody by a link that expires, remove somebody, and the news.

A member invites with name and e-mail address. The invitation is recorded in the log on the
organisation (``Organisation.MemberInvited``: who invited whom — the audit trail), and stored with
its link's SHA-256, the organisation and the inviter beside the password hashes; the link is shown
once on the page (and goes out by e-mail when SMTP is configured). The invitation is always for the
signed-in member's own organisation: a form that names another organisation is refused with a 404
and nothing is recorded.

Accepting (``/portal/einladung/{token}``, no sign-in) needs an unused invitation younger than seven
days; otherwise a 410 page says why, and nothing is recorded. On acceptance the system registers the
user as an association member of that organisation, gives them portal access, sets their password,
marks the invitation used and signs them in.

Removing takes the person's portal access (``FundingOffice.remove_portal_member``) with a reason.
Locking the login itself (``disable_user``) is for administrators only, which the domain enforces;
instead the domain refuses a removed member as an actor for that organisation
(``FundingOffice.verify_actor``), so they no longer pass ``require(request, Role.ASSOCIATION)``
and their API tokens stop working for it too.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from domain.actors import Actor, Role
from domain.errors import DomainError
from domain.messages import N_, message
from domain.passwords import check_password_policy
from domain.user import normalise_email
from projections.case_file import CaseFile
from projections.notifications import Notifications
from web.auth import Viewer, check_csrf, services, sign_in
from web.grant_actions import status_for
from web.i18n import LANGUAGES, SOURCE_LANGUAGE, current_language, gettext, in_language
from web.pages import give_notice, reading, take_notice
from web.portal.pages import member
from web.services import Mailer
from web.sessions import MEMBERSHIP_REMOVED
from web.templating import templates
from web.throttle import INVITATIONS_PER_USER, TooManyAttempts, claim

NO_INVITATION = "Diese Einladung gibt es nicht."
NOT_A_MEMBER = "Diese Person gehört nicht zu Ihrem Verein."


def _members_page(
    request: Request,
    viewer: Viewer,
    *,
    link: str | None = None,
    values: dict[str, str] | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    assert viewer.organisation_id is not None
    office, credentials = services(request).office, services(request).credentials
    organisation = office.organisation(viewer.organisation_id)
    people = []
    for user_id in organisation.members:
        try:
            user = office.user(user_id)
        except DomainError:  # pragma: no cover - members are users
            continue
        people.append({"id": user.id, "name": user.display_name, "email": user.email, "me": user.id == viewer.user_id})
    open_invitations = [
        i for i in credentials.list_invitations(viewer.organisation_id) if not i.used and not i.expired()
    ]
    return templates.TemplateResponse(
        request,
        "portal/members.html",
        {
            "organisation": organisation,
            "people": people,
            "invitations": open_invitations,
            "link": link,
            "values": values or {},
            "error": error,
            "notice": take_notice(request),
        },
        status_code=status_code,
    )


async def members_page(request: Request) -> Response:
    viewer = member(request)
    return await run_in_threadpool(_members_page, request, viewer)


def _own_organisation(viewer: Viewer, form: Any) -> UUID:
    """The member's organisation; a form naming another one is refused as if it did not exist."""
    assert viewer.organisation_id is not None
    named = (form.get("organisation_id") or "").strip()
    if named and named.replace("-", "").lower() != viewer.organisation_id.hex:
        raise HTTPException(status_code=404, detail=N_("Diese Organisation gibt es in Ihrem Zugang nicht."))
    return viewer.organisation_id


async def invite(request: Request) -> Response:
    viewer = member(request)
    form = await request.form()
    check_csrf(request, form)
    organisation_id = _own_organisation(viewer, form)
    name, email = str(form.get("name") or "").strip(), str(form.get("email") or "").strip()
    language = str(form.get("language") or SOURCE_LANGUAGE)
    language = language if language in LANGUAGES else SOURCE_LANGUAGE  # the e-mail's, chosen on the form

    def handle() -> Response:
        office, credentials = services(request).office, services(request).credentials
        values = {"name": name, "email": email, "language": language}
        try:
            claim(credentials.attempts, [(f"invitations:{viewer.user_id}", INVITATIONS_PER_USER)])
        except TooManyAttempts as refused:
            return _members_page(request, viewer, values=values, error=refused.message, status_code=429)
        try:
            address = normalise_email(email)
            if _registered(request, address):
                return _members_page(
                    request,
                    viewer,
                    values=values,
                    status_code=409,
                    error=f"Für {address} gibt es bereits einen Zugang.",
                )
            office.invite_portal_member(organisation_id, address, name, viewer.actor)
        except DomainError as error:
            return _members_page(request, viewer, values=values, error=error.message, status_code=status_for(error))
        issued = credentials.create_invitation(organisation_id, address, " ".join(name.split()), viewer.user_id)
        link = request.app.state.config.link(f"/portal/einladung/{issued.token}")  # never from the Host header
        send_invitation(
            services(request).mailer, address, office.organisation(organisation_id).name, viewer.name, link, language
        )
        return _members_page(request, viewer, link=link)

    return await run_in_threadpool(handle)


def send_invitation(
    mailer: Mailer | None, email: str, organisation: str, inviter: str, link: str, language: str = SOURCE_LANGUAGE
) -> bool:
    """Sends the invitation link when a mailer is configured, in the language the inviting member chose on
    the form (German unless they chose otherwise); False when not sent (the page shows the link)."""
    if mailer is None:
        return False
    with in_language(language):
        body = gettext(
            message(
                "Guten Tag,\n\n{inviter} lädt Sie in das Förderportal von {organisation} ein.\n"
                "Mit diesem Link legen Sie Ihr Passwort fest (gültig sieben Tage, nur einmal):\n\n{link}\n",
                inviter=inviter,
                organisation=organisation,
                link=link,
            )
        )
        subject = gettext(message("Einladung: {organisation}", organisation=organisation))
    return mailer.send(email, subject, body)


def _registered(request: Request, email: str) -> bool:
    try:
        services(request).office.user_by_email(email)
    except DomainError:
        return False
    return True


async def remove(request: Request) -> Response:
    viewer = member(request)
    form = await request.form()
    check_csrf(request, form)
    organisation_id = _own_organisation(viewer, form)
    reason = str(form.get("reason") or "")

    def handle() -> Response:
        office = services(request).office
        try:
            user_id = UUID(request.path_params["user_id"])
        except ValueError:
            raise HTTPException(status_code=404, detail=NOT_A_MEMBER) from None
        if user_id not in office.organisation(organisation_id).members:
            raise HTTPException(status_code=404, detail=NOT_A_MEMBER)
        if user_id == viewer.user_id:
            return _members_page(request, viewer, status_code=400, error="Sie können sich nicht selbst entfernen.")
        try:
            office.remove_portal_member(organisation_id, user_id, reason, viewer.actor)
            services(request).credentials.sessions.end_all(user_id, MEMBERSHIP_REMOVED)
        except DomainError as error:
            return _members_page(request, viewer, error=error.message, status_code=status_for(error))
        give_notice(request, N_("Der Zugang ist entfernt. Die Person kann nicht mehr für Ihren Verein handeln."))
        return RedirectResponse("/portal/mitglieder", status_code=303)

    return await run_in_threadpool(handle)


# Accepting an invitation (no sign-in) ------------------------------------------------------------


def _gone(request: Request, message: str) -> Response:
    return templates.TemplateResponse(
        request,
        "error.html",
        {"title": N_("Einladung nicht mehr gültig"), "message": message, "status": 410},
        status_code=410,
    )


def _live_invitation(request: Request) -> Any:
    invitation = services(request).credentials.invitation(request.path_params["token"])
    if invitation is None:
        raise HTTPException(status_code=404, detail=NO_INVITATION)
    return invitation


def _refusal(request: Request, invitation: Any) -> Response | None:
    if invitation.used:
        return _gone(request, "Diese Einladung wurde schon benutzt. Melden Sie sich mit Ihrem Passwort an.")
    if invitation.expired():
        return _gone(
            request,
            "Diese Einladung ist abgelaufen (sie galt sieben Tage). Bitten Sie Ihren Verein um eine neue Einladung.",
        )
    return None


def _invitation_page(request: Request, invitation: Any, error: str | None = None, status_code: int = 200) -> Response:
    organisation = services(request).office.organisation(invitation.organisation_id)
    return templates.TemplateResponse(
        request,
        "portal/invitation.html",
        {"invitation": invitation, "organisation": organisation, "error": error},
        status_code=status_code,
    )


async def invitation(request: Request) -> Response:
    if request.method == "GET":

        def show() -> Response:
            found = _live_invitation(request)
            return _refusal(request, found) or _invitation_page(request, found)

        return await run_in_threadpool(show)
    form = await request.form()
    check_csrf(request, form)
    password, again = str(form.get("password") or ""), str(form.get("again") or "")

    def accept() -> Response:
        found = _live_invitation(request)
        refused = _refusal(request, found)
        if refused is not None:
            return refused
        try:
            check_password_policy(password)
        except DomainError as error:
            return _invitation_page(request, found, error.message, 400)
        if password != again:
            return _invitation_page(request, found, "Die beiden Passwörter stimmen nicht überein.", 400)
        if _registered(request, found.email):
            return _invitation_page(request, found, f"Für {found.email} gibt es bereits einen Zugang.", 409)
        credentials, office = services(request).credentials, services(request).office
        if not credentials.use_invitation(request.path_params["token"]):  # somebody was quicker
            return _gone(request, "Diese Einladung wurde schon benutzt. Melden Sie sich mit Ihrem Passwort an.")
        system = Actor.system()
        user_id = office.register_user(found.email, found.name, Role.ASSOCIATION, system, found.organisation_id)
        office.add_portal_member(found.organisation_id, user_id, system)
        credentials.set_password(user_id, password)
        credentials.languages.remember(user_id, current_language.get())  # the language they accepted in
        sign_in(request, user_id, Role.ASSOCIATION)
        give_notice(request, N_("Willkommen! Ihr Zugang ist angelegt."))
        return RedirectResponse("/portal/", status_code=303)

    return await run_in_threadpool(accept)


# The news ----------------------------------------------------------------------------------------


def _news(request: Request) -> Response:
    viewer = member(request)
    assert viewer.organisation_id is not None
    email = services(request).office.user(viewer.user_id).email
    with reading(request) as cursor:
        rows = Notifications.of(cursor, viewer.organisation_id)
        mail_off = email in CaseFile.mail_off(cursor)
    return templates.TemplateResponse(
        request,
        "portal/news.html",
        {"rows": rows, "mail_off": mail_off, "email": email, "notice": take_notice(request)},
    )


async def news(request: Request) -> Response:
    return await run_in_threadpool(_news, request)


member_routes = [
    Route("/mitglieder", members_page, name="portal_members"),
    Route("/mitglieder/einladen", invite, methods=["POST"], name="portal_invite"),
    Route("/mitglieder/{user_id}/entfernen", remove, methods=["POST"], name="portal_remove_member"),
    Route("/einladung/{token}", invitation, methods=["GET", "POST"], name="portal_invitation"),
    Route("/neuigkeiten", news, name="portal_news"),
]
