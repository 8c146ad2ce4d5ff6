"""The figures of the finance export, read from the read models and pinned to one chain head.

A ``FinanceReport`` answers the questions of the finance workbook for a filter (fiscal years, a
programme, a business date, a log position): balances per programme and fiscal year with their
posting coordinates, one row per grant and fiscal year, every money movement of the journal, and the
city projects. All money figures are sums of journal lines up to the chain head the report is pinned
to (the seal's newest link when it starts, or the link at the log position asked for), so the
workbook shows exactly the log up to that link, however many events arrive while it is written, and
its Info sheet names that link.

Grants and movements are read page by page, so the report can be streamed into a write-only
workbook with memory that does not grow with the number of rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from domain.errors import DomainError
from domain.money import Money
from domain.programme import FundingSource, programme_code
from projections.db import Cursor, cents, money
from projections.export_queries import (
    LedgerFilter,
    Movement,
    chain_link_at,
    count_lines,
    grant_sums_by_project,
    holder_year_sums,
    movements,
    programme_year_sums,
    project_holders,
)
from projections.grant_files import GrantFileRow, GrantFiles
from projections.grant_law import Fact, GrantLaw
from projections.journal import Balance
from projections.project_spending import LineSpending, ProjectSpending
from projections.register import Register
from projections.seal import ChainHead

if TYPE_CHECKING:
    from exports.sdg_report import SdgLine

GRANT_PAGE = 500

Progress = Callable[[str, int], None]
"""Told how far an export got: the stage (``Zuwendungen``, ``Journal``) and how many more are done."""


class ExportError(Exception):
    """Raised when an export cannot be made as asked (unknown programme, empty log, bad filter)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class FinanceFilter:
    """What the finance export covers; every part is optional."""

    first_year: int | None = None
    last_year: int | None = None
    programme_code: str | None = None
    as_of_date: date | None = None
    as_of_position: int | None = None
    all_years_total: bool = False  # a grand total over several fiscal years, only when asked for

    def __post_init__(self) -> None:
        for year in (self.first_year, self.last_year):
            if year is not None and not 2000 <= year <= 2100:
                raise ExportError(f"Haushaltsjahr {year} ist unplausibel (2000–2100).")
        if self.first_year is not None and self.last_year is not None and self.first_year > self.last_year:
            raise ExportError(f"Das Haushaltsjahr {self.first_year} liegt nach {self.last_year}.")
        if self.as_of_position is not None and self.as_of_position < 1:
            raise ExportError("Die Log-Position muss 1 oder größer sein.")

    @property
    def years_german(self) -> str:
        if self.first_year is None and self.last_year is None:
            return "alle"
        if self.first_year == self.last_year:
            return str(self.first_year)
        return f"{self.first_year or '…'}–{self.last_year or '…'}"


@dataclass(frozen=True)
class Coordinates:
    product: str = ""
    account: str = ""
    cost_centre: str = ""


@dataclass(frozen=True)
class ProgrammeYear:
    """A programme's balances in a fiscal year, with where finance books them."""

    fiscal_year: int
    programme_id: UUID
    code: str
    title: str
    funding_source: str
    coordinates: Coordinates
    balance: Balance

    @property
    def funding_source_german(self) -> str:
        return FundingSource(self.funding_source).german if self.funding_source else ""


