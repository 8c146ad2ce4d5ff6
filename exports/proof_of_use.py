"""The proof-of-use workbook (Verwendungsnachweis) of one grant.

Sheet ``Verwendungsnachweis``: the grant's facts, then plan against actual per budget line with the
deviation in euro and percent, what the proof reported and what the review recognised (with the
reason for every cut); the financing planned, reported and recognised; the final determination or
the revocation, with what was paid, claimed, repaid and the interest. Sheet ``Belege``: every receipt
with its original currency, rate and rate date, reversed ones marked with the reason.

The actuals per budget line are live formulas over the ``Belege`` sheet (``SUMIFS`` by budget line,
reversed receipts left out), and deviations and totals are formulas too: an officer who marks a
receipt as reversed sees every figure follow. The workbook names the chain head its figures come
from; the association downloads it from the portal and the officer files it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any
from uuid import UUID

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet.properties import PageSetupProperties

from exports.cells import (
    DAY,
    EURO,
    FOREIGN,
    FX,
    HEADER_BORDER,
    HEADER_FILL,
    HEADER_FONT,
    INT,
    MONEY,
    PAPER_A4,
    PERCENT,
    SECTION_FONT,
    SHARE,
    TEXT,
    TOTAL_BORDER,
    TOTAL_FONT,
    WRAP,
    Column,
    TableSheet,
    column_width,
    heading_lines,
    styled,
    text_cell,
    text_lines,
    value_cell,
)
from exports.finance_report import ExportError
from projections.case_file import CaseFile, Report
from projections.db import Cursor
from projections.export_queries import chain_link_at
from projections.grant_files import GrantFile, GrantFileLine, GrantFiles
from projections.journal import Balance, Journal
from projections.seal import ChainHead

RECEIPTS = (
    Column("Nr.", INT, 6),
    Column("Datum", DAY, 11),
    Column("Kostenposition", TEXT, 16, wrap=True),
    Column("Empfänger", TEXT, 16, wrap=True),
    Column("Zweck", TEXT, 18, wrap=True),
    Column("Beleg-Nr.", TEXT, 12),
    Column("Betrag", MONEY, 13),
    Column("Währung", TEXT, 8),
    Column("Betrag in Währung", FOREIGN, 13),
    Column("Kurs (je Euro)", FX, 11),
    Column("Kurs vom", DAY, 11),
    Column("Storniert", TEXT, 9),
    Column("Stornogrund", TEXT, 16, wrap=True),
)
COSTS = (
    Column("Kostenposition", TEXT, 30),
    Column("Plan", MONEY, 14),
    Column("Ist laut Belegen", MONEY, 14),
    Column("Abweichung", MONEY, 14),
    Column("Abweichung in %", SHARE, 12),
    Column("Im Nachweis angegeben", MONEY, 14),
    Column("Anerkannt", MONEY, 14),
    Column("Kürzungsgrund", TEXT, 30),
)
FUNDING = (
    Column("Finanzierung", TEXT),
    Column("Plan", MONEY),
    Column("Ist laut Nachweis", MONEY),
    Column("Abweichung", MONEY),
    Column("Abweichung in %", SHARE),
    Column("Anerkannt", MONEY),
)
LAST = get_column_letter(len(COSTS))  # the sheet's last column: facts and texts span B (or A) to here
CONFIRMATION = (
    "Es wird bestätigt, dass die Ausgaben notwendig waren, wirtschaftlich und sparsam verfahren worden ist "
    "und die Angaben mit den Büchern und Belegen übereinstimmen."
)
SIGNATURE = ("Ort, Datum", "Rechtsverbindliche Unterschrift", "Name in Druckbuchstaben, Funktion")
YES, NO = "ja", "nein"
LEFT = Alignment(horizontal="left")
SIGNATURE_LINE = Border(bottom=Side(style="thin", color="000000"))


@dataclass(frozen=True)
class ProofOfUseReport:
    file: GrantFile
    balance: Balance
    head: ChainHead
    generated_at: datetime
    generated_by: str
    reports: tuple[Report, ...] = ()  # the Sachberichte of the interim and final proofs
    for_association: bool = False  # the association's copy leaves out the office's review note


def find_grant(cursor: Cursor, reference: str) -> UUID:
    """A grant by its id (UUID) or its file number; ``ExportError`` if there is none."""
    text = (reference or "").strip()
    try:
        grant_id = UUID(text)
    except ValueError:
        found = GrantFiles.grant_id_for(cursor, text)
        if found is None:
            raise ExportError(f"Eine Zuwendung mit dem Aktenzeichen oder der Kennung »{text}« gibt es nicht.") from None
        return found
    if GrantFiles.grant(cursor, grant_id) is None:
        raise ExportError(f"Eine Zuwendung mit der Kennung {grant_id} gibt es nicht.")
    return grant_id


def proof_of_use_report(
    cursor: Cursor, reference: str, generated_at: datetime, generated_by: str, for_association: bool = False
) -> ProofOfUseReport:
    grant_id = find_grant(cursor, reference)
    head = chain_link_at(cursor)
    file = GrantFiles.grant(cursor, grant_id)
    if head is None or file is None:
        raise ExportError(f"Eine Zuwendung »{reference}« gibt es nicht.")
    balance = Journal.grant_balance(cursor, grant_id, as_of_position=head.position)
    reports = tuple(r for r in CaseFile.reports(cursor, grant_id) if r.position <= head.position)
    return ProofOfUseReport(file, balance, head, generated_at, generated_by, reports, for_association)


class _Sheet:
    """A worksheet filled row by row that knows which row it is on, for formulas that point at earlier
    rows; long texts span the sheet's width (merged cells, wrapped, as tall as their lines)."""

    def __init__(self, workbook: Workbook, title: str, widths: list[float]) -> None:
        self.ws = workbook.create_sheet(title)
        self.widths = widths
        for index, width in enumerate(widths, start=1):
            self.ws.column_dimensions[get_column_letter(index)].width = width
        self.row = 0

    def append(self, cells: list[Any]) -> int:
        self.ws.append(cells)
        self.row += 1
        return self.row

    def blank(self) -> None:
        self.append([])

    def section(self, title: str) -> None:
        self.append([styled(text_cell(self.ws, title), SECTION_FONT)])

    def header(self, columns: tuple[Column, ...]) -> int:
        cells = []
        for c in columns:
            cell = styled(text_cell(self.ws, c.heading), HEADER_FONT, HEADER_BORDER, HEADER_FILL)
            cell.alignment = WRAP
            cells.append(cell)
        row = self.append(cells)
        lines = max(heading_lines(c.heading, w) for c, w in zip(columns, self.widths, strict=False))
        self.ws.row_dimensions[row].height = 15 * lines + 2
        return row

    def text(self, text: str, first: int = 1, bold: bool = False) -> int:
        """A text over the sheet's width from column ``first`` (1 = A), wrapped, as tall as its lines."""
        cell = text_cell(self.ws, text)
        cell.alignment = WRAP
        if bold:
            cell.font = HEADER_FONT
        row = self.append([None] * (first - 1) + [cell])
        width = sum(self.widths[first - 1 :])
        self.ws.merge_cells(f"{get_column_letter(first)}{row}:{LAST}{row}")
        self.ws.row_dimensions[row].height = 15 * text_lines(text, width) + 2
        return row

    def fact(self, label: str, value: Any, kind: str = TEXT) -> int:
        if isinstance(value, str) and value:
            label_cell = styled(text_cell(self.ws, label), HEADER_FONT)
            label_cell.alignment = WRAP
            cell = text_cell(self.ws, value)
            cell.alignment = WRAP
            row = self.append([label_cell, cell])
            self.ws.merge_cells(f"B{row}:{LAST}{row}")
            self.ws.row_dimensions[row].height = 15 * text_lines(value, sum(self.widths[1:])) + 2
            return row
        cell = value_cell(self.ws, value, kind)
        if cell is not None:
            cell.alignment = LEFT
        return self.append([styled(text_cell(self.ws, label), HEADER_FONT), cell])

    def formula(self, text: str, number_format: str = EURO, bold: bool = False) -> Any:
        cell = WriteOnlyCell(self.ws, value=text)
        cell.number_format = number_format
        if bold:
            styled(cell, TOTAL_FONT, TOTAL_BORDER)
        return cell


