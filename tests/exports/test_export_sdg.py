"""The SDG report (Voluntary Local Review): its totals equal the journal's, on the page and on the
finance workbook's sheet ``SDG``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import openpyxl
import pytest
from export_support import amount, cents

from exports.finance_report import FinanceFilter, FinanceReport
from exports.finance_workbook import write_finance_workbook
from exports.sdg_report import SdgReport, by_partner_city, by_sdg, total
from projections.journal import Journal
from projections.programme_balances import ProgrammeBalances
from projections.project_spending import ProjectSpending

GENERATED = datetime(2026, 3, 31, 9, 0)


@pytest.fixture(scope="module")
def lines(demo: Any) -> Any:
    with demo.projector.db.transaction() as cursor:
        report = SdgReport.open(cursor)
        assert report is not None
        return report.lines()


def test_the_grand_total_equals_the_journal_of_every_programme(lines, demo):
    with demo.projector.db.transaction() as cursor:
        balances = ProgrammeBalances.years(cursor)

    assert cents(total(lines).committed) == sum(cents(b.committed) for b in balances)
    assert cents(total(lines).paid) == sum(cents(b.paid) for b in balances)


def test_each_sdg_sums_the_journal_of_the_projects_serving_it_and_their_grants(lines, demo):
    sums = {s.key.split(" – ")[0]: s for s in by_sdg(lines)}
    with demo.projector.db.transaction() as cursor:
        projects = ProjectSpending.projects(cursor)
        chocolate = next(p for p in projects if p.code == "FAIRE-SCHOKOLADE")
        own = Journal.balance(cursor, holder_id=chocolate.project_id)
    grants_paid = cents(chocolate.grants_paid)

    # Faire Stadtschokolade serves SDGs 12 and 17, and is the only project serving them
    assert cents(sums["SDG 12"].paid) == cents(own.paid) + grants_paid
    assert sums["SDG 12"].paid == sums["SDG 17"].paid
    assert "ohne SDG-Zuordnung" in {s.key for s in by_sdg(lines)}


def test_partner_cities_add_up_to_the_grand_total(lines):
    cities = by_partner_city(lines)

    assert sum(cents(s.paid) for s in cities) == cents(total(lines).paid)
    assert "Kumasi" in {s.key for s in cities}


def test_the_workbook_sheet_shows_the_same_figures(lines, demo, tmp_path):
    path = tmp_path / "finanz.xlsx"
    with demo.projector.db.transaction() as cursor:
        write_finance_workbook(FinanceReport(cursor, FinanceFilter(), GENERATED, "Test"), path)
    ws = openpyxl.load_workbook(path)["SDG"]
    rows = {row[0]: row for row in ws.iter_rows(values_only=True) if row[0]}

    for s in by_sdg(lines):
        assert amount(rows[s.key][1]) == cents(s.committed) and amount(rows[s.key][2]) == cents(s.paid)
    assert openpyxl.load_workbook(path).sheetnames[-2:] == ["SDG", "Info"]
