"""People see what they just did: reads wait (briefly) for the follower to pass their own writes.

Pages and API reads never fold the log themselves; the follower does that in the background. So that a
person who has just approved a grant sees it approved on the next page, every request notes the log
positions its commands recorded (``domain.application.recorded_positions``) and keeps the newest in
the session (``seen``); a later read — in this worker or another — waits until every read model has
seen that position, at most ``WAIT_SECONDS``. If the follower cannot make it in time, the page is
shown anyway and says how current it is (``Lag``).
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from domain.application import recorded_positions
from web.services import Services

WAIT_SECONDS = 2.0


@dataclass(frozen=True)
class Lag:
    """The read models had seen ``shown`` when the page was made; the reader's own writes reach ``wanted``."""

    shown: int
    wanted: int


def await_position(services: Services, position: int) -> Lag | None:
    """Waits until the read models have seen ``position``; returns the lag if they could not in time."""
    follower = services.follower
    if position <= 0 or follower is None:
        return None
    if follower.wait_for(position, WAIT_SECONDS):
        return None
    return Lag(services.projector.follower_position(), position)


def seen_by(request: Request) -> int:
    """The newest log position this person's session or this worker recorded."""
    services: Services = request.app.state.services
    session = request.scope.get("session") or {}
    try:
        seen = int(session.get("seen", 0) or 0)
    except (TypeError, ValueError):
        seen = 0
    return max(seen, services.office.last_position)


def wait_for_own_writes(request: Request) -> None:
    """Before a page reads: the caller's own writes first (bounded); a lag is noted for the page."""
    lag = await_position(request.app.state.services, seen_by(request))
    if lag is not None:
        request.state.lag = lag


class RecordPositions:
    """ASGI middleware (inside the session middleware): notes the positions a request recorded, and keeps
    the newest in the session, so the next page of this person waits for it wherever it is served."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        positions: list[int] = []
        token = recorded_positions.set(positions)

        async def remember(message: Message) -> None:
            if message["type"] == "http.response.start" and positions and "session" in scope:
                session = scope["session"]
                if session:  # only a signed-in session: an empty one stays without a cookie
                    try:
                        before = int(session.get("seen", 0) or 0)
                    except (TypeError, ValueError):
                        before = 0
                    session["seen"] = max(before, *positions)
            await send(message)

        try:
            await self.app(scope, receive, remember)
        finally:
            recorded_positions.reset(token)
