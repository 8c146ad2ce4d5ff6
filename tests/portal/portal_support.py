"""What the portal tests share: a store on a fixed business day, two associations with a member each, staff.

The business day is Monday 15 June 2026. The programme IB-VEREINE has 50.000,00 € for 2026; the
Deutsch-Französische Gesellschaft (member Claire) and the Freundeskreis Leeds (member Tom) are the two
associations. ``a_grant`` brings a grant of one of them to the stage a test needs; ``Member`` signs in
through the real /anmelden form and posts forms with the session's CSRF token; ``head()`` is the log's
last notification id, to prove that a refused form recorded nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from argon2 import PasswordHasher
from starlette.testclient import TestClient

from domain.actors import Actor, Role
from domain.application import FundingOffice
from domain.dates import FiscalYear, FundingPeriod
from domain.money import Money
from domain.organisation import address
from domain.plan import BudgetLine, FinancingPlan
from domain.posting import PostingCoordinates
from domain.rules import RuleSet
from web.services import Services

TODAY = date(2026, 6, 15)
SECRET = "portal-test-secret-" + "p" * 40
PASSWORD = "richtig-geheim-2026"
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)

PEOPLE = {
    "officer": ("sven@dortmund.example", "Sven Sachbearbeiter", Role.OFFICER),
    "approver": ("lea@dortmund.example", "Lea Leitung", Role.APPROVER),
    "finance": ("kai@dortmund.example", "Kai Kämmerer", Role.FINANCE),
    "cashier": ("karla@dortmund.example", "Karla Kasse", Role.CASHIER),
    "admin": ("ada@dortmund.example", "Ada Admin", Role.ADMIN),
    "auditor": ("rita@dortmund.example", "Rita Rechnungsprüfung", Role.AUDITOR),
    "dfg": ("claire@dfg.example", "Claire Dubois", Role.ASSOCIATION),
    "dfg2": ("marc@dfg.example", "Marc Martin", Role.ASSOCIATION),
    "leeds": ("tom@leeds.example", "Tom Leeds", Role.ASSOCIATION),
}


@dataclass
class World:
    office: FundingOffice
    programme: UUID
    dfg: UUID
    leeds: UUID
    users: dict[str, UUID]

    def actor(self, key: str) -> Actor:
        return self.office.actor_for(self.users[key], PEOPLE[key][2])


def build_world(services: Services) -> World:
    office, system = services.office, Actor.system()
    users = {
        key: office.register_user(email, name, role, system)
        for key, (email, name, role) in PEOPLE.items()
        if role is not Role.ASSOCIATION
    }
    officer = office.actor_for(users["officer"], Role.OFFICER)
    programme = office.open_programme(
        "IB-VEREINE",
        "Förderung internationaler Vereinsarbeit",
        "city",
        RuleSet.nrw_municipal(),
        {FiscalYear(2026): (Money("50000.00"), PostingCoordinates("01.11.02", "531800", "1011000"))},
        office.actor_for(users["admin"], Role.ADMIN),
    )
    dfg = office.register_organisation(
        "Deutsch-Französische Gesellschaft Dortmund e.V.",
        "e.V.",
        "VR 1234",
        address("Kampstr. 1", "44137", "Dortmund"),
        "DE89370400440532013000",
        officer,
    )
    leeds = office.register_organisation(
        "Freundeskreis Dortmund–Leeds e.V.",
        "e.V.",
        "VR 5678",
        address("Hansastr. 5", "44137", "Dortmund"),
        "DE02370502990000684712",
        officer,
    )
    for key, organisation in (("dfg", dfg), ("dfg2", dfg), ("leeds", leeds)):
        email, name, role = PEOPLE[key]
        users[key] = office.register_user(email, name, role, system, organisation)
        office.add_portal_member(organisation, users[key], system)
    for user_id in users.values():
        services.credentials.set_password(user_id, PASSWORD)
    return World(office, programme, dfg, leeds, users)


def a_plan() -> FinancingPlan:
    return FinancingPlan(
        (BudgetLine("travel", "Reisekosten", Money("3000.00")), BudgetLine("stay", "Unterkunft", Money("2000.00"))),
        own_funds=Money("800.00"),
        third_party_funds=Money("0"),
        income=Money("200.00"),
        grant=Money("4000.00"),
    )


def a_grant(
    world: World,
    stage: str = "applied",
    organisation: str = "dfg",
    number: str = "IB-2026-0001",
    title: str = "Jugendbegegnung Amiens 2026",
    start: date = date(2026, 6, 1),
) -> UUID:
    """A grant of ``organisation`` at ``stage``: applied, requested_docs, approved, requested (1.500,00 €), booked."""
    office = world.office
    officer, approver, finance = world.actor("officer"), world.actor("approver"), world.actor("finance")
    grant = office.apply_for_grant(
        world.programme,
        getattr(world, organisation),
        title,
        "Austausch von 20 Jugendlichen",
        "Amiens",
        FundingPeriod(start, date(2026, 9, 30)),
        "deficit",
        a_plan(),
        officer,
        file_number=number,
        on=date(2026, 5, 4),
    )
    if stage == "requested_docs":
        office.request_documents(grant, "Vereinssatzung", date(2026, 6, 30), officer, on=date(2026, 5, 6))
        return grant
    stages = ["applied", "approved", "requested", "booked"]
    reach = stages.index(stage)
    if reach >= 1:
        office.review_application(grant, True, True, "förderfähig", officer, on=date(2026, 5, 11))
        office.approve_grant(grant, Money("4000.00"), approver, on=date(2026, 5, 18))
    if reach >= 2:
        member = world.actor("dfg" if organisation == "dfg" else "leeds")
        payment = office.request_payment(
            grant,
            [{"due": date(2026, 6, 20), "amount": Money("1500.00"), "description": "Busreise"}],
            "Abschlag Busreise",
            member,
            on=date(2026, 6, 10),
        )
        if reach >= 3:
            office.certify_payment(grant, payment, officer, on=date(2026, 6, 11))
            office.release_payment(grant, payment, finance, on=date(2026, 6, 12))
            office.book_payment(grant, payment, date(2026, 6, 12), world.actor("cashier"))
    return grant


def csrf_of(page_text: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page_text)
    assert found, "the page has no form token"
    return found.group(1)


class Member:
    """A browser without a browser: signs in through /anmelden and posts forms with the session's token."""

    def __init__(self, client: TestClient, world: World) -> None:
        self.client = client
        self.world = world

    @property
    def office(self) -> FundingOffice:
        return self.world.office

    def head(self) -> int:
        return int(self.office.recorder.max_notification_id() or 0)

    def sign_in(self, key: str) -> Member:
        self.client.cookies.clear()
        page = self.client.get("/anmelden")
        answer = self.client.post(
            "/anmelden",
            data={"email": PEOPLE[key][0], "password": PASSWORD, "csrf_token": csrf_of(page.text), "next": "/"},
            follow_redirects=False,
        )
        assert answer.status_code == 303, answer.text
        return self

    def token(self) -> str:
        return csrf_of(self.client.get("/passwort").text)

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.client.get(path, **kwargs)

    def post(self, path: str, data: dict[str, str] | None = None, token: str | None = "session") -> Any:
        form = dict(data or {})
        if token == "session":
            form["csrf_token"] = self.token()
        elif token is not None:
            form["csrf_token"] = token
        return self.client.post(path, data=form, follow_redirects=False)
