"""The import template (Importvorlage), reading a filled one back, and the annotated copy with errors.

The template is a workbook with an ``Anleitung`` sheet that documents every column, the two sheets
that are imported, ``Haushaltsplan`` (finance's yearly budget plan: one row per programme and fiscal
year) and ``Zuwendungen`` (the office's grant list: one row per grant), and ``Auswahllisten`` with the
allowed values the drop-down lists offer. Headings are fixed; a trailing ``*`` marks a required column.

``read_workbook`` returns the cell values of every non-empty row of the two sheets by heading, with
each cell's coordinate, and checks nothing else: validation is the importer's job. When the importer
finds problems, ``write_annotated_copy`` writes the workbook back with every faulty cell filled red
and commented with the message, and a ``Fehler`` sheet in front listing all problems with links to
their cells.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from zipfile import BadZipFile

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from exports.cells import DATE, EURO, HEADER_BORDER, HEADER_FILL, HEADER_FONT, PERCENT, keep_text

BUDGET_SHEET, GRANT_SHEET, GUIDE_SHEET, LISTS_SHEET, ERROR_SHEET = (
    "Haushaltsplan",
    "Zuwendungen",
    "Anleitung",
    "Auswahllisten",
    "Fehler",
)
ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")
ERROR_FONT = Font(color="9C0006", bold=True)
INPUT_ROWS = 500  # rows offered with drop-down lists


@dataclass(frozen=True)
class Field:
    """A column of the template: heading, required or not, kind, width, a list of choices, and help."""

    heading: str
    required: bool
    kind: str  # text, money, date, int, percent
    width: float
    help: str
    choices: str | None = None  # name of a list on the Auswahllisten sheet

    @property
    def title(self) -> str:
        return f"{self.heading}*" if self.required else self.heading


BUDGET_FIELDS: tuple[Field, ...] = (
    Field(
        "Programmkürzel",
        True,
        "text",
        18,
        "Kürzel des Förderprogramms, 2–32 Zeichen aus Großbuchstaben, Ziffern "
        "und Bindestrich (z. B. IB-VEREINE). Gibt es das Programm noch nicht, wird es angelegt.",
    ),
    Field("Bezeichnung", True, "text", 40, "Titel des Programms (nur für neue Programme verwendet)."),
    Field("Mittelherkunft", True, "text", 20, "Woher das Geld kommt.", "Mittelherkunft"),
    Field(
        "Regelwerk",
        True,
        "text",
        22,
        "NRW kommunal (ANBest-P NRW sinngemäß) oder Bund (ANBest-P, Abruf "
        "binnen 6 Wochen, nur Anteilfinanzierung). Nur für neue Programme.",
        "Regelwerk",
    ),
    Field(
        "Mindestbetrag",
        False,
        "money",
        14,
        "Kleinste Zuwendung des Programms (Vorgabe 250,00 €). Nur für neue Programme.",
    ),
    Field(
        "Höchstbetrag",
        False,
        "money",
        14,
        "Größte Zuwendung des Programms (leer: keine Grenze). Nur für neue Programme.",
    ),
    Field("Haushaltsjahr", True, "int", 13, "Haushaltsjahr des Ansatzes (z. B. 2026)."),
    Field(
        "Ansatz",
        True,
        "money",
        15,
        "Haushaltsansatz des Programms im Jahr. Ist schon ein Ansatz erfasst, wird er "
        "auf diesen Betrag geändert (nie unter die gebundenen Mittel).",
    ),
    Field("Produkt", True, "text", 12, "Produkt im NKF-Haushalt (z. B. 01.11.02)."),
    Field("Sachkonto", True, "text", 12, "Sachkonto (z. B. 531800)."),
    Field("Kostenstelle", True, "text", 13, "Kostenstelle (z. B. 1011000)."),
)

GRANT_FIELDS: tuple[Field, ...] = (
    Field(
        "Aktenzeichen",
        True,
        "text",
        16,
        "Aktenzeichen der Zuwendung, höchstens 40 Zeichen. Es bestimmt die "
        "Identität: eine Zeile mit einem schon erfassten Aktenzeichen wird übersprungen.",
    ),
    Field("Programmkürzel", True, "text", 18, "Förderprogramm (aus dem Haushaltsplan-Blatt oder schon erfasst)."),
    Field(
        "Zuwendungsempfänger",
        True,
        "text",
        36,
        "Name des Vereins. Ist er schon erfasst (gleicher Name), werden die folgenden Vereinsangaben nicht verwendet.",
    ),
    Field("Rechtsform", True, "text", 16, "Rechtsform des Empfängers.", "Rechtsform"),
    Field("Registernummer", False, "text", 14, "Vereinsregisternummer (bei e.V. Pflicht, z. B. VR 1234)."),
    Field("Straße", True, "text", 24, "Straße und Hausnummer."),
    Field("PLZ", True, "text", 8, "Postleitzahl."),
    Field("Ort", True, "text", 14, "Ort."),
    Field("IBAN", True, "text", 26, "IBAN des Empfängers (wird geprüft)."),
    Field("Titel", True, "text", 36, "Titel der Maßnahme (höchstens 200 Zeichen)."),
    Field("Zweck", True, "text", 44, "Zuwendungszweck (höchstens 4.000 Zeichen)."),
    Field("Partnerstadt", True, "text", 14, "Partnerstadt Dortmunds.", "Partnerstadt"),
    Field("Projektkürzel", False, "text", 18, "Städtisches Projekt, dem die Zuwendung dient (muss erfasst sein)."),
    Field("Beginn", True, "date", 12, "Beginn des Förderzeitraums (TT.MM.JJJJ)."),
    Field("Ende", True, "date", 12, "Ende des Förderzeitraums (TT.MM.JJJJ)."),
    Field("Finanzierungsart", True, "text", 24, "Finanzierungsart laut Bescheid.", "Finanzierungsart"),
    Field("Gesamtkosten", True, "money", 15, "Zuwendungsfähige Gesamtkosten laut Finanzierungsplan."),
    Field("Eigenmittel", False, "money", 14, "Eigene Mittel des Empfängers (leer: 0)."),
    Field("Drittmittel", False, "money", 14, "Mittel Dritter (leer: 0)."),
    Field("Einnahmen", False, "money", 14, "Einnahmen der Maßnahme (leer: 0)."),
    Field(
        "Beantragte Zuwendung",
        True,
        "money",
        15,
        "Beantragter Betrag. Gesamtkosten = Eigenmittel + Drittmittel + "
        "Einnahmen + beantragte Zuwendung, auf den Cent.",
    ),
    Field("Antragsdatum", True, "date", 12, "Eingang des Antrags."),
    Field(
        "Bewilligter Betrag",
        False,
        "money",
        15,
        "Nur bei bewilligten Zuwendungen: der bewilligte Betrag. Er wird im Haushaltsjahr des Beginns gebunden.",
    ),
    Field("Fördersatz", False, "percent", 11, "Bei Anteilfinanzierung: Anteil der Kosten (z. B. 70 %)."),
    Field("Höchstbetrag", False, "money", 14, "Bei Anteil- und Fehlbedarfsfinanzierung (leer: der bewilligte Betrag)."),
    Field("Bewilligungsdatum", False, "date", 13, "Tag der Bewilligung (Pflicht, wenn ein Betrag bewilligt ist)."),
)

SHEETS: dict[str, tuple[Field, ...]] = {BUDGET_SHEET: BUDGET_FIELDS, GRANT_SHEET: GRANT_FIELDS}
_FORMATS = {"money": EURO, "date": DATE, "percent": PERCENT, "int": "0"}


class TemplateError(Exception):
    """Raised when a file cannot be read as an xlsx workbook at all."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class RawRow:
    """One non-empty row: its number and the values under each heading (``None`` for empty cells)."""

    sheet: str
    number: int
    values: dict[str, Any]


