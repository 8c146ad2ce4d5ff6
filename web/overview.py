"""The read models as pages see them: never folded by a page, waited for after the reader's own writes."""

from __future__ import annotations

from starlette.requests import Request

from projections.engine import Projector
from web.auth import services
from web.consistency import wait_for_own_writes


def read_models(request: Request) -> Projector:
    """The read models, once they have seen this person's own writes (bounded wait; see web.consistency)."""
    wait_for_own_writes(request)
    return services(request).projector
