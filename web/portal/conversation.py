"""The conversation in the portal: the association writes to the office and reads its answers."""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from domain.errors import DomainError
from domain.messages import N_, message
from projections.case_file import CaseFile
from web.auth import check_csrf, services
from web.conversation import mark_read, post_message
from web.pages import give_notice
from web.portal.pages import member, own_grant


async def portal_message(request: Request) -> Response:
    """``POST /portal/zuwendungen/{id}/nachrichten``: a member writes to the office about an own grant."""
    viewer = member(request)
    form = await request.form()
    try:
        check_csrf(request, form)

        def handle() -> Response:
            grant = own_grant(request, viewer, request.path_params["grant_id"])
            try:
                post_message(request, viewer, grant.id, form)
            except DomainError as error:
                give_notice(request, message("Die Nachricht wurde nicht gesendet: {error}", error=error.message))
            else:
                give_notice(request, N_("Ihre Nachricht ist beim Büro für Internationale Beziehungen angekommen."))
            return RedirectResponse(f"/portal/zuwendungen/{grant.id}#portal-nachrichten", status_code=303)

        return await run_in_threadpool(handle)
    finally:
        await form.close()


async def portal_read(request: Request) -> Response:
    viewer = member(request)
    form = await request.form()
    check_csrf(request, form)

    def handle() -> Response:
        grant = own_grant(request, viewer, request.path_params["grant_id"])
        mark_read(request, viewer, grant.id)
        return RedirectResponse(f"/portal/zuwendungen/{grant.id}#portal-nachrichten", status_code=303)

    return await run_in_threadpool(handle)


async def mail_setting(request: Request) -> Response:
    """``POST /portal/benachrichtigungen``: the member turns e-mails about the news on or off for themselves."""
    viewer = member(request)
    form = await request.form()
    check_csrf(request, form)
    wanted = str(form.get("email", "")) == "an"

    def handle() -> Response:
        email = services(request).office.user(viewer.user_id).email
        with services(request).projector.db.transaction() as cursor:
            CaseFile.set_mail(cursor, email, wanted, datetime.now(UTC))
        give_notice(
            request,
            N_("Sie bekommen wieder E-Mails zu Neuigkeiten.")
            if wanted
            else N_("Sie bekommen keine E-Mails mehr zu Neuigkeiten; im Portal sehen Sie weiter alles."),
        )
        return RedirectResponse("/portal/neuigkeiten", status_code=303)

    return await run_in_threadpool(handle)


conversation_routes = [
    Route("/benachrichtigungen", mail_setting, methods=["POST"], name="portal_mail_setting"),
    Route("/zuwendungen/{grant_id}/nachrichten", portal_message, methods=["POST"], name="portal_message"),
    Route("/zuwendungen/{grant_id}/nachrichten/gelesen", portal_read, methods=["POST"], name="portal_read"),
]