@dataclass(frozen=True)
class GrantYear:
    """One grant in one fiscal year: the grant file's facts and that year's journal balances."""

    fiscal_year: int
    grant: GrantFileRow
    coordinates: Coordinates
    balance: Balance
    facts: dict[str, Fact] = field(default_factory=dict)  # grant law facts (projections.grant_law)
    first_year: bool = True  # the grant's first row in the report: facts of the whole grant are shown here
    grant_balance: Balance | None = None  # the whole grant over the report's years, on its first row only

    @property
    def settled(self) -> bool:
        """Finally determined, revoked or closed: what is still bound is released, not owed."""
        g = self.grant
        return g.final_amount is not None or g.revoked_on is not None or g.closed_on is not None

    def fact_amount(self, name: str) -> Money | None:
        """A grant law amount of the whole grant, in its first row only (so a column's sum counts it once)."""
        fact = self.facts.get(name)
        return fact.amount if fact is not None and self.first_year else None

    def fact_day(self, name: str) -> date | None:
        """A grant law day of the whole grant, in its first row only."""
        fact = self.facts.get(name)
        return fact.day if fact is not None and self.first_year else None

    @property
    def released(self) -> Money:
        """Bindung aufgehoben: of a settled grant, what was bound in the year beyond what it finally got.

        The journal shows this as a negative open commitment (the final determination or revocation
        gives back more than was still bound, because the money had been paid out); finance reads it
        as a release of the commitment, not as a remainder."""
        open_commitment = self.balance.open_commitment
        if self.settled and open_commitment.amount < 0:
            return Money.zero() - open_commitment
        return Money.zero()

    @property
    def bound(self) -> Money:
        """Gebunden, nicht abgerufen, without the released part of a settled grant."""
        return self.balance.open_commitment + self.released

    @property
    def open_commitment(self) -> Money:
        """Bewilligt − Ausgezahlt: approved for the year and not (yet) paid out (bound or requested)."""
        return self.bound + self.balance.requested

    @property
    def not_yet_recognised(self) -> Money | None:
        """Ausgezahlt − anerkannt, of the whole grant (first row only): paid out and neither recognised
        as used nor claimed back (nor left as too small to claim)."""
        b = self.grant_balance
        if b is None:
            return None
        return b.paid - b.recognised - b.claimed - b.not_pursued


@dataclass(frozen=True)
class ProjectYear:
    """A city project in a fiscal year: budget drawn, spent, and grants paid to associations for it."""

    fiscal_year: int
    project_id: UUID
    code: str
    title: str
    partner_city: str
    sdgs: tuple[int, ...]
    drawn: Money
    spent: Money
    grants_paid: Money

    @property
    def remaining(self) -> Money:
        return self.drawn - self.spent

    @property
    def sdgs_text(self) -> str:
        return ", ".join(str(sdg) for sdg in self.sdgs)


@dataclass(frozen=True)
class SpendingSum:
    key: str
    drawn: Money
    spent: Money
    grants_paid: Money


