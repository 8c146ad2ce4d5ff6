"""Importing the office's grant list and finance's budget plan from the documented template.

``foerderbuch import template -o FILE.xlsx`` writes the template (``exports.template``);
``foerderbuch import FILE.xlsx`` brings a filled one in, in three steps:

1. **Read and check every cell.** Each row of ``Haushaltsplan`` and ``Zuwendungen`` is parsed:
   required cells, amounts (numbers or German text such as ``1.234,56``), dates, rates, the allowed
   values of the lists. Rows are then compared with each other (a file number twice, a programme
   described differently in two rows, one association with two IBANs).
2. **Rehearse.** Every command the import would give is first tried on aggregates held in memory
   and never saved — programmes opened or their budgets allocated and amended, associations
   registered, grants applied for, reviewed and approved, with each approval bound in its programme's
   budget — so the domain's own rules (plan balanced, own share, minimum and maximum, budget cover,
   four eyes) judge the whole file, row by row, before anything is recorded.
3. **Record, or refuse.** Only when not a single problem was found are the commands given to the
   office, in the rehearsed order. Otherwise nothing is recorded and every problem is reported at
   once, with its sheet, row and column, in German; the command line also writes an annotated copy of
   the workbook (``FILE.fehler.xlsx``).

Identities come from the data, so importing the same file twice changes nothing: a grant is its file
number (``Grant.create_id``), a programme its code, an association its name (an association already
registered under that name is used as it is), and a budget that is already recorded with the same
amount and posting stays as it is.

Who acts: programmes, budgets, associations and applications are recorded by the system actor, like
every command of the command line. Legacy grants were reviewed and approved on paper before
Förderbuch; the four-eyes rule of the domain needs two different people for that, so the import
records the review and the approval under two function accounts without a password
(``Altbestand: Prüfung``, an officer, and ``Altbestand: Bewilligung``, an approver), registered by
the system on first use. The review note names the file and the row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any, TypeVar
from uuid import NAMESPACE_URL, UUID, uuid5

from domain.actors import Actor, Role
from domain.application import FundingOffice
from domain.dates import FiscalYear, FundingPeriod
from domain.errors import DomainError, InvalidInputError
from domain.grant import Grant
from domain.money import Money
from domain.organisation import LegalForm, Organisation, address
from domain.partner_cities import PARTNER_CITIES, partner_city
from domain.plan import BudgetLine, FinancingPlan, FinancingType
from domain.posting import PostingCoordinates
from domain.programme import FundingSource, Programme, programme_code
from domain.project import Project
from domain.rules import RuleSet
from domain.user import User
from exports.template import BUDGET_SHEET, GRANT_SHEET, SHEETS, Annotation, Field, RawRow, read_workbook
from projections.db import Cursor
from projections.grant_files import GrantFiles, name_key
from web.german import GermanInputError, read_amount, read_date, read_decimal, read_percent

RULE_SETS: dict[str, Callable[..., RuleSet]] = {
    "NRW kommunal": RuleSet.nrw_municipal,
    "Bund (ANBest-P)": RuleSet.federal,
}
FUNDING_SOURCES = {source.german: source for source in FundingSource}
FINANCING_TYPES = {kind.german: kind for kind in FinancingType}
LEGAL_FORMS = {form.value: form for form in LegalForm}
CITIES = [city.name for city in PARTNER_CITIES if city.active]
TOTAL_LINE = BudgetLine("gesamt", "Gesamtkosten laut Förderliste", Money.zero())


def template_lists() -> dict[str, list[str]]:
    """The allowed values of the template's drop-down lists, by list name."""
    return {
        "Mittelherkunft": list(FUNDING_SOURCES),
        "Regelwerk": list(RULE_SETS),
        "Rechtsform": list(LEGAL_FORMS),
        "Partnerstadt": CITIES,
        "Finanzierungsart": list(FINANCING_TYPES),
    }


