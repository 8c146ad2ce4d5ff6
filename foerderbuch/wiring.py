"""Builds the FundingOffice from settings, with the adapters the domain needs injected."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from starlette.applications import Starlette

from domain.application import FundingOffice
from foerderbuch.iban import validate_iban
from foerderbuch.settings import Settings
from projections.catalogue import all_read_models
from projections.db import Database, PostgresDatabase, SQLiteDatabase
from projections.engine import Projector
from web.app import create_app


def create_office(settings: Settings, today: Callable[[], date] | None = None) -> FundingOffice:
    return FundingOffice(env=settings.eventsourcing_env(), iban_validator=validate_iban, today=today)


def create_read_database(settings: Settings) -> Database:
    """The read models live in the events' own database."""
    backend = settings.backend
    if backend == "memory":
        return SQLiteDatabase(":memory:")
    if backend == "sqlite":
        return SQLiteDatabase(str(settings.sqlite_path))
    params = settings.postgres_params()
    conninfo = " ".join(
        f"{key}={value}"
        for key, value in (
            ("host", params["POSTGRES_HOST"]),
            ("port", params["POSTGRES_PORT"]),
            ("dbname", params["POSTGRES_DBNAME"]),
            ("user", params["POSTGRES_USER"]),
            ("password", params["POSTGRES_PASSWORD"]),
        )
        if value
    )
    return PostgresDatabase(conninfo, schema=settings.eventsourcing_env().get("POSTGRES_SCHEMA"))


def create_projector(settings: Settings, office: FundingOffice) -> Projector:
    return Projector(office, create_read_database(settings), all_read_models())


def create_web_app(settings: Settings) -> Starlette:
    """The ASGI app for ``foerderbuch serve``: each worker builds its own office and read models."""

    def build() -> tuple[FundingOffice, Projector]:
        office = create_office(settings)
        return office, create_projector(settings, office)

    return create_app(build)
