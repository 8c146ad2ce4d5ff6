"""What the web tests share: a fresh SQLite store on a fixed business day, the office's people, and a desk.

The business day is Monday 15 June 2026. The store holds the programme IB-VEREINE (50.000,00 € for
2026), two associations — the Deutsch-Französische Gesellschaft (DFG) and the Freundeskreis Leeds —
and the office's staff: two officers (Sven Sachbearbeiter, Olga Obermeier), two approvers (Lea
Leitung, Jan Hoffmann), finance (Kai Kämmerer), the audit office (Rita Revision), an admin, one
member of each association, and Doris Doppelrolle, who is both officer and approver (to show the
four-eyes rules hold across roles of one person). Grants are made with ``a_grant(...)`` up to the
stage a test needs.

``desk`` is a ``Desk``: a TestClient that signs in as one of those people and posts forms with the
session's form token; ``desk.head()`` is the log's last notification id, to prove a refused form
wrote nothing.
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
SECRET = "web-test-secret-" + "s" * 40
PASSWORD = "richtig-geheim-2026"
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)

PEOPLE = {
    "officer": ("sven@dortmund.example", "Sven Sachbearbeiter", Role.OFFICER),
    "officer2": ("olga@dortmund.example", "Olga Obermeier", Role.OFFICER),
    "approver": ("lea@dortmund.example", "Lea Leitung", Role.APPROVER),
    "approver2": ("jan@dortmund.example", "Jan Hoffmann", Role.APPROVER),
    "finance": ("kai@dortmund.example", "Kai Kämmerer", Role.FINANCE),
    "cashier": ("karla@dortmund.example", "Karla Kasse", Role.CASHIER),
    "auditor": ("rita@dortmund.example", "Rita Revision", Role.AUDITOR),
    "admin": ("ada@dortmund.example", "Ada Admin", Role.ADMIN),
    "both": ("doris@dortmund.example", "Doris Doppelrolle", Role.OFFICER),
    "dfg": ("claire@dfg.example", "Claire Dubois", Role.ASSOCIATION),
    "leeds": ("tom@leeds.example", "Tom Leeds", Role.ASSOCIATION),
}


@dataclass
class World:
    office: FundingOffice
    programme: UUID
    dfg: UUID
    leeds: UUID
    users: dict[str, UUID]

    def actor(self, key: str, role: Role | None = None) -> Actor:
        return self.office.actor_for(self.users[key], role or PEOPLE[key][2])


def build_world(services: Services) -> World:
    office, system = services.office, Actor.system()
    users = {}
    for key, (email, name, role) in PEOPLE.items():
        if role is Role.ASSOCIATION:
            continue
        users[key] = office.register_user(email, name, role, system)
    office.grant_role(users["both"], Role.APPROVER, system)
    admin = office.actor_for(users["admin"], Role.ADMIN)
    officer = office.actor_for(users["officer"], Role.OFFICER)
    programme = office.open_programme(
        "IB-VEREINE",
        "Förderung internationaler Vereinsarbeit",
        "city",
        RuleSet.nrw_municipal(),
        {FiscalYear(2026): (Money("50000.00"), PostingCoordinates("01.11.02", "531800", "1011000"))},
        admin,
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
    for key, organisation in (("dfg", dfg), ("leeds", leeds)):
        email, name, role = PEOPLE[key]
        users[key] = office.register_user(email, name, role, system, organisation)
        office.add_portal_member(organisation, users[key], system)
    for user_id in users.values():
        services.credentials.set_password(user_id, PASSWORD)
    return World(office, programme, dfg, leeds, users)


def a_plan(grant: str = "4000.00") -> FinancingPlan:
    amount = Money(grant)
    return FinancingPlan(
        (BudgetLine("travel", "Reisekosten", Money("3000.00")), BudgetLine("stay", "Unterkunft", Money("2000.00"))),
        own_funds=Money("5000.00") - amount - Money("200.00"),
        third_party_funds=Money("0"),
        income=Money("200.00"),
        grant=amount,
    )


def a_grant(
    world: World,
    stage: str = "applied",
    organisation: str = "dfg",
    number: str = "IB-2026-0001",
    title: str = "Jugendbegegnung Amiens 2026",
    **kwargs: Any,
) -> UUID:
    """A grant of ``organisation`` (``dfg`` or ``leeds``) brought to ``stage``: applied, reviewed, approved,
    requested, certified, released, booked (a payment of 1.500,00 €), proof (proof of use submitted),
    proof_reviewed, determined. The organisation's own member requests the payment, reports the expense
    and submits the proof."""
    if organisation not in ("dfg", "leeds"):
        raise ValueError(f"a_grant: organisation {organisation!r} is neither 'dfg' nor 'leeds'")
    office = world.office
    member = world.actor(organisation)  # the member of the grant's own organisation acts for it
    officer, officer2 = world.actor("officer"), world.actor("officer2")
    approver, finance = world.actor("approver"), world.actor("finance")
    grant = office.apply_for_grant(
        world.programme,
        getattr(world, organisation),
        title,
        "Austausch von 20 Jugendlichen",
        "Amiens",
        FundingPeriod(date(2026, 6, 1), date(2026, 9, 30)),
        "deficit",
        a_plan(),
        officer,
        file_number=number,
        on=date(2026, 5, 4),
    )
    stages = [
        "applied",
        "reviewed",
        "approved",
        "requested",
        "certified",
        "released",
        "booked",
        "proof",
        "proof_reviewed",
        "determined",
    ]
    reach = stages.index(stage)
    if reach >= 1:
        office.review_application(grant, True, True, "vollständig und förderfähig", officer, on=date(2026, 5, 11))
    if reach >= 2:
        office.approve_grant(grant, Money("4000.00"), approver, on=date(2026, 5, 18))
    payment = None
    if reach >= 3:
        payment = office.request_payment(
            grant,
            [{"due": date(2026, 6, 20), "amount": Money("1500.00"), "description": "Busreise"}],
            "Abschlag Busreise",
            member,
            on=date(2026, 6, 10),
        )
    if reach >= 4:
        office.certify_payment(grant, payment, officer, on=date(2026, 6, 11))
    if reach >= 5:
        office.release_payment(grant, payment, finance, on=date(2026, 6, 12))
    if reach >= 6:
        office.book_payment(grant, payment, date(2026, 6, 12), world.actor("cashier"))
    if reach >= 7:
        office.report_expense(
            grant,
            "travel",
            date(2026, 6, 12),
            "Busreisen Kley",
            "Bus nach Amiens",
            Money("1200.00"),
            "B-1",
            member,
        )
        office.submit_proof_of_use(
            grant,
            "Alles lief gut.",
            Money("800.00"),
            Money("0"),
            Money("200.00"),
            member,
            on=date(2026, 6, 14),
        )
    if reach >= 8:
        office.review_proof_of_use(grant, {}, {}, "Belege geprüft", officer2, on=date(2026, 6, 15))
    if reach >= 9:
        office.determine_final_amount(grant, approver, on=date(2026, 6, 15))
    return grant


def payment_of(world: World, grant: UUID) -> str:
    return next(iter(world.office.grant(grant).payments))


class Desk:
    """A browser without a browser: signs in as one person and sends forms with the session's token."""

    def __init__(self, client: TestClient, world: World) -> None:
        self.client = client
        self.world = world

    @property
    def office(self) -> FundingOffice:
        return self.world.office

    def head(self) -> int:
        return int(self.office.recorder.max_notification_id() or 0)

    def sign_in(self, key: str, role: Role | None = None) -> Desk:
        self.client.cookies.clear()
        page = self.client.get("/anmelden")
        answer = self.client.post(
            "/anmelden",
            data={"email": PEOPLE[key][0], "password": PASSWORD, "csrf_token": csrf_of(page.text), "next": "/"},
            follow_redirects=False,
        )
        assert answer.status_code == 303, answer.text
        if role is not None:
            self.post("/rolle", {"role": role.value})
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


def csrf_of(page_text: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page_text)
    assert found, "the page has no form token"
    return found.group(1)


def field_error(page_text: str, field_id_part: str) -> str:
    """The message shown next to the field whose id ends with ``field_id_part``."""
    found = re.search(rf'id="[^"]*{re.escape(field_id_part)}-fehler">([^<]*)<', page_text)
    assert found, f"no error shown next to {field_id_part}"
    return found.group(1)


def field_value(page_text: str, field_id_part: str) -> str:
    found = re.search(rf'id="[^"]*{re.escape(field_id_part)}"[^>]*value="([^"]*)"', page_text)
    assert found, f"no field {field_id_part}"
    return found.group(1)
