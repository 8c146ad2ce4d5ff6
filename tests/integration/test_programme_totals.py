"""A Programme keeps running totals, not every holder's commitment — and stores written before that
still load to the same state.

``tests/fixtures/store-0.2-programme-snapshot.jsonl`` holds the stored events and snapshots of a store
written by the code of main at 99fdf80 (the release before running totals): a programme with a
budget of 20.000 € for 2026, two grants approved at 1.000 € (one amended to 900 €) and a city project
that drew 60 × 10 €. Its snapshot at version 50 still has the per-holder map ``commitments``; fourteen
events follow it. The store was written by a script that ran those commands with integration_support
(register_staff, open_programme, apply_and_review with fixed_plan, approve_grant, propose/approve_amendment,
start_project, draw_project_budget) and then copied ``stored_events`` and ``stored_snapshots`` row by row.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from uuid import UUID

import pytest
from eventsourcing.persistence import StoredEvent

from domain.application import FundingOffice
from domain.dates import FiscalYear
from domain.errors import OverBudgetError
from domain.money import Money
from domain.programme import Programme
from foerderbuch.settings import Settings
from foerderbuch.wiring import create_office
from tests.commitments import commitment_of

from .integration_support import YEAR, fold, open_programme, register_association, register_staff, today

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "store-0.2-programme-snapshot.jsonl"
COMMITTED = Money("2500.00")  # 1.000 + 900 + 60 × 10


def _stored(row: dict[str, object]) -> StoredEvent:
    return StoredEvent(
        originator_id=UUID(str(row["originator_id"])),
        originator_version=int(str(row["originator_version"])),
        topic=str(row["topic"]),
        state=str(row["state"]).encode("utf-8"),
    )


@pytest.fixture
def old_office(backend: Settings) -> Iterator[FundingOffice]:
    office = create_office(backend, today=today)
    rows = [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines() if line.strip()]
    for row in rows:
        if row["table"] == "stored_events":
            office.recorder.insert_events([_stored(row)])
    assert office.snapshots is not None
    office.snapshots.recorder.insert_events([_stored(row) for row in rows if row["table"] == "stored_snapshots"])
    yield office
    office.close()


def _programme_id(office: FundingOffice) -> UUID:
    return office.programme_by_code("IB-VEREINE").id


def test_an_old_snapshot_with_every_commitment_loads_to_the_totals_the_events_give(old_office: FundingOffice) -> None:
    programme_id = _programme_id(old_office)
    assert old_office.snapshots is not None
    [snapshot] = old_office.snapshots.recorder.select_events(programme_id)
    assert b'"commitments"' in snapshot.state and snapshot.originator_version == 50

    loaded = old_office.programme(programme_id)
    replayed = fold(old_office.events.get(programme_id))
    assert isinstance(replayed, Programme)
    assert loaded.version == replayed.version == 64
    assert loaded.committed(YEAR) == replayed.committed(YEAR) == COMMITTED
    assert loaded.available(YEAR) == Money("17500.00")
    assert loaded.committed_totals == replayed.committed_totals == {"2026": COMMITTED}
    assert "commitments" not in vars(loaded)


def test_an_old_programme_still_holds_its_budget_to_the_cent(old_office: FundingOffice) -> None:
    programme_id = _programme_id(old_office)
    admin = old_office.actor_for(old_office.user_by_email("admin@dortmund.de").id, "admin")
    project_id = _project(old_office, programme_id)
    with pytest.raises(OverBudgetError, match=r"verfügbar 17\.500,00 €, benötigt 17\.500,01 €"):
        old_office.draw_project_budget(project_id, programme_id, YEAR, Money("17500.01"), "zu viel", admin)
    old_office.draw_project_budget(project_id, programme_id, YEAR, Money("17500.00"), "der Rest", admin)

    programme = old_office.programme(programme_id)
    assert (programme.committed(YEAR), programme.available(YEAR)) == (Money("20000.00"), Money.zero())
    assert commitment_of(old_office, programme_id, project_id, YEAR) == Money("18100.00")


def test_an_old_grant_amended_again_adjusts_the_total_by_the_difference(old_office: FundingOffice) -> None:
    programme_id = _programme_id(old_office)
    officer = old_office.actor_for(old_office.user_by_email("officer@dortmund.de").id, "officer")
    approver = old_office.actor_for(old_office.user_by_email("approver@dortmund.de").id, "approver")
    amended = next(
        g for g in _grants(old_office, programme_id) if old_office.grant(g).approved_amount == Money("900.00")
    )

    old_office.propose_amendment(amended, Money("800.00"), "Noch weniger Teilnehmende", officer)
    old_office.approve_amendment(amended, approver)

    assert old_office.programme(programme_id).committed(YEAR) == COMMITTED - Money("100.00")
    assert commitment_of(old_office, programme_id, amended, YEAR) == Money("800.00")


def _grants(office: FundingOffice, programme_id: UUID) -> set[UUID]:
    return {
        e.holder_id
        for e in office.events.get(programme_id)
        if isinstance(e, Programme.FundsCommitted) and e.holder_id != _project(office, programme_id)
    }


def _project(office: FundingOffice, programme_id: UUID) -> UUID:
    held = [e.holder_id for e in office.events.get(programme_id) if isinstance(e, Programme.FundsCommitted)]
    return max(set(held), key=held.count)  # the project drew sixty times


def test_a_programme_with_thousands_of_commitments_keeps_one_total_per_year(sqlite_settings: Settings) -> None:
    """The state (and so every snapshot) does not grow with the commitments; the cap holds exactly."""
    office = create_office(sqlite_settings, today=today)
    try:
        staff = register_staff(office)
        programme_id = open_programme(office, staff, budget=Money("3000.00"))
        register_association(office, staff)
        programme = office.programme(programme_id)
        approver = staff.actor(office, "approver")
        for n in range(2999):
            programme.commit(UUID(int=n + 1), {FiscalYear(2026): Money("1.00")}, approver)
        office.save(programme)
        programme = office.programme(programme_id)
        assert programme.committed(YEAR) == Money("2999.00")
        assert programme.committed_totals == {"2026": Money("2999.00")}
        assert office.snapshots is not None
        sizes = [len(s.state) for s in office.snapshots.recorder.select_events(programme_id)]
        assert sizes and max(sizes) < 3000  # a snapshot the size of a programme with one commitment
        with pytest.raises(OverBudgetError):
            programme.commit(UUID(int=5000), {YEAR: Money("1.01")}, approver)
        programme.commit(UUID(int=5000), {YEAR: Money("1.00")}, approver)
        assert programme.available(YEAR) == Money.zero()
    finally:
        office.close()