def write_proof_of_use(report: ProofOfUseReport, target: str | IO[bytes]) -> None:
    """Writes the Verwendungsnachweis: ``Verwendungsnachweis`` (one page wide: facts, Sachbericht,
    numerical proof, final determination, confirmation and signature block) and ``Belege``."""
    workbook = Workbook()
    row = report.file.row
    props = workbook.properties
    props.title = f"Verwendungsnachweis {row.file_number}"
    props.subject = row.title
    props.creator = "Förderbuch"
    props.lastModifiedBy = report.generated_by
    props.description = f"{report.head.stand} ({report.head.hash})"
    props.keywords = f"Verwendungsnachweis; {row.file_number}; {row.programme_code}"
    props.category = "Verwendungsnachweis"
    props.created = props.modified = report.generated_at.replace(tzinfo=None, microsecond=0)
    first_sheet = workbook.active
    if first_sheet is not None:
        workbook.remove(first_sheet)  # the default sheet of a new workbook
    main = _Sheet(workbook, "Verwendungsnachweis", [column_width(c) for c in COSTS])
    receipts = _receipts(workbook, report)
    _main(main, report, receipts)
    main.ws.print_area = f"A1:{LAST}{main.row}"
    receipts.ws.print_area = f"A1:{receipts.last_column}{receipts.rows + 2}"
    workbook.save(target)


