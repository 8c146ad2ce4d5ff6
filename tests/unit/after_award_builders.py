"""Builders for the after-award tests: the reference plan, an in-memory office, grants at each stage.

The reference plan is the worked example of the domain reference (section 3): 10.000 € costs
(travel 4.000, accommodation 3.000, fees 2.000, printing 1.000), financed by 1.000 € own funds,
1.500 € from a foundation, 500 € participant fees and a 7.000 € grant. ``Office`` runs grants through
the real ``FundingOffice`` in memory, on a fixed business day, with enough people for every
four-eyes rule (two officers, two approvers, two finance staff).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest
from business_clock import BusinessClock

from domain.actors import Actor, Role
from domain.application import FundingOffice
from domain.dates import FiscalYear, FundingPeriod
from domain.errors import DomainError
from domain.money import Money
from domain.plan import BudgetLine, FinancingPlan
from domain.posting import PostingCoordinates
from domain.rules import RuleSet
from domain.settlement import RecognisedActuals
from domain.terms import GrantTerms
from foerderbuch.settings import Settings
from foerderbuch.wiring import create_office
from tests.revocations import revoke

TODAY = date(2026, 3, 1)
PERIOD = FundingPeriod(date(2026, 3, 1), date(2026, 10, 31))
POSTING = PostingCoordinates("01.11.02", "531800", "10110")
RATE = Decimal("0.7")
ALL_TYPES_RULES = RuleSet.nrw_municipal(allowed_financing_types=("share", "deficit", "fixed", "full"))

LINES = (
    ("travel", "Busreise Dortmund–Amiens", "4000.00"),
    ("stay", "Unterkunft in der Jugendherberge", "3000.00"),
    ("fees", "Programm und Eintritte", "2000.00"),
    ("pr", "Druck und Dokumentation", "1000.00"),
)
AS_PLANNED = {code: amount for code, _, amount in LINES}


def euros(**amounts: str) -> dict[str, Money]:
    return {code: Money(amount) for code, amount in amounts.items()}


def reference_plan(
    own: str = "1000.00", third_party: str = "1500.00", income: str = "500.00", grant: str = "7000.00", **lines: str
) -> FinancingPlan:
    """The reference plan; ``lines`` replaces single line amounts (then the grant must be adjusted too)."""
    amounts = {**AS_PLANNED, **lines}
    return FinancingPlan(
        tuple(BudgetLine(code, label, Money(amounts[code])) for code, label, _ in LINES),
        own_funds=Money(own),
        third_party_funds=Money(third_party),
        income=Money(income),
        grant=Money(grant),
    )


def full_plan() -> FinancingPlan:
    """Full financing of the reference costs: no own funds, the city covers all but foundation and fees."""
    return reference_plan(own="0.00", grant="8000.00")


def terms(
    financing_type: str,
    amount: str = "7000.00",
    *,
    rate: Decimal | None = None,
    maximum: str | None = None,
    plan: FinancingPlan | None = None,
    rule_set: RuleSet = ALL_TYPES_RULES,
) -> GrantTerms:
    """Notice terms as the office builds them: share and deficit are capped at the amount by default."""
    if financing_type == "share" and rate is None:
        rate = RATE
    if maximum is None and financing_type in ("share", "deficit"):
        maximum = amount
    if plan is None:
        plan = full_plan() if financing_type == "full" else reference_plan()
    notice = GrantTerms(
        amount=Money(amount),
        financing_type=financing_type,
        rate=rate,
        maximum=Money(maximum) if maximum is not None else None,
        period=PERIOD,
        plan=plan,
        rule_set=rule_set,
        year_split={"2026": Money(amount)},
    )
    notice.check()
    return notice


def actuals(
    costs: dict[str, str] | None = None, own: str = "1000.00", third_party: str = "1500.00", income: str = "500.00"
) -> RecognisedActuals:
    return RecognisedActuals(
        costs=euros(**(AS_PLANNED if costs is None else costs)),
        own_funds=Money(own),
        third_party_funds=Money(third_party),
        income=Money(income),
    )


def event_names(app: FundingOffice, aggregate_id: UUID) -> list[str]:
    return [type(e).__qualname__.split(".")[-1] for e in app.events.get(aggregate_id)]


def last_event(app: FundingOffice, aggregate_id: UUID, name: str) -> Any:
    matching = [e for e in app.events.get(aggregate_id) if type(e).__qualname__.endswith(f".{name}")]
    assert matching, f"no {name} event recorded"
    return matching[-1]


def recorded_state(app: FundingOffice, *aggregate_ids: UUID) -> tuple[Any, dict[UUID, int]]:
    """The last notification id of the whole store and the version of each aggregate."""
    return app.recorder.max_notification_id(), {i: app.repository.get(i).version for i in aggregate_ids}


@contextmanager
def refused(
    app: FundingOffice, error: type[DomainError], code: str, match: str, *aggregate_ids: UUID
) -> Iterator[None]:
    """Expects the block to raise ``error`` with ``code`` and a message matching ``match`` (a regex),
    and to leave the store and every named aggregate exactly as they were."""
    before = recorded_state(app, *aggregate_ids)
    with pytest.raises(error, match=match) as info:
        yield
    assert type(info.value) is error, f"expected exactly {error.__name__}, got {type(info.value).__name__}"
    assert info.value.code == code
    assert recorded_state(app, *aggregate_ids) == before, "a refused command must not record anything"


@dataclass
class Office:
    """A running office with every person the four-eyes rules need, and one programme."""

    app: FundingOffice
    admin: Actor
    officer: Actor
    second_officer: Actor
    approver: Actor
    second_approver: Actor
    finance: Actor
    second_finance: Actor
    member: Actor
    organisation_id: UUID
    programme_id: UUID
    cashier: Actor
    clock: BusinessClock
    year: int = 2026
    _counter: list[int] = field(default_factory=lambda: [0])

    def person(self, email: str, role: Role, organisation_id: UUID | None = None) -> Actor:
        user_id = self.app.register_user(email, email.split("@")[0], role, self.admin, organisation_id=organisation_id)
        return self.app.actor_for(user_id, role)

    def also_as(self, actor: Actor, role: Role) -> Actor:
        """The same user, given a second role and acting in it."""
        self.app.grant_role(actor.user_id, role, self.admin)
        return self.app.actor_for(actor.user_id, role)

    def committed(self, year: int | None = None) -> Money:
        return self.app.programme(self.programme_id).committed(FiscalYear(year or self.year))

    def available(self, year: int | None = None) -> Money:
        return self.app.programme(self.programme_id).available(FiscalYear(year or self.year))

    # Grants ------------------------------------------------------------------------------------

    def approved(
        self,
        financing_type: str = "share",
        amount: str = "7000.00",
        plan: FinancingPlan | None = None,
        period: FundingPeriod = PERIOD,
        on: date | None = None,
        **notice: Any,
    ) -> UUID:
        """An application by the officer, reviewed by the officer and approved by the approver."""
        if plan is None:
            plan = full_plan() if financing_type == "full" else reference_plan()
        if financing_type == "share":
            notice.setdefault("rate", RATE)
        self._counter[0] += 1
        on = on or period.start
        grant_id = self.app.apply_for_grant(
            self.programme_id,
            self.organisation_id,
            "Jugendbegegnung mit Amiens",
            "Austausch mit Amiens",
            "Amiens",
            period,
            financing_type,
            plan,
            self.officer,
            on=on,
            file_number=f"IB-{period.start.year}-T{self._counter[0]:03d}",
        )
        self.app.review_application(grant_id, True, True, "Vollständig und förderfähig.", self.officer, on=on)
        self.app.approve_grant(grant_id, Money(amount), self.approver, on=on, **notice)
        return grant_id

    def requested(self, grant_id: UUID, amount: str, on: date = date(2026, 3, 2)) -> UUID:
        """A payment request by the association member, for a need due a week later."""
        return self.app.request_payment(
            grant_id,
            [{"due": date.fromordinal(on.toordinal() + 7), "amount": Money(amount), "description": "Bus"}],
            "Anzahlung",
            self.member,
            on=on,
        )

    def pay(self, grant_id: UUID, amount: str, on: date = date(2026, 3, 2), value_date: date | None = None) -> UUID:
        """Requested, certified, released and booked: the money is out."""
        payment_id = self.requested(grant_id, amount, on)
        self.app.certify_payment(grant_id, payment_id, self.officer, on=on)
        self.app.release_payment(grant_id, payment_id, self.finance, on=on)
        self.book(grant_id, payment_id, value_date or on)
        return payment_id

    def book(self, grant_id: UUID, payment_id: UUID, value_date: date, actor: Actor | None = None) -> None:
        """The cash office books the payout (on its value date, if that is after the office's day)."""
        with self.clock.at_least(value_date):
            self.app.book_payment(grant_id, payment_id, value_date, actor or self.cashier)

    def repay(self, claim_id: UUID, amount: Money, value_date: date, actor: Actor | None = None) -> None:
        """The cash office books a repayment (on its value date, if that is after the office's day)."""
        with self.clock.at_least(value_date):
            self.app.receive_repayment(claim_id, amount, value_date, actor or self.cashier)

    def spend(self, grant_id: UUID, costs: dict[str, str], paid_on: date = date(2026, 6, 1)) -> list[UUID]:
        """One receipt per budget line (lines with 0 are skipped)."""
        ids = []
        for code, amount in costs.items():
            if Money(amount):
                self._counter[0] += 1
                with self.clock.at_least(paid_on):
                    ids.append(
                        self.app.report_expense(
                            grant_id,
                            code,
                            paid_on,
                            "Busunternehmen Kaiser GmbH",
                            "Fahrt nach Amiens",
                            Money(amount),
                            f"B-{self._counter[0]:04d}",
                            self.officer,
                        )
                    )
        return ids

    def submit(
        self,
        grant_id: UUID,
        own: str = "1000.00",
        third_party: str = "1500.00",
        income: str = "500.00",
        on: date = date(2026, 11, 15),
        actor: Actor | None = None,
    ) -> None:
        self.app.submit_proof_of_use(
            grant_id,
            "Die Begegnung fand wie geplant statt.",
            Money(own),
            Money(third_party),
            Money(income),
            actor or self.officer,
            on=on,
        )

    def review(
        self,
        grant_id: UUID,
        recognised: dict[str, str] | None = None,
        on: date = date(2026, 11, 20),
        actor: Actor | None = None,
        **funds: Any,
    ) -> None:
        recognised = recognised or {}
        self.app.review_proof_of_use(
            grant_id,
            euros(**recognised),
            {code: "Beleg fehlt" for code in recognised},
            "Summarisch geprüft.",
            actor or self.second_officer,
            on=on,
            **funds,
        )

    def revoke(
        self,
        grant_id: UUID,
        remaining: str | Money,
        effective_on: date,
        reason: str = "Zweck verfehlt",
        on: date | None = None,
        **dates: date,
    ) -> UUID | None:
        """Prepared by the officer (facts known and heard on ``on`` unless given), decided by the approver."""
        return revoke(
            self.app,
            grant_id,
            Money(remaining) if isinstance(remaining, str) else remaining,
            effective_on,
            reason,
            self.officer,
            self.approver,
            on=on,
            **dates,
        )

    def determine(self, grant_id: UUID, on: date = date(2026, 12, 1), actor: Actor | None = None) -> UUID | None:
        return self.app.determine_final_amount(grant_id, actor or self.second_approver, on=on)

    def determined(
        self,
        financing_type: str = "share",
        paid: str = "7000.00",
        costs: dict[str, str] | None = None,
        own: str = "1000.00",
        third_party: str = "1500.00",
        income: str = "500.00",
        **notice: Any,
    ) -> tuple[UUID, UUID | None]:
        """A grant run from application to its final amount; returns the grant and the claim raised."""
        grant_id = self.approved(financing_type, **notice)
        if Money(paid):
            self.pay(grant_id, paid)
        self.spend(grant_id, AS_PLANNED if costs is None else costs)
        self.submit(grant_id, own, third_party, income)
        self.review(grant_id)
        return grant_id, self.determine(grant_id)


def build_office(
    today: date = TODAY, budgets: dict[int, str] | None = None, rule_set: RuleSet = ALL_TYPES_RULES, **settings: Any
) -> Office:
    """``settings``: further settings of the office (e.g. ``relief_limits``)."""
    clock = BusinessClock(today)
    app = create_office(Settings(database_url="memory://", **settings), today=clock)
    admin = app.actor_for(app.register_user("admin@stadtdo.de", "Admin", Role.ADMIN, Actor.system()), Role.ADMIN)

    def person(email: str, role: Role, organisation_id: UUID | None = None) -> Actor:
        return app.actor_for(app.register_user(email, email, role, admin, organisation_id=organisation_id), role)

    officer = person("petra.schmitz@stadtdo.de", Role.OFFICER)
    budgets = budgets or {today.year: "20000.00"}
    programme_id = app.open_programme(
        "IB-VEREINE",
        "Internationale Vereinsarbeit",
        "city",
        rule_set,
        {FiscalYear(year): (Money(amount), POSTING) for year, amount in budgets.items()},
        admin,
    )
    organisation_id = app.register_organisation(
        "Auslandsgesellschaft NRW e.V.",
        "e.V.",
        "VR 1234",
        {"street": "Steinstraße 48", "postcode": "44147", "city": "Dortmund", "country": "DE"},
        "DE89370400440532013000",
        officer,
    )
    office = Office(
        app=app,
        admin=admin,
        officer=officer,
        second_officer=person("jonas.becker@stadtdo.de", Role.OFFICER),
        approver=person("aylin.demir@stadtdo.de", Role.APPROVER),
        second_approver=person("klaus.richter@stadtdo.de", Role.APPROVER),
        finance=person("stefan.wolters@stadtdo.de", Role.FINANCE),
        second_finance=person("anna.kowalski@stadtdo.de", Role.FINANCE),
        member=person("marie.laurent@auslandsgesellschaft.de", Role.ASSOCIATION, organisation_id),
        organisation_id=organisation_id,
        programme_id=programme_id,
        cashier=person("nina.brauer@stadtdo.de", Role.CASHIER),
        clock=clock,
        year=min(budgets),
    )
    return office
