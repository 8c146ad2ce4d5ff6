"""The city as recipient: a project's recognised costs decide how much federal co-funding it keeps."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain.actors import Actor
from domain.application import FundingOffice
from domain.dates import FiscalYear, FundingPeriod
from domain.errors import InvalidStateError, RuleViolationError
from domain.money import Money
from domain.posting import PostingCoordinates
from domain.rules import RuleSet
from foerderbuch.settings import Settings
from foerderbuch.wiring import create_office


@pytest.fixture
def office() -> FundingOffice:
    return create_office(Settings(database_url="memory://"), today=lambda: date(2026, 3, 1))


def _schokolade(office: FundingOffice) -> tuple[object, dict[str, Actor]]:
    system = Actor.system()
    people = {
        role: office.actor_for(office.register_user(f"{role}@dortmund.de", role.title(), role, system), role)
        for role in ("admin", "officer", "approver", "finance")
    }
    programme = office.open_programme(
        "KEPOL-KUMASI",
        "Kommunale Entwicklungszusammenarbeit Kumasi",
        "federal",
        RuleSet.federal(),
        {FiscalYear(2026): (Money("30000.00"), PostingCoordinates("01.11.02", "531800", "1011000"))},
        people["admin"],
    )
    project = office.start_project(
        "SCHOKO",
        "Faire Stadtschokolade",
        "Fair gehandelte Schokolade mit Kakao aus Ghana",
        "Kumasi",
        [12, 17],
        FundingPeriod(date(2026, 1, 1), date(2026, 12, 31)),
        ["Material", "Honorare"],
        people["officer"],
    )
    office.draw_project_budget(
        project, programme, FiscalYear(2026), Money("20000.00"), "Projektbudget 2026", people["approver"]
    )
    office.award_external_funding(
        project,
        "SKEW Kleinprojektefonds",
        "share",
        Money("18000.00"),
        Money("20000.00"),
        Money("2000.00"),
        people["approver"],
        rate=Decimal("0.9"),
    )
    return project, people


def test_lower_costs_leave_the_city_only_its_share_of_the_recognised_costs(office: FundingOffice) -> None:
    project, people = _schokolade(office)
    office.receive_external_funds(project, Money("18000.00"), date(2026, 3, 2), people["finance"])
    office.record_project_expenditure(
        project,
        date(2026, 5, 4),
        "Kakao-Kooperative",
        "Kakaobohnen",
        "Material",
        Money("15000.00"),
        "R-2026-001",
        people["officer"],
    )

    kept = office.determine_external_share(project, people["approver"], on=date(2027, 1, 15))

    assert kept == Money("13500.00")  # 90 % of 15.000,00
    assert office.project(project).external_final == Money("13500.00")


def test_more_funds_than_awarded_cannot_be_received(office: FundingOffice) -> None:
    project, people = _schokolade(office)
    before = office.recorder.max_notification_id()

    with pytest.raises(RuleViolationError, match=r"Bewilligt sind 18\.000,00 €"):
        office.receive_external_funds(project, Money("18000.01"), date(2026, 3, 2), people["finance"])

    assert office.recorder.max_notification_id() == before
    assert office.project(project).external_received == Money.zero()


def test_the_share_is_determined_only_once(office: FundingOffice) -> None:
    project, people = _schokolade(office)
    office.determine_external_share(project, people["approver"], on=date(2027, 1, 15))
    version = office.project(project).version

    with pytest.raises(InvalidStateError, match="bereits festgesetzt"):
        office.determine_external_share(project, people["approver"], on=date(2027, 1, 16))

    assert office.project(project).version == version
