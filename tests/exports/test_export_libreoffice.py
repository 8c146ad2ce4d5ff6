"""Every formula of the workbooks, recalculated by real LibreOffice, equals the read models' figure.

The finance workbook of the demo, proof-of-use workbooks of four demo grants and both workbooks of a
store whose associations are named like formulas are converted in one headless ``soffice`` run that
recalculates everything on load. Each formula cell of the originals is then looked up in the
recalculated copies and compared with the figure the read models give; a test also checks that every
formula cell was compared. Skipped with the reason where LibreOffice is missing (never under CI=true).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from export_support import EVIL_NAME, EVIL_SUM, amount, cents, recalculate, tell_evil_story

from domain.grant import Grant
from domain.money import Money
from exports.finance_report import FinanceFilter, FinanceReport
from exports.finance_workbook import write_finance_workbook
from exports.proof_of_use import proof_of_use_report, write_proof_of_use
from exports.tables import GRANT_SHEETS, OVERVIEW_SPLIT
from projections.export_queries import LedgerFilter, holder_year_sums
from projections.grant_files import GrantFiles
from projections.grant_law import GrantLaw
from projections.grant_overview import GrantOverview
from projections.journal import Journal
from projections.programme_balances import ProgrammeBalances
from projections.project_spending import ProjectSpending

GENERATED = datetime(2026, 3, 31, 9, 0)
GRANT_SHEET_TITLES = [table.sheet for table in GRANT_SHEETS]
OVERVIEW_SHEET_TITLES = [table.sheet for table in OVERVIEW_SPLIT.sheets]
PROOF_GRANTS = ("IB-2025-001", "IB-2025-002", "KEPOL-2025-001", "SCHY-2025-001")
OVERVIEW_MEASURES = {
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
FACT_HEADINGS = {  # grant law facts in the Zuwendungen sheet (projections.grant_law)
    "Über Plansumme, nicht zuwendungsfähig": "over_plan_total",
    "Festbetrag je Einheit: nicht erbracht": "unit_shortfall",
    "Vor Maßnahmebeginn, nicht zuwendungsfähig": "before_start",
    "Gegenstände über Wertgrenze": "items",
    "Abgang vor Ende der Zweckbindung": "disposed_early",
    "An Partner im Ausland überwiesen": "transfers_abroad",
}
GRANT_MEASURES = {
    "Bewilligt": "committed",
    "Gebunden, nicht abgerufen": "open_commitment",
    "Abgerufen, nicht ausgezahlt": "requested",
    "Ausgezahlt": "paid",
    "Verwendung anerkannt": "recognised",
    "Rückforderung festgesetzt": "claimed",
    "Zurückgezahlt": "repaid",
    "Zinsen eingegangen": "interest",
}


def formulas(path: Path) -> dict[tuple[str, str], str]:
    """Every formula cell of a workbook: (sheet, coordinate) -> formula."""
    workbook = openpyxl.load_workbook(path)
    return {
        (ws.title, cell.coordinate): cell.value
        for ws in workbook
        for row in ws.iter_rows()
        for cell in row
        if cell.data_type == "f"
    }


def values(path: Path) -> Any:
    return openpyxl.load_workbook(path, data_only=True)


@pytest.fixture(scope="module")
def converted(
    demo: Any, soffice: str, tmp_path_factory: pytest.TempPathFactory, open_module_store: Any
) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("libreoffice")
    files = [folder / "finanz.xlsx"]
    with demo.projector.db.transaction() as cursor:
        write_finance_workbook(FinanceReport(cursor, FinanceFilter(), GENERATED, "Test"), files[0])
        files.append(folder / "finanz-gesamt.xlsx")
        write_finance_workbook(FinanceReport(cursor, FinanceFilter(all_years_total=True), GENERATED, "Test"), files[1])
        for number in PROOF_GRANTS:
            path = folder / f"vn-{number}.xlsx"
            write_proof_of_use(proof_of_use_report(cursor, number, GENERATED, "Test"), path)
            files.append(path)
    evil = open_module_store(folder / "evil.sqlite", tell_evil_story)
    with evil.projector.db.transaction() as cursor:
        write_finance_workbook(FinanceReport(cursor, FinanceFilter(), GENERATED, "Test"), folder / "evil-finanz.xlsx")
        write_proof_of_use(proof_of_use_report(cursor, "=AZ-0", GENERATED, "Test"), folder / "evil-vn.xlsx")
    files += [folder / "evil-finanz.xlsx", folder / "evil-vn.xlsx"]
    return {"originals": {f.name: f for f in files}, "recalculated": recalculate(soffice, files, folder), "evil": evil}


@pytest.fixture(scope="module")
def open_module_store() -> Any:
    from foerderbuch.settings import Settings
    from foerderbuch.wiring import create_office, create_projector

    opened = []

    class Opened:
        def __init__(self, path: Path, story: Any) -> None:
            settings = Settings(database_url=f"sqlite:///{path}")
            self.office = create_office(settings)
            story(self.office)
            self.projector = create_projector(settings, self.office)
            self.projector.catch_up()
            opened.append(self)

    yield Opened
    for store in opened:
        store.projector.db.close()
        store.office.close()


@pytest.fixture(scope="module")
def overview_sums(demo: Any) -> Callable[[str, set[int]], Decimal]:
    """What an Übersicht column comes to over some fiscal years, from the programme balances."""
    with demo.projector.db.transaction() as cursor:
        balances = ProgrammeBalances.years(cursor)
    assert {b.fiscal_year for b in balances} == {2025, 2026}

    def expected(heading: str, years: set[int]) -> Decimal:
        mine = [b for b in balances if b.fiscal_year in years]
        if heading == "Gebunden, nicht abgerufen":
            return sum((cents(b.committed - b.requested - b.paid) for b in mine), Decimal(0))
        return sum((cents(getattr(b, OVERVIEW_MEASURES[heading])) for b in mine), Decimal(0))

    return expected


@pytest.fixture(scope="module")
def grant_sums(demo: Any) -> Callable[[str, set[int]], Decimal]:
    """What a Zuwendungen column comes to over some fiscal years, from the journal and grant law: the
    year's amounts of every grant, and the figures of a whole grant in the grant's first year."""
    with demo.projector.db.transaction() as cursor:
        grants = GrantOverview.grants(cursor, GENERATED.date(), limit=10000)
        facts = GrantLaw.facts(cursor, [g.grant_id for g in grants])
        per_year = {
            (g.grant_id, year): Journal.balance(cursor, holder_id=g.grant_id, fiscal_year=year)
            for g in grants
            for year in (2025, 2026)
        }
        whole = {g.grant_id: Journal.grant_balance(cursor, g.grant_id) for g in grants}
        rows = GrantFiles.page(cursor, limit=10000)
        with_lines = set(holder_year_sums(cursor, (g.grant_id for g in grants), LedgerFilter()))
    settled = {r.grant_id for r in rows if r.final_amount or r.revoked_on or r.closed_on}

    def released(grant_id: Any, b: Any) -> Decimal:
        return -cents(b.open_commitment) if grant_id in settled and b.open_commitment.amount < 0 else Decimal(0)

    def expected(heading: str, years: set[int]) -> Decimal:
        mine = [(grant_id, b) for (grant_id, y), b in per_year.items() if y in years]
        firsts = [g for g in whole if min((y for (h, y) in with_lines if h == g), default=0) in years]
        if heading == "Bindung aufgehoben":
            found = [released(g, b) for g, b in mine]
        elif heading == "Gebunden, nicht abgerufen":
            found = [cents(b.open_commitment) + released(g, b) for g, b in mine]
        elif heading == "Rest: Bewilligt − Ausgezahlt":
            found = [cents(b.open_commitment) + released(g, b) + cents(b.requested) for g, b in mine]
        elif heading == "Rest: Ausgezahlt − anerkannt":  # whole grants, counted in their first year
            found = [
                cents(whole[g].paid - whole[g].recognised - whole[g].claimed - whole[g].not_pursued) for g in firsts
            ]
        elif heading in FACT_HEADINGS:  # a grant law fact, once per grant
            name = FACT_HEADINGS[heading]
            found = [cents(facts[g][name].amount) for g in firsts if name in facts.get(g, {})]
        else:
            found = [cents(getattr(b, GRANT_MEASURES[heading])) for _, b in mine]
        return sum(found, Decimal(0))

    return expected


def project_totals(projects: Any) -> dict[str, Decimal]:
    """The Projekte sheet's amounts over all years, from the project spending read model."""
    return {
        "Budget gezogen": sum((cents(p.budget) for p in projects), Decimal(0)),
        "Ausgaben": sum((cents(p.spent) for p in projects), Decimal(0)),
        "Rest": sum((cents(p.remaining) for p in projects), Decimal(0)),
        "Zuwendungen an Vereine ausgezahlt": sum((cents(p.grants_paid) for p in projects), Decimal(0)),
    }