@dataclass(frozen=True)
class FunctionAccount:
    email: str
    name: str
    role: Role

    @property
    def actor(self) -> Actor:
        return Actor(User.legacy_id(self.email), self.role)  # a function account, not a person: a fixed id


LEGACY_REVIEW = FunctionAccount("altbestand-pruefung@foerderbuch.invalid", "Altbestand: Prüfung", Role.OFFICER)
LEGACY_APPROVAL = FunctionAccount(
    "altbestand-bewilligung@foerderbuch.invalid", "Altbestand: Bewilligung", Role.APPROVER
)


def organisation_id_for(name: str) -> UUID:
    """The identity an imported association gets when none of that name is registered yet."""
    return uuid5(NAMESPACE_URL, f"/foerderbuch/organisations/{name_key(name)}")


@dataclass(frozen=True)
class ImportProblem:
    """Something wrong in the file: where (sheet, row, column heading) and what, in German."""

    sheet: str | None
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [self.sheet or "Datei"]
        if self.row is not None:
            where.append(f"Zeile {self.row}")
        if self.column:
            where.append(f"Spalte »{self.column}«")
        return f"{', '.join(where)}: {self.message}"

    @property
    def annotation(self) -> Annotation:
        return Annotation(self.sheet, self.row, self.column, self.message)


@dataclass
class ImportSummary:
    programmes_opened: int = 0
    budgets_allocated: int = 0
    budgets_amended: int = 0
    budgets_unchanged: int = 0
    organisations_registered: int = 0
    organisations_known: int = 0
    grants_applied: int = 0
    grants_approved: int = 0
    grants_skipped: int = 0
    events: int = 0

    @property
    def changed(self) -> bool:
        return self.events > 0

    def lines(self) -> list[str]:
        return [
            f"Programme angelegt: {self.programmes_opened}",
            f"Ansätze neu: {self.budgets_allocated}, geändert: {self.budgets_amended}, "
            f"unverändert: {self.budgets_unchanged}",
            f"Vereine registriert: {self.organisations_registered}, schon erfasst: {self.organisations_known}",
            f"Zuwendungen erfasst: {self.grants_applied}, davon bewilligt: {self.grants_approved}; "
            f"schon erfasst und übersprungen: {self.grants_skipped}",
            f"Neue Ereignisse im Log: {self.events}",
        ]


class ImportRejected(Exception):
    """Raised when the file has problems; nothing was recorded. ``problems`` lists every one."""

    def __init__(self, problems: list[ImportProblem]) -> None:
        super().__init__(f"{len(problems)} Fehler")
        self.problems = problems
        self.copy: Path | None = None  # the annotated copy, once written


class ImportInterrupted(Exception):
    """Raised when a command failed after the rehearsal passed (someone changed the data meanwhile).

    The steps before it are recorded; importing the same file again continues where it stopped.
    """

    def __init__(self, step: str, error: DomainError, done: int, total: int) -> None:
        super().__init__(
            f"Import nach {done} von {total} Schritten abgebrochen bei »{step}«: {error.message} Die Schritte davor "
            "sind erfasst; ein erneuter Import derselben Datei setzt an dieser Stelle fort."
        )
        self.step = step
        self.error = error


# Parsing cells -------------------------------------------------------------------------------


class CellError(ValueError):
    """A cell value that cannot be understood; the message is German."""


def parse_text(value: Any) -> str:
    if isinstance(value, bool):
        raise CellError("Text erwartet.")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (datetime, date)):
        raise CellError("Text erwartet, nicht ein Datum.")
    return str(value).strip()


T = TypeVar("T")


def _cell(read: Callable[[], T]) -> T:
    try:
        return read()
    except GermanInputError as error:
        raise CellError(error.message) from None


