"""Fixtures for the account tests; the people are described in ``accounts_support``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from accounts_support import BASE_URL, FAST_HASHER, SECRET, TODAY, Browser, Outbox, World, build_world
from starlette.applications import Starlette
from starlette.testclient import TestClient

from foerderbuch.credentials import CredentialStore
from foerderbuch.settings import Settings
from foerderbuch.wiring import create_office, create_projector
from web.app import create_app
from web.config import WebConfig
from web.services import Services


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(database_url=f"sqlite:///{tmp_path}/accounts.sqlite")


@pytest.fixture
def services(settings: Settings, outbox: Outbox) -> Iterator[Services]:
    office = create_office(settings, today=lambda: TODAY)
    built = Services(
        office,
        create_projector(settings, office),
        CredentialStore.for_settings(settings, FAST_HASHER),
        mailer=outbox,
    )
    yield built


@pytest.fixture
def outbox() -> Outbox:
    return Outbox()


@pytest.fixture
def config() -> WebConfig:
    return WebConfig(base_url=BASE_URL)


@pytest.fixture
def app(services: Services, config: WebConfig) -> Starlette:
    return create_app(lambda: services, SECRET, config=config)


@pytest.fixture
def client(app: Starlette) -> Iterator[TestClient]:
    with TestClient(app) as client:
        yield client


@pytest.fixture
def world(client: TestClient, services: Services) -> World:
    return build_world(services)


@pytest.fixture
def browser(client: TestClient, world: World) -> Browser:
    return Browser(client, world)


@pytest.fixture
def other(app: Starlette, client: TestClient, world: World) -> Browser:
    """A second browser on the same running app (its own cookies)."""
    return Browser(TestClient(app), world)
