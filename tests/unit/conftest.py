"""Fixtures for the unit tests: a fresh in-memory Dortmund per test, on a fixed business day."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from domain.application import FundingOffice

from .dortmund import Dortmund, build_dortmund


@pytest.fixture
def dortmund() -> Iterator[Dortmund]:
    world = build_dortmund()
    yield world
    world.app.close()


@pytest.fixture
def app(dortmund: Dortmund) -> FundingOffice:
    return dortmund.app