def parse_decimal(value: Any) -> Decimal:
    """A number cell as it is, or text in German notation (``web.german``: 1.250 is a thousand and a quarter)."""
    if isinstance(value, bool):
        raise CellError("Zahl erwartet.")
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))  # the shortest text of the number, as it was typed
    if isinstance(value, str):
        return _cell(lambda: read_decimal(value))
    raise CellError(f"»{value}« ist keine Zahl (z. B. 1.234,56).")


def parse_money(value: Any) -> Money:
    if isinstance(value, str):
        return _cell(lambda: read_amount(value, allow_zero=True))
    number = parse_decimal(value)
    if number < 0:
        raise CellError("Der Betrag darf nicht negativ sein.")
    try:
        return Money(number)
    except InvalidInputError as error:
        raise CellError(error.message) from None


def parse_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 20000 < value < 80000:
        return date(1899, 12, 30) + timedelta(days=int(value))  # a date typed into a cell formatted as a number
    if isinstance(value, str):
        return _cell(lambda: read_date(value))
    raise CellError(f"»{value}« ist kein Datum (TT.MM.JJJJ).")


def parse_year(value: Any) -> int:
    try:
        number = parse_decimal(value)
    except CellError:
        number = Decimal(-1)
    if number != number.to_integral_value() or not 2000 <= number <= 2100:
        raise CellError(f"»{value}« ist kein Haushaltsjahr (z. B. 2026).")
    return int(number)


def parse_rate(value: Any) -> Decimal:
    """A rate as a fraction: 0,7 or 70 or »70 %« all mean 70 % (a spreadsheet's percent cell holds 0.7)."""
    if isinstance(value, str) and "%" in value:
        number = _cell(lambda: read_percent(value))
    else:
        number = parse_decimal(value)
        if number > 1:
            number = number / 100
    if not Decimal(0) < number <= Decimal(1):
        raise CellError(f"»{value}« ist kein Fördersatz zwischen 0 % und 100 %.")
    return number.normalize() if number == number.to_integral_value() else number


def parse_choice(value: Any, choices: dict[str, Any], what: str) -> Any:
    text = parse_text(value)
    for label, choice in choices.items():
        if text.casefold() in (label.casefold(), str(getattr(choice, "value", label)).casefold()):
            return choice
    raise CellError(f"»{text}« ist keine gültige {what} (möglich: {', '.join(choices)}).")


PARSERS: dict[str, Callable[[Any], Any]] = {
    "text": parse_text,
    "money": parse_money,
    "date": parse_date,
    "int": parse_year,
    "percent": parse_rate,
}
CHOICES: dict[str, tuple[dict[str, Any], str]] = {
    "Mittelherkunft": (FUNDING_SOURCES, "Mittelherkunft"),
    "Regelwerk": ({name: name for name in RULE_SETS}, "Angabe"),
    "Rechtsform": (LEGAL_FORMS, "Rechtsform"),
    "Finanzierungsart": (FINANCING_TYPES, "Finanzierungsart"),
}


@dataclass
class Row:
    """A row with its typed values; ``ok`` is False when a cell could not be read (the row is then not
    rehearsed: there is nothing to build it from)."""

    sheet: str
    number: int
    values: dict[str, Any]
    ok: bool = True

    def __getitem__(self, heading: str) -> Any:
        return self.values.get(heading)


# Domain fields to template columns -----------------------------------------------------------

