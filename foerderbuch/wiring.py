"""Builds the FundingOffice from settings, with the adapters the domain needs injected."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from domain.application import FundingOffice
from foerderbuch.iban import validate_iban
from foerderbuch.settings import Settings


def create_office(settings: Settings, today: Callable[[], date] | None = None) -> FundingOffice:
    return FundingOffice(env=settings.eventsourcing_env(), iban_validator=validate_iban, today=today)
