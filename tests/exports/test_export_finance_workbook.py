"""The finance workbook of the demo data, reopened with openpyxl: values, formats, layout, and every
figure reconciled with the read models (programme balances, journal, grant overview, seal)."""

from __future__ import annotations

import zipfile
from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

import openpyxl
import pytest
from export_support import amount, as_date, cents

from domain.grant import Grant
from domain.programme import Programme
from exports.cells import DATE, EURO, MAX_WIDTH, PERCENT, column_width, text_lines
from exports.finance_report import ExportError, FinanceFilter, FinanceReport
from exports.finance_workbook import write_finance_workbook
from exports.tables import (
    GRANT_KEYS,
    GRANT_SHEETS,
    GRANT_SPLIT,
    GRANTS,
    JOURNAL,
    JOURNAL_SPLIT,
    OVERVIEW,
    OVERVIEW_SPLIT,
    PROJECTS,
    SplitTable,
)
from projections.accounts import CHART
from projections.grant_overview import GrantOverview
from projections.journal import Journal
from projections.programme_balances import ProgrammeBalances
from projections.seal import Seal

GENERATED = datetime(2026, 3, 31, 14, 30)
MEASURES = {  # Übersicht heading -> ProgrammeYearBalance attribute
    "Ansatz": "budget",
    "Bewilligt": "committed",
    "Abgerufen, nicht ausgezahlt": "requested",
    "Ausgezahlt": "paid",
    "Verwendung anerkannt": "recognised",
    "Rückforderung festgesetzt": "claimed",
    "Zurückgezahlt": "repaid",
    "Zinsen eingegangen": "interest",
    "Verfügbar": "available",
}


def write(demo: Any, tmp_path: Path, wanted: FinanceFilter = FinanceFilter(), name: str = "finanz.xlsx") -> Path:
    path = tmp_path / name
    with demo.projector.db.transaction() as cursor:
        write_finance_workbook(FinanceReport(cursor, wanted, GENERATED, "Kerstin Brandt"), path)
    return path


def info(workbook: Any) -> dict[str, Any]:
    """The Info sheet's facts (above the definitions)."""
    facts = {}
    for label, value in workbook["Info"].iter_rows(values_only=True):
        if label == "Begriffe":
            break
        if label:
            facts[label] = value
    return facts


def is_subtotal(row: tuple[Any, ...]) -> bool:
    return isinstance(row[1], str) and row[1].startswith("Summe")


def table(ws: Any) -> list[dict[str, Any]]:
    """The data rows of a sheet (header in row 1) up to the first empty row, without subtotal rows."""
    rows = list(ws.iter_rows(values_only=True))
    headings = rows[0]
    data = []
    for row in rows[1:]:
        if row[0] is None or row[0] == "Summe":
            break
        if not is_subtotal(row):
            data.append(dict(zip(headings, row, strict=True)))
    return data


GRANT_SHEET_TITLES = [t.sheet for t in GRANT_SHEETS]
JOURNAL_SHEET_TITLES = [t.sheet for t in JOURNAL_SPLIT.sheets]
OVERVIEW_SHEET_TITLES = [t.sheet for t in OVERVIEW_SPLIT.sheets]
FITTED = OVERVIEW_SHEET_TITLES + GRANT_SHEET_TITLES + JOURNAL_SHEET_TITLES + ["Projekte"]  # one page wide


def joined(workbook: Any, split: SplitTable) -> list[dict[str, Any]]:
    """The rows of a table's sheets joined into rows of the whole table (every sheet has the same rows in
    the same order, each starting with the keys)."""
    parts = [table(workbook[t.sheet]) for t in split.sheets]
    rows = []
    for part in zip(*parts, strict=True):
        merged: dict[str, Any] = {}
        for row in part:
            for heading, value in row.items():
                assert merged.get(heading, value) == value, heading  # keys (and a repeated amount) agree
                merged[heading] = value
        rows.append(merged)
    return rows


def grant_table(workbook: Any) -> list[dict[str, Any]]:
    return joined(workbook, GRANT_SPLIT)


def journal_table(workbook: Any) -> list[dict[str, Any]]:
    return joined(workbook, JOURNAL_SPLIT)


