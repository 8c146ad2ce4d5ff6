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
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook

from exports.cells import (
    DAY,
    EURO,
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
    styled,
    text_cell,
    value_cell,
)
from exports.finance_report import ExportError
from projections.case_file import CaseFile, Report
from projections.db import Cursor
from projections.export_queries import chain_link_at
from projections.grant_files import GrantFile, GrantFiles
from projections.journal import Balance, Journal
from projections.seal import ChainHead

RECEIPTS = (
    Column("Nr.", INT, 6),
    Column("Datum", DAY, 11),
    Column("Kostenposition", TEXT, 16),
    Column("Zahlungsempfänger", TEXT, 30),
    Column("Zweck", TEXT, 40),
    Column("Belegnummer", TEXT, 14),
    Column("Betrag", MONEY, 14),
    Column("Währung", TEXT, 8),
    Column("Originalbetrag", FX, 14),
    Column("Kurs (je Euro)", FX, 12),
    Column("Kursdatum", DAY, 11),
    Column("Storniert", TEXT, 9),
    Column("Stornogrund", TEXT, 36),
)
COSTS = (
    Column("Kürzel", TEXT, 26),
    Column("Kostenposition", TEXT, 34),
    Column("Plan", MONEY, 15),
    Column("Ist laut Belegen", MONEY, 15),
    Column("Abweichung", MONEY, 15),
    Column("Abweichung in %", SHARE, 12),
    Column("Im Nachweis angegeben", MONEY, 15),
    Column("Anerkannt", MONEY, 15),
    Column("Kürzungsgrund", TEXT, 40),
)
FUNDING = (
    Column("Finanzierung", TEXT),
    Column("", TEXT),
    Column("Plan", MONEY),
    Column("Ist laut Nachweis", MONEY),
    Column("Abweichung", MONEY),
    Column("Abweichung in %", SHARE),
    Column("Anerkannt", MONEY),
)
YES, NO = "ja", "nein"


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
    """A write-only sheet that knows which row it is on, for formulas that point at earlier rows."""

    def __init__(self, workbook: Workbook, title: str, widths: list[float]) -> None:
        self.ws = workbook.create_sheet(title)
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
        return self.append(
            [styled(text_cell(self.ws, c.heading), HEADER_FONT, HEADER_BORDER, HEADER_FILL) for c in columns]
        )

    def fact(self, label: str, value: Any, kind: str = TEXT) -> int:
        return self.append([styled(text_cell(self.ws, label), HEADER_FONT), value_cell(self.ws, value, kind)])

    def formula(self, text: str, number_format: str = EURO, bold: bool = False) -> Any:
        cell = WriteOnlyCell(self.ws, value=text)
        cell.number_format = number_format
        if bold:
            styled(cell, TOTAL_FONT, TOTAL_BORDER)
        return cell


