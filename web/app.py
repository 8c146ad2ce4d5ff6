"""The starlette application: one visible routing table, one error table, services built per worker."""

from __future__ import annotations

import contextlib
import dataclasses
import sqlite3
from collections.abc import AsyncIterator, Callable

import anyio
from eventsourcing.persistence import OperationalError as StoreOperationalError
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from domain.errors import DomainError, NotFoundError, NotPermittedError, StoreBusyError
from domain.messages import N_
from web import (
    account,
    account_requests,
    applications,
    audit,
    base_rates,
    case_file,
    conversation,
    dashboard,
    downloads,
    finance,
    grants,
    letters,
    organisations,
    password_reset,
    payment_runs,
    privacy,
    programmes,
    projects,
    replays,
    sdg,
    second_factor,
    users,
)
from web.accessibility import accessibility_routes
from web.api import ApiMount, api_routes
from web.auth import SignInRequired, sign_in_url
from web.config import WebConfig
from web.consistency import RecordPositions
from web.i18n import LANGUAGES, SOURCE_LANGUAGE, accepted_language, current_language
from web.once import AlreadySubmitted, OneTimeForms, StillRunning, already_submitted
from web.portal import portal_routes
from web.services import Services
from web.sessions import BodyLimit, Sessions
from web.templating import HERE, templates

SECURITY_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        b"frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    ),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
]


HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")


def request_language(request: Request) -> str:
    """The language of the answer: the language chosen on the pages (cookie ``sprache``); the API also
    honours ``Accept-Language`` (before the cookie: a client that asks says what it wants). German otherwise."""
    if request.url.path.startswith("/api/"):
        asked = accepted_language(request.headers.get("accept-language"))
        if asked is not None:
            return asked
    language = request.cookies.get("sprache", SOURCE_LANGUAGE)
    return language if language in LANGUAGES else SOURCE_LANGUAGE


class SecurityHeaders:
    """Adds the security headers to every response (HSTS when served over HTTPS) and sets the page language."""

    def __init__(self, app: ASGIApp, https: bool = False) -> None:
        self.app = app
        self.headers = [*SECURITY_HEADERS, HSTS] if https else SECURITY_HEADERS

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        token = current_language.set(request_language(Request(scope)))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + self.headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            current_language.reset(token)


async def _sign_in_required(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SignInRequired)
    return RedirectResponse(sign_in_url(exc.next_url), status_code=303)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    titles = {
        403: N_("Zugriff verweigert"),
        404: N_("Seite nicht gefunden"),
        405: N_("Nicht erlaubt"),
        413: N_("Zu groß"),
        429: N_("Zu viele Versuche"),
    }
    return templates.TemplateResponse(
        request,
        "error.html",
        {"title": titles.get(exc.status_code, N_("Fehler")), "message": exc.detail, "status": exc.status_code},
        status_code=exc.status_code,
    )


async def _domain_not_found(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, NotFoundError)
    return await _http_error(request, HTTPException(status_code=404, detail=exc.message))


async def _domain_refusal(request: Request, exc: Exception) -> Response:
    """A refusal that no form caught (e.g. a page for something in the wrong state): a clear page, never a trace."""
    assert isinstance(exc, DomainError)
    if isinstance(exc, StoreBusyError):
        return await _store_busy(request, exc)
    status = 403 if isinstance(exc, NotPermittedError) else 409
    return templates.TemplateResponse(
        request,
        "error.html",
        {"title": N_("Nicht möglich"), "message": exc.message, "status": status},
        status_code=status,
    )


async def _store_busy(request: Request, exc: Exception) -> Response:
    """The store was locked or out of connections through the retries: nothing was recorded, try again."""
    return templates.TemplateResponse(
        request,
        "error.html",
        {
            "title": "Gerade ausgelastet",
            "message": "Der Datenspeicher ist gerade ausgelastet; es wurde nichts gespeichert. "
            "Bitte gehen Sie zurück und senden Sie das Formular in einigen Sekunden noch einmal.",
            "status": 503,
        },
        status_code=503,
        headers={"retry-after": "2"},
    )


