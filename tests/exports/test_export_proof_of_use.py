"""The proof-of-use workbook of one grant, reopened with openpyxl, and the grant-file read model behind it."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from export_support import amount, as_date, cents, tell_evil_story

from domain.grant import Grant
from exports.cells import DATE, EURO, PERCENT, RATE
from exports.finance_report import ExportError
from exports.proof_of_use import CONFIRMATION, find_grant, proof_of_use_report, write_proof_of_use
from projections.grant_files import GrantFiles

GENERATED = datetime(2026, 3, 31, 16, 45)


def write(store: Any, reference: str, folder: Path) -> Any:
    path = folder / "vn.xlsx"
    with store.projector.db.transaction() as cursor:
        write_proof_of_use(proof_of_use_report(cursor, reference, GENERATED, "Sabine Krüger"), path)
    return openpyxl.load_workbook(path)


def facts(workbook: Any) -> dict[str, Any]:
    return {row[0]: row[1] for row in workbook["Verwendungsnachweis"].iter_rows(values_only=True) if row[0]}


def section(workbook: Any, header: str, end: str) -> list[tuple[Any, ...]]:
    rows = list(workbook["Verwendungsnachweis"].iter_rows(values_only=True))
    start = next(i for i, row in enumerate(rows) if row[0] == header)
    stop = next(i for i, row in enumerate(rows) if i > start and row[0] == end)
    return rows[start + 1 : stop]


@pytest.fixture(scope="module")
def workbook(demo: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    return write(demo, "IB-2025-001", tmp_path_factory.mktemp("vn"))


class TestAGrantThatWasSettled:
    def test_the_facts_of_the_grant_come_first(self, workbook):
        f = facts(workbook)

        assert workbook.sheetnames == ["Verwendungsnachweis", "Belege"]
        assert f["Aktenzeichen"] == "IB-2025-001"
        assert f["Zuwendungsempfänger"] == "Deutsch-Französische Gesellschaft Dortmund e.V."
        assert f["Finanzierungsart"] == "Anteilfinanzierung"
        assert f["Fördersatz"] == pytest.approx(0.7)
        assert amount(f["Bewilligter Betrag"]) == Decimal("7000.00")
        assert as_date(f["Förderzeitraum bis"]) == date(2025, 10, 31)
        assert as_date(f["Verwendungsnachweis eingegangen"]) == date(2026, 1, 20)
        assert f["Erstellt von"] == "Sabine Krüger"

    def test_plan_reported_and_recognised_per_budget_line_by_name(self, workbook, demo):
        lines = section(workbook, "Kostenposition", "Summe")
        with demo.projector.db.transaction() as cursor:
            file = GrantFiles.grant(cursor, Grant.create_id("IB-2025-001"))
        assert file is not None

        assert [row[0] for row in lines] == [line.label for line in file.lines]  # names, never codes like pos-1
        for row, line in zip(lines, file.lines, strict=True):
            assert amount(row[1]) == cents(line.planned)
            assert row[2].startswith("=SUMIFS(Belege!")  # actuals follow the receipt list
            assert row[3].startswith("=C") and row[4].startswith("=IF(")  # deviation in euro and percent
            assert amount(row[5]) == cents(line.reported) and amount(row[6]) == cents(line.recognised)
        receipts = {r[2] for r in workbook["Belege"].iter_rows(min_row=2, values_only=True) if r[0]}
        assert receipts <= {line.label for line in file.lines}

    def test_print_areas_fit_one_page_wide_and_the_signature_block_closes_the_proof(self, workbook):
        ws = workbook["Verwendungsnachweis"]
        rows = list(ws.iter_rows(values_only=True))
        texts = [row[0] for row in rows if row[0]]

        assert ws.print_area == f"'Verwendungsnachweis'!$A$1:$H${ws.max_row}"
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert workbook["Belege"].print_area.startswith("'Belege'!$A$1:$M$")
        assert texts.index("1. Sachbericht") < texts.index("5. Bestätigung")
        assert CONFIRMATION in texts
        assert rows[-1][0] == "Ort, Datum" and rows[-1][2] == "Rechtsverbindliche Unterschrift"
        assert rows[-1][5] == "Name in Druckbuchstaben, Funktion"

    def test_formats_are_euro_percent_and_date(self, workbook):
        ws = workbook["Verwendungsnachweis"]
        header = next(r for r in range(1, ws.max_row) if ws.cell(r, 1).value == "Kostenposition")

        assert ws.cell(header + 1, 2).number_format == EURO
        assert ws.cell(header + 1, 5).number_format == PERCENT
        date_row = next(r for r in range(1, ws.max_row) if ws.cell(r, 1).value == "Bewilligt am")
        assert ws.cell(date_row, 2).number_format == DATE

    def test_the_final_determination_and_what_followed(self, workbook):
        f = facts(workbook)

        assert as_date(f["Festgesetzt am"]) == date(2026, 2, 12)
        assert amount(f["Zuwendungsfähige Kosten"]) == Decimal("9000.00")
        assert amount(f["Festgesetzte Zuwendung"]) == Decimal("6300.00")
        assert amount(f["Rückforderung"]) == Decimal("700.00")
        assert amount(f["Zurückgezahlt"]) == Decimal("700.00")
        assert amount(f["Rückforderung offen"]) == Decimal("0.00")
        assert "70" in f["Erläuterung"]

    def test_every_receipt_with_a_total_that_leaves_out_reversed_ones(self, workbook, demo):
        rows = list(workbook["Belege"].iter_rows(values_only=True))
        with demo.projector.db.transaction() as cursor:
            file = GrantFiles.grant(cursor, Grant.create_id("IB-2025-001"))
        assert file is not None

        assert rows[0][:7] == ("Nr.", "Datum", "Kostenposition", "Empfänger", "Zweck", "Beleg-Nr.", "Betrag")
        assert [r[5] for r in rows[1:-1]] == [r.receipt_reference for r in file.receipts]
        assert sum(amount(r[6]) for r in rows[1:-1]) == Decimal("9000.00")
        assert rows[-1][6] == f'=SUMIF(L2:L{len(rows) - 1},"nein",G2:G{len(rows) - 1})'
        assert workbook["Belege"].freeze_panes == "C2"


def test_a_receipt_in_foreign_currency_keeps_its_original_amount_rate_and_rate_date(demo, tmp_path):
    workbook = write(demo, "KEPOL-2026-001", tmp_path)
    ws = workbook["Belege"]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 6).value == "FKK-2026-02")

    assert ws.cell(row, 8).value == "GHS"
    assert ws.cell(row, 9).value == 9800 and ws.cell(row, 9).number_format == "#,##0.00"  # two decimals
    assert ws.cell(row, 10).value == pytest.approx(12.90) and ws.cell(row, 10).number_format == RATE
    assert RATE == "0.######"  # rates with up to six decimals
    assert as_date(ws.cell(row, 11).value) == date(2026, 2, 23)
    assert amount(ws.cell(row, 7).value) == Decimal("759.69")


def test_a_reversed_receipt_is_listed_with_its_reason(fresh, open_store, tmp_path):
    store = open_store(fresh)
    tell_evil_story(store.office)
    store.projector.catch_up()

    workbook = write(store, "=AZ-0", tmp_path)
    rows = list(workbook["Belege"].iter_rows(values_only=True))

    reversed_rows = [r for r in rows[1:] if r[11] == "ja"]
    assert [(r[5], r[12]) for r in reversed_rows] == [("B-2", "=Doppelt erfasst")]
    lines = section(workbook, "Kostenposition", "Summe")
    assert [row[0].strip() for row in lines] == ["Tabulator am Anfang", "Wagenrücklauf am Anfang"]  # names, not codes


def test_a_revoked_grant_shows_the_revocation(demo, tmp_path):
    f = facts(write(demo, "IB-2025-008", tmp_path))

    assert f["Stand"] == "Widerrufen"
    assert "Widerrufen am" in f and "Begründung" in f


def test_a_grant_without_determination_says_so(demo, tmp_path):
    workbook = write(demo, "IB-2026-004", tmp_path)
    column = [row[0] for row in workbook["Verwendungsnachweis"].iter_rows(values_only=True)]

    assert "Noch nicht festgesetzt." in column


def test_grants_are_found_by_uuid_or_file_number_and_unknown_ones_refused(demo):
    grant_id = Grant.create_id("IB-2025-003")
    with demo.projector.db.transaction() as cursor:
        assert find_grant(cursor, "IB-2025-003") == grant_id
        assert find_grant(cursor, f" {grant_id} ") == grant_id
        with pytest.raises(ExportError, match="»IB-1999-999« gibt es nicht"):
            find_grant(cursor, "IB-1999-999")
        with pytest.raises(ExportError, match="Kennung"):
            find_grant(cursor, str(Grant.create_id("nirgends")))


class TestTheNarrativeReport:
    def test_the_sachbericht_is_in_the_workbook_and_the_review_note_only_in_the_offices_copy(self, demo, tmp_path):
        office_copy = write(demo, "IB-2025-001", tmp_path)
        with demo.projector.db.transaction() as cursor:
            report = proof_of_use_report(cursor, "IB-2025-001", GENERATED, "Claire", for_association=True)
        write_proof_of_use(report, tmp_path / "verein.xlsx")
        association_copy = openpyxl.load_workbook(tmp_path / "verein.xlsx")

        for book in (office_copy, association_copy):
            cells = [str(v) for row in book["Verwendungsnachweis"].iter_rows(values_only=True) for v in row if v]
            assert "1. Sachbericht" in cells
            assert "24 Jugendliche haben teilgenommen; die Kosten lagen mit 9.000,00 € unter dem Plan." in cells
        office_cells = facts(office_copy)
        assert office_cells["Prüfvermerk (intern)"] == "Belege vollständig; alle Ausgaben anerkannt."
        texts = [str(v) for row in association_copy["Verwendungsnachweis"].iter_rows(values_only=True) for v in row]
        assert not any("Belege vollständig" in text for text in texts)
