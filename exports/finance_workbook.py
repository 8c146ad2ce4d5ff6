"""The finance workbook: Übersicht, the Zuwendungen sheets, Journal, Projekte, SDG and Info, streamed
in write-only mode.

``Übersicht`` has one row per programme and fiscal year with a subtotal row of SUM formulas per year and
a bar chart (budget, approved, paid per programme and year) that stays live in Excel, and
``Übersicht Abrechnung`` and ``Übersicht Haushalt`` beside it what came back and the posting
coordinates;
``Zuwendungen`` and the sheets after it (``Zuwendungen Bescheid``, ``… Haushalt``, ``… Abrechnung``,
``… Nachweis``, ``… Auflagen``, ``… Widerruf``) one row per grant and fiscal year with the columns of the
reference (section 16), split so that each sheet prints one A4 landscape page wide; ``Journal`` every
money movement, and ``Journal Herkunft`` beside it the event each came from; ``Projekte`` the city projects with
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
from openpyxl.chart.text import RichText
from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.properties import PageSetupProperties

from exports.cells import (
    EURO,
    HEADER_BORDER,
    HEADER_FILL,
    HEADER_FONT,
    INT,
    MONEY,
    PAPER_A4,
    SECTION_FONT,
    TEXT,
    TOP,
    TOTAL_BORDER,
    TOTAL_FONT,
    WRAP,
    Column,
    TableSheet,
    blank_row,
    styled,
    text_cell,
    text_lines,
    value_cell,
)
from exports.finance_report import DEFINITIONS, FinanceReport, Progress
from exports.sdg_report import by_partner_city, by_programme, by_sdg, by_year
from exports.sdg_report import total as sdg_total
from exports.tables import (
    BUDGET_LINES,
    GRANT_SPLIT,
    INFO,
    JOURNAL_SPLIT,
    OVERVIEW_SPLIT,
    PARTNER_CITIES,
    PROJECTS,
    SDGS,
    SplitTable,
    budget_line_values,
    grant_values,
    movement_values,
    overview_values,
    project_values,
    spending_values,
)

# Columns of the Zuwendungen sheets whose sum means something (amounts of the year, not repeated totals).
GRANT_SUMS = frozenset(
    (
        "Bewilligt",
        "Gebunden, nicht abgerufen",
        "Abgerufen, nicht ausgezahlt",
        "Ausgezahlt",
        "Verwendung anerkannt",
        "Rückforderung festgesetzt",
        "Zurückgezahlt",
        "Zinsen eingegangen",
        "Bindung aufgehoben",
        "Rest: Bewilligt − Ausgezahlt",
        "Rest: Ausgezahlt − anerkannt",
        "Über Plansumme, nicht zuwendungsfähig",
        "Festbetrag je Einheit: nicht erbracht",
        "Vor Maßnahmebeginn, nicht zuwendungsfähig",
        "Gegenstände über Wertgrenze",
        "Abgang vor Ende der Zweckbindung",
        "An Partner im Ausland überwiesen",
    )
)
CHART_SERIES = ("Ansatz", "Bewilligt", "Ausgezahlt")
INFO_VALUE = Alignment(wrap_text=True, vertical="top", horizontal="left")
CHART_TITLE = "Ansatz, Bewilligt und Ausgezahlt je Programm und Haushaltsjahr"


def write_finance_workbook(report: FinanceReport, target: str | IO[bytes], progress: Progress | None = None) -> None:
    """Writes the finance workbook for the report's filter to a path or a binary stream."""
    workbook = Workbook(write_only=True)
    _properties(workbook, report)
    stand = report.head.stand
    _overview(workbook, report, stand)
    _grants(workbook, report, stand, progress)
    _journal(workbook, report, stand, progress)
    _projects(workbook, report, stand)
    _sdg(workbook, report, stand)
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


def _sum_cell(ws: Any, formula: str) -> Any:
    cell = WriteOnlyCell(ws, value=formula)
    cell.number_format = EURO
    return styled(cell, TOTAL_FONT, TOTAL_BORDER)


