"""What every page needs: who may see it, the read models caught up, paging, and the flash notice."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any
from uuid import UUID

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from domain.actors import Role
from domain.messages import N_
from projections.db import Cursor
from projections.web_queries import grant_organisation
from web.auth import Viewer, services
from web.i18n import gettext
from web.overview import read_models

STAFF = (Role.OFFICER, Role.APPROVER, Role.FINANCE, Role.CASHIER, Role.AUDITOR, Role.ADMIN)
EVERYONE = (*STAFF, Role.ASSOCIATION)
PAGE_SIZE = 25


@contextmanager
def reading(request: Request) -> Iterator[Cursor]:
    """A read-only transaction on the read models, after they have seen the reader's own writes."""
    projector = read_models(request)
    with projector.db.transaction() as cursor:
        yield cursor


def today(request: Request) -> date:
    return services(request).office.today()


def page_number(request: Request) -> int:
    try:
        return max(1, min(100000, int(request.query_params.get("seite", "1"))))
    except ValueError:
        return 1


def pages(total: int, size: int = PAGE_SIZE) -> int:
    return max(1, -(-total // size))


def uuid_or_404(text: str) -> UUID:
    try:
        return UUID(text)
    except ValueError:
        raise HTTPException(status_code=404, detail=N_("Diese Seite gibt es nicht.")) from None


def check_grant_relation(cursor: Cursor, viewer: Viewer, grant_id: UUID) -> None:
    """Staff see every grant; an association member only the grants of their own organisation."""
    organisation = grant_organisation(cursor, grant_id)
    if organisation is None:
        raise HTTPException(status_code=404, detail=N_("Diese Zuwendung gibt es nicht."))
    if viewer.role is Role.ASSOCIATION and organisation != viewer.organisation_id:
        # the same answer as for a grant that does not exist: a member learns no other file numbers
        raise HTTPException(status_code=404, detail=N_("Diese Zuwendung gibt es nicht."))


def take_notice(request: Request) -> str | None:
    """The one-time message after a successful form (shown once, then gone)."""
    notice = request.session.pop("notice", None)
    return str(notice) if notice is not None else None


def give_notice(request: Request, text: str) -> None:
    """A notice for the next page. The session keeps plain text, so a domain message is translated now
    (the next page is shown in the same language)."""
    request.session["notice"] = gettext(text)


def query_string(params: dict[str, Any], **changes: Any) -> str:
    """The list's current filters with some changed, for paging links."""
    from urllib.parse import urlencode

    merged = {**params, **changes}
    return urlencode({k: v for k, v in merged.items() if v not in (None, "", False)})


def field_views(
    specs: list[Any], anchor: str, values: dict[str, str] | None = None, errors: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    """Fields as the form macro draws them: the spec, a unique id, the value (typed or default), the error."""
    return [
        {
            "spec": spec,
            "id": f"{anchor}-{spec.name}",
            "value": values.get(spec.name, "") if values is not None else spec.default,
            "error": (errors or {}).get(spec.name),
        }
        for spec in specs
    ]


def stray_error(specs: list[Any], errors: dict[str, str], general: str | None = None) -> str | None:
    """A refusal that names no field of the form is shown above the form."""
    known = {spec.name for spec in specs}
    stray = [message for name, message in errors.items() if name not in known]
    return general or (stray[0] if stray else None)


def in_thread(page: Callable[[Request], Response]) -> Callable[[Request], Awaitable[Response]]:
    """A page that reads the database, as an async endpoint that does its reading in the thread pool."""

    @functools.wraps(page)
    async def endpoint(request: Request) -> Response:
        return await run_in_threadpool(page, request)

    return endpoint
