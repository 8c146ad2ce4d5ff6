"""What goes into the store comes back exactly: events, snapshots, a reopened application, a replay.

"Exactly" means equal *and* of the same type all the way down (tuples stay tuples, dates stay dates,
Money stays Money), with every Decimal keeping its scale: Decimal("1000.10") is not Decimal("1000.1").
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from domain.dates import FundingPeriod
from domain.foreign import ForeignAmount
from domain.grant import Grant
from domain.money import Money
from domain.organisation import Organisation
from domain.plan import BudgetLine, FinancingPlan
from domain.programme import Programme
from domain.project import Project
from domain.terms import GrantTerms
from domain.user import User, UserEmail

from .integration_support import (
    PERIOD,
    POSTING,
    TODAY,
    YEAR,
    Flow,
    all_notifications,
    apply_and_review,
    assert_same,
    assert_same_aggregate,
    fold,
    open_programme,
    register_association,
    register_staff,
    rule_set,
    share_plan,
    state,
    today,
    whole_flow,
)


def expected_terms() -> GrantTerms:
    return GrantTerms(
        amount=Money("7000.00"),
        financing_type="share",
        rate=Decimal("0.70"),
        maximum=Money("7000.00"),
        period=PERIOD,
        plan=share_plan(),
        rule_set=rule_set(),
        year_split={"2026": Money("7000.00")},
        conditions="",
    )


def check_values(flow: Flow, grant: Grant, programme: Programme, project: Project, organisation: Organisation) -> None:
    """The state of every aggregate, against values built afresh in memory (never read from a store)."""
    s = flow.staff
    assert_same(grant.period, PERIOD, "grant.period")
    assert_same(grant.plan, share_plan(), "grant.plan")
    assert isinstance(grant.plan.cost_lines, tuple)
    assert_same(grant.terms, expected_terms(), "grant.terms")
    assert grant.terms.rate.as_tuple() == Decimal("0.70").as_tuple()
    assert_same(grant.plan.own_funds, Money("1000.10"), "grant.plan.own_funds")
    assert str(grant.plan.own_funds.amount) == "1000.10"
    assert_same(grant.applied_on, TODAY, "grant.applied_on")
    assert_same(grant.approved_on, TODAY, "grant.approved_on")
    assert_same(grant.project_id, None, "grant.project_id")
    assert_same(grant.contact_person_id, flow.contact_person_id, "grant.contact_person_id")
    assert_same(grant.programme_id, flow.programme_id, "grant.programme_id")
    assert_same(grant.applicant_id, s.officer, "grant.applicant_id")
    assert_same(grant.reviewer_id, s.officer, "grant.reviewer_id")
    assert_same(grant.approver_id, s.approver, "grant.approver_id")
    assert_same(grant.pending_amendment, None, "grant.pending_amendment")
    assert_same(grant.open_document_requests, [], "grant.open_document_requests")
    assert_same(
        grant.payments,
        {
            flow.payment_id.hex: {
                "amount": Money("3000.10"),
                "returned": Money("0.00"),
                "status": "booked",
                "requested_on": TODAY,
                "requested_by": s.officer,
                "certified_by": s.officer2,
                "released_by": s.finance,
                "value_date": date(2026, 3, 5),
            }
        },
        "grant.payments",
    )

    assert_same(programme.rule_set, rule_set(), "programme.rule_set")
    assert_same(programme.rule_set.max_grant, Money("9000.00"), "rule_set.max_grant")
    assert_same(programme.rule_set.allowed_financing_types, ("share", "fixed"), "rule_set.allowed_financing_types")
    assert_same(programme.rule_set.legal_basis, "VwVfG (Bund)", "rule_set.legal_basis")
    assert_same(programme.rule_set_history, [rule_set()], "programme.rule_set_history")
    assert_same(programme.budgets, {"2026": {"amount": Money("20000.00"), "posting": POSTING}}, "programme.budgets")
    assert_same(programme.committed_totals, {"2026": Money("9000.00")}, "programme.committed_totals")
    assert_same(programme.closed, False, "programme.closed")

    assert_same(project.period, FundingPeriod(date(2026, 1, 1), date(2026, 12, 31)), "project.period")
    assert_same(project.sdgs, [12, 17], "project.sdgs")
    assert_same(project.draws, {flow.programme_id.hex: {"2026": Money("2000.00")}}, "project.draws")
    assert_same(
        project.expenditures,
        {
            flow.expenditure_id.hex: {
                "paid_on": date(2026, 3, 1),
                "euro": Money("81.05"),
                "budget_line": "material",
                "reversed": False,
            }
        },
        "project.expenditures",
    )

    assert_same(organisation.members, [], "organisation.members")
    assert_same(
        organisation.contact_persons,
        {
            flow.contact_person_id.hex: {
                "name": "Jana Beispiel",
                "function": "Vorsitz",
                "email": "jana@example.org",
                "phone": "+49 231 123456",
            }
        },
        "organisation.contact_persons",
    )


def load(app: Any, flow: Flow) -> tuple[Grant, Programme, Project, Organisation]:
    return (
        app.grant(flow.grant_id),
        app.programme(flow.programme_id),
        app.project(flow.project_id),
        app.organisation(flow.organisation_id),
    )


def test_values_in_events_come_back_exactly(backend, open_office):
    app = open_office(backend, today=today)
    flow = whole_flow(app)
    reopened = open_office(backend, today=today)

    received, *_ = [e for e in reopened.events.get(flow.grant_id) if isinstance(e, Grant.ApplicationReceived)]
    assert_same(received.plan, share_plan(), "ApplicationReceived.plan")
    assert_same(received.period, PERIOD, "ApplicationReceived.period")
    assert_same(received.on, TODAY, "ApplicationReceived.on")
    assert_same(received.project_id, None, "ApplicationReceived.project_id")
    assert_same(received.contact_person_id, flow.contact_person_id, "ApplicationReceived.contact_person_id")
    assert_same(received.actor_id, flow.staff.officer, "ApplicationReceived.actor_id")

    (approved,) = [e for e in reopened.events.get(flow.grant_id) if isinstance(e, Grant.GrantApproved)]
    assert_same(approved.terms, expected_terms(), "GrantApproved.terms")

    (requested,) = [e for e in reopened.events.get(flow.grant_id) if isinstance(e, Grant.PaymentRequested)]
    assert_same(
        requested.needs,
        [{"due": date(2026, 4, 1), "amount": Money("3000.10"), "description": "Anzahlung Bus"}],
        "needs",
    )
    assert_same(requested.payment_id, flow.payment_id, "PaymentRequested.payment_id")

    (booked,) = [e for e in reopened.events.get(flow.grant_id) if isinstance(e, Grant.PaymentBooked)]
    assert_same(booked.value_date, date(2026, 3, 5), "PaymentBooked.value_date")

    (opened,) = [e for e in reopened.events.get(flow.programme_id) if isinstance(e, Programme.Opened)]
    assert_same(opened.rule_set, rule_set(), "Opened.rule_set")
    assert_same(
        opened.budgets, [{"fiscal_year": 2026, "amount": Money("20000.00"), "posting": POSTING}], "Opened.budgets"
    )

    (spent,) = [e for e in reopened.events.get(flow.project_id) if isinstance(e, Project.ExpenditureRecorded)]
    foreign = ForeignAmount("GHS", Decimal("1000.10"), Decimal("12.3400"), date(2026, 2, 27), Money("81.05"))
    assert_same(spent.foreign, foreign, "ExpenditureRecorded.foreign")
    assert_same(spent.foreign, flow.foreign, "ExpenditureRecorded.foreign")
    assert str(spent.foreign.original) == "1000.10" and str(spent.foreign.rate) == "12.3400"
    assert_same(spent.paid_on, date(2026, 3, 1), "ExpenditureRecorded.paid_on")

    (registered,) = [e for e in reopened.events.get(flow.staff.officer) if isinstance(e, User.Registered)]
    assert_same(registered.roles, [{"role": "officer", "organisation_id": None}], "User.Registered.roles")

    check_values(flow, *load(reopened, flow))


def test_values_in_snapshots_come_back_exactly(backend, open_office):
    app = open_office(backend, today=today)
    flow = whole_flow(app)
    for aggregate_id in flow.aggregate_ids:
        app.take_snapshot(aggregate_id)

    reopened = open_office(backend, today=today)
    for aggregate_id in flow.aggregate_ids:
        (snapshot,) = reopened.snapshots.get(aggregate_id, desc=True, limit=1)
        from_snapshot = snapshot.mutate(None)
        from_events = fold(reopened.events.get(aggregate_id))
        assert snapshot.originator_version == from_events.version
        assert_same_aggregate(from_snapshot, from_events)
        # The repository now starts from the snapshot; the result is the same.
        assert_same_aggregate(reopened.repository.get(aggregate_id), from_events)

    grant, programme, project, organisation = (
        next(iter(reopened.snapshots.get(aggregate_id, desc=True, limit=1))).mutate(None)
        for aggregate_id in (flow.grant_id, flow.programme_id, flow.project_id, flow.organisation_id)
    )
    check_values(flow, grant, programme, project, organisation)

    # Events after the snapshot are applied on top of it.
    with today.at_least(date(2026, 3, 9)):
        reopened.return_payment(
            flow.grant_id,
            flow.payment_id,
            Money("100.10"),
            date(2026, 3, 9),
            "Zu viel überwiesen",
            flow.staff.actor(reopened, "cashier"),
        )
    grant = reopened.grant(flow.grant_id)
    assert grant.paid == Money("2900.00")
    assert_same(grant.payments[flow.payment_id.hex]["returned"], Money("100.10"), "returned")
    assert_same_aggregate(grant, fold(reopened.events.get(flow.grant_id)))


def test_reopening_gives_identical_aggregate_state(backend, open_office):
    app = open_office(backend, today=today)
    flow = whole_flow(app)
    before = {agg_id: app.repository.get(agg_id) for agg_id in flow.aggregate_ids}
    log_before = [(n.id, n.originator_id, n.originator_version, n.topic, n.state) for n in all_notifications(app)]
    app.close()

    reopened = open_office(backend, today=today)
    for aggregate_id, aggregate in before.items():
        assert_same_aggregate(reopened.repository.get(aggregate_id), aggregate)
    log_after = [(n.id, n.originator_id, n.originator_version, n.topic, n.state) for n in all_notifications(reopened)]
    assert log_after == log_before
    check_values(flow, *load(reopened, flow))

    # The reopened office carries on where the first one stopped.
    staff = flow.staff
    second = reopened.request_payment(
        flow.grant_id,
        [{"due": date(2026, 4, 15), "amount": Money("1000.00"), "description": "Unterkunft"}],
        "Unterkunft",
        staff.actor(reopened, "officer"),
    )
    assert reopened.grant(flow.grant_id).committed_payments == Money("4000.10")
    assert reopened.grant(flow.grant_id).payments[second.hex]["status"] == "requested"


def test_replay_all_rebuilds_every_aggregate(backend, open_office):
    app = open_office(backend, today=today)
    flow = whole_flow(app)
    notifications = all_notifications(app)
    assert len(notifications) == app.recorder.max_notification_id()
    assert [n.id for n in notifications] == sorted({n.id for n in notifications})

    streams: dict[Any, list[Any]] = defaultdict(list)
    for notification in notifications:
        event = app.mapper.to_domain_event(notification)
        assert event.originator_id == notification.originator_id
        assert event.originator_version == notification.originator_version
        streams[event.originator_id].append(event)

    assert set(streams) == set(flow.aggregate_ids)
    kinds: dict[type, int] = defaultdict(int)
    for aggregate_id, events in streams.items():
        assert [e.originator_version for e in events] == list(range(1, len(events) + 1))
        rebuilt = fold(events)
        assert_same_aggregate(rebuilt, app.repository.get(aggregate_id))
        kinds[type(rebuilt)] += 1
    assert kinds == {User: 6, UserEmail: 6, Programme: 1, Organisation: 1, Grant: 1, Project: 1}


def test_tuples_and_budget_lines_survive_a_plan_with_many_lines(backend, open_office):
    """A plan's lines keep order, labels with umlauts and cent amounts across the store."""
    app = open_office(backend, today=today)
    staff = register_staff(app)
    programme_id = open_programme(app, staff)
    organisation_id = register_association(app, staff)
    lines = tuple(
        BudgetLine(f"l{i:02d}", f"Position {i} – Übernachtung „Kumasi“", Money(f"{i}00.0{i % 10}"))
        for i in range(1, 13)
    )
    costs = Money.sum(line.amount for line in lines)
    own = Money("1000.00")
    plan = FinancingPlan(lines, own, Money("0.01"), Money.zero(), costs - own - Money("0.01"), in_kind=Money("250.50"))
    grant_id = apply_and_review(app, staff, programme_id, organisation_id, plan, "fixed", "IB-2026-LINES")

    reopened = open_office(backend, today=today)
    assert_same(reopened.grant(grant_id).plan, plan, "plan")
    assert [line.code for line in reopened.grant(grant_id).plan.cost_lines] == [f"l{i:02d}" for i in range(1, 13)]
    assert state(reopened.grant(grant_id))["plan"].in_kind == Money("250.50")


def test_the_office_snapshots_a_programme_every_fifty_events(backend, open_office):
    """The automatic snapshot taken inside ``save`` at version 50 round-trips like a manual one."""
    app = open_office(backend, today=today)
    staff = register_staff(app)
    programme_id = open_programme(app, staff, code="IB-OFT")
    admin = staff.actor(app, "admin")
    for i in range(1, 50):
        amount = Money("20000.01") if i % 2 else Money("20000.00")
        app.amend_budget(programme_id, YEAR, amount, f"Nachtrag {i}", admin)

    reopened = open_office(backend, today=today)
    snapshots = list(reopened.snapshots.get(programme_id))
    assert [s.originator_version for s in snapshots] == [50]
    from_snapshot = snapshots[0].mutate(None)
    assert_same_aggregate(from_snapshot, fold(reopened.events.get(programme_id)))
    assert_same(from_snapshot.budget(YEAR), Money("20000.01"), "budget")
    assert_same(from_snapshot.rule_set, rule_set(), "rule_set")

    app.amend_budget(programme_id, YEAR, Money("25000.00"), "Nachtrag 50", admin)
    assert reopened.programme(programme_id).version == 51
    assert reopened.programme(programme_id).budget(YEAR) == Money("25000.00")
