"""The workbooks on paper: printed to PDF by real LibreOffice and read back page by page with poppler.

For the finance workbook of the demo and the proof-of-use workbooks of a settled grant and a
foreign-currency grant: how many pages each sheet takes; that the Übersicht, Zuwendungen, Journal
and Projekte sheets are one page wide — every page carries every heading of its sheet above the
figures, the key columns first (so no column's figures are printed away from their heading or their
row); that the type is at least 8 pt
(the height of the printed words: the scale LibreOffice fitted the sheet to × 11 pt); that headings are
never broken inside a word, wrapped names stay in their row, and the Info sheet's labels and values
print together on one page. Skipped with the reason where LibreOffice or pdftotext is missing
(never under CI=true).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from export_support import RECALC_CONFIG

from exports.finance_report import FinanceFilter, FinanceReport
from exports.finance_workbook import write_finance_workbook
from exports.proof_of_use import CONFIRMATION, COSTS, proof_of_use_report, write_proof_of_use
from exports.tables import GRANT_SHEETS, JOURNAL_SPLIT, OVERVIEW_SPLIT, PROJECTS, Table

GENERATED = datetime(2026, 3, 31, 9, 0)
BOX_PER_POINT = 1.3  # a word's box in poppler's -bbox output is about 1.3 times the type size (ascent + descent)
FILE_NUMBER = re.compile(r"\b[A-Z]+-20\d\d-\d{3,4}\b")
WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')


def missing(reason: str) -> None:
    """Skip with the reason; under CI=true a missing tool is a failure, never a skip."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: this test must run)", pytrace=False)
    pytest.skip(reason)


def pdftotext() -> str:
    path = shutil.which("pdftotext")
    if path is None:
        missing("pdftotext is not installed: apt-get install poppler-utils")
    assert path is not None
    return path


def to_pdf(soffice: str, files: list[Path], folder: Path) -> dict[str, Path]:
    profile = folder / "lo-profile"
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(RECALC_CONFIG, encoding="utf-8")
    out = folder / "pdf"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            *map(str, files),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    return {f.name: out / f"{f.stem}.pdf" for f in files}