@dataclass
class RawSheet:
    name: str
    present: bool
    columns: dict[str, str] = field(default_factory=dict)  # heading -> column letter
    missing: list[str] = field(default_factory=list)  # required headings not found
    unknown: list[str] = field(default_factory=list)  # headings the template does not know
    rows: list[RawRow] = field(default_factory=list)


@dataclass(frozen=True)
class Annotation:
    """A problem to mark in the annotated copy: sheet, row (None: the file), heading (None: the row)."""

    sheet: str | None
    row: int | None
    heading: str | None
    message: str


# Writing the template ------------------------------------------------------------------------


def write_template(target: str | Path | IO[bytes], lists: Mapping[str, Sequence[str]]) -> None:
    """Writes the empty template; ``lists`` holds the allowed values by list name (see ``Field.choices``)."""
    workbook = Workbook()
    guide = workbook.active
    assert guide is not None, "a new workbook has one sheet"
    guide.title = GUIDE_SHEET
    _guide(guide)
    ranges = _lists(workbook.create_sheet(LISTS_SHEET), lists)
    for name, fields in SHEETS.items():
        _input_sheet(workbook.create_sheet(name), fields, ranges)
    workbook.move_sheet(LISTS_SHEET, offset=len(SHEETS))
    props = workbook.properties
    props.title = "Förderbuch – Importvorlage"
    props.creator = "Förderbuch"
    props.subject = "Förderliste und Haushaltsplan für den Import"
    workbook.save(target)


