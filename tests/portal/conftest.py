"""Fixtures for the association portal's tests; the people and grants are described in ``portal_support``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from portal_support import FAST_HASHER, SECRET, TODAY, Member, World, build_world
from starlette.testclient import TestClient

from foerderbuch.credentials import CredentialStore
from foerderbuch.documents import DocumentFiles
from foerderbuch.settings import Settings
from foerderbuch.wiring import create_office, create_projector
from web.app import create_app
from web.services import Services


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    """The portal's services on a fresh SQLite file, with the real document store: the folder beside it."""
    settings = Settings(database_url=f"sqlite:///{tmp_path}/portal.sqlite")
    office = create_office(settings, today=lambda: TODAY)
    credentials = CredentialStore.for_settings(settings, FAST_HASHER)
    services = Services(
        office, create_projector(settings, office), credentials, DocumentFiles.for_settings(settings, environ={})
    )
    yield services
    services.close()


@pytest.fixture
def client(services: Services) -> Iterator[TestClient]:
    with TestClient(create_app(lambda: services, SECRET)) as client:
        yield client


@pytest.fixture
def world(client: TestClient, services: Services) -> World:
    return build_world(services)


@pytest.fixture
def member(client: TestClient, world: World) -> Member:
    return Member(client, world)
