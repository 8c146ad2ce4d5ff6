"""The finance workbook's tables as CSV files: semicolon-separated, UTF-8 with BOM, German decimal comma.

One file per table (``uebersicht.csv``, ``zuwendungen.csv``, ``journal.csv``, ``projekte*.csv``,
``info.csv``) with the same headings and rows as the workbook; the totals rows are left out, since a
CSV cannot hold a formula and its readers sum for themselves. Amounts are written as ``1234,56``
(no thousands separator, so every reader parses them), rates as ``0,7``, dates as ``31.12.2026``.
A German Excel opens the files with a double click; Python reads them back with
``csv.reader(f, delimiter=";")`` after opening with ``encoding="utf-8-sig"``.

Text that could run as a formula gets a leading apostrophe (see ``cells.csv_text``). Codes that look like
numbers or dates (Produkt ``01.11.02``, Sachkonto, Kostenstelle, file numbers) are written as
``="01.11.02"``, so a spreadsheet opened by double-click keeps them as text (``cells.csv_code``).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from domain.money import Money
from exports.cells import CODE, TEXT, csv_code, csv_text
from exports.finance_report import DEFINITIONS, FinanceReport, Progress
from exports.tables import (
    BUDGET_LINES,
    GRANTS,
    INFO,
    JOURNAL,
    OVERVIEW,
    PARTNER_CITIES,
    PROJECTS,
    SDGS,
    Table,
    budget_line_values,
    grant_values,
    movement_values,
    overview_values,
    project_values,
    spending_values,
)


def german(value: Any, kind: str = TEXT) -> str:
    """One value as CSV text in German conventions (a code column's text as ``csv_code`` writes it)."""
    if value is None:
        return ""
    if kind == CODE and isinstance(value, str):
        return csv_code(value)
    if isinstance(value, Money):
        value = value.amount
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", ",")
    if isinstance(value, datetime):
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        raise TypeError("Gleitkommazahlen werden nicht in CSV-Dateien geschrieben")
    return csv_text(str(value))


def write_table(path: Path, table: Table, rows: Iterable[list[Any]]) -> int:
    """Writes one table; returns the number of data rows."""
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow(table.headings)
        for values in rows:
            writer.writerow([german(value, column.kind) for value, column in zip(values, table.columns, strict=True)])
            count += 1
    return count


def write_csv_tables(report: FinanceReport, directory: str | Path, progress: Progress | None = None) -> list[Path]:
    """Writes every table of the finance report into ``directory`` (created if need be); returns the files."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    projects = report.project_years()
    tables: list[tuple[Table, Iterable[list[Any]]]] = [
        (OVERVIEW, (overview_values(row) for row in report.programme_years())),
        (GRANTS, (grant_values(row) for row in report.grant_years(progress))),
        (JOURNAL, (movement_values(m) for m in report.movements(progress))),
        (PROJECTS, (project_values(row) for row in projects)),
        (PARTNER_CITIES, (spending_values(s) for s in report.by_partner_city(projects))),
        (SDGS, (spending_values(s) for s in report.by_sdg(projects))),
        (BUDGET_LINES, (budget_line_values(year, line) for year, line in report.by_budget_line())),
        (INFO, ([label, value] for label, value in [*report.info(), *DEFINITIONS])),
    ]
    written = []
    for table, rows in tables:
        path = folder / f"{table.file}.csv"
        write_table(path, table, rows)
        written.append(path)
    return written
