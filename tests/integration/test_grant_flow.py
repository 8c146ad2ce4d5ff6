"""A grant's whole life, and the refusals that must write nothing, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from eventsourcing.persistence import IntegrityError

from domain.errors import FourEyesError, OverBudgetError
from domain.grant import Grant
from domain.money import Money
from domain.programme import Programme
from tests.commitments import commitment_of

from .integration_support import (
    TODAY,
    YEAR,
    apply_and_review,
    fixed_plan,
    max_notification_id,
    open_programme,
    register_association,
    register_staff,
    share_plan,
    today,
    whole_flow,
)


def test_whole_grant_from_application_to_booked_payment(backend, open_office):
    app = open_office(backend, today=today)
    flow = whole_flow(app)

    grant = app.grant(flow.grant_id)
    assert grant.status == "approved"
    assert grant.approved_amount == Money("7000.00")
    assert grant.reviewer_id == flow.staff.officer
    assert grant.approver_id == flow.staff.approver
    payment = grant.payments[flow.payment_id.hex]
    assert payment["status"] == "booked"
    assert payment["certified_by"] == flow.staff.officer2
    assert payment["released_by"] == flow.staff.finance
    assert payment["value_date"] == date(2026, 3, 5)
    assert grant.paid == Money("3000.10")
    assert grant.committed_payments == Money("3000.10")

    programme = app.programme(flow.programme_id)
    assert commitment_of(app, flow.programme_id, flow.grant_id, YEAR) == Money("7000.00")
    assert commitment_of(app, flow.programme_id, flow.project_id, YEAR) == Money("2000.00")
    assert programme.committed(YEAR) == Money("9000.00")
    assert programme.available(YEAR) == Money("11000.00")

    project = app.project(flow.project_id)
    assert project.spent == flow.foreign.euro == Money("81.05")

    topics = [type(e).__name__ for e in app.events.get(flow.grant_id)]
    assert topics == [
        "ApplicationReceived",
        "DocumentsRequested",
        "DocumentsReceived",
        "ApplicationReviewed",
        "GrantApproved",
        "PaymentRequested",
        "PaymentCertified",
        "PaymentReleased",
        "PaymentBooked",
    ]


def test_over_budget_approval_is_refused_and_writes_nothing(backend, open_office):
    app = open_office(backend, today=today)
    staff = register_staff(app)
    programme_id = open_programme(app, staff, budget=Money("10000.00"))
    organisation_id = register_association(app, staff)
    first = apply_and_review(app, staff, programme_id, organisation_id, share_plan(), "share", "IB-2026-A")
    second = apply_and_review(app, staff, programme_id, organisation_id, share_plan(), "share", "IB-2026-B")
    approver = staff.actor(app, "approver")
    app.approve_grant(first, Money("7000.00"), approver, rate=Decimal("0.70"))

    before = max_notification_id(app)
    programme_version = app.programme(programme_id).version
    grant_version = app.grant(second).version

    with pytest.raises(OverBudgetError) as refused:
        app.approve_grant(second, Money("7000.00"), approver, rate=Decimal("0.70"))
    assert refused.value.code == "over_budget"
    assert "3.000,00 €" in refused.value.message  # what is still available

    assert max_notification_id(app) == before
    programme = app.programme(programme_id)
    assert programme.version == programme_version
    assert programme.committed(YEAR) == Money("7000.00")
    assert commitment_of(app, programme_id, second, YEAR) == Money.zero()
    grant = app.grant(second)
    assert grant.version == grant_version
    assert grant.status == "reviewed"
    assert grant.terms is None

    # What does fit is still approved.
    app.approve_grant(second, Money("3000.00"), approver, rate=Decimal("0.70"))
    assert app.programme(programme_id).committed(YEAR) == Money("10000.00")
    assert app.programme(programme_id).available(YEAR) == Money.zero()


def _unchanged(app, aggregate_id, before_id, before_version):
    assert max_notification_id(app) == before_id
    assert app.repository.get(aggregate_id).version == before_version


def test_four_eyes_refusals_write_nothing(backend, open_office):
    app = open_office(backend, today=today)
    staff = register_staff(app)
    admin = staff.actor(app, "admin")
    # The first officer may also sign approvals, the second may also release payments.
    app.grant_role(staff.officer, "approver", admin)
    app.grant_role(staff.officer2, "finance", admin)
    programme_id = open_programme(app, staff)
    organisation_id = register_association(app, staff)
    grant_id = apply_and_review(
        app, staff, programme_id, organisation_id, fixed_plan(Money("1000.00")), "fixed", "IB-2026-4A"
    )

    # Whoever reviewed the application may not approve it.
    before, version = max_notification_id(app), app.grant(grant_id).version
    with pytest.raises(FourEyesError) as refused:
        app.approve_grant(grant_id, Money("1000.00"), staff.actor(app, "officer", "approver"))
    assert refused.value.code == "four_eyes"
    _unchanged(app, grant_id, before, version)
    assert app.programme(programme_id).committed(YEAR) == Money.zero()
    assert app.grant(grant_id).status == "reviewed"

    app.approve_grant(grant_id, Money("1000.00"), staff.actor(app, "approver"))
    payment_id = app.request_payment(
        grant_id,
        [{"due": date(2026, 3, 20), "amount": Money("400.00"), "description": "Fahrkarten"}],
        "Fahrkarten",
        staff.actor(app, "officer"),
    )

    # Nobody certifies their own payment request.
    before, version = max_notification_id(app), app.grant(grant_id).version
    with pytest.raises(FourEyesError):
        app.certify_payment(grant_id, payment_id, staff.actor(app, "officer"))
    _unchanged(app, grant_id, before, version)

    app.certify_payment(grant_id, payment_id, staff.actor(app, "officer2"))

    # Whoever certified may not release.
    before, version = max_notification_id(app), app.grant(grant_id).version
    with pytest.raises(FourEyesError):
        app.release_payment(grant_id, payment_id, staff.actor(app, "officer2", "finance"))
    _unchanged(app, grant_id, before, version)
    # Nor may the requester, even when holding the approver role.
    with pytest.raises(FourEyesError):
        app.release_payment(grant_id, payment_id, staff.actor(app, "officer", "approver"))
    _unchanged(app, grant_id, before, version)
    assert app.grant(grant_id).payments[payment_id.hex]["status"] == "certified"

    app.release_payment(grant_id, payment_id, staff.actor(app, "finance"))
    assert app.grant(grant_id).payments[payment_id.hex]["status"] == "released"

    # Nobody approves their own amendment.
    app.propose_amendment(grant_id, Money("900.00"), "Weniger Teilnehmende", staff.actor(app, "officer"))
    before, version = max_notification_id(app), app.grant(grant_id).version
    with pytest.raises(FourEyesError):
        app.approve_amendment(grant_id, staff.actor(app, "officer", "approver"))
    _unchanged(app, grant_id, before, version)
    assert commitment_of(app, programme_id, grant_id, YEAR) == Money("1000.00")

    app.approve_amendment(grant_id, staff.actor(app, "approver"))
    assert app.grant(grant_id).approved_amount == Money("900.00")
    assert commitment_of(app, programme_id, grant_id, YEAR) == Money("900.00")
    assert app.programme(programme_id).committed(YEAR) == Money("900.00")


def test_the_approval_and_its_commitment_are_saved_together_or_not_at_all(backend, open_office):
    """When the grant half of an approval conflicts, the programme's commitment is not written either."""
    app = open_office(backend, today=today)
    staff = register_staff(app)
    programme_id = open_programme(app, staff, code="IB-ATOM")
    organisation_id = register_association(app, staff)
    grant_id = apply_and_review(app, staff, programme_id, organisation_id, fixed_plan(), "fixed", "IB-2026-T1")
    approver = staff.actor(app, "approver")

    grant, programme = app.grant(grant_id), app.programme(programme_id)
    # Meanwhile another officer asks for documents: the loaded grant is now stale.
    app.request_documents(grant_id, "Kostenvoranschlag", date(2026, 3, 20), staff.actor(app, "officer2"))
    notice = app.terms_for(grant, programme.rule_set, Money("1000.00"))
    grant.approve(notice, TODAY, approver)
    programme.commit(grant.id, notice.split(), approver)
    before = max_notification_id(app)
    with pytest.raises(IntegrityError):
        app.save(programme, grant)

    assert max_notification_id(app) == before
    assert app.programme(programme_id).version == 1
    assert app.programme(programme_id).committed(YEAR) == Money.zero()
    assert app.grant(grant_id).status == "documents_requested"
    assert not [e for e in app.events.get(programme_id) if isinstance(e, Programme.FundsCommitted)]
    assert not [e for e in app.events.get(grant_id) if isinstance(e, Grant.GrantApproved)]


def test_an_approval_records_the_grant_and_the_commitment(backend, open_office):
    app = open_office(backend, today=today)
    staff = register_staff(app)
    programme_id = open_programme(app, staff, code="IB-PAIR")
    organisation_id = register_association(app, staff)
    grant_id = apply_and_review(app, staff, programme_id, organisation_id, fixed_plan(), "fixed", "IB-2026-T2")
    before = max_notification_id(app)
    app.approve_grant(grant_id, Money("1000.00"), staff.actor(app, "approver"))

    approved = [e for e in app.events.get(grant_id) if isinstance(e, Grant.GrantApproved)]
    committed = [e for e in app.events.get(programme_id) if isinstance(e, Programme.FundsCommitted)]
    assert len(approved) == 1 and len(committed) == 1
    assert committed[0].holder_id == grant_id
    assert committed[0].fiscal_year == 2026
    assert committed[0].amount == approved[0].terms.amount == Money("1000.00")
    assert approved[0].on == TODAY
    new = app.recorder.select_notifications(before + 1, 10)
    assert {n.originator_id for n in new} == {grant_id, programme_id}
    assert len(new) == 2
