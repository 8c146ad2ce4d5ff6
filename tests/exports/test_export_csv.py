"""The CSV tables: semicolon-separated, UTF-8 with BOM, German decimal comma, and back through Python's
csv module to the read models' figures."""

from __future__ import annotations

import csv
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from export_support import cents

from domain.money import Money
from exports.csv_tables import german, write_csv_tables
from exports.finance_report import FinanceFilter, FinanceReport
from exports.tables import GRANTS, JOURNAL, OVERVIEW
from projections.journal import Journal
from projections.programme_balances import ProgrammeBalances
from projections.seal import Seal

GENERATED = datetime(2026, 3, 31, 8, 15)


def decimal_comma(text: str) -> Decimal:
    """A German CSV amount back to an exact decimal: »-1234,56« -> Decimal('-1234.56')."""
    assert "." not in text, f"thousands separators are not written: {text!r}"
    return Decimal(text.replace(",", "."))


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


@pytest.fixture(scope="module")
def folder(demo: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("csv") / "tabellen"
    with demo.projector.db.transaction() as cursor:
        write_csv_tables(FinanceReport(cursor, FinanceFilter(), GENERATED, "Kerstin Brandt"), target)
    return target


def test_one_file_per_table(folder):
    assert sorted(p.name for p in folder.iterdir()) == [
        "info.csv",
        "journal.csv",
        "projekte.csv",
        "projekte_kostenpositionen.csv",
        "projekte_partnerstaedte.csv",
        "projekte_sdg.csv",
        "uebersicht.csv",
        "zuwendungen.csv",
    ]


def test_files_are_utf8_with_bom_semicolon_separated_with_crlf_lines(folder):
    raw = (folder / "uebersicht.csv").read_bytes()

    assert raw.startswith(b"\xef\xbb\xbf")
    first = raw[3:].split(b"\r\n")[0].decode("utf-8")
    assert first == ";".join(OVERVIEW.headings)
    assert "Verfügbar" in first


def test_the_overview_round_trips_to_the_programme_balances(folder, demo):
    rows = read(folder / "uebersicht.csv")
    with demo.projector.db.transaction() as cursor:
        balances = {(b.fiscal_year, b.code): b for b in ProgrammeBalances.years(cursor)}

    assert len(rows) == len(balances)
    for row in rows:
        balance = balances[(int(row["Haushaltsjahr"]), row["Programm"])]
        assert decimal_comma(row["Ansatz"]) == cents(balance.budget)
        assert decimal_comma(row["Bewilligt"]) == cents(balance.committed)
        assert decimal_comma(row["Ausgezahlt"]) == cents(balance.paid)
        assert decimal_comma(row["Zinsen eingegangen"]) == cents(balance.interest)
        assert decimal_comma(row["Verfügbar"]) == cents(balance.available)


def test_amounts_always_have_two_decimals_with_a_comma(folder):
    for row in read(folder / "zuwendungen.csv"):
        for heading in ("Bewilligt", "Ausgezahlt", "Rest: Bewilligt − Ausgezahlt"):
            assert row[heading].count(",") == 1 and len(row[heading].split(",")[1]) == 2


def test_grant_dates_and_rates_read_back_in_german_notation(folder):
    rows = {(r["Aktenzeichen"], r["Haushaltsjahr"]): r for r in read(folder / "zuwendungen.csv")}
    row = rows[("IB-2025-001", "2025")]

    assert datetime.strptime(row["Bewilligt am"], "%d.%m.%Y").date() == date(2025, 3, 5)
    assert decimal_comma(row["Fördersatz"]) == Decimal("0.70")
    assert row["Finanzierungsart"] == "Anteilfinanzierung"
    assert list(read(folder / "zuwendungen.csv")[0]) == GRANTS.headings


def test_the_journal_rows_sum_to_the_journal_balance(folder, demo):
    rows = read(folder / "journal.csv")
    with demo.projector.db.transaction() as cursor:
        lines = Journal.entries(cursor, limit=100000)
        paid = Journal.balance(cursor, fiscal_year=2026).paid

    assert len(rows) * 2 == len(lines)
    assert list(rows[0]) == JOURNAL.headings
    paid_accounts = {
        "Ausgezahlt, Verwendung nicht festgesetzt",
        "Verwendung anerkannt",
        "Rückforderung offen",
        "Zurückgezahlt",
        "Erlassen oder niedergeschlagen",
        "Bagatelle, nicht zurückgefordert",
    }
    total = Decimal(0)
    for row in rows:
        if row["Haushaltsjahr"] != "2026":
            continue
        amount = decimal_comma(row["Betrag"])
        total += amount if row["Soll"] in paid_accounts else 0
        total -= amount if row["Haben"] in paid_accounts else 0
    assert total == cents(paid)


def test_info_names_the_chain_head(folder, demo):
    facts = {row["Angabe"]: row["Wert"] for row in read(folder / "info.csv")}
    with demo.projector.db.transaction() as cursor:
        head = Seal.head(cursor)

    assert head is not None
    assert facts["Stand: Prüfsumme (SHA-256)"] == head.hash
    assert facts["Stand: Log-Position"] == str(head.position)
    assert facts["Erstellt am"] == "31.03.2026 08:15"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Money("1234.56"), "1234,56"),
        (Money("-0.50"), "-0,50"),
        (Decimal("0.7"), "0,7"),
        (date(2026, 12, 31), "31.12.2026"),
        (2026, "2026"),
        (None, ""),
        ("=SUMME(A1)", "'=SUMME(A1)"),
        ("Verein e.V.", "Verein e.V."),
    ],
)
def test_values_are_written_in_german_notation(value, text):
    assert german(value) == text


def test_floats_are_refused():
    with pytest.raises(TypeError):
        german(0.1)


def test_codes_that_look_like_dates_or_numbers_are_written_to_stay_text(folder):
    rows = read(folder / "uebersicht.csv")
    ib = next(r for r in rows if r["Programm"] == "IB-VEREINE")

    assert (ib["Produkt"], ib["Sachkonto"], ib["Kostenstelle"]) == ('="01.11.02"', '="531800"', '="1011000"')
    grants = read(folder / "zuwendungen.csv")
    assert {r["Aktenzeichen"] for r in grants} >= {"IB-2025-001"}  # a file number no one misreads stays as it is


def test_a_double_click_open_in_libreoffice_keeps_the_codes_as_text(folder, soffice, tmp_path):
    """LibreOffice opens the CSV as a German user's double click would, with dates and numbers detected
    (the setting that turns 01.11.02 into 1 November 2002); the codes arrive as text all the same."""
    import subprocess

    import openpyxl
    from export_support import RECALC_CONFIG

    profile = tmp_path / "lo-profile"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(RECALC_CONFIG, encoding="utf-8")
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--infilter=CSV:59,34,76,1,,1031,false,true,false,false,false,-1,true",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(tmp_path),
            str(folder / "uebersicht.csv"),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    ws = openpyxl.load_workbook(tmp_path / "uebersicht.xlsx", data_only=True)["uebersicht"]
    headings = [cell.value for cell in ws[1]]
    ib = next(row for row in ws.iter_rows(min_row=2) if row[headings.index("Programm")].value == "IB-VEREINE")

    for heading, code in (("Produkt", "01.11.02"), ("Sachkonto", "531800"), ("Kostenstelle", "1011000")):
        cell = ib[headings.index(heading)]
        assert cell.value == code and isinstance(cell.value, str), heading  # not the date 01.11.2002
    assert isinstance(ib[headings.index("Ansatz")].value, (int, float))  # amounts stay numbers
