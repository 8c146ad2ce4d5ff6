"""Concurrent approvals from several processes never commit more than the budget.

One programme has 10.000,00 € for 2026 and sixteen reviewed applications of 1.000,00 € each. Eight
writer processes, each with its own FundingOffice on the same store, start together at a barrier and
approve their share of the applications. Exactly ten approvals fit; the other six must be refused with
``over_budget``, and nothing else may go wrong (a ``ConcurrencyError`` after the retries is a failure).
"""

from __future__ import annotations

import multiprocessing
import queue
import time
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.persistence import IntegrityError

from domain.errors import OverBudgetError
from domain.grant import Grant
from domain.money import Money
from domain.programme import Programme
from foerderbuch.settings import Settings
from foerderbuch.wiring import create_office
from tests.commitments import holders

from .integration_support import (
    YEAR,
    all_notifications,
    apply_and_review,
    fixed_plan,
    max_notification_id,
    open_programme,
    register_association,
    register_staff,
    today,
)

WRITERS = 8
GRANTS = 16
AMOUNT = Money("1000.00")
BUDGET = Money("10000.00")
FITTING = 10  # BUDGET / AMOUNT
DEADLINE_SECONDS = 60

pytestmark = pytest.mark.slow


def approve_share(settings: Settings, approver_id: UUID, grant_ids: list[UUID], barrier: Any, results: Any) -> None:
    """One writer process: build an office, wait for the others, approve each grant given."""
    app = None
    conflicts = 0
    try:
        app = create_office(settings, today=today)
        save = app.save

        def counting_save(*aggregates: Any, **kwargs: Any) -> Any:
            nonlocal conflicts
            try:
                return save(*aggregates, **kwargs)
            except IntegrityError:
                conflicts += 1  # another writer came first; the office retries on fresh state
                raise

        app.save = counting_save  # type: ignore[method-assign]
        actor = app.actor_for(approver_id, "approver")  # also warms up the connection pool
        app.grant(grant_ids[0])
        barrier.wait(timeout=DEADLINE_SECONDS)
        for grant_id in grant_ids:
            try:
                app.approve_grant(grant_id, AMOUNT, actor)
            except OverBudgetError as error:
                results.put(("over_budget", grant_id.hex, error.code))
            except Exception as error:  # reported to the test, which fails on it
                results.put(("error", grant_id.hex, f"{type(error).__name__}: {error}"))
            else:
                results.put(("approved", grant_id.hex, None))
    except Exception as error:
        barrier.abort()  # the others stop waiting and report too, instead of hanging to the deadline
        for grant_id in grant_ids:
            results.put(("error", grant_id.hex, f"writer set-up: {type(error).__name__}: {error}"))
    finally:
        results.put(("conflicts", "", str(conflicts)))
        if app is not None:
            app.close()


