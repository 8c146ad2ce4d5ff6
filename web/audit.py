"""The audit page: the log's chain head, how far every read model has followed the log, and ``verify``.

Read-only: the check reads the whole log and changes nothing, so it is a plain link (GET), started by
the person who wants it rather than on every visit.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from domain.actors import Role
from projections.seal import Seal
from projections.verify import verify
from web.auth import require
from web.overview import read_models
from web.templating import templates

AUDITORS = (Role.AUDITOR, Role.ADMIN, Role.FINANCE, Role.CASHIER, Role.APPROVER, Role.OFFICER)


async def audit_page(request: Request) -> Response:
    require(request, *AUDITORS)
    run = request.query_params.get("pruefen") == "1"

    def load() -> Response:
        projector = read_models(request)
        with projector.db.transaction() as cursor:
            head = Seal.head(cursor)
        positions = [(name, projector.position(name)) for name in projector.models]
        problems = verify(projector, upto=projector.follower_position()) if run else None
        return templates.TemplateResponse(
            request,
            "audit.html",
            {"head": head, "log_head": projector.log_head(), "positions": positions, "problems": problems, "ran": run},
        )

    return await run_in_threadpool(load)
