"""One row per grant, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

from ledger_story import TODAY, World

from domain.money import Money
from projections.grant_overview import GrantOverview


def test_every_grant_has_one_row_with_its_internal_and_german_status(world: World) -> None:
    story = world.story

    with world.projector.db.transaction() as cursor:
        rows = {row.grant_id: row for row in GrantOverview.grants(cursor, TODAY)}

    assert {story.app.grant(g).file_number: (rows[g].status, rows[g].status_german) for g in rows} == {
        "IB-2026-0001": ("approved", "Bewilligt"),
        "IB-2026-0002": ("approved", "Bewilligt"),
        "IB-2026-0003": ("rejected", "Abgelehnt"),
        "IB-2026-0004": ("withdrawn", "Zurückgezogen"),
        "IB-2026-0005": ("applied", "Antrag eingegangen"),
        "IB-2026-0006": ("reviewed", "Geprüft"),
        "IB-2026-0007": ("approved", "Bewilligt"),
        "IB-2026-0008": ("approved", "Bewilligt"),
        "IB-2026-0009": ("documents_requested", "Unterlagen angefordert"),
        "IB-2026-0010": ("closed", "Abgeschlossen"),
        "IB-2026-0011": ("revoked", "Widerrufen"),
    }


def test_a_grant_row_carries_its_amounts_and_names(world: World) -> None:
    story = world.story

    with world.projector.db.transaction() as cursor:
        amiens = GrantOverview.grant(cursor, story.amiens, TODAY)
        leeds = GrantOverview.grant(cursor, story.leeds, TODAY)
        kumasi = GrantOverview.grant(cursor, story.kumasi, TODAY)

    assert amiens is not None and leeds is not None and kumasi is not None
    assert (amiens.file_number, amiens.programme_code, amiens.organisation_name, amiens.partner_city) == (
        "IB-2026-0001",
        "IB-VEREINE",
        "Deutsch-Französische Gesellschaft Dortmund e.V.",
        "Amiens",
    )
    assert (amiens.applied, amiens.approved, amiens.requested, amiens.paid) == (
        Money("7000.00"),
        Money("7000.00"),
        Money("0.00"),
        Money("4800.10"),
    )
    assert amiens.decided_on == date(2026, 3, 1)
    assert amiens.last_activity == date(2026, 6, 30)  # the return's value date
    assert (leeds.approved, leeds.paid, leeds.amendment_pending) == (Money("4500.00"), Money("1500.00"), False)
    assert (kumasi.requested, kumasi.paid, kumasi.open_amount) == (Money("1000.00"), Money("800.00"), Money("2200.00"))
    assert kumasi.project_id == story.schoko


def test_a_finally_determined_grant_shows_its_final_amount_and_claims(world: World) -> None:
    story = world.story

    with world.projector.db.transaction() as cursor:
        schytomyr = GrantOverview.grant(cursor, story.schytomyr, TODAY)
        cluj = GrantOverview.grant(cursor, story.cluj, TODAY)

    assert schytomyr is not None and cluj is not None
    # Paid 3,000, spent 2,200: 800 claimed, 497.19 repaid (2.81 went to interest), the rest written off.
    assert (schytomyr.final_amount, schytomyr.paid, schytomyr.claimed, schytomyr.repaid, schytomyr.open_claims) == (
        Money("2200.00"),
        Money("3000.00"),
        Money("800.00"),
        Money("497.19"),
        Money.zero(),
    )
    assert (schytomyr.next_deadline, schytomyr.last_activity) == (None, date(2027, 1, 20))
    # Revoked down to 400 after 1,000 were paid: 600 claimed and open; no proof of use is chased any more.
    assert (cluj.final_amount, cluj.claimed, cluj.open_claims, cluj.next_deadline) == (
        Money("400.00"),
        Money("600.00"),
        Money("600.00"),
        None,
    )


def test_rows_agree_with_the_grant_aggregates(world: World) -> None:
    with world.projector.db.transaction() as cursor:
        rows = GrantOverview.grants(cursor, TODAY)

    for row in rows:
        grant = world.app.grant(row.grant_id)
        assert (row.status, row.approved, row.paid) == (grant.status, grant.approved_amount, grant.paid)
        assert row.requested == grant.committed_payments - grant.paid


def test_an_open_request_for_documents_is_the_next_deadline_and_overdue_after_it(world: World) -> None:
    story = world.story

    with world.projector.db.transaction() as cursor:
        before = GrantOverview.grant(cursor, story.netanya, date(2026, 4, 20))
        after = GrantOverview.grant(cursor, story.netanya, date(2026, 4, 21))
        amiens = GrantOverview.grant(cursor, story.amiens, TODAY)

    assert before is not None and after is not None and amiens is not None
    assert (before.next_deadline, before.next_deadline_german, before.overdue) == (
        date(2026, 4, 20),
        "Unterlagen nachreichen",
        False,
    )
    assert after.overdue is True
    # Its documents came in; next is the proof of use, six months after the period (NRW rules).
    assert (amiens.next_deadline, amiens.next_deadline_text, amiens.overdue) == (
        date(2027, 4, 30),
        "Verwendungsnachweis einreichen",
        False,
    )


def test_an_approved_grant_owes_interim_proofs_for_each_year_end_and_the_proof_of_use(world: World) -> None:
    with world.projector.db.transaction() as cursor:
        due = GrantOverview.proofs_due(cursor, date(2027, 5, 1), within_days=0)
        leeds = GrantOverview.grant(cursor, world.story.leeds, date(2027, 5, 1))

    assert leeds is not None
    assert (leeds.next_deadline, leeds.next_deadline_german, leeds.overdue) == (
        date(2027, 4, 30),
        "Zwischennachweis",
        True,
    )
    files = {world.app.grant(d.grant_id).file_number: (d.text, d.due, overdue) for d, overdue in due}
    assert files == {
        "IB-2026-0001": ("Verwendungsnachweis einreichen", date(2027, 4, 30), True),
        "IB-2026-0002": ("Zwischennachweis 2026 einreichen", date(2027, 4, 30), True),
        "IB-2026-0007": ("Verwendungsnachweis einreichen", date(2027, 4, 30), True),
        "IB-2026-0008": ("Verwendungsnachweis einreichen", date(2027, 4, 30), True),
    }


def test_rows_can_be_filtered_by_organisation_programme_and_status(world: World) -> None:
    story = world.story

    with world.projector.db.transaction() as cursor:
        dfg = GrantOverview.grants(cursor, TODAY, organisation_id=story.dfg)
        skew = GrantOverview.grants(cursor, TODAY, programme_id=story.skew)
        approved = GrantOverview.grants(cursor, TODAY, status="approved")

    assert sorted(r.file_number for r in dfg) == ["IB-2026-0001", "IB-2026-0004", "IB-2026-0008", "IB-2026-0010"]
    assert sorted(r.file_number for r in skew) == ["IB-2026-0007", "IB-2026-0011"]
    assert len(approved) == 4