def _overview(workbook: Workbook, report: FinanceReport, stand: str) -> None:
    """One row per programme and year on each of the Übersicht sheets (OVERVIEW_SPLIT), grouped by
    fiscal year, each year with its own subtotal row.

    The years are never added together, unless the filter asks for a grand total; the chart's
    categories are "Programm Jahr", from a small block of formulas under the first sheet's table that
    points at the rows above, so the chart follows any change in the table.
    """
    sheets = _split_sheets(workbook, OVERVIEW_SPLIT, stand)
    sheet, ws = sheets[0], sheets[0].ws
    rows = report.programme_years()
    subtotal_rows: list[int] = []
    data_rows: list[tuple[str, int]] = []  # (programme and year, sheet row)
    excel_row = 1
    years = sorted({row.fiscal_year for row in rows})
    for year in years:
        first = excel_row + 1
        for row in (r for r in rows if r.fiscal_year == year):
            for part, values in zip(sheets, OVERVIEW_SPLIT.split(overview_values(row)), strict=True):
                part.append(values)
            excel_row += 1
            data_rows.append((f"{row.code} {row.fiscal_year}", excel_row))
        for part in sheets:
            part.append_cells(_overview_subtotal(part, year, first, excel_row))
        excel_row += 1
        subtotal_rows.append(excel_row)
    for part in sheets:
        part.finish()
    if report.filter.all_years_total and len(years) > 1:
        for part in sheets:
            cells = [None, styled(text_cell(part.ws, f"Summe {years[0]}–{years[-1]}"), TOTAL_FONT, TOTAL_BORDER)]
            for index, kind in enumerate((c.kind for c in part.columns[2:]), start=2):
                letter = get_column_letter(index + 1)
                sums = "=" + "+".join(f"{letter}{r}" for r in subtotal_rows)
                cells.append(_sum_cell(part.ws, sums) if kind == MONEY else None)
            part.append_cells(cells)
        excel_row += 1
    if not data_rows:
        return
    # The chart's data: "Programm Jahr" and the three series as formulas pointing at the table, on a
    # page of their own, so the chart is never cut by a page break nor printed over the header row.
    ws.row_breaks.append(Break(id=excel_row))
    blank_row(ws)
    blank_row(ws)
    excel_row += 2
    ws.append([styled(text_cell(ws, CHART_TITLE), SECTION_FONT)])
    excel_row += 1
    header_row = excel_row + 1
    ws.append(
        [
            styled(text_cell(ws, heading), HEADER_FONT, HEADER_BORDER, HEADER_FILL)
            for heading in ("Programm Jahr", *CHART_SERIES)
        ]
    )
    for row_number, (label, source) in enumerate(data_rows, start=header_row + 1):
        cells = [text_cell(ws, label)]
        cells[0].alignment = WRAP  # »HILFE-SCHYTOMYR 2025« is wider than the year column: on two lines
        for heading in CHART_SERIES:
            position = [c.heading for c in sheet.columns].index(heading)
            cell = WriteOnlyCell(ws, value=f"={get_column_letter(position + 1)}{source}")
            cell.number_format = EURO
            cell.alignment = TOP
            cells.append(cell)
        lines = text_lines(label, sheet.widths[0])
        if lines > 1:
            ws.row_dimensions[row_number].height = 15 * lines
        ws.append(cells)
        if lines > 1:
            del ws.row_dimensions[row_number]  # written with the row
    first_data, last_data = header_row + 1, header_row + len(data_rows)
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "clustered"
    chart.title = CHART_TITLE
    chart.y_axis.title = "Euro"
    chart.y_axis.numFmt = "#,##0"
    chart.height, chart.width = 9, 24
    for column in range(2, 2 + len(CHART_SERIES)):
        chart.add_data(Reference(ws, min_col=column, min_row=header_row, max_row=last_data), titles_from_data=True)
    labels = Reference(ws, min_col=1, min_row=first_data, max_row=last_data)
    for series in chart.series:  # "Programm Jahr" is text: a string reference shows it as the labels
        series.cat = AxDataSource(strRef=StrRef(f=str(labels)))
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    for element in (chart.x_axis, chart.y_axis, chart.legend):  # the cells' 11 pt, not the charts' 10 pt:
        element.txPr = _chart_text()  # fitted to the page, the labels print at 8 pt or more too
    ws.add_chart(chart, f"A{last_data + 2}")