BUDGET_COLUMNS = {
    "code": "Programmkürzel",
    "title": "Bezeichnung",
    "funding_source": "Mittelherkunft",
    "rule_set": "Regelwerk",
    "min_grant": "Mindestbetrag",
    "max_grant": "Höchstbetrag",
    "fiscal_year": "Haushaltsjahr",
    "amount": "Ansatz",
    "budget": "Ansatz",
    "product": "Produkt",
    "account": "Sachkonto",
    "cost_centre": "Kostenstelle",
}
ORGANISATION_COLUMNS = {
    "name": "Zuwendungsempfänger",
    "legal_form": "Rechtsform",
    "register_number": "Registernummer",
    "street": "Straße",
    "postcode": "PLZ",
    "city": "Ort",
    "country": "Ort",
    "iban": "IBAN",
}
ORGANISATION_HEADINGS = ("Rechtsform", "Registernummer", "Straße", "PLZ", "Ort", "IBAN")
APPLICATION_COLUMNS = {
    "file_number": "Aktenzeichen",
    "title": "Titel",
    "purpose": "Zweck",
    "partner_city": "Partnerstadt",
    "period": "Beginn",
    "period_end": "Ende",
    "financing_type": "Finanzierungsart",
    "grant": "Beantragte Zuwendung",
    "own_funds": "Eigenmittel",
    "third_party_funds": "Drittmittel",
    "income": "Einnahmen",
    "cost_lines": "Gesamtkosten",
    "on": "Antragsdatum",
}
APPROVAL_COLUMNS = {
    "amount": "Bewilligter Betrag",
    "rate": "Fördersatz",
    "maximum": "Höchstbetrag",
    "year_split": "Bewilligter Betrag",
    "fiscal_year": "Bewilligter Betrag",
    "financing_type": "Finanzierungsart",
    "own_funds": "Eigenmittel",
    "review": "Bewilligter Betrag",
    "on": "Bewilligungsdatum",
    "notes": "Bewilligungsdatum",
}


# The import ----------------------------------------------------------------------------------


@dataclass
class ImportPlan:
    """What the rehearsal found: problems, and the commands to give if there are none."""

    source: str
    problems: list[ImportProblem] = field(default_factory=list)
    steps: list[tuple[str, Callable[[], Any]]] = field(default_factory=list)
    summary: ImportSummary = field(default_factory=ImportSummary)

    def problem(self, row: Row | None, column: str | None, message: str, sheet: str | None = None) -> None:
        self.problems.append(ImportProblem(row.sheet if row else sheet, row.number if row else None, column, message))

    def domain(self, row: Row, error: DomainError, columns: dict[str, str], default: str | None) -> None:
        self.problem(row, columns.get(error.field or "", default), error.message)


def check_file(path: str | Path, office: FundingOffice, cursor: Cursor) -> ImportPlan:
    """Reads and rehearses the import of a filled template; nothing is recorded."""
    source = Path(path).name
    plan = ImportPlan(source)
    sheets = read_workbook(path)
    rows: dict[str, list[Row]] = {}
    for name in SHEETS:
        sheet = sheets[name]
        if not sheet.present:
            plan.problem(
                None,
                None,
                f"Das Blatt »{name}« fehlt (die Importvorlage schreibt »foerderbuch import template -o DATEI.xlsx«).",
                sheet=name,
            )
            continue
        for heading in sheet.missing:
            plan.problem(None, heading, f"Die Spalte »{heading}« fehlt in der Überschriftenzeile.", sheet=name)
        for heading in sheet.unknown:
            plan.problem(None, heading, f"Die Spalte »{heading}« kennt die Importvorlage nicht.", sheet=name)
    if plan.problems:  # without the sheets and headings there is nothing to read rows by
        return plan
    for name, fields in SHEETS.items():
        rows[name] = [_parse(plan, raw, fields) for raw in sheets[name].rows]
    if not any(rows.values()):
        plan.problem(None, None, "Die Datei enthält keine ausgefüllte Zeile.", sheet=GRANT_SHEET)
        return plan
    _Rehearsal(plan, office, cursor).run(rows[BUDGET_SHEET], rows[GRANT_SHEET])
    plan.problems.sort(key=_reading_order)
    return plan


def _reading_order(problem: ImportProblem) -> tuple[int, int, int]:
    """Problems in the order a person reads the file: sheet, row, column."""
    sheets = list(SHEETS)
    fields = [f.heading for f in SHEETS.get(problem.sheet or "", ())]
    return (
        sheets.index(problem.sheet) if problem.sheet in sheets else len(sheets),
        problem.row or 0,
        fields.index(problem.column) if problem.column in fields else -1,
    )