async def _still_running(request: Request, exc: Exception) -> Response:
    return templates.TemplateResponse(
        request,
        "error.html",
        {
            "title": "Wird noch bearbeitet",
            "message": "Dieses Formular wird gerade schon bearbeitet. Bitte laden Sie die Seite gleich neu.",
            "status": 409,
        },
        status_code=409,
        headers={"retry-after": "2"},
    )


async def _server_error(request: Request, exc: Exception) -> Response:
    return templates.TemplateResponse(
        request,
        "error.html",
        {
            "title": N_("Interner Fehler"),
            "message": N_("Das hat nicht geklappt; der Fehler wurde protokolliert."),
            "status": 500,
        },
        status_code=500,
    )


routes = [
    Route("/", dashboard.dashboard, name="index"),
    Route("/anmelden", account.sign_in_page, methods=["GET", "POST"], name="sign_in"),
    Route("/anmelden/code", second_factor.code_page, methods=["GET", "POST"], name="sign_in_code"),
    Route("/zweiter-faktor", second_factor.enrol_page, methods=["GET", "POST"], name="second_factor"),
    Route("/passwort-vergessen", password_reset.forgot, methods=["GET", "POST"], name="password_forgotten"),
    Route("/passwort-neu/{token}", password_reset.new_password, methods=["GET", "POST"], name="password_new"),
    Route("/zugang-beantragen", account_requests.request_form, methods=["GET", "POST"], name="account_request"),
    Route(
        "/zugang-beantragen/bestaetigen/{token}",
        account_requests.confirm,
        methods=["GET", "POST"],
        name="account_request_confirm",
    ),
    Route("/zugangsantraege", account_requests.listing, name="account_requests"),
    Route("/zugangsantraege/{request_id}", account_requests.detail, name="account_request_detail"),
    Route(
        "/zugangsantraege/{request_id}/{action}",
        account_requests.decide,
        methods=["POST"],
        name="account_request_decide",
    ),
    Route("/benutzer", users.user_list, name="user_list"),
    Route("/benutzer/neu", users.user_new, methods=["GET", "POST"], name="user_new"),
    Route("/benutzer/{user_id}", users.user_detail, name="user_detail"),
    Route("/benutzer/{user_id}/{action}", users.user_action, methods=["POST"], name="user_action"),
    Route("/abmelden", account.sign_out_page, methods=["POST"], name="sign_out"),
    Route("/passwort", account.password_page, methods=["GET", "POST"], name="password"),
    Route("/rolle", account.switch_role, methods=["POST"], name="switch_role"),
    Route("/sprache", account.switch_language, methods=["POST"], name="switch_language"),
    Route("/programme", programmes.programme_list, name="programme_list"),
    Route("/programme/neu", programmes.programme_new, methods=["GET", "POST"], name="programme_new"),
    Route("/programme/{programme_id}", programmes.programme_detail, name="programme_detail"),
    Route("/programme/{programme_id}/{action}", programmes.programme_action, methods=["POST"], name="programme_action"),
    Route("/zuwendungen", grants.grant_list, name="grant_list"),
    Route("/zuwendungen/neu", applications.application_new, methods=["GET", "POST"], name="application_new"),
    Route("/zuwendungen/{grant_id}", grants.grant_detail, name="grant_detail"),
    Route("/zuwendungen/{grant_id}/dateien/{sha256}", case_file.grant_document, name="grant_document"),
    Route("/zuwendungen/{grant_id}/schreiben/{what}", letters.letter_action, methods=["POST"], name="letter_action"),
    Route("/zuwendungen/{grant_id}/nachrichten", conversation.staff_message, methods=["POST"], name="grant_message"),
    Route("/zuwendungen/{grant_id}/nachrichten/gelesen", conversation.staff_read, methods=["POST"], name="grant_read"),
    Route("/zuwendungen/{grant_id}/{action}", grants.grant_action, methods=["POST"], name="grant_action"),
    Route("/zuwendungen/{grant_id}/{action}/{item}", grants.grant_action, methods=["POST"], name="grant_item_action"),
    Route("/organisationen", organisations.organisation_list, name="organisation_list"),
    Route("/organisationen/neu", organisations.organisation_new, methods=["GET", "POST"], name="organisation_new"),
    Route("/organisationen/{organisation_id}", organisations.organisation_detail, name="organisation_detail"),
    Route(
        "/organisationen/{organisation_id}/{action}",
        organisations.organisation_action,
        methods=["POST"],
        name="organisation_action",
    ),
    Route("/projekte", projects.project_list, name="project_list"),
    Route("/projekte/{project_id}", projects.project_detail, name="project_detail"),
    Route("/kaemmerei", finance.finance_page, name="finance"),
    Route("/kaemmerei/download/{slug}", downloads.download, name="download"),
    Route("/kaemmerei/zahlungslauf", payment_runs.payment_run_page, name="payment_runs"),
    Route("/kaemmerei/zahlungslauf", payment_runs.payment_run_action, methods=["POST"]),
    Route("/kaemmerei/zahlungslaeufe/{run_id}/datei", payment_runs.payment_run_file, name="payment_run_file"),
    Route("/kaemmerei/kontoauszug", payment_runs.statement_action, methods=["POST"]),
    Route("/kaemmerei/kontoauszug/{statement_id}/posten/{index}", payment_runs.statement_line_action, methods=["POST"]),
    Route("/sdg-bericht", sdg.sdg_page, name="sdg_report"),
    Route("/pruefung", audit.audit_page, name="audit"),
    Route("/basiszinssaetze", base_rates.base_rates_page, name="base_rates"),
    Route("/basiszinssaetze/{action}", base_rates.base_rates_action, methods=["POST"], name="base_rates_action"),
    Route("/pruefung/schreiben", letters.verify_page, methods=["GET", "POST"], name="letter_check"),
    Route("/datenschutz/auskunft", privacy.access_page, methods=["GET", "POST"], name="privacy_access"),
    *accessibility_routes,  # the accessibility statement and its feedback (BITV 2.0)
    Mount("/portal", routes=portal_routes),  # the association portal (web/portal)
    ApiMount("/api/v1", routes=api_routes, name="api"),
    Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
]