def heading_of(ws: Any, coordinate: str) -> str:
    return ws.cell(1, ws[coordinate].column).value


def year_of(ws: Any, coordinate: str) -> int:
    """The fiscal year of a subtotal row (its year is in column A)."""
    return ws.cell(ws[coordinate].row, 1).value


class TestFinanceWorkbook:
    def test_each_years_overview_subtotals_equal_that_years_programme_balances(self, converted, overview_sums):
        original = converted["originals"]["finanz.xlsx"]
        recalculated = values(converted["recalculated"]["finanz.xlsx"])
        cells = [
            (sheet, coordinate)
            for (sheet, coordinate), formula in formulas(original).items()
            if sheet in OVERVIEW_SHEET_TITLES and formula.startswith("=SUM(")
        ]

        assert len(cells) == (len(OVERVIEW_MEASURES) + 1) * 2  # nine figures and the open commitment, two years
        for sheet, coordinate in cells:
            ws = recalculated[sheet]
            heading, year = heading_of(ws, coordinate), year_of(ws, coordinate)
            assert amount(ws[coordinate].value) == overview_sums(heading, {year}), (sheet, heading, year)

    def test_the_chart_data_follow_the_table(self, converted):
        recalculated = values(converted["recalculated"]["finanz.xlsx"])["Übersicht"]
        rows = list(recalculated.iter_rows(values_only=True))
        header = next(i for i, row in enumerate(rows) if row[0] == "Programm Jahr")
        table = {
            f"{row[1]} {row[0]}": row
            for row in rows[1:header]
            if isinstance(row[0], int) and not str(row[1]).startswith("Summe")
        }
        chart = rows[header + 1 : header + 1 + len(table)]

        assert {row[0] for row in chart} == set(table)
        for label, ansatz, bewilligt, ausgezahlt, *_ in chart:
            assert (ansatz, bewilligt, ausgezahlt) == (table[label][2], table[label][3], table[label][6])

    def test_each_years_grant_subtotals_equal_the_journal_balances_of_that_year(self, converted, grant_sums):
        original = converted["originals"]["finanz.xlsx"]
        recalculated = values(converted["recalculated"]["finanz.xlsx"])
        cells = [(sheet, coordinate) for (sheet, coordinate) in formulas(original) if sheet in GRANT_SHEET_TITLES]

        # the subtotals of the year's amounts, spread over the Zuwendungen sheets, each amount once
        assert len(cells) == (len(GRANT_MEASURES) + 3 + len(FACT_HEADINGS)) * 2
        headings = [heading_of(recalculated[sheet], coordinate) for sheet, coordinate in cells]
        assert len(set(headings)) == len(headings) // 2
        for sheet, coordinate in cells:
            ws = recalculated[sheet]
            heading, year = heading_of(ws, coordinate), year_of(ws, coordinate)
            assert amount(ws[coordinate].value) == grant_sums(heading, {year}), (sheet, heading, year)

    def test_asked_for_a_grand_total_it_equals_the_ledger_of_both_years(
        self, converted, demo, overview_sums, grant_sums
    ):
        """With --grand-total, each Übersicht, Zuwendungen and Projekte sheet ends with »Summe 2025–2026«
        (the sum of the years' subtotal rows) under each amount, which LibreOffice computes to the
        ledger's figure of both years."""
        original = converted["originals"]["finanz-gesamt.xlsx"]
        recalculated = values(converted["recalculated"]["finanz-gesamt.xlsx"])
        with demo.projector.db.transaction() as cursor:
            projects = project_totals(ProjectSpending.projects(cursor))
        grand = []
        for sheet, coordinate in formulas(original):
            ws = recalculated[sheet]
            if ws.cell(ws[coordinate].row, 2).value != "Summe 2025–2026":
                continue
            grand.append(coordinate)
            heading = heading_of(ws, coordinate)
            if sheet == "Projekte":
                expected = projects[heading]
            elif sheet in OVERVIEW_SHEET_TITLES:
                expected = overview_sums(heading, {2025, 2026})
            else:
                expected = grant_sums(heading, {2025, 2026})
            assert amount(ws[coordinate].value) == expected, (sheet, heading)

        assert len(grand) == len(OVERVIEW_MEASURES) + 1 + len(GRANT_MEASURES) + 3 + len(FACT_HEADINGS) + len(projects)

    def test_the_project_subtotals_equal_the_project_spending_read_model(self, converted, demo):
        original = converted["originals"]["finanz.xlsx"]
        recalculated = values(converted["recalculated"]["finanz.xlsx"])["Projekte"]
        with demo.projector.db.transaction() as cursor:
            expected = project_totals(ProjectSpending.projects(cursor))
        cells = [coordinate for (sheet, coordinate) in formulas(original) if sheet == "Projekte"]
        found: dict[str, Decimal] = {}
        for coordinate in cells:
            heading = heading_of(recalculated, coordinate)
            found[heading] = found.get(heading, Decimal(0)) + amount(recalculated[coordinate].value)

        assert found == expected  # the years' subtotals add up to the projects' totals

    def test_only_the_tables_hold_formulas(self, converted):
        sheets = {sheet for sheet, _ in formulas(converted["originals"]["finanz.xlsx"])}

        assert sheets == {"Übersicht", "Übersicht Abrechnung", "Projekte", *GRANT_SHEET_TITLES} - {
            "Zuwendungen Bescheid",
            "Zuwendungen Widerruf",
        }