def _guide(ws: Any) -> None:
    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["B"].width = 12
    ws.column_dimensions["C"].width = 100
    lines = [
        ("Förderbuch – Importvorlage", None, None),
        (None, None, None),
        (
            "So geht es",
            None,
            "Füllen Sie die Blätter »Haushaltsplan« und »Zuwendungen« aus (eine Zeile je Programm und "
            "Haushaltsjahr bzw. je Zuwendung; die Überschriften nicht ändern) und importieren Sie die Datei mit "
            "»foerderbuch import DATEI.xlsx«.",
        ),
        (
            "Alles oder nichts",
            None,
            "Jede Zeile wird geprüft. Gibt es Fehler, wird nichts importiert: Alle Fehler "
            "stehen je Zeile und Spalte in einer Kopie der Datei (DATEI.fehler.xlsx), rot markiert und kommentiert.",
        ),
        (
            "Zweimal importieren",
            None,
            "Ein zweiter Import derselben Datei ändert nichts: Zuwendungen sind an ihrem "
            "Aktenzeichen, Programme an ihrem Kürzel und Vereine an ihrem Namen erkannt; "
            "gleiche Ansätze bleiben stehen.",
        ),
        (
            "Wer importiert",
            None,
            "Programme, Ansätze, Vereine und Anträge trägt der Akteur »System« ein (wie alle "
            "Befehle der Kommandozeile). Prüfung und Bewilligung von Altfällen, die vor dem Förderbuch auf Papier "
            "entschieden wurden, vermerken zwei Funktionskonten ohne Anmeldung (»Altbestand: Prüfung« und "
            "»Altbestand: Bewilligung«), damit das Vier-Augen-Prinzip gewahrt bleibt; "
            "der Prüfvermerk nennt Datei und Zeile.",
        ),
        (
            "Formate",
            None,
            "Beträge als Zahl (1.234,56); Datumsangaben als Datum (31.12.2026); Fördersatz als Prozent "
            "(70 %). Zahlen dürfen auch als Text im deutschen Format stehen: Der Punkt trennt Tausender (1.250), "
            "das Komma die Nachkommastellen (1,25); »1.25« als Text wird abgewiesen.",
        ),
        (
            "Nicht importiert",
            None,
            "Auszahlungen, Belege und Nachweise: Sie werden ab der Einführung im Förderbuch erfasst.",
        ),
        (None, None, None),
        ("Spalte", "Pflicht", "Bedeutung"),
    ]
    for label, required, text in lines:
        ws.append([label, required, text])
    ws["A1"].font = Font(bold=True, size=14)
    for cell in ws[len(lines)]:
        cell.font, cell.fill, cell.border = HEADER_FONT, HEADER_FILL, HEADER_BORDER
    for name, fields in SHEETS.items():
        ws.append([f"Blatt »{name}«"])
        ws.cell(ws.max_row, 1).font = Font(bold=True)
        for f in fields:
            choices = f" Auswahl: siehe »{LISTS_SHEET}«." if f.choices else ""
            ws.append([f.heading, "ja" if f.required else "nein", f.help + choices])
    for row in ws.iter_rows(min_row=3):
        row[2].alignment = Alignment(wrap_text=True, vertical="top")


def _lists(ws: Any, lists: Mapping[str, Sequence[str]]) -> dict[str, str]:
    ranges = {}
    for index, (name, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = 36
        header = ws.cell(1, index, name)
        header.font, header.fill, header.border = HEADER_FONT, HEADER_FILL, HEADER_BORDER
        for row, value in enumerate(values, start=2):
            ws.cell(row, index, value)
        ranges[name] = f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${len(values) + 1}"
    return ranges


def _input_sheet(ws: Any, fields: tuple[Field, ...], ranges: dict[str, str]) -> None:
    for index, f in enumerate(fields, start=1):
        letter = get_column_letter(index)
        cell = ws.cell(1, index, f.title)
        cell.font, cell.fill, cell.border = HEADER_FONT, HEADER_FILL, HEADER_BORDER
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.comment = Comment(f.help, "Förderbuch", width=320, height=120)
        dimension = ws.column_dimensions[letter]
        dimension.width = f.width
        if f.kind in _FORMATS:
            dimension.number_format = _FORMATS[f.kind]
        if f.choices and f.choices in ranges:
            validation = DataValidation(type="list", formula1=ranges[f.choices], allow_blank=not f.required)
            validation.error = "Bitte einen Wert aus der Liste wählen."
            validation.errorTitle = f.heading
            validation.add(f"{letter}2:{letter}{INPUT_ROWS + 1}")
            ws.add_data_validation(validation)
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(fields))}1"


# Reading a filled template -------------------------------------------------------------------


def _heading(value: Any) -> str:
    return str(value).strip().rstrip("*").strip() if value is not None else ""