@dataclass
class FinanceReport:
    """The finance export's figures for one filter, pinned to one chain head (see the module doc)."""

    cursor: Cursor
    filter: FinanceFilter
    generated_at: datetime
    generated_by: str
    head: ChainHead = field(init=False)
    log_head: ChainHead = field(init=False)
    programme_id: UUID | None = field(init=False)
    ledger: LedgerFilter = field(init=False)
    _coordinates: dict[tuple[UUID, int], Coordinates] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        cursor, wanted = self.cursor, self.filter
        log_head = chain_link_at(cursor)
        if log_head is None:
            raise ExportError("Das Log ist leer: Es gibt noch nichts zu exportieren.")
        self.log_head = log_head
        if wanted.as_of_position is not None and wanted.as_of_position > log_head.position:
            raise ExportError(
                f"Die Log-Position {wanted.as_of_position} gibt es noch nicht (das Log reicht bis {log_head.position})."
            )
        head = chain_link_at(cursor, wanted.as_of_position)
        if head is None:
            raise ExportError(f"Vor der Log-Position {wanted.as_of_position} ist nichts gesiegelt.")
        self.head = head
        self.programme_id = self._programme(wanted.programme_code)
        self.ledger = LedgerFilter(
            first_year=wanted.first_year,
            last_year=wanted.last_year,
            programme_id=self.programme_id,
            as_of_date=wanted.as_of_date,
            as_of_position=head.position,
        )
        self._coordinates = {
            (row.programme_id, row.fiscal_year): Coordinates(row.product, row.account, row.cost_centre)
            for row in Register.programme_years(cursor)
        }

    def _programme(self, code: str | None) -> UUID | None:
        if code is None:
            return None
        try:
            wanted = programme_code(code)
        except DomainError as error:
            raise ExportError(error.message) from None
        for programme_id, known in GrantFiles.programme_codes(self.cursor).items():
            if known == wanted:
                return programme_id
        raise ExportError(f"Ein Förderprogramm mit dem Kürzel »{wanted}« gibt es nicht.")

    def _in_years(self, year: int) -> bool:
        first, last = self.filter.first_year, self.filter.last_year
        return (first is None or year >= first) and (last is None or year <= last)

    # Übersicht ---------------------------------------------------------------------------------

    def programme_years(self) -> list[ProgrammeYear]:
        """Every programme-year with a budget or journal lines in the filter, by year and code."""
        sums = programme_year_sums(self.cursor, self.ledger)
        names: dict[UUID, tuple[str, str, str]] = {}
        for row in Register.programme_years(self.cursor):
            names[row.programme_id] = (row.code, row.title, row.funding_source)
            key = (row.programme_id, row.fiscal_year)
            wanted = self.programme_id is None or row.programme_id == self.programme_id
            if wanted and self._in_years(row.fiscal_year):
                sums.setdefault(key, {})
        rows = []
        for (programme_id, year), account_sums in sums.items():
            code, title, source = names.get(programme_id, (programme_id.hex, "", ""))
            rows.append(
                ProgrammeYear(
                    fiscal_year=year,
                    programme_id=programme_id,
                    code=code,
                    title=title,
                    funding_source=source,
                    coordinates=self._coordinates.get((programme_id, year), Coordinates()),
                    balance=Balance.from_sums(account_sums),
                )
            )
        return sorted(rows, key=lambda r: (r.fiscal_year, r.code))

    # Zuwendungen -------------------------------------------------------------------------------

    def grant_count(self) -> int:
        return GrantFiles.count(self.cursor, self.programme_id)

    def grant_years(self, progress: Progress | None = None) -> Iterator[GrantYear]:
        """One row per grant and fiscal year it has journal lines in, grants in file-number order."""
        after = ""
        while True:
            page = GrantFiles.page(self.cursor, after=after, limit=GRANT_PAGE, programme_id=self.programme_id)
            if not page:
                return
            sums = holder_year_sums(self.cursor, (g.grant_id for g in page), self.ledger)
            facts = GrantLaw.facts(self.cursor, [g.grant_id for g in page])
            years: dict[UUID, list[int]] = {}
            for grant_id, year in sums:
                years.setdefault(grant_id, []).append(year)
            for grant in page:
                grant_years = sorted(years.get(grant.grant_id, ()))
                whole: dict[str, int] = {}
                for year in grant_years:
                    for account, value in sums[(grant.grant_id, year)].items():
                        whole[account] = whole.get(account, 0) + value
                for index, year in enumerate(grant_years):
                    yield GrantYear(
                        fiscal_year=year,
                        grant=grant,
                        coordinates=self._coordinates.get((grant.programme_id, year), Coordinates()),
                        balance=Balance.from_sums(sums[(grant.grant_id, year)]),
                        facts=facts.get(grant.grant_id, {}),
                        first_year=index == 0,
                        grant_balance=Balance.from_sums(whole) if index == 0 else None,
                    )
            if progress is not None:
                progress("Zuwendungen", len(page))
            after = page[-1].file_number

    # Journal -----------------------------------------------------------------------------------

    def movement_count(self) -> int:
        return count_lines(self.cursor, self.ledger) // 2

    def movements(self, progress: Progress | None = None, every: int = 1000) -> Iterator[Movement]:
        done = 0
        for movement in movements(self.cursor, self.ledger):
            yield movement
            done += 1
            if progress is not None and done % every == 0:
                progress("Journal", every)
        if progress is not None and done % every:
            progress("Journal", done % every)

    # Projekte ----------------------------------------------------------------------------------

    def project_years(self) -> list[ProjectYear]:
        """City projects per fiscal year: drawn and spent from the journal, grants paid for them."""
        info = {row.project_id: row for row in ProjectSpending.projects(self.cursor)}
        project_ids = project_holders(self.cursor, self.ledger)
        own = holder_year_sums(self.cursor, project_ids, self.ledger)
        grants = grant_sums_by_project(self.cursor, self.ledger)
        rows = []
        for project_id, year in sorted(
            set(own) | set(grants), key=lambda k: (k[1], info[k[0]].code if k[0] in info else "")
        ):
            if project_id not in info:
                continue
            project = info[project_id]
            balance = Balance.from_sums(own.get((project_id, year), {}))
            paid_to_associations = Balance.from_sums(grants.get((project_id, year), {})).paid
            rows.append(
                ProjectYear(
                    fiscal_year=year,
                    project_id=project_id,
                    code=project.code,
                    title=project.title,
                    partner_city=project.partner_city,
                    sdgs=project.sdgs,
                    drawn=balance.committed,
                    spent=balance.paid,
                    grants_paid=paid_to_associations,
                )
            )
        return rows

    @staticmethod
    def by_partner_city(rows: list[ProjectYear]) -> list[SpendingSum]:
        return _sums(rows, lambda row: [row.partner_city])

    @staticmethod
    def by_sdg(rows: list[ProjectYear]) -> list[SpendingSum]:
        """Per SDG: each project counts in full under every SDG it serves (as in every SDG report)."""
        return _sums(rows, lambda row: [f"SDG {sdg}" for sdg in row.sdgs], order=lambda k: int(k.split()[1]))

    def by_budget_line(self) -> list[tuple[int | None, LineSpending]]:
        """Project spending per budget line, per fiscal year of the filter (or over all years)."""
        years = [y for y in self.ledger.years(self.cursor) if self._in_years(y)]
        if self.filter.first_year is None and self.filter.last_year is None:
            return [(None, line) for line in ProjectSpending.by_budget_line(self.cursor)]
        return [
            (year, line) for year in years for line in ProjectSpending.by_budget_line(self.cursor, fiscal_year=year)
        ]

    # SDG ---------------------------------------------------------------------------------------

    def sdg_lines(self) -> list[SdgLine]:
        """The lines of the city's SDG report for the report's years, up to its chain head."""
        from exports.sdg_report import SdgReport  # the SDG report reads the grant files as this report does

        return SdgReport(self.cursor, self.head, self.filter.first_year, self.filter.last_year).lines()

    # Info --------------------------------------------------------------------------------------

    def info(self) -> list[tuple[str, object]]:
        wanted = self.filter
        return [
            ("Bericht", "Finanzbericht Förderbuch (Zuwendungen des Büros für Internationale Beziehungen)"),
            ("Erstellt am", self.generated_at.replace(tzinfo=None, microsecond=0)),
            ("Erstellt von", self.generated_by),
            ("Haushaltsjahre", wanted.years_german),
            ("Förderprogramm", programme_code(wanted.programme_code) if wanted.programme_code else "alle"),
            ("Stichtag (Geschäftsdatum)", wanted.as_of_date if wanted.as_of_date else "keiner"),
            ("Log-Position (Stichtag)", wanted.as_of_position if wanted.as_of_position else "keine"),
            ("Gesamtsumme über alle Jahre", "ja" if wanted.all_years_total else "nein"),
            ("Stand: Log-Position", self.head.position),
            ("Stand: Prüfsumme (SHA-256)", self.head.hash),
            ("Stand", self.head.stand),
            ("Log-Kopf beim Export", self.log_head.position),
        ]


