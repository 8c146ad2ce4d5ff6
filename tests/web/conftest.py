"""Fixtures for the web tests; the people, the grants and the desk are described in ``web_support``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient
from web_support import FAST_HASHER, SECRET, TODAY, Desk, World, build_world

from exports.sepa import Debtor
from foerderbuch.credentials import CredentialStore
from foerderbuch.settings import Settings
from foerderbuch.wiring import create_office, create_projector
from web.app import create_app
from web.config import WebConfig
from web.services import Services


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(database_url=f"sqlite:///{tmp_path}/web.sqlite")


@pytest.fixture
def services(settings: Settings) -> Services:
    office = create_office(settings, today=lambda: TODAY)
    return Services(office, create_projector(settings, office), CredentialStore.for_settings(settings, FAST_HASHER))


CITY_ACCOUNT = Debtor("Stadt Dortmund - Stadtkasse", "DE80440501990001000017", "DORTDE33XXX")


@pytest.fixture
def web_config() -> WebConfig:
    """The web's settings; the city's account for SEPA files is set up (a test may leave it out)."""
    return WebConfig(sepa_debtor=CITY_ACCOUNT)


@pytest.fixture
def client(services: Services, web_config: WebConfig) -> Iterator[TestClient]:
    with TestClient(create_app(lambda: services, SECRET, config=web_config)) as client:
        yield client


@pytest.fixture
def world(client: TestClient, services: Services) -> World:
    return build_world(services)


@pytest.fixture
def desk(client: TestClient, world: World) -> Desk:
    return Desk(client, world)