def overview_table(workbook: Any) -> list[dict[str, Any]]:
    return joined(workbook, OVERVIEW_SPLIT)


def subtotals(ws: Any) -> dict[Any, dict[str, Any]]:
    """The subtotal rows of a sheet by their label (»Summe 2025«), as heading -> formula."""
    rows = list(ws.iter_rows(values_only=True))
    headings = rows[0]
    found = {}
    for row in rows[1:]:
        if any(row) and is_subtotal(row):
            found[row[1]] = dict(zip(headings, row, strict=False))
    return found


@pytest.fixture(scope="module")
def workbook_path(demo: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write(demo, tmp_path_factory.mktemp("finance"))


@pytest.fixture(scope="module")
def workbook(workbook_path: Path) -> Any:
    return openpyxl.load_workbook(workbook_path)


class TestLayout:
    def test_the_sheets_come_in_the_documented_order(self, workbook):
        assert workbook.sheetnames == [
            *OVERVIEW_SHEET_TITLES,
            *GRANT_SHEET_TITLES,
            *JOURNAL_SHEET_TITLES,
            "Projekte",
            "SDG",
            "Info",
        ]
        assert OVERVIEW_SHEET_TITLES == ["Übersicht", "Übersicht Abrechnung", "Übersicht Haushalt"]
        assert GRANT_SHEET_TITLES[0] == "Zuwendungen" and JOURNAL_SHEET_TITLES == ["Journal", "Journal Herkunft"]

    @pytest.mark.parametrize("sheet", FITTED)
    def test_every_table_has_a_frozen_header_an_autofilter_widths_and_landscape_print_with_repeated_header(
        self, workbook, sheet
    ):
        ws = workbook[sheet]

        assert ws.freeze_panes in ("B2", "C2")
        assert ws.auto_filter.ref.startswith("A1:")
        assert ws.print_title_rows == "$1:$1"
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9  # A4
        # fitted to one page wide (the print tests measure that the type stays at 8 pt or more)
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.print_title_cols is None
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
        keys = {
            "Projekte": ("Haushaltsjahr", "Projekt"),
            **dict.fromkeys(JOURNAL_SHEET_TITLES, JOURNAL_SPLIT.keys),
            **dict.fromkeys(OVERVIEW_SHEET_TITLES, OVERVIEW_SPLIT.keys),
        }
        assert tuple(cell.value for cell in ws[1][:2]) == keys.get(sheet, GRANT_KEYS)  # on every sheet
        assert all(ws.column_dimensions[c].width and ws.column_dimensions[c].width >= 6 for c in "ABCDEF")
        assert all(cell.font.bold for cell in ws[1] if cell.value)

    def test_the_zuwendungen_sheets_hold_every_column_of_the_grant_table_once_and_are_narrow(self):
        headings = [column.heading for table in GRANT_SHEETS for column in table.columns[len(GRANT_KEYS) :]]
        journal = {column.heading for table in JOURNAL_SPLIT.sheets for column in table.columns}

        assert sorted(headings) == sorted(h for h in GRANTS.headings if h not in GRANT_KEYS)
        assert journal == set(JOURNAL.headings)
        assert {c.heading for t in OVERVIEW_SPLIT.sheets for c in t.columns} == set(OVERVIEW.headings)
        for table in (*OVERVIEW_SPLIT.sheets, *GRANT_SHEETS, *JOURNAL_SPLIT.sheets, PROJECTS):  # one A4 page
            assert sum(column_width(column) for column in table.columns) <= MAX_WIDTH, table.sheet  # at >= 8 pt

    @pytest.mark.parametrize("sheet", FITTED)
    def test_no_heading_has_to_break_inside_a_word(self, workbook, sheet):
        ws = workbook[sheet]

        for cell in ws[1]:
            if cell.value:
                longest = max(len(word) for word in cell.value.split())
                assert ws.column_dimensions[cell.column_letter].width >= longest * 1.15 + 2, cell.value

    def test_each_fiscal_year_has_its_subtotal_and_years_are_not_added_together(self, workbook):
        ws = workbook["Übersicht"]
        rows = len(table(ws))
        labels = [row[1] for row in ws.iter_rows(min_row=2, values_only=True) if row[0] is not None]

        assert ws.auto_filter.ref == f"A1:I{rows + 3}"  # the rows and the two subtotals (a year filter keeps its own)
        assert labels[4] == "Summe 2025" and labels[9] == "Summe 2026"
        assert not any(label.startswith("Summe 2025–") for label in labels if label)

    def test_a_grand_total_over_the_years_only_when_asked_for(self, demo, tmp_path):
        path = write(demo, tmp_path, FinanceFilter(all_years_total=True))
        ws = openpyxl.load_workbook(path)["Übersicht"]
        found = subtotals(ws)

        assert set(found) >= {"Summe 2025", "Summe 2026", "Summe 2025–2026"}
        year_rows = [r for r in range(2, ws.max_row + 1) if str(ws.cell(r, 2).value).startswith("Summe 202")]
        assert found["Summe 2025–2026"]["Ansatz"] == f"=C{year_rows[0]}+C{year_rows[1]}"
        assert info(openpyxl.load_workbook(path))["Gesamtsumme über alle Jahre"] == "ja"

    def test_workbook_properties_name_the_report_its_author_and_the_chain_head(self, workbook, demo):
        with demo.projector.db.transaction() as cursor:
            head = Seal.head(cursor)
        props = workbook.properties

        assert props.title == "Förderbuch – Finanzbericht alle"
        assert props.creator == "Förderbuch"
        assert props.lastModifiedBy == "Kerstin Brandt"
        assert head is not None and head.hash in props.description
        assert props.created == GENERATED

    def test_the_overview_carries_a_live_bar_chart_by_programme_and_year(self, workbook_path, workbook):
        with zipfile.ZipFile(workbook_path) as archive:
            charts = [name for name in archive.namelist() if name.startswith("xl/charts/chart")]
            xml = archive.read(charts[0]).decode()
        ws = workbook["Übersicht"]
        header = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "Programm Jahr")
        labels = [ws.cell(r, 1).value for r in range(header + 1, header + 9)]

        assert len(charts) == 1
        assert "<barChart>" in xml and xml.count("<ser>") == 3
        assert [ws.cell(header, c).value for c in (2, 3, 4)] == ["Ansatz", "Bewilligt", "Ausgezahlt"]
        assert f"'Übersicht'!B{header}" in xml and f"'Übersicht'!D{header}" in xml
        assert xml.count(f"<strRef><f>'Übersicht'!$A${header + 1}:$A${header + 8}</f></strRef>") == 3
        assert labels[:2] == ["AZUBI-AUSLAND 2025", "HILFE-SCHYTOMYR 2025"] and labels[-1] == "KEPOL-KUMASI 2026"
        assert ws.cell(header + 1, 2).value == "=C2"  # the chart follows the table
        hilfe = header + labels.index("HILFE-SCHYTOMYR 2025") + 1  # wider than column A: wrapped, two lines
        assert ws.cell(hilfe, 1).alignment.wrap_text and ws.row_dimensions[hilfe].height == 30