def import_file(path: str | Path, office: FundingOffice, cursor: Cursor) -> ImportSummary:
    """Imports a filled template: all or nothing (``ImportRejected`` lists every problem)."""
    return record(check_file(path, office, cursor), office)


def record(plan: ImportPlan, office: FundingOffice) -> ImportSummary:
    """Gives the rehearsed commands to the office, or refuses a plan with problems."""
    if plan.problems:
        raise ImportRejected(plan.problems)
    before = office.recorder.max_notification_id() or 0
    for done, (description, step) in enumerate(plan.steps):
        try:
            step()
        except DomainError as error:
            raise ImportInterrupted(description, error, done, len(plan.steps)) from error
    plan.summary.events = (office.recorder.max_notification_id() or 0) - before
    return plan.summary


def _parse(plan: ImportPlan, raw: RawRow, fields: tuple[Field, ...]) -> Row:
    row = Row(raw.sheet, raw.number, {})
    for f in fields:
        value = raw.values.get(f.heading)
        if value is None:
            if f.required:
                plan.problem(row, f.heading, "Pflichtangabe fehlt.")
            continue
        try:
            if f.heading in CHOICES:
                choices, what = CHOICES[f.heading]
                row.values[f.heading] = parse_choice(value, choices, what)
            else:
                row.values[f.heading] = PARSERS[f.kind](value)
        except CellError as error:
            plan.problem(row, f.heading, str(error))
            row.ok = False
    if not row.ok or any(raw.values.get(f.heading) is None for f in fields if f.required):
        row.ok = False
    return row