class Printed:
    """A PDF's pages as text and as words with their boxes."""

    def __init__(self, path: Path) -> None:
        tool = pdftotext()
        layout = subprocess.run([tool, "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout
        self.pages = layout.split("\f")[:-1]
        boxes = subprocess.run([tool, "-bbox", str(path), "-"], check=True, capture_output=True, text=True).stdout
        self.words: list[list[tuple[float, str]]] = []
        self.headers: list[str] = []  # each page's running header: the words printed highest on the page
        for page in boxes.split("<page ")[1:]:
            found = list(WORD.finditer(page))
            self.words.append([(float(m[4]) - float(m[2]), m[5]) for m in found])
            top = min((float(m[2]) for m in found), default=0.0)
            line = sorted((float(m[1]), m[5]) for m in found if float(m[2]) < top + 1)
            self.headers.append(" ".join(word for _, word in line))

    def of_sheet(self, title: str) -> list[int]:
        """The pages (0-based) whose running header is the sheet's title."""
        return [i for i, header in enumerate(self.headers) if header == title]

    def smallest_type(self, page: int) -> float:
        return min(height for height, _ in self.words[page]) / BOX_PER_POINT

    def words_on(self, page: int) -> set[str]:
        return {word for _, word in self.words[page]}


@pytest.fixture(scope="module")
def printed(demo: Any, soffice: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Printed]:
    pdftotext()
    folder = tmp_path_factory.mktemp("print")
    files = [folder / "finanz.xlsx", folder / "vn-IB-2025-001.xlsx", folder / "vn-KEPOL-2026-001.xlsx"]
    with demo.projector.db.transaction() as cursor:
        write_finance_workbook(FinanceReport(cursor, FinanceFilter(), GENERATED, "Test"), files[0])
        for path in files[1:]:
            number = path.stem.removeprefix("vn-")
            write_proof_of_use(proof_of_use_report(cursor, number, GENERATED, "Test"), path)
    found: dict[str, Any] = {name: Printed(pdf) for name, pdf in to_pdf(soffice, files, folder).items()}
    workbook = openpyxl.load_workbook(files[0])
    found["sheets"] = workbook.sheetnames
    found["numbers"] = {
        row[1]
        for row in workbook["Zuwendungen"].iter_rows(min_row=2, values_only=True)
        if FILE_NUMBER.match(str(row[1]))
    }
    return found


ONE_PAGE_WIDE = (*OVERVIEW_SPLIT.sheets, *GRANT_SHEETS, *JOURNAL_SPLIT.sheets, PROJECTS)
PAGE_LIMIT = {"Journal": 10, "Journal Herkunft": 10}  # the demo's 124 movements; other sheets: 3 pages


def heading_words(table: Table) -> set[str]:
    return {word for column in table.columns for word in column.heading.split()}


class TestTheFinanceWorkbookOnPaper:
    @pytest.mark.parametrize("table", ONE_PAGE_WIDE, ids=lambda table: table.sheet)
    def test_a_fitted_sheet_prints_one_page_wide_with_every_heading_above_its_figures(self, printed, table):
        """Every page of the sheet carries every heading of the sheet (whole words): the sheet is one page
        wide, and no column's figures are printed on a page without their heading; each page's first line
        under the running header starts with the two key headings (year and file number, log position
        and date, year and project)."""
        pdf = printed["finanz.xlsx"]
        pages = pdf.of_sheet(table.sheet)

        assert 1 <= len(pages) <= PAGE_LIMIT.get(table.sheet, 3), (table.sheet, len(pages))
        assert pages == list(range(pages[0], pages[0] + len(pages)))  # one after the other
        for page in pages:
            assert heading_words(table) <= pdf.words_on(page), (table.sheet, page)
            first_line = pdf.pages[page].strip().splitlines()[1].split()
            assert first_line[:2] == table.headings[:2], (table.sheet, page)

    @pytest.mark.parametrize("table", GRANT_SHEETS, ids=lambda table: table.sheet)
    def test_each_zuwendungen_sheet_prints_every_grant_beside_its_figures(self, printed, table):
        pdf = printed["finanz.xlsx"]
        pages = pdf.of_sheet(table.sheet)

        for page in pages:
            assert FILE_NUMBER.search(pdf.pages[page])
        printed_numbers = set(FILE_NUMBER.findall("\n".join(pdf.pages[p] for p in pages)))
        assert printed_numbers == printed["numbers"]

    def test_the_zuwendungen_sheets_print_on_a_few_pages_and_the_others_are_bounded(self, printed):
        pdf = printed["finanz.xlsx"]
        counts = {title: len(pdf.of_sheet(title)) for title in printed["sheets"]}

        assert sum(counts[t.sheet] for t in GRANT_SHEETS) <= 2 * len(GRANT_SHEETS), counts
        assert counts["Info"] == counts["SDG"] == 1
        assert counts["Übersicht"] == 2, counts  # the table, and the chart on a page of its own
        assert counts["Übersicht Abrechnung"] == counts["Übersicht Haushalt"] == counts["Projekte"] == 1, counts
        assert sum(counts.values()) == len(pdf.pages)  # every page belongs to a sheet

    def test_type_is_at_least_8_points_on_every_table_page(self, printed):
        """The effective type size (the scale LibreOffice prints at × the 11 pt of the cells) is read
        from the height of the printed words: 8 pt or more on every page of every table."""
        pdf = printed["finanz.xlsx"]
        for sheet in (*(t.sheet for t in ONE_PAGE_WIDE), "SDG"):
            assert pdf.of_sheet(sheet), sheet
            for page in pdf.of_sheet(sheet):
                assert pdf.smallest_type(page) >= 8, (sheet, page)

    def test_a_year_subtotal_is_printed_for_each_year(self, printed):
        pdf = printed["finanz.xlsx"]
        text = "\n".join(pdf.pages[p] for p in pdf.of_sheet("Übersicht"))

        assert "Summe 2025" in text and "Summe 2026" in text
        assert "Summe 2025–2026" not in text

    def test_wrapped_names_stay_inside_their_row(self, printed):
        """A row as tall as its name wrapped between words: »Kommunale Entwicklungszusammenarbeit Kumasi«
        takes three lines, and its last line must not run into the subtotal row below."""
        pdf = printed["finanz.xlsx"]
        pages = [p for table in OVERVIEW_SPLIT.sheets for p in pdf.of_sheet(table.sheet)]
        lines = [line.strip() for p in pages for line in pdf.pages[p].splitlines()]
        totals = [line for line in lines if re.match(r"20\d\d Summe 20\d\d", line)]

        assert len(totals) == 2 * len(OVERVIEW_SPLIT.sheets)  # both years, on each sheet
        for line in totals:
            assert re.fullmatch(r"20\d\d Summe 20\d\d[\d\s.,€−-]*", line), line

    def test_the_info_sheet_prints_its_labels_and_values_together_on_one_page(self, printed, demo):
        pdf = printed["finanz.xlsx"]
        pages = pdf.of_sheet("Info")

        assert len(pages) == 1
        text = pdf.pages[pages[0]]
        line = next(line for line in text.splitlines() if "Prüfsumme (SHA-256)" in line)
        assert re.search(r"[0-9a-f]{64}", line)  # label and value on the same line
        assert "Begriffe" in text and "Bindung aufgehoben" in text
        assert pdf.smallest_type(pages[0]) >= 7  # a portrait page of definitions, fitted whole


class TestTheProofOfUseOnPaper:
    @pytest.mark.parametrize("name", ["vn-IB-2025-001.xlsx", "vn-KEPOL-2026-001.xlsx"])
    def test_a_normal_grant_prints_on_a_few_pages_one_page_wide(self, printed, name):
        pdf = printed[name]
        number = name.removeprefix("vn-").removesuffix(".xlsx")
        main = pdf.of_sheet(f"Verwendungsnachweis {number}")
        receipts = pdf.of_sheet(f"Belegliste {number}")

        assert 1 <= len(main) <= 3 and len(receipts) == 1
        assert len(pdf.pages) == len(main) + len(receipts)
        for page in main + receipts:
            assert pdf.smallest_type(page) >= 7, (name, page)

    @pytest.mark.parametrize("name", ["vn-IB-2025-001.xlsx", "vn-KEPOL-2026-001.xlsx"])
    def test_the_cost_table_prints_its_headings_and_figures_on_the_same_page(self, printed, name):
        pdf = printed[name]
        page = next(i for i, text in enumerate(pdf.pages) if "2. Zahlenmäßiger Nachweis" in text)
        lines = pdf.pages[page].splitlines()
        header = next(i for i, line in enumerate(lines) if line.strip().startswith("Kostenposition"))
        below = "\n".join(lines[header:])

        for column in COSTS:
            for word in column.heading.split():
                assert word in pdf.words_on(page), (name, column.heading)
        assert re.search(r"Summe\s+[\d.,]+ €\s+[\d.,]+ €", below)  # the totals under their headings

    def test_the_proof_names_its_cost_lines_and_ends_with_the_confirmation_and_signature_block(self, printed):
        pdf = printed["vn-IB-2025-001.xlsx"]
        text = " ".join(" ".join(page.split()) for page in pdf.pages)

        assert "1. Sachbericht" in text and "Reisekosten" in text and "pos-1" not in text
        assert " ".join(CONFIRMATION.split()) in text
        for caption in ("Ort, Datum", "Rechtsverbindliche Unterschrift"):
            assert caption in text