@pytest.mark.parametrize(
    ("text", "width", "lines"),
    [
        ("Hilfe für Schytomyr", 30, 1),
        ("Kommunale Entwicklungszusammenarbeit Kumasi", 30, 3),  # 43 characters, but wrapped between words
        ("erste Zeile\nzweite Zeile", 30, 2),
        ("x" * 60, 30, 3),  # a word longer than the line breaks inside itself
        ("", 30, 1),
    ],
)
def test_a_row_is_as_tall_as_its_text_wrapped_between_words(text, width, lines):
    assert text_lines(text, width) == lines


class TestOverview:
    def test_one_row_per_programme_and_year_with_its_posting_coordinates(self, workbook, demo):
        rows = overview_table(workbook)
        with demo.projector.db.transaction() as cursor:
            expected = ProgrammeBalances.years(cursor)

        assert [(r["Haushaltsjahr"], r["Programm"]) for r in rows] == sorted((b.fiscal_year, b.code) for b in expected)
        ib = next(r for r in rows if r["Programm"] == "IB-VEREINE" and r["Haushaltsjahr"] == 2026)
        assert (ib["Produkt"], ib["Sachkonto"], ib["Kostenstelle"]) == ("01.11.02", "531800", "1011000")
        assert ib["Mittelherkunft"] == "Städtischer Haushalt"

    def test_every_figure_equals_the_programme_balances_read_model(self, workbook, demo):
        rows = {(r["Haushaltsjahr"], r["Programm"]): r for r in overview_table(workbook)}
        with demo.projector.db.transaction() as cursor:
            balances = ProgrammeBalances.years(cursor)

        for balance in balances:
            row = rows[(balance.fiscal_year, balance.code)]
            for heading, attribute in MEASURES.items():
                assert amount(row[heading]) == cents(getattr(balance, attribute)), (balance.code, heading)

    def test_approved_is_the_open_commitment_plus_requested_plus_paid(self, workbook):
        for row in table(workbook["Übersicht"]):
            parts = sum(
                amount(row[h]) for h in ("Gebunden, nicht abgerufen", "Abgerufen, nicht ausgezahlt", "Ausgezahlt")
            )
            assert amount(row["Bewilligt"]) == parts
            assert amount(row["Ansatz"]) == amount(row["Bewilligt"]) + amount(row["Verfügbar"])

    @pytest.mark.parametrize("split", OVERVIEW_SPLIT.sheets, ids=lambda table: table.sheet)
    def test_money_is_a_number_with_the_euro_format_and_each_year_sums_its_own_rows(self, workbook, split):
        ws = workbook[split.sheet]
        totals_2025, totals_2026 = ws[6], ws[11]

        assert totals_2025[1].value == "Summe 2025" and totals_2026[1].value == "Summe 2026"
        assert [cell.value for cell in ws[1]] == split.headings
        for index, column in enumerate(split.columns):
            cell = ws.cell(2, index + 1)
            if column.kind == "money":
                assert cell.data_type == "n" and cell.number_format == EURO
                letter = cell.column_letter
                assert totals_2025[index].value == f"=SUM({letter}2:{letter}5)"
                assert totals_2026[index].value == f"=SUM({letter}7:{letter}10)"
                assert totals_2025[index].number_format == EURO
            elif column.kind in ("text", "code"):
                assert cell.data_type == "s"
                assert index < 2 or totals_2025[index].value is None
        assert ws.cell(2, 1).data_type == "n" and ws.cell(2, 1).number_format == "0"