def test_concurrent_approvals_never_exceed_the_budget(backend, open_office):
    started = time.monotonic()
    app = open_office(backend, today=today)
    staff = register_staff(app)
    programme_id = open_programme(app, staff, code="IB-KNAPP", budget=BUDGET)
    organisation_id = register_association(app, staff)
    grant_ids = [
        apply_and_review(app, staff, programme_id, organisation_id, fixed_plan(AMOUNT), "fixed", f"IB-2026-P{i:02d}")
        for i in range(GRANTS)
    ]
    assert {app.grant(g).status for g in grant_ids} == {"reviewed"}

    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(WRITERS)
    results = context.Queue()
    writers = [
        context.Process(
            target=approve_share,
            args=(backend, staff.approver, grant_ids[i::WRITERS], barrier, results),
            name=f"writer-{i}",
        )
        for i in range(WRITERS)
    ]
    for writer in writers:
        writer.start()
    outcomes: dict[str, tuple[str, str | None]] = {}
    conflicts: list[int] = []
    try:
        while len(outcomes) < GRANTS or len(conflicts) < WRITERS:
            remaining = DEADLINE_SECONDS - (time.monotonic() - started)
            try:
                kind, grant_hex, detail = results.get(timeout=max(remaining, 1))
            except queue.Empty:
                pytest.fail(f"only {len(outcomes)} of {GRANTS} approvals reported within {DEADLINE_SECONDS} s")
            if kind == "conflicts":
                conflicts.append(int(detail))
                continue
            assert grant_hex not in outcomes, f"grant {grant_hex} reported twice"
            outcomes[grant_hex] = (kind, detail)
    finally:
        for writer in writers:
            writer.join(timeout=15)
            if writer.is_alive():
                writer.kill()
                writer.join()
        results.close()
        results.join_thread()
    assert [w.exitcode for w in writers] == [0] * WRITERS
    print(f"{backend.backend}: {sum(conflicts)} conflicting saves retried by the writers")

    errors = {g: d for g, (kind, d) in outcomes.items() if kind == "error"}
    assert not errors, f"approvals failed with something other than over_budget: {errors}"
    approved = {UUID(g) for g, (kind, _) in outcomes.items() if kind == "approved"}
    refused = {UUID(g) for g, (kind, _) in outcomes.items() if kind == "over_budget"}
    assert approved | refused == set(grant_ids)
    assert all(detail == "over_budget" for kind, detail in outcomes.values() if kind == "over_budget")

    # The committed total is exactly what was approved, and within the budget.
    programme = app.programme(programme_id)
    assert programme.committed(YEAR) == Money(len(approved) * 1000)
    assert programme.committed(YEAR) <= programme.budget(YEAR) == BUDGET
    assert len(approved) == FITTING
    assert len(refused) == GRANTS - FITTING
    assert programme.available(YEAR) == Money.zero()
    assert holders(app, programme_id, YEAR) == approved

    # Every approval is in the log once, with its commitment; every refusal left no trace.
    events = [app.mapper.to_domain_event(n) for n in all_notifications(app)]
    approvals = [e for e in events if isinstance(e, Grant.GrantApproved)]
    commitments = [e for e in events if isinstance(e, Programme.FundsCommitted)]
    assert sorted(e.originator_id.hex for e in approvals) == sorted(g.hex for g in approved)
    assert sorted(e.holder_id.hex for e in commitments) == sorted(g.hex for g in approved)
    assert all(e.amount == AMOUNT for e in commitments)
    assert programme.version == 1 + FITTING

    for grant_id in approved:
        grant = app.grant(grant_id)
        assert grant.status == "approved"
        assert grant.approved_amount == AMOUNT
        assert grant.approver_id == staff.approver
    for grant_id in refused:
        grant = app.grant(grant_id)
        assert grant.status == "reviewed"
        assert grant.terms is None
        assert grant.version == 2  # applied, reviewed: nothing more

    assert time.monotonic() - started < DEADLINE_SECONDS


def start_office(settings: Settings, barrier: Any, results: Any) -> None:
    """One process opening the office on the shared store at the same moment as the others."""
    try:
        barrier.wait(timeout=DEADLINE_SECONDS)
        app = create_office(settings, today=today)
        try:
            results.put(("started", str(app.recorder.max_notification_id() or 0)))
        finally:
            app.close()
    except Exception as error:
        results.put(("error", f"{type(error).__name__}: {error}"))


def test_offices_start_together_on_a_fresh_store(backend, open_office):
    """Web workers start at once: creating the tables concurrently must not fail any of them."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(WRITERS)
    results = context.Queue()
    starters = [context.Process(target=start_office, args=(backend, barrier, results)) for _ in range(WRITERS)]
    for starter in starters:
        starter.start()
    try:
        outcomes = [results.get(timeout=DEADLINE_SECONDS) for _ in starters]
    finally:
        for starter in starters:
            starter.join(timeout=15)
            if starter.is_alive():
                starter.kill()
                starter.join()
        results.close()
        results.join_thread()
    assert outcomes == [("started", "0")] * WRITERS
    assert [s.exitcode for s in starters] == [0] * WRITERS

    # The store they created together works.
    app = open_office(backend, today=today)
    staff = register_staff(app)
    assert app.user(staff.admin).display_name == "Admin"
    assert max_notification_id(app) == 12  # six users, each with its entry in the e-mail index