def read_workbook(path: str | Path) -> dict[str, RawSheet]:
    """The values of the Haushaltsplan and Zuwendungen sheets, by heading, for every non-empty row."""
    try:
        with warnings.catch_warnings():  # openpyxl's notes on extensions it ignores are no news for the office
            warnings.simplefilter("ignore", UserWarning)
            workbook = load_workbook(path, data_only=True, read_only=True)
    except FileNotFoundError:
        raise TemplateError(f"Die Datei {path} gibt es nicht.") from None
    except (InvalidFileException, BadZipFile, KeyError, OSError, ValueError):
        raise TemplateError(f"Die Datei {path} ist keine lesbare Excel-Arbeitsmappe (.xlsx).") from None
    try:
        sheets = {}
        for name, fields in SHEETS.items():
            sheets[name] = (
                _read_sheet(workbook[name], name, fields)
                if name in workbook.sheetnames
                else RawSheet(name, present=False, missing=[f.heading for f in fields if f.required])
            )
        return sheets
    finally:
        workbook.close()


def _read_sheet(ws: Any, name: str, fields: tuple[Field, ...]) -> RawSheet:
    known = {f.heading for f in fields}
    sheet = RawSheet(name, present=True)
    rows = ws.iter_rows()
    header = next(rows, ())
    for cell in header:
        heading = _heading(cell.value)
        if not heading or getattr(cell, "column_letter", None) is None:
            continue
        if heading in known and heading not in sheet.columns:
            sheet.columns[heading] = cell.column_letter
        elif heading not in known:
            sheet.unknown.append(heading)
    sheet.missing = [f.heading for f in fields if f.required and f.heading not in sheet.columns]
    index = {cell.column_letter: _heading(cell.value) for cell in header if getattr(cell, "column_letter", None)}
    for row in rows:
        values: dict[str, Any] = {}
        number = None
        for cell in row:
            letter = getattr(cell, "column_letter", None)
            if letter is None:
                continue
            number = cell.row
            column = index.get(letter)
            if column in sheet.columns and sheet.columns[column] == letter:
                value = cell.value
                if isinstance(value, str) and not value.strip():
                    value = None
                values[column] = value
        if number is not None and any(value is not None for value in values.values()):
            sheet.rows.append(RawRow(name, number, values))
    return sheet


# The annotated copy --------------------------------------------------------------------------


def write_annotated_copy(source: str | Path, problems: Sequence[Annotation], target: str | Path) -> None:
    """A copy of ``source`` with every problem marked on its cell and listed on a ``Fehler`` sheet."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        workbook = load_workbook(source)
    if ERROR_SHEET in workbook.sheetnames:
        del workbook[ERROR_SHEET]
    by_cell: dict[tuple[str, str], list[str]] = {}
    columns: dict[str, dict[str, str]] = {}
    for name in SHEETS:
        if name in workbook.sheetnames:
            header = next(workbook[name].iter_rows(min_row=1, max_row=1), ())
            columns[name] = {_heading(c.value): getattr(c, "column_letter", "") for c in header if _heading(c.value)}
    listing = workbook.create_sheet(ERROR_SHEET, 0)
    listing.append(["Blatt", "Zeile", "Spalte", "Zelle", "Fehler"])
    for cell in listing[1]:
        cell.font, cell.fill, cell.border = HEADER_FONT, HEADER_FILL, HEADER_BORDER
    for width, letter in zip((16, 8, 24, 8, 100), "ABCDE", strict=True):
        listing.column_dimensions[letter].width = width
    for problem in problems:
        coordinate = None
        if problem.sheet in columns and problem.row is not None:
            letter = columns[problem.sheet].get(problem.heading or "", "A")
            coordinate = f"{letter}{problem.row}"
            by_cell.setdefault((problem.sheet, coordinate), []).append(problem.message)
        listing.append(
            [problem.sheet or "Datei", problem.row, problem.heading or "", coordinate or "", problem.message]
        )
        for cell in listing[listing.max_row]:
            keep_text(cell)
        if coordinate:
            link = listing.cell(listing.max_row, 4)
            link.hyperlink = f"#{quote_sheetname(problem.sheet or '')}!{coordinate}"
            link.font = Font(color="0563C1", underline="single")
        listing.cell(listing.max_row, 5).alignment = Alignment(wrap_text=True, vertical="top")
    listing.freeze_panes = "A2"
    listing.auto_filter.ref = f"A1:E{listing.max_row}"
    for (sheet, coordinate), messages in by_cell.items():
        cell = workbook[sheet][coordinate]
        cell.fill = ERROR_FILL
        cell.comment = Comment("\n".join(messages), "Förderbuch", width=360, height=40 + 30 * len(messages))
    workbook.active = 0
    workbook.save(target)
