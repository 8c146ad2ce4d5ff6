"""Work queues with the four-eyes exclusions, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

from ledger_story import World
from domain.money import Money
from projections.work_queues import WorkQueues


def test_applications_wait_for_review_unless_documents_are_outstanding(world: World) -> None:
    story = world.story

    with world.projector.db.transaction() as cursor:
        items = WorkQueues.to_review(cursor, story.jonas.user_id)

    assert [(i.file_number, i.amount, i.since) for i in items] == [("IB-2026-0005", Money("800.00"), date(2026, 4, 1))]
    assert items[0].queue_german == "Antrag prüfen"


def test_a_reviewed_application_is_never_offered_for_approval_to_its_reviewer_or_applicant(world: World) -> None:
    story = world.story

    with world.projector.db.transaction() as cursor:
        for_aylin = WorkQueues.to_approve(cursor, story.aylin.user_id)
        for_jonas = WorkQueues.to_approve(cursor, story.jonas.user_id)  # reviewed Trabzon
        for_petra = WorkQueues.to_approve(cursor, story.petra.user_id)  # entered Trabzon, proposed Buffalo's change

    assert [(i.queue, i.file_number) for i in for_aylin] == [("amendment", "IB-2026-0008"), ("approve", "IB-2026-0006")]
    assert for_aylin[1].review_passed is True
    assert [(i.queue, i.file_number) for i in for_jonas] == [("amendment", "IB-2026-0008")]
    assert for_petra == []


def test_a_payment_is_never_offered_for_certification_to_whoever_requested_it(world: World) -> None:
    story = world.story

    with world.projector.db.transaction() as cursor:
        for_jonas = WorkQueues.to_certify(cursor, story.jonas.user_id)
        for_petra = WorkQueues.to_certify(cursor, story.petra.user_id)  # requested it

    assert [(i.item_id, i.file_number, i.amount) for i in for_jonas] == [
        (story.kumasi_payment, "IB-2026-0007", Money("1000.00"))]
    assert for_petra == []


def test_a_payment_is_never_offered_for_release_to_whoever_certified_or_requested_it(world: World) -> None:
    story = world.story

    with world.projector.db.transaction() as cursor:
        for_stefan = WorkQueues.to_release(cursor, story.stefan.user_id)
        for_jonas = WorkQueues.to_release(cursor, story.jonas.user_id)  # certified it
        for_marie = WorkQueues.to_release(cursor, story.marie.user_id)  # requested it

    assert [(i.item_id, i.organisation_name) for i in for_stefan] == [
        (story.buffalo_payment, "Deutsch-Französische Gesellschaft Dortmund e.V.")]
    assert for_jonas == [] and for_marie == []


def test_finished_work_leaves_every_queue(world: World) -> None:
    story = world.story

    with world.projector.db.transaction() as cursor:
        counts = WorkQueues.counts(cursor, story.stefan.user_id)
        to_book = WorkQueues.to_book(cursor, story.stefan.user_id)

    assert counts == {"review": 1, "approve": 1, "amendment": 1, "certify": 1, "release": 1, "book": 0}
    assert to_book == []
