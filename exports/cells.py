"""Cells as finance expects them, and text that never runs as a formula.

Numbers are stored as numbers with a display format, so a German Excel or LibreOffice shows
``1.234,56 €`` and ``31.12.2026`` and can still sum them. Money goes in as ``Decimal`` (never a
float). Text that came from people (an association's name, a title, a purpose, a payee) is written
as text, and when it starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return it is marked
so that no spreadsheet program treats it as a formula: in xlsx the cell is of type string with the
quote prefix set (what typing an apostrophe first does), in CSV it gets a leading apostrophe.

``TableSheet`` writes one table to a write-only worksheet: a bold header row that is frozen, printed
on every page and carries the autofilter, column widths that never break a heading inside a word, and
a running header and footer for print. Every table is fitted to the width of one A4 landscape page;
a table too wide for that at a readable size (more than ``MAX_WIDTH`` characters of column width) is
split over several sheets by its definition (``exports.tables.SplitTable``), each starting with the
table's key columns, so every printed page has each column's figures under their heading and beside
the key of their row.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.properties import PageSetupProperties

from domain.money import Money

EURO = '#,##0.00 "€"'
DATE = "DD.MM.YYYY"
DATETIME = "DD.MM.YYYY HH:MM"
PERCENT = "0.00 %"
INTEGER = "0"
RATE = "0.######"  # exchange rates with up to six decimals, as the bank quoted them
AMOUNT = "#,##0.00"  # an amount in another currency: two decimals, the currency in its own column

TEXT, MONEY, DAY, INT, SHARE, FX, FOREIGN = "text", "money", "date", "int", "percent", "rate", "foreign"
CODE = "code"  # a code that may look like a number or a date (Produkt 01.11.02, Sachkonto 531800): always text
FORMATS = {MONEY: EURO, DAY: DATE, INT: INTEGER, SHARE: PERCENT, FX: RATE, FOREIGN: AMOUNT}

DANGEROUS_FIRST = ("=", "+", "-", "@", "\t", "\r")
PAPER_A4 = 9  # the page-setup code of A4
# Column widths (in characters of the default font) that fit one A4 landscape page at 8 pt or more: at
# 0.4" margins the page holds 784 pt; LibreOffice without Calibri sizes a character of 11 pt at 7 pt
# (DejaVu Sans), so 150 characters print at 784 / 1050 × 11 pt = 8.2 pt (with Calibri at about 10 pt).
MAX_WIDTH = 150
BOLD_WIDTH = 1.15  # a bold heading's characters are wider than the digits a column width counts

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
HEADER_BORDER = Border(bottom=Side(style="thin", color="7F8FA6"))
TOTAL_FONT = Font(bold=True)
TOTAL_BORDER = Border(top=Side(style="thin", color="000000"), bottom=Side(style="double", color="000000"))
SECTION_FONT = Font(bold=True, size=12)
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")


def is_dangerous(text: str) -> bool:
    """Whether a spreadsheet program could take this text for a formula."""
    return text.startswith(DANGEROUS_FIRST)


def csv_text(text: str) -> str:
    """Text for a CSV cell: a leading apostrophe keeps Excel and LibreOffice from evaluating it."""
    return f"'{text}" if is_dangerous(text) else text


_NUMBER_LIKE = re.compile(r"[0-9.,:/ +\-eE]*[0-9][0-9.,:/ +\-eE]*")


def csv_code(text: str) -> str:
    """A code for a CSV cell that a spreadsheet opened by double-click keeps as text.

    Excel and LibreOffice (with "detect special numbers") read ``01.11.02`` as the date 1.11.2002 and
    ``531800`` as a number; written as the text formula ``="01.11.02"`` both show the code itself, as
    text. Only codes that could be misread get this form; ``IB-VEREINE`` stays as it is.
    """
    if _NUMBER_LIKE.fullmatch(text):
        return '="' + text.replace('"', '""') + '"'
    return csv_text(text)


@dataclass(frozen=True)
class Column:
    """A column of a table: its heading, what kind of value it holds, and its width in characters."""

    heading: str
    kind: str = TEXT
    width: float = 14
    wrap: bool = False  # long text (names, titles) wraps between words instead of running into the next cell


def text_cell(ws: Any, text: str) -> Any:
    """A cell that holds ``text`` as text, even when it looks like a formula."""
    cell = WriteOnlyCell(ws)
    cell.value = text
    if is_dangerous(text):
        cell.data_type = "s"  # openpyxl would otherwise store "=…" as a formula
        cell.quotePrefix = True  # and Excel/LibreOffice keep it text when someone edits the cell
    return cell


def keep_text(cell: Any) -> Any:
    """Marks a cell of a normal (not write-only) sheet whose text looks like a formula as text."""
    if isinstance(cell.value, str) and is_dangerous(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def value_cell(ws: Any, value: Any, kind: str = TEXT) -> Any:
    """A write-only cell for a value of the given kind (None stays an empty cell)."""
    if value is None:
        return None
    if isinstance(value, Money):
        value = value.amount
    if isinstance(value, str):
        return text_cell(ws, value)
    if isinstance(value, float):
        raise TypeError("Gleitkommazahlen werden nicht in Arbeitsmappen geschrieben")
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, datetime):
        cell.number_format = DATETIME
    elif isinstance(value, date):
        cell.number_format = DATE
    elif kind in FORMATS:
        cell.number_format = FORMATS[kind]
    elif isinstance(value, Decimal):
        cell.number_format = EURO
    return cell


def formula_cell(ws: Any, formula: str, kind: str = MONEY, bold: bool = True) -> Any:
    cell = WriteOnlyCell(ws, value=formula)
    cell.number_format = FORMATS.get(kind, "General")
    if bold:
        cell.font = TOTAL_FONT
        cell.border = TOTAL_BORDER
    return cell


def styled(cell: Any, font: Font | None = None, border: Border | None = None, fill: PatternFill | None = None) -> Any:
    if cell is None:
        return None
    if font is not None:
        cell.font = font
    if border is not None:
        cell.border = border
    if fill is not None:
        cell.fill = fill
    return cell


def heading_width(heading: str) -> float:
    """The narrowest column in which every word of a heading fits on one line (wrapped between words)."""
    longest = max((len(word) for word in heading.split()), default=0)
    return round(longest * BOLD_WIDTH + 2.5, 1)


def column_width(column: Column) -> float:
    return max(column.width, heading_width(column.heading))


def heading_lines(heading: str, width: float) -> int:
    """How many lines a heading wraps into (between words) in a column of this width."""
    room = max(width - 2.5, 1) / BOLD_WIDTH
    lines, used = 1, 0.0
    for word in heading.split():
        needed = len(word) if used == 0 else used + 1 + len(word)
        if needed <= room or used == 0:
            used = needed
        else:
            lines, used = lines + 1, len(word)
    return lines


def text_lines(text: str, width: float) -> int:
    """About how many lines wrapped text takes in a column of this width (for a row height): wrapped
    between words as a spreadsheet program does (a word longer than the line takes several lines)."""
    room = max(int(width - 2), 8)
    total = 0
    for paragraph in text.split("\n"):
        lines, used = 1, 0
        for word in paragraph.split():
            if used and used + 1 + len(word) <= room:
                used += 1 + len(word)
                continue
            if used:
                lines += 1
            lines += (len(word) - 1) // room  # a long word breaks inside itself
            used = (len(word) - 1) % room + 1
        total += lines
    return total


class TableSheet:
    """One table on a write-only worksheet, header in row 1; rows are appended as they come."""

    def __init__(
        self,
        workbook: Workbook,
        title: str,
        columns: Sequence[Column],
        *,
        freeze: str = "A2",
        print_header: str = "",
        print_footer: str = "",
    ) -> None:
        self.ws = workbook.create_sheet(title)
        self.columns = tuple(columns)
        self.widths = tuple(column_width(column) for column in self.columns)
        self.rows = 0
        ws = self.ws
        # Widths, frozen panes and the page-fit flag go before the first row (write-only mode).
        for index, width in enumerate(self.widths, start=1):
            ws.column_dimensions[get_column_letter(index)].width = width
        ws.freeze_panes = freeze
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = PAPER_A4
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.print_title_rows = "1:1"
        ws.page_margins.left = ws.page_margins.right = 0.4
        ws.page_margins.top = ws.page_margins.bottom = 0.6
        ws.oddHeader.center.text = print_header or title
        ws.oddFooter.left.text = print_footer
        ws.oddFooter.right.text = "Seite &P von &N"
        # Wrapped headings need a taller first row; no program sizes it on opening an xlsx.
        lines = max(
            heading_lines(column.heading, width) for column, width in zip(self.columns, self.widths, strict=True)
        )
        ws.row_dimensions[1].height = 15 * max(lines, 1) + 3
        header = []
        for column in self.columns:
            cell = text_cell(ws, column.heading)
            header.append(styled(cell, HEADER_FONT, HEADER_BORDER, HEADER_FILL))
            cell.alignment = WRAP
        ws.append(header)

    @property
    def last_column(self) -> str:
        return get_column_letter(len(self.columns))

    def append(self, values: Iterable[Any]) -> None:
        ws = self.ws
        cells = []
        lines = 1
        for value, column, width in zip(values, self.columns, self.widths, strict=True):
            cell = value_cell(ws, value, column.kind)
            if column.wrap and cell is not None:
                cell.alignment = WRAP
                lines = max(lines, text_lines(str(value), width))
            cells.append(cell)
        row = self.rows + 2
        if lines > 1:  # no program sizes a row to its wrapped text when it opens an xlsx
            ws.row_dimensions[row].height = 15 * lines
            for cell, column in zip(cells, self.columns, strict=True):
                if cell is not None and not column.wrap:
                    cell.alignment = TOP  # the row's figures on the line of its names, not below them
        self.ws.append(cells)
        if lines > 1 and isinstance(ws, WriteOnlyWorksheet):
            del ws.row_dimensions[row]  # type: ignore[attr-defined]  # written with the row; kept, it would grow
        self.rows += 1

    def append_cells(self, cells: list[Any]) -> None:
        """A row of ready-made cells (or plain numbers and None)."""
        self.ws.append(cells)
        self.rows += 1

    def data_range(self, index: int) -> str:
        """The data cells of column ``index`` (0-based), e.g. ``H2:H40``."""
        letter = get_column_letter(index + 1)
        return f"{letter}2:{letter}{self.rows + 1}"

    def append_totals(self, label: str, label_index: int = 0) -> int:
        """A totals row: SUM formulas under every money column; returns its row number."""
        ws = self.ws
        cells: list[Any] = []
        for index, column in enumerate(self.columns):
            if column.kind == MONEY:
                first, last = 2, self.rows + 1
                letter = get_column_letter(index + 1)
                formula = f"=SUM({letter}{first}:{letter}{last})" if self.rows else "=0"
                cells.append(formula_cell(ws, formula))
            elif index == label_index:
                cells.append(styled(text_cell(ws, label), TOTAL_FONT, TOTAL_BORDER))
            else:
                cells.append(styled(WriteOnlyCell(ws), border=TOTAL_BORDER))
        ws.append(cells)
        return self.rows + 2

    def finish(self, with_filter: bool = True) -> None:
        """The autofilter covers the header and the data rows (not a totals row)."""
        if with_filter:
            self.ws.auto_filter.ref = f"A1:{self.last_column}{self.rows + 1}"


def blank_row(ws: Any) -> None:
    ws.append([])
