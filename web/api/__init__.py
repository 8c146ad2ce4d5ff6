"""The JSON API under ``/api/v1``: ``api_routes`` is mounted by ``web.app``.

See ``web.api.framework`` (operations, bearer tokens, how a request runs), ``web.api.endpoints`` (what
there is, and who sees what), ``web.api.problems`` (errors) and ``web.api.openapi`` (the document).
"""

from __future__ import annotations

from web.api import endpoints as _endpoints  # noqa: F401 - registers the operations
from web.api.framework import OPERATIONS, ApiMount, build_routes

api_routes = build_routes(OPERATIONS)

__all__ = ["ApiMount", "api_routes"]
