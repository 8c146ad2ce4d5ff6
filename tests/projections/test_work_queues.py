"""Work queues with the four-eyes exclusions, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from business_clock import booking_day
from ledger_story import SUMMER, World, need, plan, tell

from domain.application import FundingOffice
from domain.money import Money
from foerderbuch.settings import Settings
from projections.engine import Projector
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
        (story.kumasi_payment, "IB-2026-0007", Money("1000.00"))
    ]
    assert for_petra == []


def test_a_payment_is_never_offered_for_release_to_whoever_certified_or_requested_it(world: World) -> None:
    story = world.story

    with world.projector.db.transaction() as cursor:
        for_stefan = WorkQueues.to_release(cursor, story.stefan.user_id)
        for_jonas = WorkQueues.to_release(cursor, story.jonas.user_id)  # certified it
        for_marie = WorkQueues.to_release(cursor, story.marie.user_id)  # requested it

    assert [(i.item_id, i.organisation_name) for i in for_stefan] == [
        (story.buffalo_payment, "Deutsch-Französische Gesellschaft Dortmund e.V.")
    ]
    assert for_jonas == [] and for_marie == []


def test_finished_work_leaves_every_queue(world: World) -> None:
    story = world.story

    with world.projector.db.transaction() as cursor:
        counts = WorkQueues.counts(cursor, story.stefan.user_id)
        to_book = WorkQueues.to_book(cursor, story.stefan.user_id)

    assert counts == {
        "review": 1,
        "approve": 1,
        "amendment": 1,
        "certify": 1,
        "release": 1,
        "book": 0,
        "proof": 0,
        "determine": 0,
        "relief": 0,
        "claim": 1,
        "revocation": 0,
        "overdue": 0,
    }
    assert to_book == []


def test_open_claims_wait_until_they_are_settled(world: World) -> None:
    story = world.story

    with world.projector.db.transaction() as cursor:
        claims = WorkQueues.open_claims(cursor, story.stefan.user_id)

    assert [(c.item_id, c.file_number, c.amount, c.since, c.detail) for c in claims] == [
        (story.cluj_claim, "IB-2026-0011", Money("600.00"), date(2026, 5, 15), "Projekt nicht durchgeführt")
    ]


def test_proofs_final_amounts_and_reliefs_are_never_offered_to_whoever_prepared_them(
    fresh_settings: Settings, services: Callable[..., tuple[FundingOffice, Projector]]
) -> None:
    app, projector = services(fresh_settings)
    story = tell(app)
    marie, petra, jonas, aylin, stefan = story.marie, story.petra, story.jonas, story.aylin, story.stefan
    grant = app.apply_for_grant(
        story.vereinsarbeit,
        story.dfg,
        "Chorreise",
        "Konzert",
        "Amiens",
        SUMMER,
        "fixed",
        plan("1000.00"),
        marie,
        on=date(2026, 2, 1),
        file_number="IB-2026-0099",
    )
    app.review_application(grant, True, True, "ok", petra, on=date(2026, 2, 2))
    app.approve_grant(grant, Money("1000.00"), aylin, on=date(2026, 2, 3))
    payment = app.request_payment(grant, need(date(2026, 3, 15), "1000.00"), "Reise", marie, on=date(2026, 3, 1))
    app.certify_payment(grant, payment, petra, on=date(2026, 3, 2))
    app.release_payment(grant, payment, stefan, on=date(2026, 3, 3))
    app.book_payment(grant, payment, date(2026, 3, 4), story.nina)
    app.report_expense(grant, "travel", date(2026, 5, 1), "Bahn", "Fahrkarten", Money("800.00"), "R-9", marie)

    def queue(ask: Callable[..., list[object]], user: object) -> list[object]:
        projector.catch_up()
        with projector.db.transaction() as cursor:
            return [item.grant_id for item in ask(cursor, user.user_id)]  # type: ignore[attr-defined]

    # Petra submits the proof for the association: she may not review it, Jonas may.
    app.submit_proof_of_use(
        grant, "Konzert gegeben.", Money("250.00"), Money.zero(), Money.zero(), petra, on=date(2026, 11, 2)
    )
    assert queue(WorkQueues.proofs_to_review, petra) == []
    assert queue(WorkQueues.proofs_to_review, jonas) == [grant]

    # Jonas reviews it: neither he nor Petra may determine the final amount, Aylin may.
    app.review_proof_of_use(
        grant, {"travel": Money("600.00")}, {"travel": "Quittungen fehlen"}, "Gekürzt.", jonas, on=date(2026, 11, 3)
    )
    assert queue(WorkQueues.proofs_to_review, jonas) == []
    assert queue(WorkQueues.to_determine, jonas) == [] and queue(WorkQueues.to_determine, petra) == []
    assert queue(WorkQueues.to_determine, aylin) == [grant]

    # The final amount of 600 leaves a claim of 400; Petra proposes a deferral, Aylin decides it.
    claim = app.determine_final_amount(grant, aylin, on=date(2026, 11, 4))
    assert claim is not None
    app.propose_claim_relief(claim, "deferral", "Vereinskasse leer", petra, until=date(2027, 3, 1))
    assert queue(WorkQueues.to_determine, aylin) == []
    assert grant in queue(WorkQueues.open_claims, stefan)
    assert queue(WorkQueues.reliefs_to_decide, petra) == []
    assert queue(WorkQueues.reliefs_to_decide, aylin) == [grant]

    app.decide_claim_relief(claim, True, "Stundung bis März", aylin, on=date(2026, 11, 5))
    with booking_day(app, date(2026, 12, 1)):
        app.receive_repayment(
            claim, app.claim(claim).amount_due(date(2026, 12, 1), app.base_rates()), date(2026, 12, 1), story.nina
        )
    assert queue(WorkQueues.reliefs_to_decide, aylin) == []
    assert grant not in queue(WorkQueues.open_claims, stefan)


def test_a_payment_is_never_offered_for_booking_to_whoever_ordered_it(
    fresh_settings: Settings, services: Callable[..., tuple[FundingOffice, Projector]]
) -> None:
    """§ 31 (3) KomHVO NRW: the Stadtkasse books; whoever requested, certified or released the payment does not."""
    app, projector = services(fresh_settings)
    story = tell(app)
    app.release_payment(story.buffalo, story.buffalo_payment, story.stefan, on=date(2026, 3, 22))
    projector.catch_up()

    with projector.db.transaction() as cursor:
        for_nina = WorkQueues.to_book(cursor, story.nina.user_id)
        ordered_by = [
            WorkQueues.to_book(cursor, person.user_id)
            for person in (story.stefan, story.jonas, story.marie)  # released, certified, requested
        ]

    assert [(i.item_id, i.amount) for i in for_nina] == [(story.buffalo_payment, Money("1200.00"))]
    assert ordered_by == [[], [], []]


def test_a_prepared_revocation_waits_for_another_approver_until_it_is_decided(
    fresh_settings: Settings, services: Callable[..., tuple[FundingOffice, Projector]]
) -> None:
    """Prepared by one person, decided by another (§§ 48, 49 VwVfG NRW): the item names the one-year limit."""
    app, projector = services(fresh_settings)
    story = tell(app)
    petra, aylin, jonas = story.petra, story.aylin, story.jonas

    def waiting(user: object) -> list[tuple[str, str, Money, str]]:
        projector.catch_up()
        with projector.db.transaction() as cursor:
            items = WorkQueues.revocations_to_decide(cursor, user.user_id)  # type: ignore[attr-defined]
        return [(i.queue, i.file_number, i.amount, i.detail) for i in items]

    def prepare() -> None:
        app.propose_revocation(
            story.leeds,
            Money("0.00"),
            date(2026, 6, 1),
            date(2026, 6, 5),
            date(2026, 6, 12),
            "Zweck verfehlt",
            petra,
            on=date(2026, 6, 15),
        )

    prepare()
    assert waiting(petra) == []  # who prepared it does not decide it
    with projector.db.transaction() as cursor:
        file_number = WorkQueues._grant(cursor, story.leeds)["file_number"]
    expected = ("revocation", file_number, Money("0.00"), "verbleibend 0,00 €, Jahresfrist bis 07.06.2027")
    assert waiting(aylin) == [expected]
    assert waiting(jonas) == [expected]  # the queue offers it; the role check is the web's and the domain's

    app.decide_revocation(story.leeds, False, "Anhörung überzeugt", aylin, on=date(2026, 6, 20))
    assert waiting(aylin) == []

    prepare()
    assert waiting(aylin) == [expected]
    app.decide_revocation(story.leeds, True, "Zweck verfehlt", aylin, on=date(2026, 6, 22))
    assert waiting(aylin) == []
