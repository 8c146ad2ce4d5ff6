"""The start page: programmes and the latest grants, for the office's own staff."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from domain.actors import Role
from projections.engine import Projector
from projections.register import Register
from web.auth import require, services
from web.templating import templates

PAGE_SIZE = 50
STAFF = (Role.OFFICER, Role.APPROVER, Role.FINANCE, Role.AUDITOR, Role.ADMIN)


def read_models(request: Request) -> Projector:
    """The read models, caught up first: a reader sees every write made before the request."""
    projector = services(request).projector
    projector.catch_up()
    return projector


def index(request: Request) -> Response:
    require(request, *STAFF)
    projector = read_models(request)
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