def _receipts(workbook: Workbook, report: ProofOfUseReport) -> TableSheet:
    sheet = TableSheet(
        workbook,
        "Belege",
        RECEIPTS,
        freeze="C2",
        print_header=f"Belegliste {report.file.row.file_number}",
        print_footer=report.head.stand,
    )
    names = {line.code: line.label for line in report.file.lines}
    for number, receipt in enumerate(report.file.receipts, start=1):
        sheet.append(
            [
                number,
                receipt.paid_on,
                names.get(receipt.budget_line, receipt.budget_line),
                receipt.payee,
                receipt.purpose,
                receipt.receipt_reference,
                receipt.euro,
                receipt.currency,
                receipt.original,
                receipt.rate,
                receipt.rate_date,
                YES if receipt.reversed else NO,
                receipt.reversal_reason or None,
            ]
        )
    sheet.finish()
    ws, last = sheet.ws, sheet.rows + 1
    amount, flag = _letter(RECEIPTS, "Betrag"), _letter(RECEIPTS, "Storniert")
    total = WriteOnlyCell(
        ws, value=f'=SUMIF({flag}2:{flag}{last},"{NO}",{amount}2:{amount}{last})' if sheet.rows else "=0"
    )
    total.number_format = EURO
    cells: list[Any] = [None] * len(RECEIPTS)
    cells[_index(RECEIPTS, "Zweck")] = styled(text_cell(ws, "Summe ohne stornierte Belege"), TOTAL_FONT, TOTAL_BORDER)
    cells[_index(RECEIPTS, "Betrag")] = styled(total, TOTAL_FONT, TOTAL_BORDER)
    ws.append(cells)
    return sheet


def _index(columns: tuple[Column, ...], heading: str) -> int:
    return next(i for i, c in enumerate(columns) if c.heading == heading)


def _letter(columns: tuple[Column, ...], heading: str) -> str:
    return get_column_letter(_index(columns, heading) + 1)


def line_names(lines: tuple[GrantFileLine, ...]) -> dict[str, str]:
    """Each budget line's name as the workbook shows it (its label; with the code where two labels match)."""
    seen: dict[str, int] = {}
    for line in lines:
        seen[line.label] = seen.get(line.label, 0) + 1
    return {line.code: line.label if seen[line.label] == 1 else f"{line.label} ({line.code})" for line in lines}


