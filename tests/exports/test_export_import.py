"""Importing the grant list and the budget plan from the template: all or nothing, every error at once,
an annotated copy, and a second import that changes nothing."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from export_support import IBAN

from domain.dates import FiscalYear
from domain.grant import Grant
from domain.money import Money
from domain.programme import Programme
from domain.user import User
from exports.template import (
    BUDGET_FIELDS,
    ERROR_SHEET,
    GRANT_FIELDS,
    TemplateError,
    read_workbook,
    write_annotated_copy,
    write_template,
)
from foerderbuch.demo import organisation_id
from foerderbuch.exporting import error_copy_path
from foerderbuch.importing import (
    LEGACY_APPROVAL,
    LEGACY_REVIEW,
    CellError,
    ImportRejected,
    import_file,
    organisation_id_for,
    parse_date,
    parse_money,
    parse_rate,
    template_lists,
)
from projections.grant_files import GrantFiles

BUDGET = {
    "Programmkürzel": "TEST-VEREINE",
    "Bezeichnung": "Vereinsförderung (Test)",
    "Mittelherkunft": "Städtischer Haushalt",
    "Regelwerk": "NRW kommunal",
    "Mindestbetrag": Decimal("250"),
    "Höchstbetrag": Decimal("7500"),
    "Haushaltsjahr": 2026,
    "Ansatz": Decimal("20000"),
    "Produkt": "01.11.02",
    "Sachkonto": "531800",
    "Kostenstelle": "1011000",
}
ORGANISATION = {
    "Zuwendungsempfänger": "Städtepartnerschaftsverein Test e.V.",
    "Rechtsform": "e.V.",
    "Registernummer": "VR 9999",
    "Straße": "Hansastraße 1",
    "PLZ": 44137,
    "Ort": "Dortmund",
    "IBAN": IBAN,
}
APPROVED = {
    "Aktenzeichen": "IMP-2026-001",
    "Programmkürzel": "TEST-VEREINE",
    **ORGANISATION,
    "Titel": "Jugendaustausch Leeds",
    "Zweck": "Zehn Tage Begegnung von 20 Jugendlichen.",
    "Partnerstadt": "Leeds",
    "Beginn": datetime(2026, 4, 1),
    "Ende": datetime(2026, 9, 30),
    "Finanzierungsart": "Anteilfinanzierung",
    "Gesamtkosten": Decimal("10000"),
    "Eigenmittel": Decimal("2000"),
    "Drittmittel": Decimal("1000"),
    "Einnahmen": Decimal("500.5"),
    "Beantragte Zuwendung": Decimal("6499.5"),
    "Antragsdatum": datetime(2026, 2, 1),
    "Bewilligter Betrag": Decimal("6000"),
    "Fördersatz": Decimal("0.6"),
    "Höchstbetrag": Decimal("6000"),
    "Bewilligungsdatum": datetime(2026, 3, 1),
}
APPLIED = {
    **APPROVED,
    "Aktenzeichen": "IMP-2026-002",
    "Titel": "Chorfahrt Kumasi",
    "Partnerstadt": "kumasi",
    "Finanzierungsart": "Festbetragsfinanzierung",
    "Gesamtkosten": "3.000,00",
    "Eigenmittel": "1.500,00",
    "Drittmittel": None,
    "Einnahmen": None,
    "Beantragte Zuwendung": "1.500,00",
    "Antragsdatum": "15.03.2026",
    "Beginn": "01.05.2026",
    "Ende": "2026-08-31",
    "Bewilligter Betrag": None,
    "Fördersatz": None,
    "Höchstbetrag": None,
    "Bewilligungsdatum": None,
}


def fill(path: Path, budget_rows: list[dict[str, Any]], grant_rows: list[dict[str, Any]]) -> Path:
    """Writes the template and fills it as someone in the office would, cell by cell under the headings."""
    write_template(path, template_lists())
    workbook = openpyxl.load_workbook(path)
    for sheet, fields, rows in (
        ("Haushaltsplan", BUDGET_FIELDS, budget_rows),
        ("Zuwendungen", GRANT_FIELDS, grant_rows),
    ):
        ws = workbook[sheet]
        columns = {f.heading: index for index, f in enumerate(fields, start=1)}
        for number, values in enumerate(rows, start=2):
            for heading, value in values.items():
                cell = ws.cell(number, columns[heading])
                cell.value = float(value) if isinstance(value, Decimal) else value  # what Excel stores
    workbook.save(path)
    return path


def head(store: Any) -> int:
    return int(store.office.recorder.max_notification_id() or 0)


def run(store: Any, path: Path) -> Any:
    with store.projector.db.transaction() as cursor:
        summary = import_file(path, store.office, cursor)
    store.projector.catch_up()
    return summary


class TestTheTemplate:
    def test_it_documents_every_column_and_offers_the_allowed_values(self, tmp_path):
        path = tmp_path / "vorlage.xlsx"
        write_template(path, template_lists())
        workbook = openpyxl.load_workbook(path)

        assert workbook.sheetnames == ["Anleitung", "Haushaltsplan", "Zuwendungen", "Auswahllisten"]
        assert [c.value for c in workbook["Zuwendungen"][1]] == [f.title for f in GRANT_FIELDS]
        assert next(c.value for c in workbook["Haushaltsplan"][1]) == "Programmkürzel*"
        guide = [row[0] for row in workbook["Anleitung"].iter_rows(values_only=True)]
        assert "Wer importiert" in guide and "Alles oder nichts" in guide
        assert all(f.heading in guide for f in GRANT_FIELDS)
        validations = workbook["Zuwendungen"].data_validations.dataValidation
        assert any("Auswahllisten" in v.formula1 for v in validations)
        lists = [row[3] for row in workbook["Auswahllisten"].iter_rows(min_row=2, values_only=True) if row[3]]
        assert "Kumasi" in lists and "Rostow am Don" not in lists  # a paused partnership is not offered
        amount_column = workbook["Zuwendungen"].column_dimensions["Q"]
        assert amount_column.number_format == '#,##0.00 "€"'

    def test_an_empty_template_reads_back_with_every_heading_and_no_rows(self, tmp_path):
        path = tmp_path / "vorlage.xlsx"
        write_template(path, template_lists())

        sheets = read_workbook(path)

        for name, fields in (("Haushaltsplan", BUDGET_FIELDS), ("Zuwendungen", GRANT_FIELDS)):
            assert sheets[name].present and not sheets[name].missing and not sheets[name].unknown
            assert list(sheets[name].columns) == [f.heading for f in fields]
            assert sheets[name].rows == []

    def test_a_file_that_is_not_a_workbook_is_refused(self, tmp_path):
        path = tmp_path / "liste.xlsx"
        path.write_text("Aktenzeichen;Titel\n", encoding="utf-8")

        with pytest.raises(TemplateError, match="keine lesbare Excel-Arbeitsmappe"):
            read_workbook(path)


class TestAValidFile:
    def test_it_imports_without_loss(self, fresh, open_store, tmp_path):
        store = open_store(fresh)
        path = fill(
            tmp_path / "liste.xlsx",
            [BUDGET, {**BUDGET, "Haushaltsjahr": 2027, "Ansatz": Decimal("21000")}],
            [APPROVED, APPLIED],
        )

        summary = run(store, path)

        assert (summary.programmes_opened, summary.budgets_allocated, summary.organisations_registered) == (1, 2, 1)
        assert (summary.grants_applied, summary.grants_approved) == (2, 1)
        office = store.office
        programme = office.programme(Programme.create_id("TEST-VEREINE"))
        assert programme.title == "Vereinsförderung (Test)" and programme.funding_source == "city"
        assert programme.rule_set.min_grant == Money("250.00") and programme.rule_set.max_grant == Money("7500.00")
        assert {year: entry["amount"] for year, entry in programme.budgets.items()} == {
            "2026": Money("20000.00"),
            "2027": Money("21000.00"),
        }
        assert str(programme.budgets["2026"]["posting"]) == "01.11.02 / 531800 / 1011000"
        organisation = office.organisation(organisation_id_for("Städtepartnerschaftsverein Test e.V."))
        assert (organisation.name, organisation.legal_form, organisation.register_number) == (
            "Städtepartnerschaftsverein Test e.V.",
            "e.V.",
            "VR 9999",
        )
        assert organisation.iban == IBAN and organisation.address["postcode"] == "44137"
        grant = office.grant(Grant.create_id("IMP-2026-001"))
        assert (grant.title, grant.purpose, grant.partner_city) == (APPROVED["Titel"], APPROVED["Zweck"], "Leeds")
        assert (grant.period.start, grant.period.end, grant.applied_on) == (
            date(2026, 4, 1),
            date(2026, 9, 30),
            date(2026, 2, 1),
        )
        plan = grant.plan
        assert (plan.total_costs, plan.own_funds, plan.third_party_funds, plan.income, plan.grant) == (
            Money("10000.00"),
            Money("2000.00"),
            Money("1000.00"),
            Money("500.50"),
            Money("6499.50"),
        )
        assert grant.terms is not None and grant.status == "approved"
        assert (grant.terms.amount, grant.terms.rate, grant.terms.maximum) == (
            Money("6000.00"),
            Decimal("0.6"),
            Money("6000.00"),
        )
        assert grant.approved_on == date(2026, 3, 1)
        assert store.office.programme(programme.id).committed(FiscalYear(2026)) == Money("6000.00")
        applied = office.grant(Grant.create_id("IMP-2026-002"))
        assert applied.status == "applied" and applied.financing_type == "fixed" and applied.partner_city == "Kumasi"
        assert applied.plan.own_funds == Money("1500.00") and applied.applied_on == date(2026, 3, 15)
        assert applied.period.end == date(2026, 8, 31)

    def test_legacy_decisions_are_recorded_by_two_function_accounts(self, fresh, open_store, tmp_path):
        store = open_store(fresh)
        run(store, fill(tmp_path / "liste.xlsx", [BUDGET], [APPROVED]))
        grant = store.office.grant(Grant.create_id("IMP-2026-001"))

        assert grant.reviewer_id == User.legacy_id(LEGACY_REVIEW.email)
        assert grant.approver_id == User.legacy_id(LEGACY_APPROVAL.email)
        assert store.office.user(grant.approver_id).display_name == "Altbestand: Bewilligung"

    def test_a_second_import_of_the_same_file_changes_nothing(self, fresh, open_store, tmp_path):
        store = open_store(fresh)
        path = fill(tmp_path / "liste.xlsx", [BUDGET], [APPROVED, APPLIED])
        run(store, path)
        before = head(store)

        summary = run(store, path)

        assert head(store) == before and summary.events == 0 and not summary.changed
        assert (summary.grants_skipped, summary.budgets_unchanged, summary.organisations_known) == (2, 1, 1)

    def test_known_associations_and_programmes_are_used_as_they_are(self, demo_copy, open_store, tmp_path):
        store = open_store(demo_copy)
        budget = {**BUDGET, "Programmkürzel": "IB-VEREINE", "Haushaltsjahr": 2026, "Ansatz": Decimal("48000")}
        grant = {
            **APPROVED,
            "Aktenzeichen": "IMP-DEMO-1",
            "Programmkürzel": "ib-vereine",
            "Zuwendungsempfänger": "freundeskreis dortmund–kumasi e.V.",
            "Fördersatz": Decimal("0.6"),
        }
        before = head(store)

        summary = run(store, fill(tmp_path / "liste.xlsx", [budget], [grant]))

        assert (summary.organisations_known, summary.organisations_registered, summary.budgets_unchanged) == (1, 0, 1)
        assert store.office.grant(Grant.create_id("IMP-DEMO-1")).organisation_id == organisation_id("kumasi")
        assert head(store) > before
        with store.projector.db.transaction() as cursor:
            row = GrantFiles.page(cursor, after="IMP-DEMO-0", limit=1)[0]
        assert row.file_number == "IMP-DEMO-1" and row.approved == Money("6000.00")

    def test_a_different_amount_amends_a_recorded_budget(self, demo_copy, open_store, tmp_path):
        store = open_store(demo_copy)
        budget = {**BUDGET, "Programmkürzel": "IB-VEREINE", "Ansatz": Decimal("50000")}

        summary = run(store, fill(tmp_path / "plan.xlsx", [budget], []))

        assert summary.budgets_amended == 1
        programme = store.office.programme(Programme.create_id("IB-VEREINE"))
        assert programme.budgets["2026"]["amount"] == Money("50000.00")


BROKEN_BUDGETS = [
    {**BUDGET, "Programmkürzel": "FEHLER-PROG", "Höchstbetrag": None},
    {**BUDGET, "Programmkürzel": "ANDERES-PROG", "Haushaltsjahr": "zwanzig", "Ansatz": "-5"},
]
BROKEN_GRANTS = [
    {
        **APPROVED,
        "Aktenzeichen": "F-1",
        "Programmkürzel": "FEHLER-PROG",
        "IBAN": "DE00 1234",
        "Ende": datetime(2026, 3, 1),
    },
    {
        **APPLIED,
        "Aktenzeichen": "F-2",
        "Programmkürzel": "FEHLER-PROG",
        "Zuwendungsempfänger": "Zweiter Verein e.V.",
        "Gesamtkosten": "9.000,00",
    },
    {**APPLIED, "Aktenzeichen": "F-3", "Programmkürzel": "GIBT-ES-NICHT", "Zuwendungsempfänger": "Zweiter Verein e.V."},
    {
        **APPROVED,
        "Aktenzeichen": "F-4",
        "Programmkürzel": "FEHLER-PROG",
        "Zuwendungsempfänger": "Zweiter Verein e.V.",
        "Finanzierungsart": "Festbetragsfinanzierung",
        "Gesamtkosten": Decimal("40000"),
        "Eigenmittel": Decimal("10000"),
        "Drittmittel": None,
        "Einnahmen": None,
        "Beantragte Zuwendung": Decimal("30000"),
        "Bewilligter Betrag": Decimal("30000"),
        "Fördersatz": None,
        "Höchstbetrag": None,
    },
    {**APPLIED, "Aktenzeichen": "F-2", "Programmkürzel": "FEHLER-PROG", "Zuwendungsempfänger": "Zweiter Verein e.V."},
    {
        **APPLIED,
        "Aktenzeichen": "F-6",
        "Titel": None,
        "Antragsdatum": "31.02.2026",
        "Finanzierungsart": "Schenkung",
        "Zuwendungsempfänger": "Zweiter Verein e.V.",
    },
]
EXPECTED_PROBLEMS = {
    ("Haushaltsplan", 3, "Haushaltsjahr"),
    ("Haushaltsplan", 3, "Ansatz"),
    ("Zuwendungen", 2, "IBAN"),
    ("Zuwendungen", 2, "Ende"),
    ("Zuwendungen", 3, "Beantragte Zuwendung"),
    ("Zuwendungen", 4, "Programmkürzel"),
    ("Zuwendungen", 5, "Bewilligter Betrag"),
    ("Zuwendungen", 6, "Aktenzeichen"),
    ("Zuwendungen", 7, "Titel"),
    ("Zuwendungen", 7, "Antragsdatum"),
    ("Zuwendungen", 7, "Finanzierungsart"),
}


class TestAFileWithErrors:
    def test_every_error_of_every_row_is_reported_and_nothing_is_imported(self, fresh, open_store, tmp_path):
        store = open_store(fresh)
        path = fill(tmp_path / "liste.xlsx", BROKEN_BUDGETS, BROKEN_GRANTS)
        before = head(store)

        with pytest.raises(ImportRejected) as rejected:
            run(store, path)

        found = {(p.sheet, p.row, p.column) for p in rejected.value.problems}
        assert found == EXPECTED_PROBLEMS, sorted(found ^ EXPECTED_PROBLEMS)
        assert head(store) == before
        assert Programme.create_id("FEHLER-PROG") not in store.office.repository
        messages = {(p.row, p.column): p.message for p in rejected.value.problems if p.sheet == "Zuwendungen"}
        assert "nicht ausgeglichen" in messages[(3, "Beantragte Zuwendung")]
        assert "GIBT-ES-NICHT" in messages[(4, "Programmkürzel")]
        assert "Zeile 3" in messages[(6, "Aktenzeichen")]
        assert messages[(7, "Titel")] == "Pflichtangabe fehlt."
        assert "Schenkung" in messages[(7, "Finanzierungsart")]
        assert str(rejected.value.problems[0]).startswith("Haushaltsplan, Zeile 3, Spalte")

    def test_the_annotated_copy_marks_each_faulty_cell_and_lists_every_error(self, fresh, open_store, tmp_path):
        store = open_store(fresh)
        path = fill(tmp_path / "liste.xlsx", BROKEN_BUDGETS, BROKEN_GRANTS)
        with pytest.raises(ImportRejected) as rejected:
            run(store, path)

        copy = error_copy_path(path)
        write_annotated_copy(path, [p.annotation for p in rejected.value.problems], copy)
        workbook = openpyxl.load_workbook(copy)

        assert copy.name == "liste.fehler.xlsx" and workbook.sheetnames[0] == ERROR_SHEET
        listed = list(workbook[ERROR_SHEET].iter_rows(min_row=2, values_only=True))
        assert len(listed) == len(rejected.value.problems)
        marked = {
            (ws.title, cell.row, ws.cell(1, cell.column).value.rstrip("*"))
            for ws in (workbook["Haushaltsplan"], workbook["Zuwendungen"])
            for row in ws.iter_rows()
            for cell in row
            if cell.fill.fgColor.rgb and cell.fill.fgColor.rgb.endswith("FFC7CE")
        }
        assert marked == EXPECTED_PROBLEMS
        comment = workbook["Zuwendungen"]["I2"].comment
        assert comment is not None and "IBAN" in comment.text
        assert workbook["Zuwendungen"]["A3"].value == "F-2"  # the data itself is untouched

    def test_a_file_without_the_sheets_is_refused_with_the_reason(self, fresh, open_store, tmp_path):
        store = open_store(fresh)
        path = tmp_path / "fremd.xlsx"
        workbook = openpyxl.Workbook()
        workbook.active.title = "Tabelle1"
        workbook.save(path)

        with pytest.raises(ImportRejected) as rejected:
            run(store, path)

        assert {p.sheet for p in rejected.value.problems} == {"Haushaltsplan", "Zuwendungen"}
        assert all("fehlt" in p.message for p in rejected.value.problems)


class TestCells:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("1.234,56", "1234.56"),
            ("1234,5", "1234.50"),
            ("1.000", "1000.00"),
            ("€ 12,00", "12.00"),
            (1234.56, "1234.56"),
            (70, "70.00"),
            (Decimal("3.10"), "3.10"),
        ],
    )
    def test_amounts_are_read_in_german_and_as_numbers(self, value, expected):
        assert parse_money(value) == Money(expected)

    @pytest.mark.parametrize("value", ["zwölf", "-5", "1,234", True, "1,2,3", "1234.56", "1.25"])
    def test_what_is_not_an_amount_is_refused(self, value):
        with pytest.raises(CellError):
            parse_money(value)

    @pytest.mark.parametrize("value", [0.7, 70, "70 %", "70%", "0,7", Decimal("0.70")])
    def test_rates_are_fractions_percent_or_text(self, value):
        assert parse_rate(value) == Decimal("0.7")

    @pytest.mark.parametrize(
        "value",
        [datetime(2026, 12, 31, 0, 0), date(2026, 12, 31), "31.12.2026", "2026-12-31", 46387],
    )
    def test_dates_are_date_cells_german_or_iso_text_or_serial_numbers(self, value):
        assert parse_date(value) == date(2026, 12, 31)
