"""The finance workbook: Übersicht, Zuwendungen, Journal, Projekte and Info, streamed in write-only mode.

``Übersicht`` has one row per programme, fiscal year and posting coordinates with a totals row of
SUM formulas and a bar chart (budget, approved, paid per programme) that stays live in Excel;
``Zuwendungen`` one row per grant and fiscal year with the columns of the reference (section 16);
``Journal`` every money movement with the event it came from; ``Projekte`` the city projects with
sums by partner city, SDG and budget line; ``Info`` who made the workbook when, the filters, and the
chain head ("Stand") the figures are pinned to, so the workbook itself proves which log it shows.

Rows are written as they are read (openpyxl's write-only mode), so memory does not grow with the
number of grants or journal lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO, Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.data_source import AxDataSource, StrRef
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook

from exports.cells import (
    EURO,
    HEADER_BORDER,
    HEADER_FILL,
    HEADER_FONT,
    MONEY,
    PAPER_A4,
    SECTION_FONT,
    WRAP,
    Column,
    TableSheet,
    blank_row,
    styled,
    text_cell,
    value_cell,
)
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
    budget_line_values,
    grant_values,
    movement_values,
    overview_values,
    project_values,
    spending_values,
)

# Columns of the Zuwendungen sheet whose sum means something (amounts of the year, not repeated totals).
GRANT_SUMS = tuple(
    GRANTS.index(heading)
    for heading in (
        "Bewilligt",
        "Gebunden, nicht abgerufen",
        "Abgerufen, nicht ausgezahlt",
        "Ausgezahlt",
        "Verwendung anerkannt",
        "Rückforderung festgesetzt",
        "Zurückgezahlt",
        "Zinsen eingegangen",
        "Rest: Bewilligt − Ausgezahlt",
        "Rest: Ausgezahlt − anerkannt",
        "Über Plansumme, nicht zuwendungsfähig",
    )
)
CHART_SERIES = ("Ansatz", "Bewilligt", "Ausgezahlt")


def write_finance_workbook(report: FinanceReport, target: str | IO[bytes], progress: Progress | None = None) -> None:
    """Writes the finance workbook for the report's filter to a path or a binary stream."""
    workbook = Workbook(write_only=True)
    _properties(workbook, report)
    stand = report.head.stand
    _overview(workbook, report, stand)
    _grants(workbook, report, stand, progress)
    _journal(workbook, report, stand, progress)
    _projects(workbook, report, stand)
    _info(workbook, report)
    workbook.save(target)


def _properties(workbook: Workbook, report: FinanceReport) -> None:
    props = workbook.properties
    props.title = f"Förderbuch – Finanzbericht {report.filter.years_german}"
    props.subject = "Zuwendungen des Büros für Internationale Beziehungen der Stadt Dortmund"
    props.creator = "Förderbuch"
    props.lastModifiedBy = report.generated_by
    props.description = f"{report.head.stand} ({report.head.hash})"
    props.keywords = "Förderbuch; Zuwendungen; Haushalt; Finanzbericht"
    props.category = "Finanzbericht"
    props.created = props.modified = report.generated_at.replace(tzinfo=None, microsecond=0)


def _overview(workbook: Workbook, report: FinanceReport, stand: str) -> None:
    sheet = TableSheet(workbook, OVERVIEW.sheet, OVERVIEW.columns, freeze="C2", print_footer=stand)
    rows = report.programme_years()
    for row in rows:
        sheet.append(overview_values(row))
    sheet.finish()
    totals_row = sheet.append_totals("Summe")
    if rows:
        chart = BarChart()
        chart.type = "col"
        chart.grouping = "clustered"
        chart.title = "Ansatz, Bewilligt und Ausgezahlt je Programm"
        chart.y_axis.title = "Euro"
        chart.y_axis.numFmt = "#,##0"
        chart.height, chart.width = 9, 24
        for heading in CHART_SERIES:
            column = OVERVIEW.index(heading) + 1
            chart.add_data(Reference(sheet.ws, min_col=column, min_row=1, max_row=len(rows) + 1), titles_from_data=True)
        programmes = Reference(sheet.ws, min_col=OVERVIEW.index("Programm") + 1, min_row=2, max_row=len(rows) + 1)
        for series in chart.series:  # programme codes are text: a string reference shows them as labels
            series.cat = AxDataSource(strRef=StrRef(f=str(programmes)))
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        sheet.ws.add_chart(chart, f"B{totals_row + 3}")