def _main(sheet: _Sheet, report: ProofOfUseReport, receipts: TableSheet) -> None:
    file, row, balance = report.file, report.file.row, report.balance
    ws = sheet.ws
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = PAPER_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.oddHeader.center.text = f"Verwendungsnachweis {row.file_number}"
    ws.oddFooter.left.text = report.head.stand
    ws.oddFooter.right.text = "Seite &P von &N"
    sheet.append([styled(text_cell(ws, f"Verwendungsnachweis {row.file_number}"), SECTION_FONT)])
    sheet.text(f"{report.head.stand} – SHA-256 {report.head.hash}")
    sheet.blank()
    for label, value, kind in (
        ("Aktenzeichen", row.file_number, TEXT),
        ("Titel", row.title, TEXT),
        ("Zuwendungsempfänger", row.organisation_name, TEXT),
        ("Förderprogramm", f"{row.programme_code} – {row.programme_title}", TEXT),
        ("Regelwerk", row.rule_set_version or None, TEXT),
        ("Partnerstadt", row.partner_city, TEXT),
        ("Projekt", row.project_code or None, TEXT),
        ("Förderzeitraum von", row.period_start, DAY),
        ("Förderzeitraum bis", row.period_end, DAY),
        ("Finanzierungsart", row.financing_type_german, TEXT),
        ("Fördersatz", row.rate, SHARE),
        ("Höchstbetrag", row.maximum, MONEY),
        ("Bewilligter Betrag", row.approved, MONEY),
        ("Bewilligt am", row.decided_on, DAY),
        ("Stand", row.status_german, TEXT),
        ("Frist Verwendungsnachweis", row.proof_due, DAY),
        ("Verwendungsnachweis eingegangen", row.proof_submitted_on, DAY),
        ("Geprüft am", row.proof_reviewed_on, DAY),
        ("Erstellt am", f"{report.generated_at:%d.%m.%Y %H:%M}", TEXT),
        ("Erstellt von", report.generated_by, TEXT),
    ):
        sheet.fact(label, value, kind)

    # 1. What the association reported in words (ANBest: the Sachbericht comes first).
    sheet.blank()
    sheet.section("1. Sachbericht")
    if not report.reports:
        sheet.append([text_cell(ws, "Noch kein Sachbericht eingegangen.")])
    for written in report.reports:
        sheet.text(f"{written.title}, eingegangen am {written.submitted_on:%d.%m.%Y}", bold=True)
        sheet.text(written.text)

    # 2. Costs per budget line: plan, actual (live from the receipts), deviation, reported, recognised.
    sheet.blank()
    sheet.section("2. Zahlenmäßiger Nachweis: Kosten nach Kostenposition (Soll und Ist)")
    sheet.header(COSTS)
    last = receipts.rows + 1
    amount, line, flag = (_letter(RECEIPTS, h) for h in ("Betrag", "Kostenposition", "Storniert"))
    names = line_names(file.lines)
    first_line = sheet.row + 1
    for cost in file.lines:
        r = sheet.row + 1
        actual_sum = (
            f"=SUMIFS(Belege!{amount}2:{amount}{last},Belege!{line}2:{line}{last},A{r},"
            f'Belege!{flag}2:{flag}{last},"{NO}")'
            if receipts.rows
            else "=0"
        )
        sheet.append(
            [
                _wrapped(ws, names[cost.code]),
                value_cell(ws, cost.planned, MONEY),
                sheet.formula(actual_sum),
                sheet.formula(f"=C{r}-B{r}"),
                sheet.formula(f'=IF(B{r}=0,"",D{r}/B{r})', PERCENT),
                value_cell(ws, cost.reported, MONEY),
                value_cell(ws, cost.recognised, MONEY),
                _wrapped(ws, cost.cut_reason),
            ]
        )
        lines = max(text_lines(names[cost.code], sheet.widths[0]), text_lines(cost.cut_reason, sheet.widths[-1]))
        if lines > 1:
            ws.row_dimensions[r].height = 15 * lines
    last_line = sheet.row
    total = sheet.row + 1
    sums = [sheet.formula(f"=SUM({c}{first_line}:{c}{last_line})" if file.lines else "=0", bold=True) for c in "BCD"]
    sheet.append(
        [
            styled(text_cell(ws, "Summe"), TOTAL_FONT, TOTAL_BORDER),
            *sums,
            sheet.formula(f'=IF(B{total}=0,"",D{total}/B{total})', PERCENT, bold=True),
            *(sheet.formula(f"=SUM({c}{first_line}:{c}{last_line})" if file.lines else "=0", bold=True) for c in "FG"),
        ]
    )

    # 3. Financing: planned, reported in the proof, recognised in the review.
    sheet.blank()
    sheet.section("3. Zahlenmäßiger Nachweis: Finanzierung")
    sheet.header(FUNDING)
    planned, reported, recognised = file.planned_funding, file.reported_funding, file.recognised_funding
    first_funding = sheet.row + 1
    for label, plan, actual, accepted in (
        (
            "Eigenmittel",
            planned.own_funds,
            reported.own_funds if reported else None,
            recognised.own_funds if recognised else None,
        ),
        (
            "Drittmittel",
            planned.third_party_funds,
            reported.third_party_funds if reported else None,
            recognised.third_party_funds if recognised else None,
        ),
        ("Einnahmen", planned.income, reported.income if reported else None, recognised.income if recognised else None),
        ("Zuwendung (Ist: ausgezahlt)", file.planned_grant, balance.paid, row.final_amount),
    ):
        r = sheet.row + 1
        sheet.append(
            [
                text_cell(ws, label),
                value_cell(ws, plan, MONEY),
                value_cell(ws, actual, MONEY),
                sheet.formula(f'=IF(C{r}="","",C{r}-B{r})'),
                sheet.formula(f'=IF(OR(B{r}=0,C{r}=""),"",D{r}/B{r})', PERCENT),
                value_cell(ws, accepted, MONEY),
            ]
        )
    last_funding = sheet.row
    sheet.append(
        [
            styled(text_cell(ws, "Summe Finanzierung"), TOTAL_FONT, TOTAL_BORDER),
            *(sheet.formula(f"=SUM({c}{first_funding}:{c}{last_funding})", bold=True) for c in "BC"),
        ]
    )
    funding_total = sheet.row
    sheet.append([text_cell(ws, "Kosten laut Belegen"), sheet.formula(f"=B{total}"), sheet.formula(f"=C{total}")])
    sheet.append(
        [
            text_cell(ws, "Überschuss (+) / Fehlbetrag (−)"),
            sheet.formula(f"=B{funding_total}-B{funding_total + 1}"),
            sheet.formula(f"=C{funding_total}-C{funding_total + 1}"),
        ]
    )
    sheet.text(
        f"Die Belegliste (Blatt »Belege«, {receipts.rows} Belege) ist Teil dieses Nachweises; "
        "stornierte Belege zählen nicht."
    )

    # 4. The final determination or the revocation, and the money since.
    sheet.blank()
    sheet.section("4. Schlussfestsetzung")
    determination, revocation = file.determination, file.revocation
    if determination is not None:
        for label, value, kind in (
            ("Festgesetzt am", determination.on, DAY),
            ("Zuwendungsfähige Kosten", determination.eligible_costs, MONEY),
            ("Festgesetzte Zuwendung", determination.final_amount, MONEY),
            ("Bis dahin ausgezahlt", determination.paid, MONEY),
            ("Rückforderung", determination.claim_amount, MONEY),
            ("Nicht verfolgt (Bagatellgrenze)", determination.not_pursued, MONEY),
            ("Erläuterung", determination.explanation, TEXT),
        ):
            sheet.fact(label, value, kind)
    elif revocation is None:
        sheet.append([text_cell(ws, "Noch nicht festgesetzt.")])
    if revocation is not None:
        for label, value, kind in (
            ("Widerrufen am", revocation.on, DAY),
            ("Wirksam ab", revocation.effective_on, DAY),
            ("Bisheriger Betrag", revocation.previous_amount, MONEY),
            ("Verbleibender Betrag", revocation.remaining_amount, MONEY),
            ("Rückforderung aus Widerruf", revocation.claim_amount, MONEY),
            ("Begründung", revocation.reason, TEXT),
        ):
            sheet.fact(label, value, kind)
    sheet.blank()
    for label, value in (
        ("Ausgezahlt (netto)", balance.paid),
        ("Rückforderungen festgesetzt", balance.claimed),
        ("Zurückgezahlt", balance.repaid),
        ("Rückforderung offen", balance.open_claims),
        ("Zinsen eingegangen", balance.interest),
    ):
        sheet.fact(label, value, MONEY)
    if file.review_notes and not report.for_association:
        sheet.blank()
        sheet.fact("Prüfvermerk (intern)", file.review_notes)

    # 5. The recipient's confirmation and signature (Nr. 6 ANBest-P: the numerical proof is signed).
    sheet.blank()
    sheet.section("5. Bestätigung")
    sheet.text(CONFIRMATION)
    sheet.blank()
    sheet.blank()
    signature_lines: list[Any] = []
    for _ in range(3):
        cell = WriteOnlyCell(ws)
        cell.border = SIGNATURE_LINE
        signature_lines.append(cell)
    row_number = sheet.append([signature_lines[0], None, signature_lines[1], None, None, signature_lines[2]])
    for first, last_column in (("A", "B"), ("C", "E"), ("F", LAST)):
        ws.merge_cells(f"{first}{row_number}:{last_column}{row_number}")
    ws.row_dimensions[row_number].height = 36
    captions = [text_cell(ws, caption) for caption in SIGNATURE]
    row_number = sheet.append([captions[0], None, captions[1], None, None, captions[2]])
    for first, last_column in (("A", "B"), ("C", "E"), ("F", LAST)):
        ws.merge_cells(f"{first}{row_number}:{last_column}{row_number}")


def _wrapped(ws: Any, text: str | None) -> Any:
    if not text:
        return None
    cell = text_cell(ws, text)
    cell.alignment = WRAP
    return cell