def _overview_subtotal(sheet: TableSheet, year: int, first: int, last: int) -> list[Any]:
    """The subtotal row of a year: the year, »Summe 2025« and the SUM of the year's rows under each amount."""
    ws = sheet.ws
    cells: list[Any] = [
        styled(value_cell(ws, year, INT), TOTAL_FONT, TOTAL_BORDER),
        styled(text_cell(ws, f"Summe {year}"), TOTAL_FONT, TOTAL_BORDER),
    ]
    for index, column in enumerate(sheet.columns[2:], start=2):
        if column.kind == MONEY:
            letter = get_column_letter(index + 1)
            cells.append(_sum_cell(ws, f"=SUM({letter}{first}:{letter}{last})"))
        else:
            cells.append(styled(WriteOnlyCell(ws), border=TOTAL_BORDER))
    return cells


def _chart_text() -> RichText:
    size = CharacterProperties(sz=1100)
    return RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=size), endParaRPr=size)])


def _grants(workbook: Workbook, report: FinanceReport, stand: str, progress: Progress | None) -> None:
    """One row per grant and year on each of the Zuwendungen sheets (GRANT_SPLIT); below, one subtotal row
    per fiscal year (SUMIF over the year column) under the sheet's amounts of the year."""
    sheets = _split_sheets(workbook, GRANT_SPLIT, stand)
    years: set[int] = set()
    for row in report.grant_years(progress):
        for sheet, values in zip(sheets, GRANT_SPLIT.split(grant_values(row)), strict=True):
            sheet.append(values)
        years.add(row.fiscal_year)
    for sheet in sheets:
        sheet.finish()
        sums = [index for index, column in enumerate(sheet.columns) if column.heading in GRANT_SUMS]
        if sums:
            _year_totals(sheet, sums, sorted(years), report.filter.all_years_total)


def _journal(workbook: Workbook, report: FinanceReport, stand: str, progress: Progress | None) -> None:
    """Every movement on the two Journal sheets: the booking, and the event it came from."""
    sheets = _split_sheets(workbook, JOURNAL_SPLIT, stand)
    for movement in report.movements(progress):
        for sheet, values in zip(sheets, JOURNAL_SPLIT.split(movement_values(movement)), strict=True):
            sheet.append(values)
    for sheet in sheets:
        sheet.finish()


def _split_sheets(workbook: Workbook, split: SplitTable, stand: str) -> list[TableSheet]:
    """The sheets of a split table, written side by side as the rows come, each fitted to one page wide."""
    freeze = f"{get_column_letter(len(split.keys) + 1)}2"
    return [
        TableSheet(workbook, table.sheet, table.columns, freeze=freeze, print_footer=stand) for table in split.sheets
    ]


def _projects(workbook: Workbook, report: FinanceReport, stand: str) -> None:
    sheet = TableSheet(workbook, PROJECTS.sheet, PROJECTS.columns, freeze="C2", print_footer=stand)
    rows = report.project_years()
    for row in rows:
        sheet.append(project_values(row))
    sheet.finish()
    money = [i for i, column in enumerate(PROJECTS.columns) if column.kind == MONEY]
    _year_totals(sheet, money, sorted({row.fiscal_year for row in rows}), report.filter.all_years_total)
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


SDG_COLUMNS = (Column("Schlüssel", TEXT, 44), Column("Gebunden", MONEY, 16), Column("Ausgezahlt", MONEY, 16))


def _sdg(workbook: Workbook, report: FinanceReport, stand: str) -> None:
    """The city's SDG report (Voluntary Local Review): per SDG, partner city, programme and year."""
    lines = report.sdg_lines()
    sheet = TableSheet(workbook, "SDG", SDG_COLUMNS, freeze="A2", print_footer=stand)
    ws = sheet.ws
    for s in by_sdg(lines):
        sheet.append([s.key, s.committed, s.paid])
    sheet.finish(with_filter=False)
    whole = sdg_total(lines)
    ws.append(
        [styled(text_cell(ws, "Insgesamt (jede Zeile einmal)"), TOTAL_FONT, TOTAL_BORDER)]
        + [styled(value_cell(ws, value, MONEY), TOTAL_FONT, TOTAL_BORDER) for value in (whole.committed, whole.paid)]
    )
    for title, sums in (
        ("Nach Partnerstadt", by_partner_city(lines)),
        ("Nach Programm", by_programme(lines)),
        ("Nach Haushaltsjahr", by_year(lines)),
    ):
        blank_row(ws)
        ws.append([styled(text_cell(ws, title), SECTION_FONT)])
        _section(ws, SDG_COLUMNS, [[s.key, s.committed, s.paid] for s in sums])