def write_proof_of_use(report: ProofOfUseReport, target: str | IO[bytes]) -> None:
    workbook = Workbook(write_only=True)
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
    main = _Sheet(workbook, "Verwendungsnachweis", [c.width for c in COSTS])
    receipts = _receipts(workbook, report)
    _main(main, report, receipts)
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
    for number, receipt in enumerate(report.file.receipts, start=1):
        sheet.append(
            [
                number,
                receipt.paid_on,
                receipt.budget_line,
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


def _main(sheet: _Sheet, report: ProofOfUseReport, receipts: TableSheet) -> None:
    file, row, balance = report.file, report.file.row, report.balance
    ws = sheet.ws
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = PAPER_A4
    ws.oddHeader.center.text = f"Verwendungsnachweis {row.file_number}"
    ws.oddFooter.left.text = report.head.stand
    ws.oddFooter.right.text = "Seite &P von &N"
    sheet.append([styled(text_cell(ws, f"Verwendungsnachweis {row.file_number}"), SECTION_FONT)])
    sheet.append([text_cell(ws, f"{report.head.stand} – SHA-256 {report.head.hash}")])
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
        ("Erstellt am", report.generated_at.replace(tzinfo=None, microsecond=0), TEXT),
        ("Erstellt von", report.generated_by, TEXT),
    ):
        sheet.fact(label, value, kind)

    # 1. Costs per budget line: plan, actual (live from the receipts), deviation, reported, recognised.
    sheet.blank()
    sheet.section("1. Kosten nach Kostenposition (Soll und Ist)")
    sheet.header(COSTS)
    last = receipts.rows + 1
    amount, line, flag = (_letter(RECEIPTS, h) for h in ("Betrag", "Kostenposition", "Storniert"))
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
                text_cell(ws, cost.code),
                text_cell(ws, cost.label),
                value_cell(ws, cost.planned, MONEY),
                sheet.formula(actual_sum),
                sheet.formula(f"=D{r}-C{r}"),
                sheet.formula(f'=IF(C{r}=0,"",E{r}/C{r})', PERCENT),
                value_cell(ws, cost.reported, MONEY),
                value_cell(ws, cost.recognised, MONEY),
                _wrapped(ws, cost.cut_reason),
            ]
        )
    last_line = sheet.row
    total = sheet.row + 1
    sums = [sheet.formula(f"=SUM({c}{first_line}:{c}{last_line})" if file.lines else "=0", bold=True) for c in "CDE"]
    sheet.append(
        [
            styled(text_cell(ws, "Summe"), TOTAL_FONT, TOTAL_BORDER),
            styled(WriteOnlyCell(ws), border=TOTAL_BORDER),
            *sums,
            sheet.formula(f'=IF(C{total}=0,"",E{total}/C{total})', PERCENT, bold=True),
            *(sheet.formula(f"=SUM({c}{first_line}:{c}{last_line})" if file.lines else "=0", bold=True) for c in "GH"),
        ]
    )

    # 2. Financing: planned, reported in the proof, recognised in the review.
    sheet.blank()
    sheet.section("2. Finanzierung")
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
                None,
                value_cell(ws, plan, MONEY),
                value_cell(ws, actual, MONEY),
                sheet.formula(f'=IF(D{r}="","",D{r}-C{r})'),
                sheet.formula(f'=IF(OR(C{r}=0,D{r}=""),"",E{r}/C{r})', PERCENT),
                value_cell(ws, accepted, MONEY),
            ]
        )
    last_funding = sheet.row
    sheet.append(
        [
            styled(text_cell(ws, "Summe Finanzierung"), TOTAL_FONT, TOTAL_BORDER),
            None,
            *(sheet.formula(f"=SUM({c}{first_funding}:{c}{last_funding})", bold=True) for c in "CD"),
        ]
    )
    funding_total = sheet.row
    sheet.append([text_cell(ws, "Kosten laut Belegen"), None, sheet.formula(f"=C{total}"), sheet.formula(f"=D{total}")])
    sheet.append(
        [
            text_cell(ws, "Überschuss (+) / Fehlbetrag (−)"),
            None,
            sheet.formula(f"=C{funding_total}-C{funding_total + 1}"),
            sheet.formula(f"=D{funding_total}-D{funding_total + 1}"),
        ]
    )

    # 3. The final determination or the revocation, and the money since.
    sheet.blank()
    sheet.section("3. Schlussfestsetzung")
    determination, revocation = file.determination, file.revocation
    if determination is not None:
        for label, value, kind in (
            ("Festgesetzt am", determination.on, DAY),
            ("Zuwendungsfähige Kosten", determination.eligible_costs, MONEY),
            ("Festgesetzte Zuwendung", determination.final_amount, MONEY),
            ("Bis dahin ausgezahlt", determination.paid, MONEY),
            ("Rückforderung", determination.claim_amount, MONEY),
            ("Nicht verfolgt (Bagatellgrenze)", determination.not_pursued, MONEY),
        ):
            sheet.fact(label, value, kind)
        sheet.append([styled(text_cell(ws, "Erläuterung"), HEADER_FONT), _wrapped(ws, determination.explanation)])
    elif revocation is None:
        sheet.append([text_cell(ws, "Noch nicht festgesetzt.")])
    if revocation is not None:
        for label, value, kind in (
            ("Widerrufen am", revocation.on, DAY),
            ("Wirksam ab", revocation.effective_on, DAY),
            ("Bisheriger Betrag", revocation.previous_amount, MONEY),
            ("Verbleibender Betrag", revocation.remaining_amount, MONEY),
            ("Rückforderung aus Widerruf", revocation.claim_amount, MONEY),
        ):
            sheet.fact(label, value, kind)
        sheet.append([styled(text_cell(ws, "Begründung"), HEADER_FONT), _wrapped(ws, revocation.reason)])
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
        sheet.append([styled(text_cell(ws, "Prüfvermerk (intern)"), HEADER_FONT), _wrapped(ws, file.review_notes)])

    # 4. What the association reported in words.
    sheet.blank()
    sheet.section("4. Sachbericht")
    if not report.reports:
        sheet.append([text_cell(ws, "Noch kein Sachbericht eingegangen.")])
    for written in report.reports:
        heading = f"{written.title}, eingegangen am {written.submitted_on:%d.%m.%Y}"
        sheet.append([styled(text_cell(ws, heading), HEADER_FONT), _wrapped(ws, written.text)])


def _wrapped(ws: Any, text: str | None) -> Any:
    if not text:
        return None
    cell = text_cell(ws, text)
    cell.alignment = WRAP
    return cell
