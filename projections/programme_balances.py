"""Programme balances per fiscal year: how much each budget pot has, has bound, and has paid out.

One row per programme and fiscal year with the budget, what is committed (bound by approvals and
project draws, paid or not), what is requested but not yet paid (payment requests from request to
booking), what is paid (grant payouts by value date, net of returns, and project expenditures by
payment date, whatever happened to it since), what the final amounts recognised as properly used,
the repayment claims raised, what was repaid of them and the interest received. Available is budget
minus committed. Each figure sits in the fiscal year of its business date (value date, decision
date, the day a claim arose).

This is a fold of its own, independent of the journal; ``verify`` checks that both agree with a
third recomputation straight from the events.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from domain.claim import Claim
from domain.grant import Grant
from domain.money import Money
from domain.programme import FundingSource, Programme
from domain.project import Project
from projections.db import Cursor, cents, money
from projections.draws import DrawBook
from projections.engine import ReadModel, handles
from projections.recall import Recall

COLUMNS = ("budget", "committed", "requested", "paid", "recognised", "claimed", "repaid", "interest")


@dataclass(frozen=True)
class ProgrammeYearBalance:
    programme_id: UUID
    code: str
    title: str
    funding_source: str
    fiscal_year: int
    budget: Money
    committed: Money
    requested: Money
    paid: Money
    recognised: Money
    claimed: Money
    repaid: Money
    interest: Money

    @property
    def available(self) -> Money:
        return self.budget - self.committed

    @property
    def funding_source_german(self) -> str:
        return FundingSource(self.funding_source).german


class ProgrammeBalances(ReadModel):
    name = "programme_balances"
    draw_book = DrawBook("pb")
    tables = ("pb_programmes", "pb_years", "pb_grants", "pb_payments", "pb_claims", *draw_book.tables)

    def __init__(self) -> None:
        self._years: Recall[tuple[str, int], bool] = Recall()  # programme-years that have their row
        self._programmes: Recall[str, str] = Recall()  # grant → programme

    def create_tables(self, cursor: Cursor, kind: str) -> None:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS pb_programmes (programme_id TEXT PRIMARY KEY, code TEXT NOT NULL,"
            " title TEXT NOT NULL, funding_source TEXT NOT NULL)"
        )
        columns = ", ".join(f"{c}_cents BIGINT NOT NULL DEFAULT 0" for c in COLUMNS)
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS pb_years (programme_id TEXT NOT NULL, fiscal_year INTEGER NOT NULL,"
            f" {columns}, PRIMARY KEY (programme_id, fiscal_year))"
        )
        cursor.execute("CREATE INDEX IF NOT EXISTS pb_years_year ON pb_years (fiscal_year)")
        cursor.execute("CREATE TABLE IF NOT EXISTS pb_grants (grant_id TEXT PRIMARY KEY, programme_id TEXT NOT NULL)")
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS pb_payments (payment_id TEXT PRIMARY KEY, programme_id TEXT NOT NULL,"
            " fiscal_year INTEGER NOT NULL, cents BIGINT NOT NULL)"
        )
        cursor.execute("CREATE TABLE IF NOT EXISTS pb_claims (claim_id TEXT PRIMARY KEY, programme_id TEXT NOT NULL)")
        self.draw_book.create_tables(cursor)

    def _add(self, cursor: Cursor, programme_id: str | None, year: int, column: str, delta: int) -> None:
        if programme_id is None or not delta:
            return
        if (programme_id, year) not in self._years:
            cursor.execute(
                "INSERT INTO pb_years (programme_id, fiscal_year) VALUES (?, ?)"
                " ON CONFLICT (programme_id, fiscal_year) DO NOTHING",
                (programme_id, year),
            )
            self._years.put((programme_id, year), True)
        cursor.execute(
            f"UPDATE pb_years SET {column}_cents = {column}_cents + ? WHERE programme_id = ? AND fiscal_year = ?",
            (delta, programme_id, year),
        )

    def _programme_of(self, cursor: Cursor, grant_id: UUID) -> str | None:
        def look_up() -> str | None:
            cursor.execute("SELECT programme_id FROM pb_grants WHERE grant_id = ?", (grant_id.hex,))
            row = cursor.fetchone()
            return str(row["programme_id"]) if row else None

        return self._programmes.get(grant_id.hex, look_up)

    # Budgets and commitments -------------------------------------------------------------------

    @handles(Programme.Opened)
    def _opened(self, cursor: Cursor, e: Any, position: int) -> None:
        cursor.execute(
            "INSERT INTO pb_programmes (programme_id, code, title, funding_source) VALUES (?, ?, ?, ?)",
            (e.originator_id.hex, e.code, e.title, e.funding_source),
        )
        for budget in e.budgets:
            self._add(cursor, e.originator_id.hex, budget["fiscal_year"], "budget", cents(budget["amount"]))

    @handles(Programme.BudgetAllocated)
    def _allocated(self, cursor: Cursor, e: Any, position: int) -> None:
        self._add(cursor, e.originator_id.hex, e.fiscal_year, "budget", cents(e.amount))

    @handles(Programme.BudgetAmended)
    def _amended(self, cursor: Cursor, e: Any, position: int) -> None:
        self._add(cursor, e.originator_id.hex, e.fiscal_year, "budget", 0)
        cursor.execute(
            "UPDATE pb_years SET budget_cents = ? WHERE programme_id = ? AND fiscal_year = ?",
            (cents(e.amount), e.originator_id.hex, e.fiscal_year),
        )

    @handles(Programme.FundsCommitted)
    def _committed(self, cursor: Cursor, e: Any, position: int) -> None:
        self._add(cursor, e.originator_id.hex, e.fiscal_year, "committed", cents(e.amount))

    @handles(Programme.CommitmentAdjusted)
    def _adjusted(self, cursor: Cursor, e: Any, position: int) -> None:
        self._add(cursor, e.originator_id.hex, e.fiscal_year, "committed", cents(e.amount) - cents(e.previous))

    # Grant payments ----------------------------------------------------------------------------

    @handles(Grant.ApplicationReceived)
    def _applied(self, cursor: Cursor, e: Any, position: int) -> None:
        cursor.execute(
            "INSERT INTO pb_grants (grant_id, programme_id) VALUES (?, ?)", (e.originator_id.hex, e.programme_id.hex)
        )
        self._programmes.put(e.originator_id.hex, e.programme_id.hex)

    @handles(Grant.PaymentRequested)
    def _requested(self, cursor: Cursor, e: Any, position: int) -> None:
        programme_id = self._programme_of(cursor, e.originator_id)
        cursor.execute(
            "INSERT INTO pb_payments (payment_id, programme_id, fiscal_year, cents) VALUES (?, ?, ?, ?)",
            (e.payment_id.hex, programme_id, e.on.year, cents(e.amount)),
        )
        self._add(cursor, programme_id, e.on.year, "requested", cents(e.amount))

    def _close_request(self, cursor: Cursor, payment_id: UUID) -> None:
        cursor.execute(
            "SELECT programme_id, fiscal_year, cents FROM pb_payments WHERE payment_id = ?", (payment_id.hex,)
        )
        row = cursor.fetchone()
        if row is not None:
            self._add(cursor, row["programme_id"], int(row["fiscal_year"]), "requested", -int(row["cents"]))

    @handles(Grant.PaymentBooked)
    def _booked(self, cursor: Cursor, e: Any, position: int) -> None:
        self._close_request(cursor, e.payment_id)
        self._add(cursor, self._programme_of(cursor, e.originator_id), e.value_date.year, "paid", cents(e.amount))

    @handles(Grant.PaymentCancelled)
    def _cancelled(self, cursor: Cursor, e: Any, position: int) -> None:
        self._close_request(cursor, e.payment_id)

    @handles(Grant.PaymentReturned)
    def _returned(self, cursor: Cursor, e: Any, position: int) -> None:
        self._add(cursor, self._programme_of(cursor, e.originator_id), e.value_date.year, "paid", -cents(e.amount))

    # Final amounts and claims ------------------------------------------------------------------

    @handles(Grant.FinalAmountDetermined)
    def _determined(self, cursor: Cursor, e: Any, position: int) -> None:
        recognised = cents(e.paid) - cents(e.claim_amount) - cents(e.not_pursued)
        self._add(cursor, self._programme_of(cursor, e.originator_id), e.on.year, "recognised", recognised)

    @handles(Claim.ClaimSet)
    def _claim_set(self, cursor: Cursor, e: Any, position: int) -> None:
        cursor.execute(
            "INSERT INTO pb_claims (claim_id, programme_id) VALUES (?, ?)", (e.originator_id.hex, e.programme_id.hex)
        )
        self._add(cursor, e.programme_id.hex, e.arose_on.year, "claimed", cents(e.principal))

    @handles(Claim.RepaymentReceived)
    def _repaid(self, cursor: Cursor, e: Any, position: int) -> None:
        cursor.execute("SELECT programme_id FROM pb_claims WHERE claim_id = ?", (e.originator_id.hex,))
        row = cursor.fetchone()
        programme_id = str(row["programme_id"]) if row else None
        self._add(cursor, programme_id, e.value_date.year, "repaid", cents(e.to_principal))
        self._add(cursor, programme_id, e.value_date.year, "interest", cents(e.to_interest))

    @handles(Claim.InterestWaived)
    def _interest_waived(self, cursor: Cursor, e: Any, position: int) -> None:
        """Zinsverzicht: what came in as interest counts as repaid principal, in the year of the decision."""
        cursor.execute("SELECT programme_id FROM pb_claims WHERE claim_id = ?", (e.originator_id.hex,))
        row = cursor.fetchone()
        programme_id = str(row["programme_id"]) if row else None
        self._add(cursor, programme_id, e.on.year, "repaid", cents(e.reclassified))
        self._add(cursor, programme_id, e.on.year, "interest", -cents(e.reclassified))

    # Project expenditures ----------------------------------------------------------------------

    @handles(Project.BudgetDrawn)
    def _drawn(self, cursor: Cursor, e: Any, position: int) -> None:
        self.draw_book.draw(cursor, e.originator_id, e.programme_id, e.fiscal_year, cents(e.amount), position)

    @handles(Project.ExpenditureRecorded)
    def _spent(self, cursor: Cursor, e: Any, position: int) -> None:
        year = e.paid_on.year
        for programme_id, amount in self.draw_book.charge(
            cursor, e.expenditure_id, e.originator_id, year, cents(e.euro)
        ):
            self._add(cursor, programme_id, year, "paid", amount)

    @handles(Project.ExpenditureReversed)
    def _reversed(self, cursor: Cursor, e: Any, position: int) -> None:
        for programme_id, year, amount in self.draw_book.reverse(cursor, e.expenditure_id, e.originator_id):
            self._add(cursor, programme_id, year, "paid", -amount)

    # Queries -----------------------------------------------------------------------------------

    @staticmethod
    def years(
        cursor: Cursor, programme_id: UUID | None = None, fiscal_year: int | None = None, from_year: int | None = None
    ) -> list[ProgrammeYearBalance]:
        sql = (
            "SELECT p.code, p.title, p.funding_source, y.* FROM pb_years y"
            " JOIN pb_programmes p ON p.programme_id = y.programme_id WHERE 1 = 1"
        )
        params: list[Any] = []
        if programme_id is not None:
            sql += " AND y.programme_id = ?"
            params.append(programme_id.hex)
        if fiscal_year is not None:
            sql += " AND y.fiscal_year = ?"
            params.append(fiscal_year)
        if from_year is not None:
            sql += " AND y.fiscal_year >= ?"
            params.append(from_year)
        cursor.execute(sql + " ORDER BY p.code, y.fiscal_year", params)
        return [
            ProgrammeYearBalance(
                programme_id=UUID(r["programme_id"]),
                code=r["code"],
                title=r["title"],
                funding_source=r["funding_source"],
                fiscal_year=int(r["fiscal_year"]),
                **{c: money(r[f"{c}_cents"]) for c in COLUMNS},
            )
            for r in cursor.fetchall()
        ]

    @classmethod
    def year(cls, cursor: Cursor, programme_id: UUID, fiscal_year: int) -> ProgrammeYearBalance | None:
        rows = cls.years(cursor, programme_id, fiscal_year)
        return rows[0] if rows else None
