"""Text from people that looks like a formula stays text: in every workbook and in the CSV files.

An association named ``=HYPERLINK("http://x","y")`` and one named ``+1+1``, file numbers and titles
starting with ``=``, ``-`` and ``@``, budget lines starting with a tab or a carriage return.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from export_support import EVIL_NAME, EVIL_SUM, EVIL_TITLES, tell_evil_story

from exports.cells import csv_text, is_dangerous
from exports.csv_tables import write_csv_tables
from exports.finance_report import FinanceFilter, FinanceReport
from exports.finance_workbook import write_finance_workbook
from exports.giving360 import GivingReport, write_360giving_workbook
from exports.proof_of_use import proof_of_use_report, write_proof_of_use
from foerderbuch.settings import Settings
from foerderbuch.wiring import create_office, create_projector

GENERATED = datetime(2026, 4, 1, 10, 0)


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Any:
    folder = tmp_path_factory.mktemp("injection")
    settings = Settings(database_url=f"sqlite:///{folder / 'evil.sqlite'}")
    office = create_office(settings)
    projector = create_projector(settings, office)
    try:
        tell_evil_story(office)
        projector.catch_up()
        with projector.db.transaction() as cursor:
            write_finance_workbook(FinanceReport(cursor, FinanceFilter(), GENERATED, "=Angreifer"), folder / "f.xlsx")
            write_proof_of_use(proof_of_use_report(cursor, "=AZ-0", GENERATED, "x"), folder / "vn.xlsx")
            write_360giving_workbook(GivingReport.open(cursor, GENERATED), folder / "360.xlsx")
            write_csv_tables(FinanceReport(cursor, FinanceFilter(), GENERATED, "=Angreifer"), folder / "csv")
    finally:
        projector.db.close()
        office.close()
    return folder


def text_cells(path: Path) -> dict[str, Any]:
    """Every cell holding a string, by its value (the last one wins)."""
    workbook = openpyxl.load_workbook(path)
    return {
        cell.value: cell for ws in workbook for row in ws.iter_rows() for cell in row if isinstance(cell.value, str)
    }


FORMULA_LIKE = (EVIL_NAME, EVIL_SUM, "=AZ-0", "=AZ-1", EVIL_TITLES[0], EVIL_TITLES[1])


@pytest.mark.parametrize("workbook", ["f.xlsx", "vn.xlsx", "360.xlsx"])
def test_no_workbook_contains_a_formula_made_of_user_text(exported, workbook):
    with zipfile.ZipFile(exported / workbook) as archive:
        sheets = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
    found = [f for xml in sheets for f in re.findall(r"<f>(.*?)</f>", xml)]

    assert not [f for f in found if "HYPERLINK" in f or "AZ-" in f or "1+1" in f or "SUMME(A1" in f]
    ours = re.compile(r"^(SUM|SUMIF|SUMIFS|IF)\(|^[A-Z]\d+(-[A-Z]\d+)?$|^0$")
    assert [f for f in found if not ours.match(f)] == []


def test_the_finance_workbook_keeps_formula_like_names_as_quoted_text(exported):
    cells = text_cells(exported / "f.xlsx")

    for value in (*FORMULA_LIKE, "=Programm mit Gleichheitszeichen", "=Angreifer"):
        cell = cells[value]
        assert cell.data_type == "s", value
        assert cell.quotePrefix, value


def test_the_proof_of_use_keeps_payees_purposes_and_budget_lines_as_text(exported):
    cells = text_cells(exported / "vn.xlsx")

    # XML stores a leading carriage return as a line feed; the cell is marked as text either way.
    carriage_return = next(v for v in cells if v.endswith(EVIL_TITLES[3].lstrip()))
    for value in (EVIL_NAME, "=AZ-0", "=Reisebüro", "+Busreise", "-B-1", EVIL_TITLES[2], carriage_return):
        assert cells[value].data_type == "s" and cells[value].quotePrefix, repr(value)


def test_the_360giving_spreadsheet_keeps_names_as_text(exported):
    cells = text_cells(exported / "360.xlsx")

    assert cells[EVIL_NAME].data_type == "s" and cells[EVIL_NAME].quotePrefix
    assert cells[EVIL_SUM].data_type == "s" and cells[EVIL_SUM].quotePrefix


def test_harmless_text_is_not_marked(exported):
    cells = text_cells(exported / "f.xlsx")

    assert cells["Amiens"].quotePrefix is False
    assert cells["Zuwendungsempfänger"].quotePrefix is False


def test_csv_cells_that_look_like_formulas_get_a_leading_apostrophe(exported):
    with (exported / "csv" / "zuwendungen.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))

    assert {r["Zuwendungsempfänger"] for r in rows} == {"'" + EVIL_NAME, "'" + EVIL_SUM}
    assert {r["Aktenzeichen"] for r in rows} == {"'=AZ-0", "'=AZ-1"}
    assert {r["Titel"] for r in rows} == {"'" + EVIL_TITLES[0], "'" + EVIL_TITLES[1]}
    assert {r["Partnerstadt"] for r in rows} == {"Amiens"}
    with (exported / "csv" / "info.csv").open(encoding="utf-8-sig", newline="") as handle:
        info = {row[0]: row[1] for row in csv.reader(handle, delimiter=";")}
    assert info["Erstellt von"] == "'=Angreifer"


def test_numbers_in_the_csv_are_never_quoted_as_text(exported):
    raw = (exported / "csv" / "uebersicht.csv").read_text(encoding="utf-8-sig")

    row = next(csv.reader(io.StringIO(raw.splitlines()[1]), delimiter=";"))
    assert row[2] == "50000,00"  # Ansatz: a number, no apostrophe even though a negative one starts with "-"


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", EVIL_NAME])
def test_each_dangerous_first_character_is_recognised(text):
    assert is_dangerous(text)
    assert csv_text(text) == "'" + text


@pytest.mark.parametrize("text", ["Verein", "1+1", " =1", "Straße 1", ""])
def test_other_text_is_left_alone(text):
    assert not is_dangerous(text)
    assert csv_text(text) == text
