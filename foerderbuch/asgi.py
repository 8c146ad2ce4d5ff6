"""The ASGI entry point for several uvicorn workers: each worker process builds its own app from the
environment (``uvicorn foerderbuch.asgi:create --factory``)."""

from __future__ import annotations

from starlette.applications import Starlette

from foerderbuch.settings import Settings
from foerderbuch.wiring import create_web_app


def create() -> Starlette:
    return create_web_app(Settings.from_environ())