def proof_expectations(path: Path, file: Any, paid: Money) -> dict[tuple[str, str], Any]:
    """What each formula cell of a proof-of-use workbook must compute, from the grant file read model."""
    ws = openpyxl.load_workbook(path)["Verwendungsnachweis"]
    labels = {row[0].value: row[0].row for row in ws.iter_rows() if row[0].value is not None}
    expected: dict[tuple[str, str], Any] = {}

    def put(row: int, column: str, value: Any) -> None:
        expected[("Verwendungsnachweis", f"{column}{row}")] = value

    planned = sum(cents(line.planned) for line in file.lines)
    spent = sum(cents(line.spent) for line in file.lines)
    first = labels["Kostenposition"] + 1  # the cost lines follow their header in the plan's order
    for offset, line in enumerate(file.lines):
        row = first + offset
        put(row, "C", cents(line.spent))
        put(row, "D", cents(line.spent) - cents(line.planned))
        put(row, "E", ratio(cents(line.spent) - cents(line.planned), cents(line.planned)))
    total = labels["Summe"]
    put(total, "B", planned)
    put(total, "C", spent)
    put(total, "D", spent - planned)
    put(total, "E", ratio(spent - planned, planned))
    put(total, "F", sum(cents(line.reported) for line in file.lines if line.reported is not None))
    put(total, "G", sum(cents(line.recognised) for line in file.lines if line.recognised is not None))
    reported = file.reported_funding
    sources = (
        ("Eigenmittel", file.planned_funding.own_funds, reported.own_funds if reported else None),
        ("Drittmittel", file.planned_funding.third_party_funds, reported.third_party_funds if reported else None),
        ("Einnahmen", file.planned_funding.income, reported.income if reported else None),
        ("Zuwendung (Ist: ausgezahlt)", file.planned_grant, paid),
    )
    for label, plan, actual in sources:
        row = labels[label]
        difference = cents(actual) - cents(plan) if actual is not None else ""
        put(row, "D", difference)
        put(row, "E", ratio(difference, cents(plan)) if actual is not None else "")
    funding_plan = sum(cents(plan) for _, plan, _ in sources)
    funding_actual = sum(cents(actual) for _, _, actual in sources if actual is not None)
    put(labels["Summe Finanzierung"], "B", funding_plan)
    put(labels["Summe Finanzierung"], "C", funding_actual)
    put(labels["Kosten laut Belegen"], "B", planned)
    put(labels["Kosten laut Belegen"], "C", spent)
    put(labels["Überschuss (+) / Fehlbetrag (−)"], "B", funding_plan - planned)
    put(labels["Überschuss (+) / Fehlbetrag (−)"], "C", funding_actual - spent)
    receipts = openpyxl.load_workbook(path)["Belege"]
    put_total = next(c for row in receipts.iter_rows() for c in row if c.data_type == "f")
    expected[("Belege", put_total.coordinate)] = sum(cents(r.euro) for r in file.receipts if not r.reversed)
    return expected


