"""The grant-file read model (Förderakte): terms, deadlines, receipts, proof and settlement per grant."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from domain.grant import Grant
from domain.money import Money
from foerderbuch.demo import organisation_id
from projections.grant_files import GrantFiles


def grant_file(store: Any, number: str) -> Any:
    with store.projector.db.transaction() as cursor:
        file = GrantFiles.grant(cursor, Grant.create_id(number))
    assert file is not None
    return file


def test_a_settled_grant_keeps_its_terms_deadline_proof_and_determination(demo):
    file = grant_file(demo, "IB-2025-001")
    row = file.row

    assert (row.status, row.approved, row.rate, row.maximum) == (
        "closed",
        Money("7000.00"),
        Decimal("0.70"),
        Money("7000.00"),
    )
    assert row.rule_set_version == "IB-Vereine-2025"
    assert row.proof_due == date(2026, 4, 30)  # period end 31.10.2025 plus six months
    assert (row.proof_submitted_on, row.proof_reviewed_on) == (date(2026, 1, 20), date(2026, 2, 5))
    assert row.final_amount == Money("6300.00") and row.closed_on == date(2026, 3, 3)
    assert file.determination is not None and file.determination.claim_amount == Money("700.00")
    assert file.reported_funding is not None and file.reported_funding.third_party_funds == Money("1500.00")


def test_spent_per_line_is_the_sum_of_its_receipts(demo):
    file = grant_file(demo, "IB-2025-001")

    for line in file.lines:
        assert line.spent == Money.sum(r.euro for r in file.receipts if r.budget_line == line.code and not r.reversed)
        assert line.reported == line.spent and line.recognised == line.spent


def test_an_extended_deadline_replaces_the_computed_one(demo):
    assert grant_file(demo, "AZUBI-2025-001").row.proof_due == date(2026, 3, 31)


def test_an_application_has_no_terms_yet(demo):
    row = grant_file(demo, "IB-2026-001").row

    assert row.status == "applied" and row.approved is None and row.proof_due is None and row.decided_on is None


def test_pages_are_in_file_number_order_and_can_be_narrowed_to_awarded_grants(demo):
    with demo.projector.db.transaction() as cursor:
        first = GrantFiles.page(cursor, limit=5)
        rest = GrantFiles.page(cursor, after=first[-1].file_number, limit=1000)
        awarded = GrantFiles.page(cursor, limit=1000, awarded_only=True)
        count = GrantFiles.count(cursor)

    numbers = [r.file_number for r in first + rest]
    assert numbers == sorted(numbers) and len(numbers) == count == 22
    assert all(r.approved is not None for r in awarded) and len(awarded) < count


def test_organisations_are_found_by_name_whatever_the_case_and_blanks(demo):
    with demo.projector.db.transaction() as cursor:
        found = GrantFiles.organisation_named(cursor, "  deutsch-französische   gesellschaft dortmund E.V. ")
        missing = GrantFiles.organisation_named(cursor, "Unbekannter Verein e.V.")

    assert found == organisation_id("dfg") and missing is None


def test_rebuilding_from_the_log_gives_the_same_files(demo_copy, open_store):
    store = open_store(demo_copy)
    numbers = ("IB-2025-001", "KEPOL-2026-001", "IB-2025-008", "AZUBI-2025-001")
    before = [grant_file(store, n) for n in numbers]

    store.projector.rebuild("grant_files")

    assert [grant_file(store, n) for n in numbers] == before
