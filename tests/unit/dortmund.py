"""A small, memorable Dortmund for the unit tests.

The office for international relations (Büro für Internationale Beziehungen) with its people, two
programmes (the city's own "Internationale Vereinsarbeit" under NRW rules and a federal SKEW
programme under ANBest-P), two associations, and a Jugendbegegnung mit Amiens whose cost and
financing plan balances at 10,000 €. Everything runs in memory with a fixed business day, so no test
depends on the clock.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from business_clock import BusinessClock

from domain.actors import Actor, Role
from domain.application import FundingOffice
from domain.dates import FiscalYear, FundingPeriod
from domain.money import Money
from domain.plan import BudgetLine, FinancingPlan
from domain.posting import PostingCoordinates
from domain.rules import RuleSet
from foerderbuch.settings import Settings
from foerderbuch.wiring import create_office

TODAY = date(2026, 3, 1)
FY2026 = FiscalYear(2026)
FY2027 = FiscalYear(2027)

IBAN_AUSLANDSGESELLSCHAFT = "DE89370400440532013000"
IBAN_DEUTSCH_FRANZOESISCH = "DE02120300000000202051"

INTERNATIONALE_BEZIEHUNGEN = PostingCoordinates("01.11.02", "531800", "10110")
SKEW_KONTIERUNG = PostingCoordinates("01.11.02", "531810", "10120")

AMIENS_PERIOD = FundingPeriod(date(2026, 3, 1), date(2026, 10, 31))
SHARE_RATE = Decimal("0.7")


def amiens_plan(
    *,
    travel: str = "4000.00",
    own_funds: str = "1000.00",
    third_party: str = "1500.00",
    income: str = "500.00",
    grant: str = "7000.00",
) -> FinancingPlan:
    """Jugendbegegnung mit Amiens: 10,000 € costs, 10 % own funds, 7,000 € grant requested."""
    return FinancingPlan(
        (
            BudgetLine("travel", "Busreise Dortmund–Amiens", Money(travel)),
            BudgetLine("stay", "Unterkunft in der Jugendherberge", Money("3000.00")),
            BudgetLine("fees", "Programm und Eintritte", Money("2000.00")),
            BudgetLine("pr", "Druck und Dokumentation", Money("1000.00")),
        ),
        own_funds=Money(own_funds),
        third_party_funds=Money(third_party),
        income=Money(income),
        grant=Money(grant),
    )


def small_plan(grant: str) -> FinancingPlan:
    """A plan whose grant is ``grant`` and whose own funds are exactly 10 % of the costs."""
    grant_amount = Money(grant)
    costs = Money.rounded(grant_amount.amount / Decimal("0.9"))
    return FinancingPlan(
        (BudgetLine("travel", "Reisekosten", costs),),
        own_funds=costs - grant_amount,
        third_party_funds=Money.zero(),
        income=Money.zero(),
        grant=grant_amount,
    )


def need(due: date, amount: str, description: str = "Anzahlung Busunternehmen") -> dict[str, Any]:
    return {"due": due, "amount": Money(amount), "description": description}


@dataclass
class Dortmund:
    """The running office with its people, programmes and associations (all ids and actors)."""

    app: FundingOffice
    admin: Actor
    officer: Actor  # Petra Schmitz, Sachbearbeitung
    second_officer: Actor  # Jonas Becker, Sachbearbeitung
    approver: Actor  # Dr. Aylin Demir, Leitung
    finance: Actor  # Stefan Wolters, Kämmerei: releases payments
    member: Actor  # Marie Laurent, portal member of the Auslandsgesellschaft
    auditor: Actor  # Rechnungsprüfung
    auslandsgesellschaft: UUID  # Auslandsgesellschaft NRW e.V.
    deutsch_franzoesisch: UUID  # Deutsch-Französische Gesellschaft Dortmund e.V.
    vereinsarbeit: UUID  # programme IB-VEREINE, NRW municipal rules, 20,000 € in 2026
    skew: UUID  # programme SKEW-KOMMUNAL, federal rules, 50,000 € in 2026
    cashier: Actor  # Nina Brauer, Stadtkasse: books payments and repayments
    clock: BusinessClock

    # People --------------------------------------------------------------------------------------

    def person(self, email: str, name: str, role: Role | str, organisation_id: UUID | None = None) -> Actor:
        """Registers a further user and returns them acting in that role."""
        user_id = self.app.register_user(email, name, role, self.admin, organisation_id=organisation_id)
        return self.app.actor_for(user_id, role)

    def also_as(self, actor: Actor, role: Role) -> Actor:
        """Gives the actor's user a second role and returns them acting in it."""
        self.app.grant_role(actor.user_id, role, self.admin)
        return self.app.actor_for(actor.user_id, role)

    # Grants --------------------------------------------------------------------------------------

    def apply(self, programme_id: UUID | None = None, **overrides: Any) -> UUID:
        """The Auslandsgesellschaft applies (through the officer) for the Jugendbegegnung mit Amiens."""
        arguments: dict[str, Any] = {
            "programme_id": programme_id or self.vereinsarbeit,
            "organisation_id": self.auslandsgesellschaft,
            "title": "Jugendbegegnung mit Amiens",
            "purpose": "Austausch von 20 Jugendlichen aus Dortmund und Amiens im Sommer 2026",
            "partner_city_name": "Amiens",
            "period": AMIENS_PERIOD,
            "financing_type": "share",
            "plan": amiens_plan(),
            "actor": self.officer,
        }
        arguments.update(overrides)
        return self.app.apply_for_grant(**arguments)

    def reviewed(self, programme_id: UUID | None = None, **overrides: Any) -> UUID:
        grant_id = self.apply(programme_id, **overrides)
        self.app.review_application(grant_id, True, True, "Vollständig und förderfähig.", self.officer)
        return grant_id

    def approved(self, programme_id: UUID | None = None, amount: str = "7000.00", **overrides: Any) -> UUID:
        grant_id = self.reviewed(programme_id, **overrides)
        self.app.approve_grant(grant_id, Money(amount), self.approver, rate=SHARE_RATE)
        return grant_id

    def requested(self, grant_id: UUID, amount: str = "3000.00", actor: Actor | None = None) -> UUID:
        return self.app.request_payment(
            grant_id, [need(date(2026, 4, 1), amount)], "Anzahlung Bus", actor or self.member
        )

    def certified(self, grant_id: UUID, amount: str = "3000.00") -> UUID:
        payment_id = self.requested(grant_id, amount)
        self.app.certify_payment(grant_id, payment_id, self.officer)
        return payment_id

    def released(self, grant_id: UUID, amount: str = "3000.00") -> UUID:
        payment_id = self.certified(grant_id, amount)
        self.app.release_payment(grant_id, payment_id, self.finance)
        return payment_id

    def booked(self, grant_id: UUID, amount: str = "3000.00", value_date: date = date(2026, 3, 5)) -> UUID:
        payment_id = self.released(grant_id, amount)
        self.book(grant_id, payment_id, value_date)
        return payment_id

    def book(self, grant_id: UUID, payment_id: UUID, value_date: date, actor: Actor | None = None) -> None:
        """The cash office books the payout (on its value date, if that is after the office's day)."""
        with self.clock.at_least(value_date):
            self.app.book_payment(grant_id, payment_id, value_date, actor or self.cashier)

    def give_back(
        self, grant_id: UUID, payment_id: UUID, amount: Money, value_date: date, reason: str, actor: Actor | None = None
    ) -> None:
        """The cash office books money that came back (on its value date, if that is after the office's day)."""
        with self.clock.at_least(value_date):
            self.app.return_payment(grant_id, payment_id, amount, value_date, reason, actor or self.cashier)

    def repay(self, claim_id: UUID, amount: Money, value_date: date, actor: Actor | None = None) -> None:
        """The cash office books a repayment (on its value date, if that is after the office's day)."""
        with self.clock.at_least(value_date):
            self.app.receive_repayment(claim_id, amount, value_date, actor or self.cashier)

    # Checks --------------------------------------------------------------------------------------

    def committed(self, programme_id: UUID | None = None, year: FiscalYear = FY2026) -> Money:
        return self.app.programme(programme_id or self.vereinsarbeit).committed(year)

    @contextmanager
    def nothing_recorded(self, *aggregate_ids: UUID) -> Iterator[None]:
        """Asserts that the block records no event at all and leaves the aggregates' versions alone."""

        def state() -> tuple[Any, dict[UUID, int]]:
            versions = {i: self.app.repository.get(i).version for i in aggregate_ids}
            return self.app.recorder.max_notification_id(), versions

        before = state()
        yield
        assert state() == before, "a refused command must not record anything"


