"""The office the browser tests work in: staff, a programme, an association and one application."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

from domain.actors import Actor, Role
from domain.dates import FiscalYear, FundingPeriod
from domain.money import Money
from domain.organisation import address
from domain.plan import BudgetLine, FinancingPlan
from domain.posting import PostingCoordinates
from domain.rules import RuleSet
from web.services import Services

TODAY = date(2026, 6, 15)
PASSWORD = "richtig-geheim-2026"
STAFF = {
    "officer": ("sven@dortmund.example", "Sven Sachbearbeiter", Role.OFFICER),
    "officer2": ("olga@dortmund.example", "Olga Obermeier", Role.OFFICER),
    "approver": ("lea@dortmund.example", "Lea Leitung", Role.APPROVER),
    "finance": ("kai@dortmund.example", "Kai Kämmerer", Role.FINANCE),
    "cashier": ("karla@dortmund.example", "Karla Kasse", Role.CASHIER),
    "admin": ("ada@dortmund.example", "Ada Admin", Role.ADMIN),
}


@dataclass
class Office:
    services: Services
    grant: UUID
    users: dict[str, UUID] = field(default_factory=dict)
    base_url: str = ""

    def head(self) -> int:
        return int(self.services.office.recorder.max_notification_id() or 0)


def build_office(services: Services) -> Office:
    office, system = services.office, Actor.system()
    users = {key: office.register_user(email, name, role, system) for key, (email, name, role) in STAFF.items()}
    for user_id in users.values():
        services.credentials.set_password(user_id, PASSWORD)
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
    plan = FinancingPlan(
        (BudgetLine("travel", "Reisekosten", Money("3000.00")), BudgetLine("stay", "Unterkunft", Money("2000.00"))),
        own_funds=Money("800.00"),
        third_party_funds=Money("0"),
        income=Money("200.00"),
        grant=Money("4000.00"),
    )
    grant = office.apply_for_grant(
        programme,
        dfg,
        "Jugendbegegnung Amiens 2026",
        "Austausch von 20 Jugendlichen mit dem Lycée Sacré Cœur",
        "Amiens",
        FundingPeriod(date(2026, 6, 1), date(2026, 9, 30)),
        "deficit",
        plan,
        officer,
        file_number="IB-2026-0001",
        on=date(2026, 5, 4),
    )
    return Office(services, grant, users)


class Screenshots:
    """Pictures of the pages for people to look at (test-output/screenshots), not a check: Chromium on a
    busy machine now and then answers "Unable to capture screenshot", so a picture is tried three times
    and one that still fails is named in MISSING.txt instead of failing the test that drew the page."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def take(self, page: Any, name: str, full_page: bool = False) -> None:
        from playwright.sync_api import Error as PlaywrightError

        for attempt in range(3):
            try:
                page.screenshot(path=str(self.folder / name), full_page=full_page)
                return
            except PlaywrightError as error:
                if attempt == 2:
                    with (self.folder / "MISSING.txt").open("a", encoding="utf-8") as missing:
                        missing.write(f"{name}: {error}\n")
                    return
                page.wait_for_timeout(500)
