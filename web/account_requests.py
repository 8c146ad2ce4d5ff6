"""Associations ask for an account: a public form, e-mail confirmation, and the office's decision.

The public form (``/zugang-beantragen``) asks for the association, its register court and number,
address, bank account, contact person and e-mail address. Nothing is recorded yet: a link to confirm
the address goes out (good for a day, ``FOERDERBUCH_BASE_URL``), and only the confirmation records the
request in the log. Requests are limited per client address and per e-mail address.

Officers (and administrators) see the requests at ``/zugangsantraege``, check the register entry, and
approve — a new organisation with its first member, or the member linked to an organisation that is
registered already — or decline with a reason. Either way the applicant gets an e-mail, in the language
of the page they made the request on (kept with the request in ``credentials.languages``, and passed on
to the approved person as their language until they choose one); on approval it carries the link to set
their password (seven days).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from domain.account_request import AccountRequest
from domain.actors import Actor, Role
from domain.errors import DomainError
from domain.messages import N_, message
from domain.organisation import LegalForm
from projections.users import AccountRequests
from web.auth import check_csrf, require, services
from web.grant_actions import status_for
from web.i18n import SOURCE_LANGUAGE, current_language, gettext, in_language
from web.pages import give_notice, reading, take_notice, uuid_or_404
from web.templating import templates
from web.throttle import MAIL_PER_ADDRESS, MAIL_PER_RECIPIENT, TooManyAttempts, claim, client_address, email_key
from web.users import WELCOME_SECONDS, password_link

FIELDS = (
    ("association", N_("Name des Vereins")),
    ("legal_form", N_("Rechtsform")),
    ("register_court", N_("Registergericht (z. B. Amtsgericht Dortmund)")),
    ("register_number", N_("Registernummer (z. B. VR 1234)")),
    ("street", N_("Straße und Hausnummer")),
    ("postcode", N_("Postleitzahl")),
    ("city", N_("Ort")),
    ("iban", N_("IBAN des Vereinskontos")),
    ("contact_name", N_("Ansprechperson")),
    ("email", N_("E-Mail-Adresse der Ansprechperson")),
)
DECIDERS = (Role.OFFICER, Role.ADMIN)
LANGUAGE_KEY = "sprache"  # beside the typed fields while the request waits for confirmation; never in the log


def _form(request: Request, values: dict[str, str], error: str | None = None, status: int = 200) -> Response:
    return templates.TemplateResponse(
        request,
        "account_requests/form.html",
        {"fields": FIELDS, "values": values, "error": error, "forms": [f.value for f in LegalForm], "done": False},
        status_code=status,
    )


async def request_form(request: Request) -> Response:
    if request.method == "GET":
        return _form(request, {"legal_form": "e.V.", "city": "Dortmund"})
    form = await request.form()
    check_csrf(request, form)
    values = {name: str(form.get(name) or "").strip()[:300] for name, _ in FIELDS}
    the = services(request)
    try:  # the domain's checks, without recording anything yet
        checked = AccountRequest.submit(values, the.office.validate_iban, Actor.system())
    except DomainError as error:
        return _form(request, values, error.message, 400)
    keys = [
        (f"account-request:address:{client_address(request)}", MAIL_PER_ADDRESS),
        (f"account-request:email:{email_key(checked.email)}", MAIL_PER_RECIPIENT),
    ]
    try:
        await run_in_threadpool(claim, the.credentials.attempts, keys)
    except TooManyAttempts as refused:
        return _form(request, values, refused.message, 429)
    # The language of the form goes with the request: the office's answer is written in it.
    held = {**values, LANGUAGE_KEY: current_language.get()}
    token = await run_in_threadpool(the.credentials.pending_requests.hold, held)
    link = request.app.state.config.link(f"/zugang-beantragen/bestaetigen/{token}")
    # The person who asks reads the answer: the e-mail is in the language of the page they asked on.
    body = gettext(
        message(
            "Guten Tag {name},\n\nSie haben für {association} einen Zugang zum Förderportal der Stadt Dortmund "
            "beantragt. Bitte bestätigen Sie Ihre E-Mail-Adresse mit diesem Link (gültig 24 Stunden):\n\n{link}\n\n"
            "Wenn Sie das nicht waren, ignorieren Sie diese E-Mail einfach.\n",
            name=checked.contact_name,
            association=checked.association,
            link=link,
        )
    )
    subject = gettext(message("Zugang zum Förderportal: bitte bestätigen"))
    task = BackgroundTask(_mail, the.mailer, checked.email, subject, body)
    return templates.TemplateResponse(
        request, "account_requests/form.html", {"done": True, "email": checked.email}, background=task
    )


def _mail(mailer: Any, to: str, subject: str, body: str) -> None:
    if mailer is not None:
        mailer.send(to, subject, body)


async def confirm(request: Request) -> Response:
    token = request.path_params["token"]
    the = services(request)
    details = await run_in_threadpool(the.credentials.pending_requests.peek, token)
    if details is None:
        raise HTTPException(status_code=404, detail=N_("Dieser Bestätigungslink ist abgelaufen oder schon benutzt."))
    if request.method == "GET":
        return templates.TemplateResponse(
            request, "account_requests/confirm.html", {"details": details, "fields": FIELDS, "token": token}
        )
    form = await request.form()
    check_csrf(request, form)

    def record() -> UUID | None:
        taken = the.credentials.pending_requests.take(token)
        if taken is None:
            return None
        language = str(taken.pop(LANGUAGE_KEY, SOURCE_LANGUAGE))
        request_id = the.office.submit_account_request(taken, Actor.system())
        the.credentials.languages.remember(request_id, language)
        return request_id

    try:
        request_id = await run_in_threadpool(record)
    except DomainError as error:
        raise HTTPException(status_code=400, detail=error.message) from None
    if request_id is None:
        raise HTTPException(status_code=404, detail=N_("Dieser Bestätigungslink ist abgelaufen oder schon benutzt."))
    return templates.TemplateResponse(request, "account_requests/confirmed.html", {})


# The office's side -------------------------------------------------------------------------------


def _listing(request: Request) -> Response:
    require(request, *DECIDERS)
    with reading(request) as cursor:
        rows = AccountRequests.listing(cursor)
    return templates.TemplateResponse(
        request, "account_requests/list.html", {"rows": rows, "notice": take_notice(request)}
    )


async def listing(request: Request) -> Response:
    return await run_in_threadpool(_listing, request)


def _detail(request: Request, error: str | None = None, status: int = 200) -> Response:
    require(request, *DECIDERS)
    the = services(request)
    request_id = uuid_or_404(request.path_params["request_id"])
    try:
        found = the.office.account_request(request_id)
    except DomainError:
        raise HTTPException(status_code=404, detail=N_("Diesen Zugangsantrag gibt es nicht.")) from None
    with the.projector.db.transaction() as cursor:
        cursor.execute("SELECT organisation_id, name FROM reg_organisations ORDER BY name")
        organisations = [(str(UUID(r["organisation_id"])), r["name"]) for r in cursor.fetchall()]
    words = {w for w in found.association.casefold().split() if len(w) > 3}
    similar = [o for o in organisations if words & set(o[1].casefold().split())]
    return templates.TemplateResponse(
        request,
        "account_requests/detail.html",
        {
            "r": found,
            "organisations": similar + [o for o in organisations if o not in similar],
            "similar": similar,
            "error": error,
            "notice": take_notice(request),
        },
        status_code=status,
    )


async def detail(request: Request) -> Response:
    return await run_in_threadpool(_detail, request)


async def decide(request: Request) -> Response:
    viewer = require(request, *DECIDERS)
    action = request.path_params["action"]
    if action not in ("annehmen", "ablehnen"):
        raise HTTPException(status_code=404, detail=N_("Diese Aktion gibt es nicht."))
    form = await request.form()
    check_csrf(request, form)
    request_id = uuid_or_404(request.path_params["request_id"])

    def handle() -> Response:
        the, config = services(request), request.app.state.config
        try:
            found = the.office.account_request(request_id)
        except DomainError:
            raise HTTPException(status_code=404, detail=N_("Diesen Zugangsantrag gibt es nicht.")) from None
        request_language = the.credentials.languages.of(request_id) or SOURCE_LANGUAGE
        try:
            if action == "annehmen":
                chosen = str(form.get("organisation_id") or "").strip()
                _, user_id = the.office.approve_account_request(
                    request_id, viewer.actor, UUID(chosen) if chosen else None
                )
                language = the.credentials.languages.of(user_id) or request_language
                the.credentials.languages.remember(user_id, language)  # the applicant's, until they choose
                link, sent = password_link(the, config, user_id, "welcome", WELCOME_SECONDS, language)
                if sent:
                    give_notice(
                        request,
                        message(
                            "Der Antrag ist angenommen; {email} hat den Link zum Passwort erhalten.", email=found.email
                        ),
                    )
                else:
                    give_notice(
                        request,
                        message(
                            "Der Antrag ist angenommen. Kein Mailserver: Link für {email}: {link}",
                            email=found.email,
                            link=link,
                        ),
                    )
            else:
                reason = str(form.get("reason") or "")
                the.office.decline_account_request(request_id, reason, viewer.actor)
                with in_language(request_language):  # the language the applicant used on the form
                    subject = gettext(message("Ihr Antrag auf einen Zugang zum Förderportal"))
                    body = gettext(
                        message(
                            "Guten Tag {name},\n\nIhren Antrag für {association} konnten wir leider nicht "
                            "annehmen:\n\n{reason}\n\nBei Fragen wenden Sie sich bitte an das Büro für "
                            "Internationale Beziehungen.\n",
                            name=found.contact_name,
                            association=found.association,
                            reason=reason,
                        )
                    )
                _mail(the.mailer, found.email, subject, body)
                give_notice(request, N_("Der Antrag ist abgelehnt; die Ansprechperson wurde benachrichtigt."))
        except ValueError:
            return _detail(request, "Diese Organisation gibt es nicht.", 400)
        except DomainError as error:
            return _detail(request, error.message, status_for(error))
        return RedirectResponse(f"/zugangsantraege/{request_id}", status_code=303)

    return await run_in_threadpool(handle)
