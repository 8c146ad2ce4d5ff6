"""The exports and the import on PostgreSQL: the same SQL, the same figures as on SQLite."""

from __future__ import annotations

import io
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from export_support import EVIL_NAME, amount, cents, tell_evil_story
from test_export_import import APPLIED, APPROVED, BUDGET, fill, head, run

from exports.csv_tables import write_csv_tables
from exports.finance_report import FinanceFilter, FinanceReport
from exports.finance_workbook import write_finance_workbook
from exports.giving360 import GivingReport, write_360giving_json
from exports.proof_of_use import proof_of_use_report, write_proof_of_use
from foerderbuch.settings import Settings
from projections.programme_balances import ProgrammeBalances

pytestmark = pytest.mark.postgres
GENERATED = datetime(2026, 4, 2, 9, 0)


def test_every_export_reads_the_same_figures_on_postgresql(
    postgres_settings: Settings, open_store: Any, tmp_path: Path
):
    store = open_store(postgres_settings)
    tell_evil_story(store.office)
    store.projector.catch_up()

    with store.projector.db.transaction() as cursor:
        write_finance_workbook(FinanceReport(cursor, FinanceFilter(), GENERATED, "PG"), tmp_path / "f.xlsx")
        write_proof_of_use(proof_of_use_report(cursor, "=AZ-1", GENERATED, "PG"), tmp_path / "vn.xlsx")
        files = write_csv_tables(FinanceReport(cursor, FinanceFilter(), GENERATED, "PG"), tmp_path / "csv")
        package = io.StringIO()
        write_360giving_json(GivingReport.open(cursor, GENERATED), package)
        balances = ProgrammeBalances.years(cursor)

    overview = list(openpyxl.load_workbook(tmp_path / "f.xlsx")["Übersicht"].iter_rows(min_row=2, values_only=True))
    assert amount(overview[0][3]) == cents(balances[0].committed) == 6000
    grants = list(openpyxl.load_workbook(tmp_path / "f.xlsx")["Zuwendungen"].iter_rows(min_row=2, values_only=True))
    assert {row[3] for row in grants if row[0] and not str(row[1]).startswith("Summe")} == {EVIL_NAME, "+1+1"}
    assert len(files) == 8
    assert len(json.loads(package.getvalue())["grants"]) == 2


def test_an_import_on_postgresql_is_all_or_nothing_and_repeatable(
    postgres_settings: Settings, open_store: Any, tmp_path: Path
):
    store = open_store(postgres_settings)
    path = fill(tmp_path / "liste.xlsx", [BUDGET], [APPROVED, APPLIED])

    first = run(store, path)
    before = head(store)
    second = run(store, path)

    assert first.grants_applied == 2 and first.grants_approved == 1
    assert second.events == 0 and head(store) == before