def start_reading(services: Services) -> None:
    """Creates the read models' tables (once per database, under its lock) and starts the follower.

    Pages of this worker first wait for the log as it is now (bounded, see web.consistency), so a
    worker that starts on a store written elsewhere does not show empty pages while it catches up.
    """
    services.projector.set_up()
    replays.set_up(services.projector.db)
    replays.forget_old(services.projector.db)
    head = services.projector.log_head()
    services.office.last_position = max(services.office.last_position, head)
    assert services.follower is not None
    services.follower.start()


def create_app(
    build: Callable[[], Services], secret_key: str, https_only: bool = False, config: WebConfig | None = None
) -> Starlette:
    """Builds the web app; ``build`` makes the services once per worker, in the lifespan.

    ``config`` says where the app is reachable and how it is protected (``web.config``); ``https_only``
    is the older way of saying ``config.https``.
    """
    if len(secret_key) < 32:
        raise ValueError("the session secret must have at least 32 characters")
    config = config or WebConfig()
    if https_only and not config.https:
        config = dataclasses.replace(config, https=True)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        services = app.state.services = await run_in_threadpool(build)
        app.state.hashing = anyio.CapacityLimiter(2)  # password hashing: two at a time per worker
        await run_in_threadpool(start_reading, services)
        try:
            yield
        finally:
            await run_in_threadpool(services.close)

    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(SecurityHeaders, https=config.https),
            Middleware(Sessions, secret_key=secret_key),  # server-side sessions (web.sessions)
            Middleware(BodyLimit),  # before anything reads a body
            Middleware(RecordPositions),
            Middleware(OneTimeForms),
        ],
        exception_handlers={
            SignInRequired: _sign_in_required,
            HTTPException: _http_error,
            NotFoundError: _domain_not_found,
            DomainError: _domain_refusal,
            AlreadySubmitted: already_submitted,
            StillRunning: _still_running,
            StoreOperationalError: _store_busy,
            sqlite3.OperationalError: _store_busy,
            500: _server_error,
        },
        lifespan=lifespan,
    )
    app.state.config = config
    return app