class TestGrants:
    def test_one_row_per_grant_and_fiscal_year_in_which_money_moved(self, workbook, demo):
        rows = grant_table(workbook)
        keys = [(r["Aktenzeichen"], r["Haushaltsjahr"]) for r in rows]

        assert len(keys) == len(set(keys))
        assert ("IB-2025-001", 2025) in keys
        assert ("IB-2026-001", 2026) not in keys  # an application without a decision moves no money
        assert {r["Aktenzeichen"] for r in rows} >= {"IB-2025-003", "KEPOL-2026-001", "SCHY-2025-001"}

    def test_paid_and_approved_per_grant_add_up_to_the_grant_overview(self, workbook, demo):
        paid: dict[str, Decimal] = defaultdict(Decimal)
        approved: dict[str, Any] = {}
        for row in grant_table(workbook):
            paid[row["Aktenzeichen"]] += amount(row["Ausgezahlt"])
            approved[row["Aktenzeichen"]] = row["Bewilligt gesamt"]
        with demo.projector.db.transaction() as cursor:
            for number in paid:
                overview = GrantOverview.grant(cursor, Grant.create_id(number), date(2026, 3, 31))
                assert overview is not None
                assert paid[number] == cents(overview.paid), number
                assert amount(approved[number]) == cents(overview.approved), number

    def test_grants_and_projects_together_make_up_the_overview_totals(self, workbook):
        overview = overview_table(workbook)
        grants = grant_table(workbook)
        projects = table(workbook["Projekte"])

        for grant_heading, project_heading, overview_heading in (
            ("Ausgezahlt", "Ausgaben", "Ausgezahlt"),
            ("Bewilligt", "Budget gezogen", "Bewilligt"),
        ):
            total = sum(amount(r[overview_heading]) for r in overview)
            assert (
                sum(amount(r[grant_heading]) for r in grants) + sum(amount(r[project_heading]) for r in projects)
                == total
            )

    def test_the_reference_columns_are_filled_and_formatted(self, workbook):
        rows = {(r["Aktenzeichen"], r["Haushaltsjahr"]): r for r in grant_table(workbook)}
        row = rows[("IB-2025-001", 2025)]

        assert row["Zuwendungsempfänger"] == "Deutsch-Französische Gesellschaft Dortmund e.V."
        assert row["Partnerstadt"] == "Amiens"
        assert row["Finanzierungsart"] == "Anteilfinanzierung"
        assert row["Fördersatz"] == pytest.approx(0.70)
        assert amount(row["Höchstbetrag"]) == Decimal("7000.00")
        assert amount(row["Schlussfestsetzung"]) == Decimal("6300.00")
        assert amount(row["Über Plansumme, nicht zuwendungsfähig"]) == Decimal("0.00")  # spent less than planned
        assert row["Regelwerk"] == "IB-Vereine-2025"
        assert row["Stand"] == "Abgeschlossen"
        assert as_date(row["Bewilligt am"]) == date(2025, 3, 5)
        assert as_date(row["VN-Eingang"]) == date(2026, 1, 20)
        assert as_date(row["Prüfdatum"]) == date(2026, 2, 5)

    def test_the_revocation_s_dates_are_in_the_grant_s_first_row(self, workbook):
        """IB-2025-008 was revoked in the demo: facts known 20.10.2025, heard 10.11.2025, so the one-year
        limit ends on Tuesday 20.10.2026; nothing of idle money, write-offs or waivers on it."""
        rows = {(r["Aktenzeichen"], r["Haushaltsjahr"]): r for r in grant_table(workbook)}
        row = rows[("IB-2025-008", 2025)]

        assert as_date(row["Widerruf: Tatsachen bekannt seit"]) == date(2025, 10, 20)
        assert as_date(row["Widerruf: angehört am"]) == date(2025, 11, 10)
        assert as_date(row["Widerruf: Jahresfrist bis"]) == date(2026, 10, 20)
        assert row["Zinsen § 49a Abs. 4 festgesetzt"] in (None, "")
        assert rows[("IB-2025-001", 2025)]["Widerruf: Tatsachen bekannt seit"] in (None, "")

    def test_a_closed_grant_shows_its_released_commitment_and_no_negative_remainder(self, workbook):
        rows = {(r["Aktenzeichen"], r["Haushaltsjahr"]): r for r in grant_table(workbook)}
        first, later = rows[("IB-2025-001", 2025)], rows[("IB-2025-001", 2026)]

        assert amount(first["Bewilligt"]) == Decimal("6300.00")  # the final amount of a 7.000 € grant
        assert amount(first["Bindung aufgehoben"]) == Decimal("700.00")
        assert amount(first["Gebunden, nicht abgerufen"]) == Decimal("0.00")
        assert amount(first["Rest: Bewilligt − Ausgezahlt"]) == Decimal("0.00")
        assert amount(first["Rest: Ausgezahlt − anerkannt"]) == Decimal("0.00")  # 7.000 paid, 6.300 used, 700 back
        assert later["Rest: Ausgezahlt − anerkannt"] is None  # a fact of the whole grant: in its first row only
        for row in grant_table(workbook):
            for heading in ("Gebunden, nicht abgerufen", "Rest: Bewilligt − Ausgezahlt"):
                assert amount(row[heading]) >= 0, (row["Aktenzeichen"], heading)
            assert amount(row["Rest: Bewilligt − Ausgezahlt"]) == amount(row["Gebunden, nicht abgerufen"]) + amount(
                row["Abgerufen, nicht ausgezahlt"]
            )

    def test_rates_are_percentages_and_dates_are_german_date_cells(self, workbook):
        ws = workbook["Zuwendungen Bescheid"]
        rate = [c.value for c in ws[1]].index("Fördersatz") + 1
        rated = next(r for r in range(2, ws.max_row) if ws.cell(r, rate).value is not None)
        ws_dates = workbook["Zuwendungen Nachweis"]
        decided = [c.value for c in ws_dates[1]].index("Bewilligt am") + 1

        assert ws.cell(rated, rate).number_format == PERCENT
        assert ws_dates.cell(2, decided).number_format == DATE and ws_dates.cell(2, decided).is_date

    def test_one_subtotal_row_per_year_sums_only_the_amounts_of_that_year(self, workbook):
        ws = workbook["Zuwendungen"]
        last = len(table(ws)) + 1
        found = subtotals(ws)
        paid = [c.value for c in ws[1]].index("Ausgezahlt")

        assert set(found) == {"Summe 2025", "Summe 2026"}
        letter = ws.cell(1, paid + 1).column_letter
        assert found["Summe 2025"]["Ausgezahlt"] == f"=SUMIF($A$2:$A${last},2025,{letter}2:{letter}{last})"
        assert found["Summe 2026"]["Haushaltsjahr"] == 2026
        found = subtotals(workbook["Zuwendungen Abrechnung"])
        assert found["Summe 2025"]["Bewilligt gesamt"] is None  # a figure of the whole grant, not of the year
        assert found["Summe 2025"]["Verwendung anerkannt"].startswith("=SUMIF(")
        assert subtotals(workbook["Zuwendungen Bescheid"]) == {}  # no amounts of the year: Höchstbetrag is not one