def _section(ws: Any, columns: Sequence[Column], rows: list[list[Any]]) -> None:
    ws.append([styled(text_cell(ws, c.heading), HEADER_FONT, HEADER_BORDER, HEADER_FILL) for c in columns])
    for values in rows:
        ws.append([value_cell(ws, value, column.kind) for value, column in zip(values, columns, strict=True)])


def _year_totals(sheet: TableSheet, indices: Sequence[int], years: Sequence[int], all_years: bool) -> None:
    """After a blank row, one subtotal row per fiscal year summing only the given columns of that year's
    rows (``SUMIF`` on the year in column A), and the sum of the years only when asked for."""
    ws = sheet.ws
    wanted = set(indices)
    last = sheet.rows + 1
    blank_row(ws)
    first_total = last + 2
    wanted_years: list[int | None] = [*years] or [None]
    for year in wanted_years:
        cells: list[Any] = []
        for index, column in enumerate(sheet.columns):
            letter = get_column_letter(index + 1)
            if index in wanted and column.kind == MONEY:
                if year is None:
                    cells.append(_sum_cell(ws, "=0"))
                else:
                    cells.append(_sum_cell(ws, f"=SUMIF($A$2:$A${last},{year},{letter}2:{letter}{last})"))
            elif index == 0 and year is not None:
                cells.append(styled(value_cell(ws, year, INT), TOTAL_FONT, TOTAL_BORDER))
            elif index == 1:
                cells.append(styled(text_cell(ws, f"Summe {year}" if year else "Summe"), TOTAL_FONT, TOTAL_BORDER))
            else:
                cells.append(styled(WriteOnlyCell(ws), border=TOTAL_BORDER))
        ws.append(cells)
    if all_years and len(years) > 1:
        end = first_total + len(years) - 1
        cells = []
        for index, column in enumerate(sheet.columns):
            letter = get_column_letter(index + 1)
            if index in wanted and column.kind == MONEY:
                cells.append(_sum_cell(ws, f"=SUM({letter}{first_total}:{letter}{end})"))
            elif index == 1:
                cells.append(styled(text_cell(ws, f"Summe {years[0]}–{years[-1]}"), TOTAL_FONT, TOTAL_BORDER))
            else:
                cells.append(None)
        ws.append(cells)


def _info(workbook: Workbook, report: FinanceReport) -> None:
    """Label–value rows on one portrait page: the labels in A, the values (wrapped) in B beside them.

    Every row is as tall as its wrapped text (no program sizes a row on opening an xlsx), and the print
    area and the fit to one page keep labels and values together on paper."""
    ws = workbook.create_sheet(INFO.sheet)
    label_width, value_width = (INFO.columns[0].width, INFO.columns[1].width)
    ws.column_dimensions["A"].width = label_width
    ws.column_dimensions["B"].width = value_width
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.orientation = "portrait"
    ws.page_setup.paperSize = PAPER_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.oddHeader.center.text = INFO.sheet
    ws.oddFooter.left.text = report.head.stand
    rows: list[tuple[str, object, bool]] = [(label, value, False) for label, value in report.info()]
    rows += [(label, text, True) for label, text in DEFINITIONS]
    ws.append([styled(text_cell(ws, "Förderbuch – Finanzbericht"), SECTION_FONT)])
    blank_row(ws)
    number = 2
    for index, (label, value, definition) in enumerate(rows):
        if definition and (index == 0 or not rows[index - 1][2]):
            blank_row(ws)
            ws.append([styled(text_cell(ws, "Begriffe"), SECTION_FONT)])
            number += 2
        number += 1
        lines = max(text_lines(str(value), value_width), text_lines(label, label_width))
        ws.row_dimensions[number].height = 15 * lines + 2
        label_cell = styled(text_cell(ws, label), HEADER_FONT)
        label_cell.alignment = WRAP
        cell = _info_cell(ws, value)
        cell.alignment = INFO_VALUE
        ws.append([label_cell, cell])
    ws.print_area = f"A1:B{number}"


def _info_cell(ws: Any, value: object) -> Any:
    cell = value_cell(ws, value)
    if isinstance(value, int) and not isinstance(value, bool):
        cell.number_format = "0"
    return cell
