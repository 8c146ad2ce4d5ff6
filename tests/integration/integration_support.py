"""Building blocks for the integration tests: staff, a programme, an association, whole flows,
and a strict comparison of aggregate state that also checks types and Decimal scale."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from business_clock import BusinessClock
from eventsourcing.domain import Aggregate

from domain.actors import Actor, Role
from domain.application import FundingOffice
from domain.dates import FiscalYear, FundingPeriod
from domain.foreign import ForeignAmount
from domain.money import Money
from domain.plan import BudgetLine, FinancingPlan
from domain.posting import PostingCoordinates
from domain.rules import RuleSet
from domain.user import UserEmail

TODAY = date(2026, 3, 1)
YEAR = FiscalYear(2026)
PERIOD = FundingPeriod(date(2026, 3, 1), date(2026, 10, 31))
POSTING = PostingCoordinates("01.11.02", "531800", "10110")
ADDRESS = {"street": "Steinstr. 48", "postcode": "44147", "city": "Dortmund", "country": "DE"}
IBAN = "DE89370400440532013000"


# The business day of the integration tests; a booking on a later value date is made on that day.
today = BusinessClock(TODAY)


@dataclass(frozen=True)
class Staff:
    """The office's people: two officers, an approver, finance, the cash office and an admin."""

    admin: UUID
    officer: UUID
    officer2: UUID
    approver: UUID
    finance: UUID
    cashier: UUID

    def actor(self, app: FundingOffice, who: str, role: str | None = None) -> Actor:
        user_id = getattr(self, who)
        return app.actor_for(user_id, role or {"officer2": "officer"}.get(who, who))


def register_staff(app: FundingOffice) -> Staff:
    system = Actor.system()
    ids = {
        name: app.register_user(f"{name}@dortmund.de", name.title(), role, system)
        for name, role in (
            ("admin", Role.ADMIN),
            ("officer", Role.OFFICER),
            ("officer2", Role.OFFICER),
            ("approver", Role.APPROVER),
            ("finance", Role.FINANCE),
            ("cashier", Role.CASHIER),
        )
    }
    return Staff(**ids)


def rule_set() -> RuleSet:
    """A rule set with non-default Decimals of a visible scale, a Money maximum and a tuple."""
    return RuleSet.nrw_municipal(
        version="NRW-kommunal-2026-test",
        line_tolerance=Decimal("0.20"),
        min_own_share=Decimal("0.10"),
        legal_basis="VwVfG (Bund)",
        max_grant=Money("9000.00"),
        allowed_financing_types=("share", "fixed"),
    )


def open_programme(
    app: FundingOffice, staff: Staff, code: str = "IB-VEREINE", budget: Money = Money("20000.00")
) -> UUID:
    return app.open_programme(
        code,
        "Internationale Vereinsarbeit",
        "city",
        rule_set(),
        {YEAR: (budget, POSTING)},
        staff.actor(app, "admin"),
    )


def register_association(app: FundingOffice, staff: Staff, name: str = "Auslandsgesellschaft") -> UUID:
    return app.register_organisation(name, "e.V.", "VR 1234", dict(ADDRESS), IBAN, staff.actor(app, "officer"))


def share_plan() -> FinancingPlan:
    """10.000,10 € of costs, 7.000,00 € asked for: a share of 70 % (0.70)."""
    return FinancingPlan(
        (
            BudgetLine("travel", "Reisekosten Bus Amiens", Money("4000.10")),
            BudgetLine("stay", "Unterkunft", Money("3000.00")),
            BudgetLine("fees", "Programm", Money("2000.00")),
            BudgetLine("pr", "Druck", Money("1000.00")),
        ),
        Money("1000.10"),
        Money("1500.00"),
        Money("500.00"),
        Money("7000.00"),
    )


def fixed_plan(grant: Money = Money("1000.00")) -> FinancingPlan:
    """A small fixed-amount plan: the grant plus 20 % own funds."""
    own = Money.rounded(grant.amount / 5)
    return FinancingPlan((BudgetLine("travel", "Reisekosten", grant + own),), own, Money.zero(), Money.zero(), grant)


def apply_and_review(
    app: FundingOffice,
    staff: Staff,
    programme_id: UUID,
    organisation_id: UUID,
    plan: FinancingPlan,
    financing_type: str,
    file_number: str,
    reviewer: str = "officer",
) -> UUID:
    grant_id = app.apply_for_grant(
        programme_id,
        organisation_id,
        f"Jugendbegegnung {file_number}",
        "Austausch junger Menschen",
        "Amiens",
        PERIOD,
        financing_type,
        plan,
        staff.actor(app, "officer"),
        file_number=file_number,
    )
    app.review_application(grant_id, True, True, "Formal und inhaltlich in Ordnung.", staff.actor(app, reviewer))
    return grant_id


@dataclass(frozen=True)
class Flow:
    staff: Staff
    programme_id: UUID
    organisation_id: UUID
    contact_person_id: UUID
    grant_id: UUID
    payment_id: UUID
    project_id: UUID
    expenditure_id: UUID
    foreign: ForeignAmount

    @property
    def aggregate_ids(self) -> list[UUID]:
        s = self.staff
        return [
            s.admin,
            s.officer,
            s.officer2,
            s.approver,
            s.finance,
            s.cashier,
            *(
                UserEmail.id_for(f"{name}@dortmund.de")
                for name in ("admin", "officer", "officer2", "approver", "finance", "cashier")
            ),
            self.programme_id,
            self.organisation_id,
            self.grant_id,
            self.project_id,
        ]


