"""Project spending by partner city, SDG and budget line.

For each city-run project: the budget drawn from programmes, the city's own expenditures (in euro,
net of reversals) per budget line, and the payouts of grants to associations that name the project,
all per fiscal year. Grants without a project still count for their partner city. A project serving
several SDGs counts in full under each of them, so the SDG view does not add up to the total (as in
every SDG report).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from domain.grant import Grant
from domain.money import Money
from domain.project import Project
from projections.db import Cursor, cents, money
from projections.engine import ReadModel, handles
from projections.recall import Recall


@dataclass(frozen=True)
class ProjectSpendingRow:
    project_id: UUID
    code: str
    title: str
    partner_city: str
    sdgs: tuple[int, ...]
    budget: Money
    spent: Money
    grants_paid: Money

    @property
    def remaining(self) -> Money:
        return self.budget - self.spent


@dataclass(frozen=True)
class SpendingTotal:
    """Totals under one key: a partner city or an SDG."""

    key: str
    budget: Money
    spent: Money
    grants_paid: Money


@dataclass(frozen=True)
class LineSpending:
    project_code: str
    budget_line: str
    spent: Money


class ProjectSpending(ReadModel):
    name = "project_spending"
    tables = ("ps_projects", "ps_sdgs", "ps_years", "ps_lines", "ps_expenditures", "ps_grants", "ps_city_grants")

    def __init__(self) -> None:
        self._grants: Recall[str, dict[str, Any]] = Recall()  # grant → project and partner city
        self._city_years: Recall[tuple[str, int], bool] = Recall()  # partner city-years that have their row

    def create_tables(self, cursor: Cursor, kind: str) -> None:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS ps_projects (project_id TEXT PRIMARY KEY, code TEXT NOT NULL,"
            " title TEXT NOT NULL, partner_city TEXT NOT NULL)"
        )
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS ps_sdgs (project_id TEXT NOT NULL, sdg INTEGER NOT NULL,"
            " PRIMARY KEY (project_id, sdg))"
        )
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS ps_years (project_id TEXT NOT NULL, fiscal_year INTEGER NOT NULL,"
            " drawn_cents BIGINT NOT NULL DEFAULT 0, spent_cents BIGINT NOT NULL DEFAULT 0,"
            " grants_paid_cents BIGINT NOT NULL DEFAULT 0, PRIMARY KEY (project_id, fiscal_year))"
        )
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS ps_lines (project_id TEXT NOT NULL, budget_line TEXT NOT NULL,"
            " fiscal_year INTEGER NOT NULL, spent_cents BIGINT NOT NULL DEFAULT 0,"
            " PRIMARY KEY (project_id, budget_line, fiscal_year))"
        )
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS ps_expenditures (expenditure_id TEXT PRIMARY KEY, project_id TEXT NOT NULL,"
            " budget_line TEXT NOT NULL, fiscal_year INTEGER NOT NULL)"
        )
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS ps_grants (grant_id TEXT PRIMARY KEY, project_id TEXT,"
            " partner_city TEXT NOT NULL)"
        )
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS ps_city_grants (partner_city TEXT NOT NULL, fiscal_year INTEGER NOT NULL,"
            " paid_cents BIGINT NOT NULL DEFAULT 0, PRIMARY KEY (partner_city, fiscal_year))"
        )

    @staticmethod
    def _add_year(cursor: Cursor, project_id: str, year: int, column: str, delta: int) -> None:
        cursor.execute(
            "INSERT INTO ps_years (project_id, fiscal_year) VALUES (?, ?)"
            " ON CONFLICT (project_id, fiscal_year) DO NOTHING",
            (project_id, year),
        )
        cursor.execute(
            f"UPDATE ps_years SET {column} = {column} + ? WHERE project_id = ? AND fiscal_year = ?",
            (delta, project_id, year),
        )

    @staticmethod
    def _add_line(cursor: Cursor, project_id: str, line: str, year: int, delta: int) -> None:
        cursor.execute(
            "INSERT INTO ps_lines (project_id, budget_line, fiscal_year) VALUES (?, ?, ?)"
            " ON CONFLICT (project_id, budget_line, fiscal_year) DO NOTHING",
            (project_id, line, year),
        )
        cursor.execute(
            "UPDATE ps_lines SET spent_cents = spent_cents + ? WHERE project_id = ? AND budget_line = ?"
            " AND fiscal_year = ?",
            (delta, project_id, line, year),
        )

    # Projects ----------------------------------------------------------------------------------

    @handles(Project.Started)
    def _started(self, cursor: Cursor, e: Any, position: int) -> None:
        cursor.execute(
            "INSERT INTO ps_projects (project_id, code, title, partner_city) VALUES (?, ?, ?, ?)",
            (e.originator_id.hex, e.code, e.title, e.partner_city),
        )
        for sdg in sorted(set(e.sdgs)):
            cursor.execute("INSERT INTO ps_sdgs (project_id, sdg) VALUES (?, ?)", (e.originator_id.hex, sdg))

    @handles(Project.BudgetDrawn)
    def _drawn(self, cursor: Cursor, e: Any, position: int) -> None:
        self._add_year(cursor, e.originator_id.hex, e.fiscal_year, "drawn_cents", cents(e.amount))

    @handles(Project.ExpenditureRecorded)
    def _spent(self, cursor: Cursor, e: Any, position: int) -> None:
        year = e.paid_on.year
        cursor.execute(
            "INSERT INTO ps_expenditures (expenditure_id, project_id, budget_line, fiscal_year) VALUES (?, ?, ?, ?)",
            (e.expenditure_id.hex, e.originator_id.hex, e.budget_line, year),
        )
        self._add_year(cursor, e.originator_id.hex, year, "spent_cents", cents(e.euro))
        self._add_line(cursor, e.originator_id.hex, e.budget_line, year, cents(e.euro))

    @handles(Project.ExpenditureReversed)
    def _reversed(self, cursor: Cursor, e: Any, position: int) -> None:
        cursor.execute(
            "SELECT budget_line, fiscal_year FROM ps_expenditures WHERE expenditure_id = ?", (e.expenditure_id.hex,)
        )
        row = cursor.fetchone()
        if row is None:
            raise LookupError(f"Ausgabe {e.expenditure_id} ist der Projektauswertung nicht bekannt")
        year = int(row["fiscal_year"])
        self._add_year(cursor, e.originator_id.hex, year, "spent_cents", -cents(e.euro))
        self._add_line(cursor, e.originator_id.hex, row["budget_line"], year, -cents(e.euro))

    # Grant payouts -----------------------------------------------------------------------------

    @handles(Grant.ApplicationReceived)
    def _applied(self, cursor: Cursor, e: Any, position: int) -> None:
        cursor.execute(
            "INSERT INTO ps_grants (grant_id, project_id, partner_city) VALUES (?, ?, ?)",
            (e.originator_id.hex, e.project_id.hex if e.project_id else None, e.partner_city),
        )
        self._grants.put(
            e.originator_id.hex,
            {"project_id": e.project_id.hex if e.project_id else None, "partner_city": e.partner_city},
        )

    def _grant_paid(self, cursor: Cursor, grant_id: UUID, year: int, delta: int) -> None:
        def look_up() -> dict[str, Any] | None:
            cursor.execute("SELECT project_id, partner_city FROM ps_grants WHERE grant_id = ?", (grant_id.hex,))
            return cursor.fetchone()

        grant = self._grants.get(grant_id.hex, look_up)
        if grant is None:
            return
        if (grant["partner_city"], year) not in self._city_years:
            cursor.execute(
                "INSERT INTO ps_city_grants (partner_city, fiscal_year) VALUES (?, ?)"
                " ON CONFLICT (partner_city, fiscal_year) DO NOTHING",
                (grant["partner_city"], year),
            )
            self._city_years.put((grant["partner_city"], year), True)
        cursor.execute(
            "UPDATE ps_city_grants SET paid_cents = paid_cents + ? WHERE partner_city = ? AND fiscal_year = ?",
            (delta, grant["partner_city"], year),
        )
        if grant["project_id"]:
            self._add_year(cursor, grant["project_id"], year, "grants_paid_cents", delta)

    @handles(Grant.PaymentBooked)
    def _booked(self, cursor: Cursor, e: Any, position: int) -> None:
        self._grant_paid(cursor, e.originator_id, e.value_date.year, cents(e.amount))

    @handles(Grant.PaymentReturned)
    def _returned(self, cursor: Cursor, e: Any, position: int) -> None:
        self._grant_paid(cursor, e.originator_id, e.value_date.year, -cents(e.amount))

    # Queries -----------------------------------------------------------------------------------

    @staticmethod
    def _year_clause(fiscal_year: int | None, alias: str) -> tuple[str, list[Any]]:
        return (f" AND {alias}.fiscal_year = ?", [fiscal_year]) if fiscal_year is not None else ("", [])

    @classmethod
    def projects(cls, cursor: Cursor, fiscal_year: int | None = None) -> list[ProjectSpendingRow]:
        clause, params = cls._year_clause(fiscal_year, "y")
        cursor.execute(
            "SELECT p.project_id, p.code, p.title, p.partner_city, COALESCE(SUM(y.drawn_cents), 0) AS drawn,"
            " COALESCE(SUM(y.spent_cents), 0) AS spent, COALESCE(SUM(y.grants_paid_cents), 0) AS grants_paid"
            f" FROM ps_projects p LEFT JOIN ps_years y ON y.project_id = p.project_id{clause}"
            " GROUP BY p.project_id, p.code, p.title, p.partner_city ORDER BY p.code",
            params,
        )
        rows = cursor.fetchall()
        cursor.execute("SELECT project_id, sdg FROM ps_sdgs ORDER BY project_id, sdg")
        sdgs: dict[str, list[int]] = {}
        for r in cursor.fetchall():
            sdgs.setdefault(r["project_id"], []).append(int(r["sdg"]))
        return [
            ProjectSpendingRow(
                project_id=UUID(r["project_id"]),
                code=r["code"],
                title=r["title"],
                partner_city=r["partner_city"],
                sdgs=tuple(sdgs.get(r["project_id"], ())),
                budget=money(r["drawn"]),
                spent=money(r["spent"]),
                grants_paid=money(r["grants_paid"]),
            )
            for r in rows
        ]

    @classmethod
    def by_partner_city(cls, cursor: Cursor, fiscal_year: int | None = None) -> list[SpendingTotal]:
        """Per partner city: project budgets and spending, and payouts of all grants naming the city."""
        totals: dict[str, list[int]] = {}
        for row in cls.projects(cursor, fiscal_year):
            entry = totals.setdefault(row.partner_city, [0, 0, 0])
            entry[0] += cents(row.budget)
            entry[1] += cents(row.spent)
        clause, params = cls._year_clause(fiscal_year, "c")
        cursor.execute(
            f"SELECT c.partner_city, SUM(c.paid_cents) AS paid FROM ps_city_grants c WHERE 1 = 1{clause}"
            " GROUP BY c.partner_city",
            params,
        )
        for r in cursor.fetchall():
            totals.setdefault(r["partner_city"], [0, 0, 0])[2] += int(r["paid"])
        return [
            SpendingTotal(city, money(budget), money(spent), money(paid))
            for city, (budget, spent, paid) in sorted(totals.items())
        ]

    @classmethod
    def by_sdg(cls, cursor: Cursor, fiscal_year: int | None = None) -> list[SpendingTotal]:
        """Per SDG: the projects serving it, each counted in full, with grants that name those projects."""
        totals: dict[int, list[int]] = {}
        for row in cls.projects(cursor, fiscal_year):
            for sdg in row.sdgs:
                entry = totals.setdefault(sdg, [0, 0, 0])
                entry[0] += cents(row.budget)
                entry[1] += cents(row.spent)
                entry[2] += cents(row.grants_paid)
        return [
            SpendingTotal(f"SDG {sdg}", money(budget), money(spent), money(paid))
            for sdg, (budget, spent, paid) in sorted(totals.items())
        ]

    @classmethod
    def by_budget_line(
        cls, cursor: Cursor, project_id: UUID | None = None, fiscal_year: int | None = None
    ) -> list[LineSpending]:
        clause, params = cls._year_clause(fiscal_year, "l")
        if project_id is not None:
            clause += " AND l.project_id = ?"
            params.append(project_id.hex)
        cursor.execute(
            "SELECT p.code, l.budget_line, SUM(l.spent_cents) AS spent FROM ps_lines l"
            f" JOIN ps_projects p ON p.project_id = l.project_id WHERE 1 = 1{clause}"
            " GROUP BY p.code, l.budget_line ORDER BY p.code, l.budget_line",
            params,
        )
        return [LineSpending(r["code"], r["budget_line"], money(r["spent"])) for r in cursor.fetchall()]