def _grants(workbook: Workbook, report: FinanceReport, stand: str, progress: Progress | None) -> None:
    sheet = TableSheet(workbook, GRANTS.sheet, GRANTS.columns, freeze="C2", print_footer=stand)
    for row in report.grant_years(progress):
        sheet.append(grant_values(row))
    sheet.finish()
    _totals(sheet, GRANT_SUMS)


def _journal(workbook: Workbook, report: FinanceReport, stand: str, progress: Progress | None) -> None:
    sheet = TableSheet(workbook, JOURNAL.sheet, JOURNAL.columns, freeze="B2", print_footer=stand)
    for movement in report.movements(progress):
        sheet.append(movement_values(movement))
    sheet.finish()


def _projects(workbook: Workbook, report: FinanceReport, stand: str) -> None:
    sheet = TableSheet(workbook, PROJECTS.sheet, PROJECTS.columns, freeze="C2", print_footer=stand)
    rows = report.project_years()
    for row in rows:
        sheet.append(project_values(row))
    sheet.finish()
    sheet.append_totals("Summe")
    ws = sheet.ws
    for title, table, values in (
        ("Nach Partnerstadt", PARTNER_CITIES, [spending_values(s) for s in report.by_partner_city(rows)]),
        (
            "Nach SDG (ein Projekt zählt unter jedem seiner SDGs voll)",
            SDGS,
            [spending_values(s) for s in report.by_sdg(rows)],
        ),
        (
            "Ausgaben nach Kostenposition (ohne Stichtag, alle Programme)",
            BUDGET_LINES,
            [budget_line_values(year, line) for year, line in report.by_budget_line()],
        ),
    ):
        blank_row(ws)
        blank_row(ws)
        ws.append([styled(text_cell(ws, title), SECTION_FONT)])
        _section(ws, table.columns, values)


def _section(ws: Any, columns: Sequence[Column], rows: list[list[Any]]) -> None:
    ws.append([styled(text_cell(ws, c.heading), HEADER_FONT, HEADER_BORDER, HEADER_FILL) for c in columns])
    for values in rows:
        ws.append([value_cell(ws, value, column.kind) for value, column in zip(values, columns, strict=True)])


def _totals(sheet: TableSheet, indices: Sequence[int]) -> None:
    """A totals row summing only the given columns (others stay empty)."""
    ws = sheet.ws
    wanted = set(indices)
    cells: list[Any] = []
    for index, column in enumerate(sheet.columns):
        if index in wanted and column.kind == MONEY:
            letter = get_column_letter(index + 1)
            formula = f"=SUM({letter}2:{letter}{sheet.rows + 1})" if sheet.rows else "=0"
            cell = WriteOnlyCell(ws, value=formula)
            cell.number_format = EURO
            cells.append(styled(cell, HEADER_FONT, HEADER_BORDER))
        elif index == 1:
            cells.append(styled(text_cell(ws, "Summe"), HEADER_FONT))
        else:
            cells.append(None)
    ws.append(cells)


def _info(workbook: Workbook, report: FinanceReport) -> None:
    ws = workbook.create_sheet(INFO.sheet)
    for index, column in enumerate(INFO.columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.page_setup.orientation = "portrait"
    ws.page_setup.paperSize = PAPER_A4
    ws.append([styled(text_cell(ws, "Förderbuch – Finanzbericht"), SECTION_FONT)])
    blank_row(ws)
    for label, value in report.info():
        ws.append([styled(text_cell(ws, label), HEADER_FONT), _info_cell(ws, value)])
    blank_row(ws)
    ws.append([styled(text_cell(ws, "Begriffe"), SECTION_FONT)])
    for label, text in DEFINITIONS:
        cell = text_cell(ws, text)
        cell.alignment = WRAP
        ws.append([styled(text_cell(ws, label), HEADER_FONT), cell])


def _info_cell(ws: Any, value: object) -> Any:
    cell = value_cell(ws, value)
    if isinstance(value, int) and not isinstance(value, bool):
        cell.number_format = "0"
    return cell
