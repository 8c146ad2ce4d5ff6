"""The tables finance gets, with their headings in one place, for the workbook and the CSV files alike.

Each table is a tuple of ``Column``s and a function turning one row of the finance report into the
values of those columns (strings, ``Money``, dates, ``Decimal`` rates, integers), in that order.
The workbook and the CSV writer format the values; neither knows a heading of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from exports.cells import CODE, DAY, INT, MONEY, SHARE, TEXT, Column
from exports.finance_report import GrantYear, ProgrammeYear, ProjectYear, SpendingSum
from projections.export_queries import Movement
from projections.grant_law import (
    CLAIMS_WAIVED,
    CLAIMS_WRITTEN_OFF,
    CONDITION_OCCURRED,
    IDLE_INTEREST_CHARGED,
    IDLE_INTEREST_PROPOSED,
    INTEREST_WAIVED,
    REVOCATION_FACTS_KNOWN,
    REVOCATION_HEARD,
    REVOCATION_LIMIT,
)
from projections.project_spending import LineSpending

HOLDER_GERMAN = {"grant": "Zuwendung", "project": "Projekt"}


@dataclass(frozen=True)
class Table:
    sheet: str  # sheet title in the workbook
    file: str  # file name (without .csv) in the CSV folder
    columns: tuple[Column, ...]

    @property
    def headings(self) -> list[str]:
        return [column.heading for column in self.columns]

    def index(self, heading: str) -> int:
        return self.headings.index(heading)


@dataclass(frozen=True)
class SplitTable:
    """A table the workbook prints on several sheets, each one A4 landscape page wide at a readable size:
    every sheet has the same rows in the same order and starts with the key columns, so each printed
    page names the row of its figures. The CSV file keeps the table whole."""

    whole: Table
    keys: tuple[str, ...]
    parts: tuple[tuple[str, tuple[str, ...]], ...]  # (sheet title, the headings after the keys)

    @cached_property
    def picks(self) -> tuple[tuple[int, ...], ...]:
        return tuple(tuple(self.whole.index(h) for h in (*self.keys, *headings)) for _, headings in self.parts)

    @property
    def sheets(self) -> tuple[Table, ...]:
        return tuple(
            Table(sheet, self.whole.file, tuple(self.whole.columns[i] for i in picks))
            for (sheet, _), picks in zip(self.parts, self.picks, strict=True)
        )

    def split(self, values: list[Any]) -> list[list[Any]]:
        """One row of the whole table split into the rows of its sheets."""
        return [[values[i] for i in picks] for picks in self.picks]


MONEY_WIDTH = 14  # "−123.456,78 €" and a little room

BALANCE_COLUMNS = (
    Column("Bewilligt", MONEY, MONEY_WIDTH),
    Column("Gebunden, nicht abgerufen", MONEY, MONEY_WIDTH),
    Column("Abgerufen, nicht ausgezahlt", MONEY, MONEY_WIDTH),
    Column("Ausgezahlt", MONEY, MONEY_WIDTH),
    Column("Verwendung anerkannt", MONEY, MONEY_WIDTH),
    Column("Rückforderung festgesetzt", MONEY, MONEY_WIDTH),
    Column("Zurückgezahlt", MONEY, MONEY_WIDTH),
    Column("Zinsen eingegangen", MONEY, MONEY_WIDTH),
)

OVERVIEW = Table(
    "Übersicht",
    "uebersicht",
    (
        Column("Haushaltsjahr", INT, 14),
        Column("Programm", TEXT, 18),
        Column("Ansatz", MONEY, MONEY_WIDTH),
        *BALANCE_COLUMNS,
        Column("Verfügbar", MONEY, MONEY_WIDTH),
        Column("Bezeichnung", TEXT, 30, wrap=True),
        Column("Mittelherkunft", TEXT, 14, wrap=True),
        Column("Produkt", CODE, 10),
        Column("Sachkonto", CODE, 10),
        Column("Kostenstelle", CODE, 11),
    ),
)


# The overview on three sheets: what is budgeted, bound and paid; what came back; where it is booked.
OVERVIEW_SPLIT = SplitTable(
    OVERVIEW,
    ("Haushaltsjahr", "Programm"),
    (
        (
            "Übersicht",
            (
                "Ansatz",
                "Bewilligt",
                "Gebunden, nicht abgerufen",
                "Abgerufen, nicht ausgezahlt",
                "Ausgezahlt",
                "Verfügbar",
                "Bezeichnung",
            ),
        ),
        (
            "Übersicht Abrechnung",
            ("Verwendung anerkannt", "Rückforderung festgesetzt", "Zurückgezahlt", "Zinsen eingegangen"),
        ),
        ("Übersicht Haushalt", ("Mittelherkunft", "Produkt", "Sachkonto", "Kostenstelle")),
    ),
)


def overview_values(row: ProgrammeYear) -> list[Any]:
    b, c = row.balance, row.coordinates
    return [
        row.fiscal_year,
        row.code,
        b.budget,
        b.committed,
        b.open_commitment,
        b.requested,
        b.paid,
        b.recognised,
        b.claimed,
        b.repaid,
        b.interest,
        b.available,
        row.title,
        row.funding_source_german,
        c.product,
        c.account,
        c.cost_centre,
    ]


GRANTS = Table(
    "Zuwendungen",
    "zuwendungen",
    (
        Column("Haushaltsjahr", INT, 14),
        Column("Aktenzeichen", CODE, 16),
        Column("Programm", TEXT, 18),
        Column("Regelwerk", TEXT, 18, wrap=True),
        Column("Zuwendungsempfänger", TEXT, 25, wrap=True),
        Column("Titel", TEXT, 25, wrap=True),
        Column("Projekt", TEXT, 19),
        Column("Partnerstadt", TEXT, 13),
        Column("Produkt", CODE, 10),
        Column("Sachkonto", CODE, 10),
        Column("Kostenstelle", CODE, 11),
        Column("Finanzierungsart", TEXT, 25),
        Column("Fördersatz", SHARE, 10),
        Column("Höchstbetrag", MONEY, MONEY_WIDTH),
        Column("Bewilligt gesamt", MONEY, MONEY_WIDTH),
        *BALANCE_COLUMNS,
        Column("Bindung aufgehoben", MONEY, MONEY_WIDTH),
        Column("Rest: Bewilligt − Ausgezahlt", MONEY, MONEY_WIDTH),
        Column("Rest: Ausgezahlt − anerkannt", MONEY, MONEY_WIDTH),
        Column("Schlussfestsetzung", MONEY, MONEY_WIDTH),
        Column("Über Plansumme, nicht zuwendungsfähig", MONEY, MONEY_WIDTH),
        Column("Festbetrag je Einheit: nicht erbracht", MONEY, MONEY_WIDTH),
        Column("Vor Maßnahmebeginn, nicht zuwendungsfähig", MONEY, MONEY_WIDTH),
        Column("Vorzeitiger Beginn ab", DAY, 11),
        Column("Gegenstände über Wertgrenze", MONEY, MONEY_WIDTH),
        Column("Abgang vor Ende der Zweckbindung", MONEY, MONEY_WIDTH),
        Column("An Partner im Ausland überwiesen", MONEY, MONEY_WIDTH),
        Column("Stand", TEXT, 20, wrap=True),
        Column("Bewilligt am", DAY, 11),
        Column("VN-Frist", DAY, 11),
        Column("VN-Eingang", DAY, 11),
        Column("Prüfdatum", DAY, 11),
        Column("Auflösende Bedingung eingetreten", DAY, 12),
        Column("Widerruf: Tatsachen bekannt seit", DAY, 12),
        Column("Widerruf: angehört am", DAY, 12),
        Column("Widerruf: Jahresfrist bis", DAY, 12),
        Column("Zinsen § 49a Abs. 4 berechnet", MONEY, MONEY_WIDTH),
        Column("Zinsen § 49a Abs. 4 festgesetzt", MONEY, MONEY_WIDTH),
        Column("Niedergeschlagen (bleibt offen)", MONEY, MONEY_WIDTH),
        Column("Erlassen", MONEY, MONEY_WIDTH),
        Column("Zinsverzicht § 49a Abs. 3 S. 2", MONEY, MONEY_WIDTH),
    ),
)


def grant_values(row: GrantYear) -> list[Any]:
    g, b, c = row.grant, row.balance, row.coordinates
    return [
        row.fiscal_year,
        g.file_number,
        g.programme_code,
        g.rule_set_version,
        g.organisation_name,
        g.title,
        g.project_code,
        g.partner_city,
        c.product,
        c.account,
        c.cost_centre,
        g.financing_type_german,
        g.rate,
        g.maximum,
        g.approved,
        b.committed,
        row.bound,
        b.requested,
        b.paid,
        b.recognised,
        b.claimed,
        b.repaid,
        b.interest,
        row.released,
        row.open_commitment,
        row.not_yet_recognised,
        g.final_amount,
        row.fact_amount("over_plan_total"),
        row.fact_amount("unit_shortfall"),
        row.fact_amount("before_start"),
        row.fact_day("early_start"),
        row.fact_amount("items"),
        row.fact_amount("disposed_early"),
        row.fact_amount("transfers_abroad"),
        g.status_german,
        g.decided_on,
        g.proof_due,
        g.proof_submitted_on,
        g.proof_reviewed_on,
        *(row.fact_day(name) for name in CLAIM_LAW_DAYS),
        *(row.fact_amount(name) for name in CLAIM_LAW_AMOUNTS),
    ]


# Grant law facts of claims and revocations, in the order of the last columns of GRANTS.
CLAIM_LAW_DAYS = (CONDITION_OCCURRED, REVOCATION_FACTS_KNOWN, REVOCATION_HEARD, REVOCATION_LIMIT)
CLAIM_LAW_AMOUNTS = (IDLE_INTEREST_PROPOSED, IDLE_INTEREST_CHARGED, CLAIMS_WRITTEN_OFF, CLAIMS_WAIVED, INTEREST_WAIVED)


# GRANTS on seven sheets: every column other than the keys on exactly one of them.
GRANT_KEYS = ("Haushaltsjahr", "Aktenzeichen")
GRANT_SHEET_HEADINGS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Zuwendungen", ("Programm", "Zuwendungsempfänger", "Titel", "Stand", "Bewilligt", "Ausgezahlt")),
    (
        "Zuwendungen Bescheid",
        ("Regelwerk", "Projekt", "Partnerstadt", "Finanzierungsart", "Fördersatz", "Höchstbetrag"),
    ),
    (
        "Zuwendungen Haushalt",
        (
            "Produkt",
            "Sachkonto",
            "Kostenstelle",
            "Gebunden, nicht abgerufen",
            "Abgerufen, nicht ausgezahlt",
            "Rest: Bewilligt − Ausgezahlt",
            "Bindung aufgehoben",
        ),
    ),
    (
        "Zuwendungen Abrechnung",
        (
            "Bewilligt gesamt",
            "Schlussfestsetzung",
            "Verwendung anerkannt",
            "Rückforderung festgesetzt",
            "Zurückgezahlt",
            "Zinsen eingegangen",
            "Rest: Ausgezahlt − anerkannt",
        ),
    ),
    (
        "Zuwendungen Nachweis",
        (
            "Bewilligt am",
            "VN-Frist",
            "VN-Eingang",
            "Prüfdatum",
            "Vorzeitiger Beginn ab",
            "Vor Maßnahmebeginn, nicht zuwendungsfähig",
            "Über Plansumme, nicht zuwendungsfähig",
        ),
    ),
    (
        "Zuwendungen Auflagen",
        (
            "Festbetrag je Einheit: nicht erbracht",
            "Gegenstände über Wertgrenze",
            "Abgang vor Ende der Zweckbindung",
            "An Partner im Ausland überwiesen",
            "Auflösende Bedingung eingetreten",
            "Zinsen § 49a Abs. 4 berechnet",
            "Zinsen § 49a Abs. 4 festgesetzt",
        ),
    ),
    (
        "Zuwendungen Widerruf",
        (
            "Widerruf: Tatsachen bekannt seit",
            "Widerruf: angehört am",
            "Widerruf: Jahresfrist bis",
            "Niedergeschlagen (bleibt offen)",
            "Erlassen",
            "Zinsverzicht § 49a Abs. 3 S. 2",
        ),
    ),
)
GRANT_SPLIT = SplitTable(GRANTS, GRANT_KEYS, GRANT_SHEET_HEADINGS)
GRANT_SHEETS = GRANT_SPLIT.sheets


JOURNAL = Table(
    "Journal",
    "journal",
    (
        Column("Log-Position", INT, 10),
        Column("Datum", DAY, 11),
        Column("Haushaltsjahr", INT, 14),
        Column("Programm", TEXT, 16),
        Column("Soll", TEXT, 22, wrap=True),
        Column("Haben", TEXT, 22, wrap=True),
        Column("Betrag", MONEY, 15),
        Column("Buchungstext", TEXT, 30, wrap=True),
        Column("Vorgang", CODE, 18),
        Column("Art", TEXT, 11),
        Column("Ereignis", TEXT, 30, wrap=True),
        Column("Ereignis-ID", CODE, 34),
        Column("Version", INT, 8),
    ),
)


# The journal on two sheets: the booking, and the event it came from (the amount on both).
JOURNAL_SPLIT = SplitTable(
    JOURNAL,
    ("Log-Position", "Datum"),
    (
        ("Journal", ("Haushaltsjahr", "Programm", "Soll", "Haben", "Betrag", "Buchungstext")),
        ("Journal Herkunft", ("Betrag", "Vorgang", "Art", "Ereignis", "Ereignis-ID", "Version")),
    ),
)


def movement_values(m: Movement) -> list[Any]:
    return [
        m.position,
        m.business_date,
        m.fiscal_year,
        m.programme_code,
        m.debit_name,
        m.credit_name,
        m.amount,
        m.memo,
        m.reference,
        HOLDER_GERMAN.get(m.holder_kind or "", ""),
        m.event,
        m.originator_id.hex,
        m.originator_version,
    ]


PROJECTS = Table(
    "Projekte",
    "projekte",
    (
        Column("Haushaltsjahr", INT, 14),
        Column("Projekt", TEXT, 20),
        Column("Titel", TEXT, 26, wrap=True),
        Column("Partnerstadt", TEXT, 13),
        Column("SDGs", TEXT, 10),
        Column("Budget gezogen", MONEY, MONEY_WIDTH),
        Column("Ausgaben", MONEY, MONEY_WIDTH),
        Column("Rest", MONEY, MONEY_WIDTH),
        Column("Zuwendungen an Vereine ausgezahlt", MONEY, MONEY_WIDTH),
    ),
)


def project_values(row: ProjectYear) -> list[Any]:
    return [
        row.fiscal_year,
        row.code,
        row.title,
        row.partner_city,
        row.sdgs_text,
        row.drawn,
        row.spent,
        row.remaining,
        row.grants_paid,
    ]


PARTNER_CITIES = Table(
    "Projekte",
    "projekte_partnerstaedte",
    (
        Column("Partnerstadt", TEXT),
        Column("Budget gezogen", MONEY),
        Column("Ausgaben", MONEY),
        Column("Zuwendungen an Vereine ausgezahlt", MONEY),
    ),
)

SDGS = Table(
    "Projekte",
    "projekte_sdg",
    (
        Column("SDG", TEXT),
        Column("Budget gezogen", MONEY),
        Column("Ausgaben", MONEY),
        Column("Zuwendungen an Vereine ausgezahlt", MONEY),
    ),
)


def spending_values(row: SpendingSum) -> list[Any]:
    return [row.key, row.drawn, row.spent, row.grants_paid]


BUDGET_LINES = Table(
    "Projekte",
    "projekte_kostenpositionen",
    (
        Column("Haushaltsjahr", TEXT),
        Column("Projekt", TEXT),
        Column("Kostenposition", TEXT),
        Column("Ausgaben", MONEY),
    ),
)


def budget_line_values(year: int | None, line: LineSpending) -> list[Any]:
    return [str(year) if year is not None else "alle", line.project_code, line.budget_line, line.spent]


INFO = Table("Info", "info", (Column("Angabe", TEXT, 30), Column("Wert", TEXT, 72)))
