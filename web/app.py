"""The starlette application: one FundingOffice and one set of read models per worker process."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from domain.application import FundingOffice
from projections.engine import Projector
from projections.register import Register
from web.formatting import euro, german_date, percent

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
templates.env.filters.update(euro=euro, german_date=german_date, percent=percent)

PAGE_SIZE = 50

SECURITY_HEADERS = [
    (b"content-security-policy", b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
     b"frame-ancestors 'none'; form-action 'self'; base-uri 'none'"),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
]


class SecurityHeaders:
    """Adds the security headers to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + SECURITY_HEADERS
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _read(request: Request) -> Projector:
    projector: Projector = request.app.state.projector
    projector.catch_up()  # a reader sees every write made before the request
    return projector


def index(request: Request) -> Response:
    projector = _read(request)
    try:
        page = max(1, int(request.query_params.get("seite", "1")))
    except ValueError:
        page = 1
    with projector.db.transaction() as cursor:
        years = Register.programme_years(cursor)
        grants = Register.grants(cursor, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
        total = Register.grant_count(cursor)
    return templates.TemplateResponse(
        request,
        "index.html",
        {
            "years": years,
            "grants": grants,
            "page": page,
            "pages": max(1, -(-total // PAGE_SIZE)),
            "total": total,
            "head": projector.log_head(),
        },
    )


Services = tuple[FundingOffice, Projector]


def create_app(build: Callable[[], Services]) -> Starlette:
    """Builds the web app; ``build`` makes the office and read models once per worker, in the lifespan."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.office, app.state.projector = build()
        app.state.projector.catch_up()
        try:
            yield
        finally:
            app.state.projector.db.close()
            app.state.office.close()

    return Starlette(
        routes=[
            Route("/", index, name="index"),
            Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
        ],
        middleware=[Middleware(SecurityHeaders)],
        lifespan=lifespan,
    )
