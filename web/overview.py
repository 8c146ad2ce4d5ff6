"""The read models as pages see them: caught up with the log before every read."""

from __future__ import annotations

from starlette.requests import Request

from projections.engine import Projector
from web.auth import services


def read_models(request: Request) -> Projector:
    """The read models, caught up first: a reader sees every write made before the request."""
    projector = services(request).projector
    projector.catch_up()
    return projector