def build_dortmund(today: date = TODAY) -> Dortmund:
    clock = BusinessClock(today)
    app = create_office(Settings(database_url="memory://"), today=clock)
    system = Actor.system()
    admin_id = app.register_user("admin@stadtdo.de", "Systemverwaltung", Role.ADMIN, system)
    admin = app.actor_for(admin_id, Role.ADMIN)

    def person(email: str, name: str, role: Role, organisation_id: UUID | None = None) -> Actor:
        user_id = app.register_user(email, name, role, admin, organisation_id=organisation_id)
        return app.actor_for(user_id, role)

    officer = person("petra.schmitz@stadtdo.de", "Petra Schmitz", Role.OFFICER)
    vereinsarbeit = app.open_programme(
        "IB-VEREINE",
        "Internationale Vereinsarbeit",
        "city",
        RuleSet.nrw_municipal(),
        {FY2026: (Money("20000.00"), INTERNATIONALE_BEZIEHUNGEN)},
        admin,
    )
    skew = app.open_programme(
        "SKEW-KOMMUNAL",
        "Kommunale Partnerschaften (SKEW)",
        "federal",
        RuleSet.federal(),
        {FY2026: (Money("50000.00"), SKEW_KONTIERUNG)},
        admin,
    )
    address = {"street": "Steinstraße 48", "postcode": "44147", "city": "Dortmund", "country": "DE"}
    auslandsgesellschaft = app.register_organisation(
        "Auslandsgesellschaft NRW e.V.", "e.V.", "VR 1234", address, IBAN_AUSLANDSGESELLSCHAFT, officer
    )
    deutsch_franzoesisch = app.register_organisation(
        "Deutsch-Französische Gesellschaft Dortmund e.V.",
        "e.V.",
        "VR 5678",
        {"street": "Olpe 1", "postcode": "44135", "city": "Dortmund", "country": "DE"},
        IBAN_DEUTSCH_FRANZOESISCH,
        officer,
    )
    return Dortmund(
        app=app,
        admin=admin,
        officer=officer,
        second_officer=person("jonas.becker@stadtdo.de", "Jonas Becker", Role.OFFICER),
        approver=person("aylin.demir@stadtdo.de", "Dr. Aylin Demir", Role.APPROVER),
        finance=person("stefan.wolters@stadtdo.de", "Stefan Wolters", Role.FINANCE),
        member=person("marie.laurent@auslandsgesellschaft.de", "Marie Laurent", Role.ASSOCIATION, auslandsgesellschaft),
        auditor=person("rpa@stadtdo.de", "Rechnungsprüfungsamt", Role.AUDITOR),
        auslandsgesellschaft=auslandsgesellschaft,
        deutsch_franzoesisch=deutsch_franzoesisch,
        vereinsarbeit=vereinsarbeit,
        skew=skew,
        cashier=person("nina.brauer@stadtdo.de", "Nina Brauer", Role.CASHIER),
        clock=clock,
    )