class TestJournal:
    def test_every_movement_names_its_accounts_and_the_event_it_came_from(self, workbook, demo):
        rows = journal_table(workbook)
        with demo.projector.db.transaction() as cursor:
            lines = Journal.entries(cursor, limit=100000)

        assert len(rows) * 2 == len(lines)
        known = {(line.position, line.originator_id.hex, line.originator_version) for line in lines}
        for row in rows:
            assert (row["Log-Position"], row["Ereignis-ID"], row["Version"]) in known
            assert row["Soll"] in CHART.values() and row["Haben"] in CHART.values()
            assert amount(row["Betrag"]) > 0

    def test_the_movements_of_a_programme_year_sum_to_its_journal_balance(self, workbook, demo):
        sums: dict[tuple[str, int], dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
        names = {german: account for account, german in CHART.items()}
        for row in journal_table(workbook):
            key = (row["Programm"], row["Haushaltsjahr"])
            sums[key][names[row["Soll"]]] += amount(row["Betrag"])
            sums[key][names[row["Haben"]]] -= amount(row["Betrag"])
        with demo.projector.db.transaction() as cursor:
            balance = Journal.programme_balance(cursor, Programme.create_id("IB-VEREINE"), 2025)

        paid = sum(
            sums[("IB-VEREINE", 2025)][a]
            for a in ("paid", "recognised", "receivable", "repaid", "written_off", "not_pursued")
        )
        assert paid == cents(balance.paid)
        assert -sums[("IB-VEREINE", 2025)]["appropriation"] == cents(balance.budget)

    def test_journal_dates_are_date_cells_and_amounts_euro(self, workbook):
        ws = workbook["Journal"]

        assert ws.cell(2, JOURNAL.index("Datum") + 1).number_format == DATE
        assert ws.cell(2, JOURNAL.index("Betrag") + 1).number_format == EURO


class TestProjects:
    def test_projects_per_year_with_partner_city_sdgs_and_a_totals_row(self, workbook):
        rows = table(workbook["Projekte"])
        ws = workbook["Projekte"]

        chocolate = next(r for r in rows if r["Projekt"] == "FAIRE-SCHOKOLADE" and r["Haushaltsjahr"] == 2025)
        assert chocolate["Partnerstadt"] == "Kumasi" and chocolate["SDGs"] == "12, 17"
        assert amount(chocolate["Budget gezogen"]) == Decimal("12000.00")
        assert amount(chocolate["Rest"]) == amount(chocolate["Budget gezogen"]) - amount(chocolate["Ausgaben"])
        found = subtotals(ws)
        assert set(found) == {f"Summe {row['Haushaltsjahr']}" for row in rows}
        assert found["Summe 2025"]["Ausgaben"] == f"=SUMIF($A$2:$A${len(rows) + 1},2025,G2:G{len(rows) + 1})"

    def test_the_sections_by_partner_city_sdg_and_budget_line_follow(self, workbook):
        values = [row[0] for row in workbook["Projekte"].iter_rows(values_only=True)]

        assert "Nach Partnerstadt" in values and "Kumasi" in values
        assert "SDG 12" in values and "SDG 16" in values
        assert "Ausgaben nach Kostenposition (ohne Stichtag, alle Programme)" in values


class TestInfo:
    def test_info_names_when_by_whom_the_filters_and_the_chain_head(self, workbook, demo):
        facts = info(workbook)
        with demo.projector.db.transaction() as cursor:
            head = Seal.head(cursor)

        assert head is not None
        assert facts["Erstellt am"] == GENERATED
        assert facts["Erstellt von"] == "Kerstin Brandt"
        assert facts["Haushaltsjahre"] == "alle" and facts["Förderprogramm"] == "alle"
        assert facts["Stand: Log-Position"] == head.position
        assert facts["Stand: Prüfsumme (SHA-256)"] == head.hash
        assert facts["Stand"] == head.stand


class TestFilters:
    def test_a_year_and_a_programme_narrow_every_sheet(self, demo, tmp_path):
        path = write(demo, tmp_path, FinanceFilter(first_year=2026, last_year=2026, programme_code="ib-vereine"))
        workbook = openpyxl.load_workbook(path)

        assert [(r["Haushaltsjahr"], r["Programm"]) for r in table(workbook["Übersicht"])] == [(2026, "IB-VEREINE")]
        assert {r["Haushaltsjahr"] for r in grant_table(workbook)} == {2026}
        assert {r["Programm"] for r in grant_table(workbook)} == {"IB-VEREINE"}
        assert {r["Programm"] for r in journal_table(workbook)} == {"IB-VEREINE"}
        facts = info(workbook)
        assert facts["Haushaltsjahre"] == "2026" and facts["Förderprogramm"] == "IB-VEREINE"

    def test_as_of_a_date_the_overview_equals_the_journal_balance_on_that_day(self, demo, tmp_path):
        day = date(2025, 12, 31)
        path = write(demo, tmp_path, FinanceFilter(as_of_date=day))
        rows = table(openpyxl.load_workbook(path)["Übersicht"])

        with demo.projector.db.transaction() as cursor:
            for row in rows:
                balance = Journal.programme_balance(
                    cursor, Programme.create_id(row["Programm"]), row["Haushaltsjahr"], as_of_date=day
                )
                assert amount(row["Ausgezahlt"]) == cents(balance.paid)
                assert amount(row["Bewilligt"]) == cents(balance.committed)
        assert any(amount(r["Ausgezahlt"]) for r in rows)

    def test_as_of_a_log_position_the_workbook_shows_that_link_of_the_chain(self, demo, tmp_path):
        path = write(demo, tmp_path, FinanceFilter(as_of_position=150))
        workbook = openpyxl.load_workbook(path)
        facts = info(workbook)
        with demo.projector.db.transaction() as cursor:
            links = {link.position: link.hash for link in Seal.links(cursor, after=0, limit=1000)}
            for row in table(workbook["Übersicht"]):
                balance = Journal.balance(
                    cursor,
                    programme_id=Programme.create_id(row["Programm"]),
                    fiscal_year=row["Haushaltsjahr"],
                    as_of_position=150,
                )
                assert amount(row["Ausgezahlt"]) == cents(balance.paid)

        assert facts["Stand: Log-Position"] == 150
        assert facts["Stand: Prüfsumme (SHA-256)"] == links[150]
        assert all(r["Log-Position"] <= 150 for r in journal_table(workbook))

    def test_an_unknown_programme_or_a_position_beyond_the_log_is_refused_in_german(self, demo):
        with demo.projector.db.transaction() as cursor:
            with pytest.raises(ExportError, match="Kürzel »NIX« gibt es nicht"):
                FinanceReport(cursor, FinanceFilter(programme_code="NIX"), GENERATED, "x")
            with pytest.raises(ExportError, match="gibt es noch nicht"):
                FinanceReport(cursor, FinanceFilter(as_of_position=10**9), GENERATED, "x")
        with pytest.raises(ExportError, match="liegt nach"):
            FinanceFilter(first_year=2026, last_year=2025)

    def test_an_empty_log_has_nothing_to_export(self, fresh, open_store):
        store = open_store(fresh)

        with store.projector.db.transaction() as cursor, pytest.raises(ExportError, match="Log ist leer"):
            FinanceReport(cursor, FinanceFilter(), GENERATED, "x")


def test_the_grant_ids_of_the_journal_are_uuids(workbook):
    for row in journal_table(workbook):
        UUID(row["Ereignis-ID"])
