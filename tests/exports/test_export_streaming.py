"""Large exports stream: the finance workbook is written in write-only mode, row by row, so the memory it
takes does not grow with the number of grants and journal lines."""

from __future__ import annotations

import gc
import tracemalloc
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from uuid import uuid4

import openpyxl
import pytest

from domain.money import Money
from exports.finance_report import Coordinates, FinanceFilter, GrantYear, ProgrammeYear
from exports.finance_workbook import write_finance_workbook
from projections.export_queries import Movement
from projections.grant_files import GrantFileRow
from projections.journal import Balance
from projections.seal import ChainHead

COORDINATES = Coordinates("01.11.02", "531800", "1011000")
BALANCE = Balance.from_sums(
    {"appropriation": -500000, "budget_available": 200000, "committed": 100000, "requested": 50000, "paid": 150000}
)


def grant(number: int) -> GrantFileRow:
    return GrantFileRow(
        grant_id=uuid4(),
        file_number=f"IB-2026-{number:06d}",
        title=f"Begegnung Nr. {number}",
        purpose="Austausch",
        programme_id=uuid4(),
        programme_code="IB-VEREINE",
        programme_title="Vereine",
        organisation_id=uuid4(),
        organisation_name=f"Verein {number} e.V.",
        project_id=None,
        project_code="",
        partner_city="Leeds",
        financing_type="fixed",
        status="approved",
        applied_on=date(2026, 1, 5),
        period_start=date(2026, 3, 1),
        period_end=date(2026, 9, 30),
        applied=Money("1500.00"),
        approved=Money("1500.00"),
        rate=None,
        maximum=None,
        rule_set_version="R-1",
        decided_on=date(2026, 2, 1),
        proof_due=date(2027, 3, 31),
        proof_submitted_on=None,
        proof_reviewed_on=None,
        determined_on=None,
        final_amount=None,
        revoked_on=None,
        closed_on=None,
        last_position=number,
    )


@dataclass
class SyntheticReport:
    """Stands in for a FinanceReport: the same questions, answered by generators of ``rows`` rows."""

    rows: int
    filter: FinanceFilter = field(default_factory=FinanceFilter)
    generated_at: datetime = datetime(2026, 4, 1, 12, 0)
    generated_by: str = "Benchmark"
    head: ChainHead = field(default_factory=lambda: ChainHead(10**6, "ab" * 32))

    def programme_years(self) -> list[ProgrammeYear]:
        return [ProgrammeYear(2026, uuid4(), "IB-VEREINE", "Vereine", "city", COORDINATES, BALANCE)]

    def grant_years(self, progress: Any = None) -> Iterator[GrantYear]:
        for number in range(self.rows):
            yield GrantYear(2026, grant(number), COORDINATES, BALANCE)

    def movements(self, progress: Any = None) -> Iterator[Movement]:
        for number in range(self.rows):
            yield Movement(
                position=number,
                line=1,
                originator_id=uuid4(),
                originator_version=3,
                event="Grant.PaymentBooked",
                business_date=date(2026, 5, 1),
                fiscal_year=2026,
                debit="paid",
                credit="payable",
                amount=Money("1500.00"),
                programme_id=None,
                programme_code="IB-VEREINE",
                holder_id=None,
                holder_kind="grant",
                reference=f"IB-2026-{number:06d}",
                item_id=None,
                memo="Auszahlung",
            )

    def project_years(self) -> list[Any]:
        return []

    def by_partner_city(self, rows: list[Any]) -> list[Any]:
        return []

    def by_sdg(self, rows: list[Any]) -> list[Any]:
        return []

    def by_budget_line(self) -> list[Any]:
        return []

    def sdg_lines(self) -> list[Any]:
        return []

    def info(self) -> list[tuple[str, object]]:
        return [("Stand", self.head.stand)]


def peak_while_writing(rows: int, target: Path) -> int:
    """Peak memory (bytes allocated by Python) while writing the workbook to a file."""
    gc.collect()
    tracemalloc.start()
    try:
        write_finance_workbook(SyntheticReport(rows), target)  # type: ignore[arg-type]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak


@pytest.mark.slow  # writes two large workbooks to compare their peak memory
def test_memory_does_not_grow_with_the_number_of_rows(tmp_path):
    peak_while_writing(50, tmp_path / "warm.xlsx")  # first use: imports and caches
    small = peak_while_writing(100, tmp_path / "small.xlsx")
    large = peak_while_writing(1000, tmp_path / "large.xlsx")

    # Ten times the rows: a workbook held in memory would take about ten times as much (every cell an
    # object); streamed row by row, the peak stays where it was.
    assert large < small * 1.25, (small, large)
    workbook = openpyxl.load_workbook(tmp_path / "large.xlsx", read_only=True)
    assert sum(1 for _ in workbook["Zuwendungen"].iter_rows()) == 1000 + 3  # header, rows, blank, the year's total
    assert sum(1 for _ in workbook["Journal"].iter_rows()) == 1000 + 1
