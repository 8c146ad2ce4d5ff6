"""Fixtures for the JSON API: a small world of users, organisations, a programme and grants, with tokens.

``world`` builds, on a fresh SQLite store with the office's day fixed to 4 May 2026:

* users with one role each (two officers, an approver, finance, an auditor, an admin) and one member
  each of two associations, A and B, each with a personal API token (``world.headers("member_a")``);
* the programme IB-VEREINE (25 000 € for 2026, NRW rules);
* for A: ``grant_a`` approved (10 845,68 €), and ``applied_a``, an application not yet reviewed;
* for B: ``grant_b`` approved, with a payment requested by B's member (``payment_b``) and an expense
  reported in Ghanaian cedi (``expense_b``), and B's own application ``applied_b``.

The client is a starlette ``TestClient`` on the whole app (``create_app``), lifespan included.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from starlette.testclient import TestClient

from domain.actors import Actor, Role
from domain.application import FundingOffice
from domain.dates import FiscalYear, FundingPeriod
from domain.foreign import ForeignAmount
from domain.money import Money
from domain.plan import BudgetLine, FinancingPlan
from domain.posting import PostingCoordinates
from domain.rules import RuleSet
from exports.sepa import Debtor
from foerderbuch.credentials import CredentialStore
from foerderbuch.settings import Settings
from foerderbuch.wiring import create_office, create_projector
from web.api.tokens import issue_api_token
from web.app import create_app
from web.config import WebConfig
from web.services import Services

TODAY = date(2026, 5, 4)
SECRET = "api-test-secret-" + "x" * 40
ADDRESS = {"street": "Kampstr. 1", "postcode": "44137", "city": "Dortmund", "country": "DE"}
STAFF = {
    "officer": ("sven.sachbearbeiter@dortmund.de", "Sven Sachbearbeiter", Role.OFFICER),
    "officer2": ("olga.pruefer@dortmund.de", "Olga Prüfer", Role.OFFICER),
    "approver": ("lea.leitung@dortmund.de", "Lea Leitung", Role.APPROVER),
    "finance": ("kai.kasse@dortmund.de", "Kai Kasse", Role.FINANCE),
    "cashier": ("karla.kasse@dortmund.de", "Karla Kasse", Role.CASHIER),
    "auditor": ("rita.revision@dortmund.de", "Rita Revision", Role.AUDITOR),
    "admin": ("ada.admin@dortmund.de", "Ada Admin", Role.ADMIN),
}


def plan_body(grant: str = "10845.68") -> dict[str, Any]:
    """A balanced plan as JSON: 12 345,68 € costs, 1 500 € own funds, the rest requested."""
    costs = Decimal("12345.68")
    own = costs - Decimal(grant)
    return {
        "cost_lines": [
            {"code": "travel", "label": "Reisekosten", "amount": "8000.00"},
            {"code": "stay", "label": "Unterkunft", "amount": "4345.68"},
        ],
        "own_funds": f"{own:.2f}",
        "third_party_funds": "0",
        "income": "0",
        "grant": grant,
    }


def application_body(programme_id: UUID, **changes: Any) -> dict[str, Any]:
    body = {
        "programme_id": str(programme_id),
        "title": "Jugendbegegnung Amiens 2026",
        "purpose": "Austausch von zwölf Jugendlichen mit der Partnerstadt Amiens",
        "partner_city": "Amiens",
        "period_start": "2026-06-01",
        "period_end": "2026-10-31",
        "financing_type": "share",
        "plan": plan_body(),
    }
    body.update(changes)
    return body


def _plan(grant: str = "10845.68") -> FinancingPlan:
    costs = Money("12345.68")
    return FinancingPlan(
        (BudgetLine("travel", "Reisekosten", Money("8000.00")), BudgetLine("stay", "Unterkunft", Money("4345.68"))),
        own_funds=costs - Money(grant),
        third_party_funds=Money("0"),
        income=Money("0"),
        grant=Money(grant),
    )


@dataclass
class World:
    client: TestClient
    office: FundingOffice
    credentials: CredentialStore
    users: dict[str, UUID] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    actors: dict[str, Actor] = field(default_factory=dict)
    programme_id: UUID | None = None
    org_a: UUID | None = None
    org_b: UUID | None = None
    grant_a: UUID | None = None
    applied_a: UUID | None = None
    grant_b: UUID | None = None
    applied_b: UUID | None = None
    payment_b: UUID | None = None
    expense_b: UUID | None = None

    def headers(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def get(self, who: str, path: str, **kwargs: Any) -> Any:
        return self.client.get("/api/v1" + path, headers=self.headers(who), **kwargs)

    def post(self, who: str, path: str, body: Any = None, **kwargs: Any) -> Any:
        return self.client.post("/api/v1" + path, headers=self.headers(who), json=body, **kwargs)

    def delete(self, who: str, path: str) -> Any:
        return self.client.delete("/api/v1" + path, headers=self.headers(who))

    def token_for(self, who: str, role: Role | None = None, label: str = "Test") -> str:
        """Another token for a user, e.g. in another role they hold."""
        role = role or self.actors[who].role
        return issue_api_token(self.office, self.credentials, self.users[who], role, label, Actor.system()).token


def _services(settings: Settings) -> Services:
    office = create_office(settings, today=lambda: TODAY)
    return Services(office, create_projector(settings, office), CredentialStore.for_settings(settings))


def build_world(client: TestClient) -> World:
    services: Services = client.app.state.services  # type: ignore[attr-defined]
    office = services.office
    credentials = services.credentials
    assert isinstance(credentials, CredentialStore)
    world = World(client, office, credentials)
    system = Actor.system()

    for key, (email, name, role) in STAFF.items():
        world.users[key] = office.register_user(email, name, role, system)
        world.actors[key] = office.actor_for(world.users[key], role)
    admin, officer, approver = world.actors["admin"], world.actors["officer"], world.actors["approver"]

    world.programme_id = office.open_programme(
        "IB-VEREINE",
        "Förderung internationaler Vereinsarbeit",
        "city",
        RuleSet.nrw_municipal(),
        {FiscalYear(2026): (Money("25000.00"), PostingCoordinates("01.11.02", "531800", "1011000"))},
        admin,
        on=date(2026, 1, 2),
    )
    world.org_a = office.register_organisation(
        "Deutsch-Französische Gesellschaft Dortmund e.V.", "e.V.", "VR 4711", ADDRESS, "DE89370400440532013000", officer
    )
    world.org_b = office.register_organisation(
        "Freundeskreis Kumasi e.V.", "e.V.", "VR 815", ADDRESS, "DE02120300000000202051", officer
    )
    for key, organisation, email, name in (
        ("member_a", world.org_a, "anna@dfg-dortmund.de", "Anna Amiens"),
        ("member_b", world.org_b, "bert@kumasi-freunde.de", "Bert Kumasi"),
    ):
        world.users[key] = office.register_user(email, name, Role.ASSOCIATION, system, organisation)
        office.add_portal_member(organisation, world.users[key], system)
        world.actors[key] = office.actor_for(world.users[key], Role.ASSOCIATION)

    period = FundingPeriod(date(2026, 4, 1), date(2026, 9, 30))
    for key, organisation, number, city in (
        ("grant_a", world.org_a, "IB-2026-0001", "Amiens"),
        ("grant_b", world.org_b, "IB-2026-0002", "Kumasi"),
    ):
        grant = office.apply_for_grant(
            world.programme_id,
            organisation,
            f"Begegnung {city} 2026",
            "Austausch",
            city,
            period,
            "share",
            _plan("5000.00"),
            officer,
            file_number=number,
            on=date(2026, 3, 2),
        )
        office.review_application(grant, True, True, "vollständig, förderfähig", officer, on=date(2026, 3, 2))
        office.approve_grant(grant, Money("5000.00"), approver, rate=Decimal("0.4050"), on=date(2026, 3, 3))
        setattr(world, key, grant)
    for key, organisation, number in (
        ("applied_a", world.org_a, "IB-2026-0003"),
        ("applied_b", world.org_b, "IB-2026-0004"),
    ):
        setattr(
            world,
            key,
            office.apply_for_grant(
                world.programme_id,
                organisation,
                "Fachkräfteaustausch",
                "Hospitation",
                "Leeds",
                FundingPeriod(date(2026, 6, 1), date(2026, 10, 31)),
                "share",
                _plan(),
                officer,
                file_number=number,
                on=date(2026, 4, 20),
            ),
        )
    member_b = world.actors["member_b"]
    world.payment_b = office.request_payment(
        world.grant_b,
        [{"due": date(2026, 5, 20), "amount": Money("2000.00"), "description": "Flüge"}],
        "Erste Rate",
        member_b,
    )
    world.expense_b = office.report_expense(
        world.grant_b,
        "travel",
        date(2026, 4, 28),
        "Kotoka Travel",
        "Bus nach Kumasi",
        ForeignAmount.convert("GHS", "1250.00", "15.2301", date(2026, 4, 28)),
        "B-17",
        member_b,
    )
    for key in [*STAFF, "member_a", "member_b"]:
        world.tokens[key] = world.token_for(key, label=f"Token {key}")
    return world


def claim_for_b(world: World) -> UUID:
    """Drives ``grant_b`` to its final amount: B's payment is paid out, the proof recognises little, a claim is set."""
    office, grant = world.office, world.grant_b
    assert grant is not None and world.payment_b is not None
    office.certify_payment(grant, world.payment_b, world.actors["officer"])
    office.release_payment(grant, world.payment_b, world.actors["finance"])
    office.book_payment(grant, world.payment_b, date(2026, 5, 4), world.actors["cashier"])
    office.submit_proof_of_use(grant, "Sachbericht", Money("7345.68"), Money("0"), Money("0"), world.actors["member_b"])
    office.review_proof_of_use(grant, {}, {}, "rechnerisch geprüft", world.actors["officer"])
    claim_id = office.determine_final_amount(grant, world.actors["approver"])
    assert claim_id is not None
    return claim_id


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(database_url=f"sqlite:///{tmp_path / 'api.sqlite'}")


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    config = WebConfig(sepa_debtor=Debtor("Stadt Dortmund - Stadtkasse", "DE80440501990001000017", "DORTDE33XXX"))
    with TestClient(create_app(lambda: _services(settings), SECRET, config=config)) as client:
        yield client


@pytest.fixture
def world(client: TestClient) -> World:
    return build_world(client)