class _Rehearsal:
    def __init__(self, plan: ImportPlan, office: FundingOffice, cursor: Cursor) -> None:
        self.plan = plan
        self.office = office
        self.cursor = cursor
        self.system = Actor.system()
        self.programmes: dict[str, Programme] = {}
        self.organisations: dict[str, UUID] = {}
        self.accounts_registered = False

    def run(self, budget_rows: list[Row], grant_rows: list[Row]) -> None:
        self._programmes(budget_rows)
        self._organisations(grant_rows)
        seen: dict[str, int] = {}
        for row in grant_rows:
            number = row["Aktenzeichen"]
            if number is not None:
                if number in seen:
                    self.plan.problem(
                        row, "Aktenzeichen", f"Das Aktenzeichen {number} steht schon in Zeile {seen[number]}."
                    )
                    continue
                seen[number] = row.number
            if row.ok:
                self._grant(row)

    # Programmes and budgets ------------------------------------------------------------------

    def _programmes(self, rows: list[Row]) -> None:
        by_code: dict[str, list[Row]] = {}
        for row in rows:
            if row["Programmkürzel"] is None:
                continue
            try:
                code = programme_code(row["Programmkürzel"])
            except DomainError as error:
                self.plan.domain(row, error, BUDGET_COLUMNS, "Programmkürzel")
                continue
            by_code.setdefault(code, []).append(row)
        for code, group in by_code.items():
            first = group[0]
            years: dict[int, int] = {}
            distinct = []
            for row in group:
                for heading in ("Bezeichnung", "Mittelherkunft", "Regelwerk", "Mindestbetrag", "Höchstbetrag"):
                    if row is not first and row[heading] != first[heading]:
                        self.plan.problem(row, heading, f"Weicht von Zeile {first.number} für das Programm {code} ab.")
                year = row["Haushaltsjahr"]
                if year in years:
                    self.plan.problem(row, "Haushaltsjahr", f"Für {code} {year} steht schon Zeile {years[year]} da.")
                    continue
                if year is not None:
                    years[year] = row.number
                distinct.append(row)
            if all(row.ok for row in group):
                self._programme(code, distinct)

    def _programme(self, code: str, rows: list[Row]) -> None:
        plan, office, actor = self.plan, self.office, self.system
        budgets: list[tuple[Row, FiscalYear, Money, PostingCoordinates]] = []
        for row in rows:
            try:
                posting = PostingCoordinates(row["Produkt"], row["Sachkonto"], row["Kostenstelle"])
                budgets.append((row, FiscalYear(row["Haushaltsjahr"]), row["Ansatz"], posting))
            except DomainError as error:
                plan.domain(row, error, BUDGET_COLUMNS, "Produkt")
        if len(budgets) != len(rows):
            return
        programme_id = Programme.create_id(code)
        source = f"»{plan.source}«"
        if programme_id not in office.repository:
            first = rows[0]
            limits = {
                name: first[heading]
                for name, heading in (("min_grant", "Mindestbetrag"), ("max_grant", "Höchstbetrag"))
                if first[heading] is not None
            }
            try:
                rule_set = RULE_SETS[first["Regelwerk"]](f"{code}-Import", **limits)
                programme = Programme.open(
                    code,
                    first["Bezeichnung"],
                    first["Mittelherkunft"],
                    rule_set,
                    {year: (amount, posting) for _, year, amount, posting in budgets},
                    actor,
                )
            except DomainError as error:
                plan.domain(first, error, BUDGET_COLUMNS, "Programmkürzel")
                return
            self.programmes[code] = programme
            plan.summary.programmes_opened += 1
            plan.summary.budgets_allocated += len(budgets)
            plan.steps.append(
                (
                    f"Programm {code} anlegen",
                    lambda: office.open_programme(
                        code,
                        first["Bezeichnung"],
                        first["Mittelherkunft"],
                        rule_set,
                        {year: (amount, posting) for _, year, amount, posting in budgets},
                        actor,
                    ),
                )
            )
            return
        programme = office.programme(programme_id)
        self.programmes[code] = programme
        for row, year, amount, posting in budgets:
            reason = f"Haushaltsplan-Import aus {source}, Zeile {row.number}."
            known = programme.posting(year)
            try:
                if known is None:
                    programme.allocate_budget(year, amount, posting, reason, actor)
                    plan.summary.budgets_allocated += 1
                    plan.steps.append(
                        (
                            f"Ansatz {code} {year}",
                            partial(office.allocate_budget, programme_id, year, amount, posting, reason, actor),
                        )
                    )
                elif known != posting:
                    plan.problem(
                        row,
                        "Produkt",
                        f"Für {code} {year} ist die Kontierung {known} erfasst; sie lässt sich nicht ändern.",
                    )
                elif programme.budget(year) != amount:
                    programme.amend_budget(year, amount, reason, actor)
                    plan.summary.budgets_amended += 1
                    plan.steps.append(
                        (
                            f"Ansatz {code} {year} ändern",
                            partial(office.amend_budget, programme_id, year, amount, reason, actor),
                        )
                    )
                else:
                    plan.summary.budgets_unchanged += 1
            except DomainError as error:
                plan.domain(row, error, BUDGET_COLUMNS, "Ansatz")

    def _programme_for(self, row: Row) -> Programme | None:
        try:
            code = programme_code(row["Programmkürzel"])
        except DomainError as error:
            self.plan.domain(row, error, {}, "Programmkürzel")
            return None
        if code not in self.programmes:
            programme_id = Programme.create_id(code)
            if programme_id not in self.office.repository:
                self.plan.problem(
                    row,
                    "Programmkürzel",
                    f"Das Förderprogramm {code} steht weder im Blatt »{BUDGET_SHEET}« noch im Förderbuch.",
                )
                return None
            self.programmes[code] = self.office.programme(programme_id)
        return self.programmes[code]

    # Associations ----------------------------------------------------------------------------

    def _organisations(self, rows: list[Row]) -> None:
        by_name: dict[str, list[Row]] = {}
        for row in rows:
            if row["Zuwendungsempfänger"]:
                by_name.setdefault(name_key(row["Zuwendungsempfänger"]), []).append(row)
        for key, group in by_name.items():
            first = group[0]
            for row in group[1:]:
                for heading in ORGANISATION_HEADINGS:
                    if _compact(row[heading]) != _compact(first[heading]):
                        self.plan.problem(
                            row,
                            heading,
                            f"Derselbe Verein steht in Zeile {first.number} mit anderer "
                            f"Angabe »{first[heading] or ''}«.",
                        )
            self.organisations[key] = self._organisation(group)

    def _organisation(self, rows: list[Row]) -> UUID:
        plan, office, first = self.plan, self.office, rows[0]
        name = first["Zuwendungsempfänger"]
        known = GrantFiles.organisation_named(self.cursor, name)
        if known is not None:
            plan.summary.organisations_known += 1
            return known
        organisation_id = organisation_id_for(name)
        if organisation_id in office.repository:
            plan.summary.organisations_known += 1
            return organisation_id
        if any(first[h] is None for h in ORGANISATION_HEADINGS if h != "Registernummer"):
            return organisation_id  # the missing or unreadable cells are reported already
        try:
            where = address(first["Straße"] or "", first["PLZ"] or "", first["Ort"] or "")
            Organisation.register(
                name,
                first["Rechtsform"],
                first["Registernummer"] or "",
                where,
                first["IBAN"] or "",
                office.validate_iban,
                self.system,
                organisation_id,
            )
        except DomainError as error:
            for row in rows:
                plan.domain(row, error, ORGANISATION_COLUMNS, "Zuwendungsempfänger")
            return organisation_id
        plan.summary.organisations_registered += 1
        plan.steps.append(
            (
                f"Verein {name} registrieren",
                lambda: office.register_organisation(
                    name,
                    first["Rechtsform"],
                    first["Registernummer"] or "",
                    where,
                    first["IBAN"],
                    self.system,
                    organisation_id=organisation_id,
                ),
            )
        )
        return organisation_id

    # Grants ----------------------------------------------------------------------------------

    def _grant(self, row: Row) -> None:
        plan, office = self.plan, self.office
        number = row["Aktenzeichen"]
        if len(number) > 40:
            plan.problem(row, "Aktenzeichen", "Das Aktenzeichen ist zu lang (höchstens 40 Zeichen).")
            return
        programme = self._programme_for(row)
        if programme is None:
            return
        grant_id = Grant.create_id(number)
        if grant_id in office.repository:
            recorded = office.grant(grant_id)
            if recorded.programme_id != programme.id:
                plan.problem(
                    row, "Programmkürzel", f"Das Aktenzeichen {number} ist schon für ein anderes Programm erfasst."
                )
            else:
                plan.summary.grants_skipped += 1
            return
        project = self._project(row)
        project_id = project if isinstance(project, UUID) else None
        organisation_id = self.organisations[name_key(row["Zuwendungsempfänger"])]
        try:
            city = partner_city(row["Partnerstadt"])
        except DomainError as error:
            plan.domain(row, error, APPLICATION_COLUMNS, "Partnerstadt")
            return
        zero = Money.zero()
        try:
            period = FundingPeriod(row["Beginn"], row["Ende"])
            funding = FinancingPlan(
                (BudgetLine(TOTAL_LINE.code, TOTAL_LINE.label, row["Gesamtkosten"]),),
                own_funds=row["Eigenmittel"] or zero,
                third_party_funds=row["Drittmittel"] or zero,
                income=row["Einnahmen"] or zero,
                grant=row["Beantragte Zuwendung"],
            )
            kind: FinancingType = row["Finanzierungsart"]
            grant = Grant.apply(
                number,
                programme.id,
                programme.rule_set,
                organisation_id,
                project_id,
                row["Titel"],
                row["Zweck"],
                city.name,
                period,
                kind,
                funding,
                None,
                row["Antragsdatum"],
                self.system,
            )
        except DomainError as error:
            plan.domain(row, error, APPLICATION_COLUMNS, "Aktenzeichen")
            return
        if project is False:
            return
        applied_on, title, purpose = row["Antragsdatum"], row["Titel"], row["Zweck"]
        plan.summary.grants_applied += 1
        plan.steps.append(
            (
                f"Antrag {number}",
                lambda: office.apply_for_grant(
                    programme.id,
                    organisation_id,
                    title,
                    purpose,
                    city.name,
                    period,
                    kind,
                    funding,
                    self.system,
                    project_id=project_id,
                    on=applied_on,
                    file_number=number,
                ),
            )
        )
        if row["Bewilligter Betrag"] is not None:
            self._approval(row, grant, programme)
        else:
            for heading in ("Fördersatz", "Höchstbetrag", "Bewilligungsdatum"):
                if row[heading] is not None:
                    plan.problem(row, heading, "Nur mit einem bewilligten Betrag anzugeben.")

    def _project(self, row: Row) -> UUID | bool | None:
        code = row["Projektkürzel"]
        if code is None:
            return None
        project_id = Project.create_id(code.strip().upper())
        if project_id not in self.office.repository:
            self.plan.problem(
                row, "Projektkürzel", f"Ein städtisches Projekt »{code}« ist im Förderbuch nicht erfasst."
            )
            return False
        return project_id

    def _approval(self, row: Row, grant: Grant, programme: Programme) -> None:
        plan, office = self.plan, self.office
        amount, decided_on = row["Bewilligter Betrag"], row["Bewilligungsdatum"]
        if decided_on is None:
            plan.problem(row, "Bewilligungsdatum", "Zu einem bewilligten Betrag gehört das Bewilligungsdatum.")
            return
        if decided_on < row["Antragsdatum"]:
            plan.problem(row, "Bewilligungsdatum", "Die Bewilligung liegt vor dem Antragsdatum.")
            return
        terms: dict[str, Any] = {"rate": row["Fördersatz"], "maximum": row["Höchstbetrag"]}
        notes = (
            f"Übernahme aus der Förderliste »{plan.source}«, Zeile {row.number}: Antrag vor Einführung des "
            "Förderbuchs geprüft und bewilligt."
        )
        reviewer, approver = LEGACY_REVIEW.actor, LEGACY_APPROVAL.actor
        try:
            grant.review(True, True, notes, decided_on, reviewer)
            notice = office.terms_for(grant, programme.rule_set, amount, **terms)
            grant.approve(notice, decided_on, approver)
            programme.commit(grant.id, notice.split(), approver)
        except DomainError as error:
            plan.domain(row, error, APPROVAL_COLUMNS, "Bewilligter Betrag")
            return
        self._function_accounts()
        plan.summary.grants_approved += 1
        plan.steps.append(
            (
                f"Prüfung {grant.file_number}",
                lambda: office.review_application(
                    grant.id,
                    True,
                    True,
                    notes,
                    reviewer,
                    on=decided_on,
                ),
            )
        )
        plan.steps.append(
            (
                f"Bewilligung {grant.file_number}",
                lambda: office.approve_grant(
                    grant.id,
                    amount,
                    approver,
                    on=decided_on,
                    **terms,
                ),
            )
        )

    def _function_accounts(self) -> None:
        """Registers the two function accounts before the first legacy approval, if they are not there."""
        if self.accounts_registered:
            return
        self.accounts_registered = True
        for account in (LEGACY_REVIEW, LEGACY_APPROVAL):
            if account.actor.user_id not in self.office.repository:
                self.plan.steps.append(
                    (
                        f"Funktionskonto {account.name}",
                        partial(
                            self.office.register_user,
                            account.email,
                            account.name,
                            account.role,
                            self.system,
                            user_id=account.actor.user_id,
                        ),
                    )
                )


def _compact(value: Any) -> str:
    return "".join(str(value).split()).casefold() if value is not None else ""