def _sums(
    rows: list[ProjectYear], keys: Callable[[ProjectYear], list[str]], order: Callable[[str], Any] | None = None
) -> list[SpendingSum]:
    totals: dict[str, list[int]] = {}
    for row in rows:
        for name in keys(row):
            entry = totals.setdefault(name, [0, 0, 0])
            entry[0] += cents(row.drawn)
            entry[1] += cents(row.spent)
            entry[2] += cents(row.grants_paid)
    return [
        SpendingSum(name, money(a), money(b), money(c))
        for name, (a, b, c) in sorted(totals.items(), key=lambda item: order(item[0]) if order else item[0])
    ]


DEFINITIONS: tuple[tuple[str, str], ...] = (
    ("Ansatz", "Haushaltsansatz des Programms im Haushaltsjahr (mit Budgetänderungen)."),
    (
        "Bewilligt",
        "Gebundene Mittel insgesamt: bewilligte Zuwendungen und Projektbudgets, ausgezahlt oder nicht "
        "(= Ansatz − Verfügbar = Gebunden, nicht abgerufen + Abgerufen + Ausgezahlt).",
    ),
    ("Gebunden, nicht abgerufen", "Mittelbindung (Obligo), für die noch kein Abruf vorliegt."),
    ("Abgerufen, nicht ausgezahlt", "Mittelabrufe vom Antrag bis zur Buchung der Auszahlung."),
    (
        "Ausgezahlt",
        "Auszahlungen nach Wertstellung (abzüglich Rückflüsse) und Projektausgaben nach Zahltag, "
        "gleich was danach mit ihnen geschah.",
    ),
    ("Verwendung anerkannt", "In der Schlussfestsetzung als ordnungsgemäß verwendet anerkannte Beträge."),
    ("Rückforderung festgesetzt", "Festgesetzte Rückforderungen (Erstattungsansprüche) nach dem Tag ihrer Entstehung."),
    ("Zurückgezahlt", "Auf Rückforderungen eingegangene Tilgungen."),
    (
        "Zinsen eingegangen",
        "Eingegangene Zinsen auf Rückforderungen (nach der Rechtsgrundlage des Bescheids über dem Basiszinssatz).",
    ),
    ("Verfügbar", "Ansatz − Bewilligt: noch nicht gebundene Mittel."),
    (
        "Bindung aufgehoben",
        "Je Zuwendung und Jahr: bei festgesetzten, widerrufenen oder abgeschlossenen Zuwendungen der Teil der "
        "Mittelbindung, der über den endgültigen Betrag hinausging und wieder frei ist.",
    ),
    (
        "Rest: Bewilligt − Ausgezahlt",
        "Je Zuwendung und Jahr: bewilligt und (noch) nicht ausgezahlt (gebunden oder abgerufen).",
    ),
    (
        "Rest: Ausgezahlt − anerkannt",
        "Je Zuwendung (in ihrer ersten Zeile, über die Jahre des Berichts): ausgezahlt und weder als verwendet "
        "anerkannt noch zurückgefordert.",
    ),
    (
        "Summe JJJJ",
        "Zwischensumme eines Haushaltsjahres. Jahre werden nicht zusammengezählt, außer auf Wunsch "
        "(»--grand-total«, auf der Kämmerei-Seite »Gesamtsumme über alle Jahre«).",
    ),
    (
        "Stand",
        "Position und SHA-256-Prüfsumme des letzten Glieds der Siegelkette, bis zu dem die Zahlen reichen. "
        "»foerderbuch verify« prüft die Kette; dieselbe Prüfsumme zeigt die Weboberfläche.",
    ),
    (
        "Stichtag",
        "Mit Stichtag zählen nur Buchungen mit einem Geschäftsdatum bis zu diesem Tag. Stammdaten "
        "(Stand der Zuwendung, Fristen) und die Projektausgaben nach Kostenposition zeigen den Stand des Logs.",
    ),
)