def ratio(part: Decimal, whole: Decimal) -> float | str:
    """A deviation in percent as the workbook computes it (a float), or "" where the plan is zero."""
    return float(part / whole) if whole else ""


def compare(recalculated: Any, expected: dict[tuple[str, str], Any]) -> None:
    for (sheet, coordinate), value in expected.items():
        computed = recalculated[sheet][coordinate].value
        if value == "":
            assert computed in ("", None), (sheet, coordinate, computed)
        elif isinstance(value, float):
            assert computed == pytest.approx(value, abs=1e-9), (sheet, coordinate)
        else:
            assert amount(computed) == value, (sheet, coordinate)


@pytest.mark.parametrize("number", [*PROOF_GRANTS, "=AZ-0"])
def test_every_formula_of_the_proof_of_use_equals_the_grant_file(converted, demo, number):
    name = "evil-vn.xlsx" if number == "=AZ-0" else f"vn-{number}.xlsx"  # the latter with a reversed receipt
    original = converted["originals"][name]
    store = converted["evil"] if number == "=AZ-0" else demo
    with store.projector.db.transaction() as cursor:
        file = GrantFiles.grant(cursor, Grant.create_id(number))
        paid = Journal.grant_balance(cursor, Grant.create_id(number)).paid
    assert file is not None
    expected = proof_expectations(original, file, paid)

    assert set(expected) == set(formulas(original))  # every formula is checked
    compare(values(converted["recalculated"][name]), expected)


def test_formula_like_names_stay_text_after_libreoffice_recalculates(converted):
    finance = values(converted["recalculated"]["evil-finanz.xlsx"])
    proof = values(converted["recalculated"]["evil-vn.xlsx"])

    names = [row[3] for row in finance["Zuwendungen"].iter_rows(min_row=2, values_only=True) if row[1]]
    assert EVIL_NAME in names and EVIL_SUM in names
    facts = {row[0]: row[1] for row in proof["Verwendungsnachweis"].iter_rows(values_only=True) if row[0]}
    assert facts["Zuwendungsempfänger"] == EVIL_NAME
    assert facts["Aktenzeichen"] == "=AZ-0"
    payees = [row[3] for row in proof["Belege"].iter_rows(min_row=2, values_only=True) if row[0]]
    assert payees == ["=Reisebüro", "Hostel"]