def whole_flow(app: FundingOffice) -> Flow:
    """Application to booked payment, plus a city project with a foreign-currency expenditure."""
    staff = register_staff(app)
    programme_id = open_programme(app, staff)
    organisation_id = register_association(app, staff)
    officer = staff.actor(app, "officer")
    contact = app.add_contact_person(
        organisation_id, "Jana Beispiel", "Vorsitz", "jana@example.org", "+49 231 123456", officer
    )
    grant_id = app.apply_for_grant(
        programme_id,
        organisation_id,
        "Jugendbegegnung Amiens",
        "Austausch junger Menschen zwischen Dortmund und Amiens",
        "Amiens",
        PERIOD,
        "share",
        share_plan(),
        officer,
        contact_person_id=contact,
        file_number="IB-2026-0001",
    )
    request = app.request_documents(grant_id, "Teilnehmerliste", date(2026, 3, 15), officer)
    app.receive_documents(grant_id, request, "Liste liegt vor", officer)
    app.review_application(grant_id, True, True, "Formal und inhaltlich in Ordnung.", officer)
    app.approve_grant(grant_id, Money("7000.00"), staff.actor(app, "approver"), rate=Decimal("0.70"))
    payment_id = app.request_payment(
        grant_id,
        [{"due": date(2026, 4, 1), "amount": Money("3000.10"), "description": "Anzahlung Bus"}],
        "Busanzahlung",
        officer,
    )
    app.certify_payment(grant_id, payment_id, staff.actor(app, "officer2"))
    app.release_payment(grant_id, payment_id, staff.actor(app, "finance"))
    with today.at_least(date(2026, 3, 5)):
        app.book_payment(grant_id, payment_id, date(2026, 3, 5), staff.actor(app, "cashier"))

    project_id = app.start_project(
        "FAIRE-SCHOKO",
        "Faire Stadtschokolade",
        "Faire Schokolade mit Kakao aus Kumasi",
        "Kumasi",
        [12, 17],
        FundingPeriod(date(2026, 1, 1), date(2026, 12, 31)),
        ["material", "reisen"],
        officer,
    )
    app.draw_project_budget(
        project_id, programme_id, YEAR, Money("2000.00"), "Projektmittel 2026", staff.actor(app, "admin")
    )
    foreign = ForeignAmount.convert("GHS", Decimal("1000.10"), Decimal("12.3400"), date(2026, 2, 27))
    expenditure_id = app.record_project_expenditure(
        project_id, date(2026, 3, 1), "Kumasi Cocoa Ltd.", "Kakaoproben", "material", foreign, "K-2026-1", officer
    )
    return Flow(
        staff, programme_id, organisation_id, contact, grant_id, payment_id, project_id, expenditure_id, foreign
    )


# Strict comparison -----------------------------------------------------------------------------


def assert_same(actual: Any, expected: Any, path: str = "value") -> None:
    """Equal *and* of the same type all the way down; Decimals must also keep their scale."""
    assert type(actual) is type(expected), f"{path}: {type(actual).__name__} != {type(expected).__name__}"
    if isinstance(expected, Decimal):
        assert actual.as_tuple() == expected.as_tuple(), f"{path}: {actual!r} != {expected!r}"
    elif dataclasses.is_dataclass(expected):
        for f in dataclasses.fields(expected):
            assert_same(getattr(actual, f.name), getattr(expected, f.name), f"{path}.{f.name}")
    elif isinstance(expected, dict):
        assert set(actual) == set(expected), f"{path}: keys {sorted(actual)} != {sorted(expected)}"
        for key in expected:
            assert_same(actual[key], expected[key], f"{path}[{key!r}]")
    elif isinstance(expected, (list, tuple)):
        assert len(actual) == len(expected), f"{path}: length {len(actual)} != {len(expected)}"
        for i, (a, e) in enumerate(zip(actual, expected, strict=True)):
            assert_same(a, e, f"{path}[{i}]")
    elif isinstance(expected, (datetime, date, UUID, str, int, float, bool, type(None))):
        assert actual == expected, f"{path}: {actual!r} != {expected!r}"
    else:
        raise AssertionError(f"{path}: unexpected type {type(expected).__name__} in aggregate state")


def state(aggregate: Aggregate) -> dict[str, Any]:
    """Everything an aggregate holds, except the (empty) list of pending events."""
    data = {k: v for k, v in vars(aggregate).items() if k != "_pending_events"}
    data["__class__"] = type(aggregate).__qualname__
    return data


def assert_same_aggregate(actual: Aggregate, expected: Aggregate) -> None:
    assert type(actual) is type(expected)
    assert_same(state(actual), state(expected), type(expected).__name__)


def fold(events: Any) -> Aggregate:
    """Rebuilds an aggregate from its domain events alone, with no snapshot."""
    aggregate = None
    for event in events:
        aggregate = event.mutate(aggregate)
    assert aggregate is not None
    return aggregate


def max_notification_id(app: FundingOffice) -> int:
    return app.recorder.max_notification_id() or 0


def all_notifications(app: FundingOffice) -> list[Any]:
    notifications: list[Any] = []
    start = 1
    while True:
        batch = app.recorder.select_notifications(start, 500)
        notifications.extend(batch)
        if len(batch) < 500:
            return notifications
        start = batch[-1].id + 1
