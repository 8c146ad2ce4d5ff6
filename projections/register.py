"""The register: programmes with their fiscal-year budgets, organisations, and one row per grant.

It answers the first questions anyone asks: which programmes are there, how much of each year's
budget is committed, which applications and grants exist, in which state, for how much.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from domain.grant import STATUS_GERMAN, Grant
from domain.money import Money
from domain.organisation import Organisation
from domain.programme import FundingSource, Programme
from projections.db import Cursor, cents, money
from projections.engine import ReadModel, handles


@dataclass(frozen=True)
class ProgrammeYearRow:
    programme_id: UUID
    code: str
    title: str
    funding_source: str
    closed: bool
    fiscal_year: int
    budget: Money
    committed: Money
    product: str
    account: str
    cost_centre: str

    @property
    def available(self) -> Money:
        return self.budget - self.committed

    @property
    def funding_source_german(self) -> str:
        return FundingSource(self.funding_source).german


@dataclass(frozen=True)
class GrantRow:
    grant_id: UUID
    file_number: str
    title: str
    programme_code: str
    organisation_name: str
    partner_city: str
    status: str
    requested: Money
    approved: Money
    paid: Money
    applied_on: date
    period_start: date
    period_end: date

    @property
    def status_german(self) -> str:
        return STATUS_GERMAN[self.status]


class Register(ReadModel):
    name = "register"
    tables = ("reg_programmes", "reg_programme_years", "reg_organisations", "reg_grants")

    def create_tables(self, cursor: Cursor, kind: str) -> None:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS reg_programmes (programme_id TEXT PRIMARY KEY, code TEXT NOT NULL,"
            " title TEXT NOT NULL, funding_source TEXT NOT NULL, closed INTEGER NOT NULL DEFAULT 0)"
        )
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS reg_programme_years (programme_id TEXT NOT NULL, fiscal_year INTEGER NOT NULL,"
            " budget_cents BIGINT NOT NULL, committed_cents BIGINT NOT NULL DEFAULT 0, product TEXT NOT NULL,"
            " account TEXT NOT NULL, cost_centre TEXT NOT NULL, PRIMARY KEY (programme_id, fiscal_year))"
        )
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS reg_organisations (organisation_id TEXT PRIMARY KEY, name TEXT NOT NULL)"
        )
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS reg_grants (grant_id TEXT PRIMARY KEY, file_number TEXT NOT NULL,"
            " title TEXT NOT NULL, programme_id TEXT NOT NULL, organisation_id TEXT NOT NULL,"
            " partner_city TEXT NOT NULL, status TEXT NOT NULL, open_requests INTEGER NOT NULL DEFAULT 0,"
            " requested_cents BIGINT NOT NULL, approved_cents BIGINT NOT NULL DEFAULT 0,"
            " paid_cents BIGINT NOT NULL DEFAULT 0, applied_on TEXT NOT NULL, period_start TEXT NOT NULL,"
            " period_end TEXT NOT NULL, last_position BIGINT NOT NULL)"
        )

    # Programmes --------------------------------------------------------------------------------

    @handles(Programme.Opened)
    def _opened(self, cursor: Cursor, e: Any, position: int) -> None:
        cursor.execute(
            "INSERT INTO reg_programmes (programme_id, code, title, funding_source) VALUES (?, ?, ?, ?)",
            (e.originator_id.hex, e.code, e.title, e.funding_source),
        )
        for budget in e.budgets:
            self._year(cursor, e.originator_id, budget["fiscal_year"], budget["amount"], budget["posting"])

    @handles(Programme.BudgetAllocated)
    def _allocated(self, cursor: Cursor, e: Any, position: int) -> None:
        self._year(cursor, e.originator_id, e.fiscal_year, e.amount, e.posting)

    @staticmethod
    def _year(cursor: Cursor, programme_id: UUID, year: int, amount: Money, posting: Any) -> None:
        cursor.execute(
            "INSERT INTO reg_programme_years (programme_id, fiscal_year, budget_cents, product, account, cost_centre)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (programme_id.hex, year, cents(amount), posting.product, posting.account, posting.cost_centre),
        )

    @handles(Programme.BudgetAmended)
    def _amended(self, cursor: Cursor, e: Any, position: int) -> None:
        cursor.execute(
            "UPDATE reg_programme_years SET budget_cents = ? WHERE programme_id = ? AND fiscal_year = ?",
            (cents(e.amount), e.originator_id.hex, e.fiscal_year),
        )

    @handles(Programme.FundsCommitted)
    def _committed(self, cursor: Cursor, e: Any, position: int) -> None:
        self._add_commitment(cursor, e.originator_id, e.fiscal_year, cents(e.amount))

    @handles(Programme.CommitmentAdjusted)
    def _adjusted(self, cursor: Cursor, e: Any, position: int) -> None:
        self._add_commitment(cursor, e.originator_id, e.fiscal_year, cents(e.amount) - cents(e.previous))

    @staticmethod
    def _add_commitment(cursor: Cursor, programme_id: UUID, year: int, delta: int) -> None:
        cursor.execute(
            "UPDATE reg_programme_years SET committed_cents = committed_cents + ?"
            " WHERE programme_id = ? AND fiscal_year = ?",
            (delta, programme_id.hex, year),
        )

    @handles(Programme.Closed)
    def _closed(self, cursor: Cursor, e: Any, position: int) -> None:
        cursor.execute("UPDATE reg_programmes SET closed = 1 WHERE programme_id = ?", (e.originator_id.hex,))

    # Organisations -----------------------------------------------------------------------------

    @handles(Organisation.Registered)
    def _organisation(self, cursor: Cursor, e: Any, position: int) -> None:
        cursor.execute(
            "INSERT INTO reg_organisations (organisation_id, name) VALUES (?, ?)", (e.originator_id.hex, e.name)
        )

    # Grants ------------------------------------------------------------------------------------

    @handles(Grant.ApplicationReceived)
    def _applied(self, cursor: Cursor, e: Any, position: int) -> None:
        cursor.execute(
            "INSERT INTO reg_grants (grant_id, file_number, title, programme_id, organisation_id, partner_city,"
            " status, requested_cents, applied_on, period_start, period_end, last_position)"
            " VALUES (?, ?, ?, ?, ?, ?, 'applied', ?, ?, ?, ?, ?)",
            (
                e.originator_id.hex,
                e.file_number,
                e.title,
                e.programme_id.hex,
                e.organisation_id.hex,
                e.partner_city,
                cents(e.plan.grant),
                e.on.isoformat(),
                e.period.start.isoformat(),
                e.period.end.isoformat(),
                position,
            ),
        )

    def _set(self, cursor: Cursor, e: Any, position: int, assignments: str, *params: Any) -> None:
        cursor.execute(
            f"UPDATE reg_grants SET {assignments}, last_position = ? WHERE grant_id = ?",
            (*params, position, e.originator_id.hex),
        )

    @handles(Grant.DocumentsRequested)
    def _documents_requested(self, cursor: Cursor, e: Any, position: int) -> None:
        self._set(cursor, e, position, "status = 'documents_requested', open_requests = open_requests + 1")

    @handles(Grant.DocumentsReceived)
    def _documents_received(self, cursor: Cursor, e: Any, position: int) -> None:
        self._set(
            cursor,
            e,
            position,
            "open_requests = open_requests - 1, status = CASE WHEN open_requests = 1 THEN 'applied' ELSE status END",
        )

    @handles(Grant.ApplicationReviewed)
    def _reviewed(self, cursor: Cursor, e: Any, position: int) -> None:
        self._set(cursor, e, position, "status = 'reviewed'")

    @handles(Grant.GrantApproved, Grant.GrantAmended)
    def _approved(self, cursor: Cursor, e: Any, position: int) -> None:
        self._set(cursor, e, position, "status = 'approved', approved_cents = ?", cents(e.terms.amount))

    @handles(Grant.ApplicationRejected)
    def _rejected(self, cursor: Cursor, e: Any, position: int) -> None:
        self._set(cursor, e, position, "status = 'rejected'")

    @handles(Grant.ApplicationWithdrawn)
    def _withdrawn(self, cursor: Cursor, e: Any, position: int) -> None:
        self._set(cursor, e, position, "status = 'withdrawn'")

    @handles(Grant.ProofOfUseSubmitted)
    def _proof_submitted(self, cursor: Cursor, e: Any, position: int) -> None:
        self._set(cursor, e, position, "status = 'proof_submitted'")

    @handles(Grant.ProofOfUseReviewed)
    def _proof_reviewed(self, cursor: Cursor, e: Any, position: int) -> None:
        self._set(cursor, e, position, "status = 'proof_reviewed'")

    @handles(Grant.FinalAmountDetermined)
    def _determined(self, cursor: Cursor, e: Any, position: int) -> None:
        self._set(cursor, e, position, "status = 'final_amount_determined'")

    @handles(Grant.GrantRevoked)
    def _revoked(self, cursor: Cursor, e: Any, position: int) -> None:
        self._set(cursor, e, position, "status = 'revoked'")

    @handles(Grant.GrantClosed)
    def _closed_grant(self, cursor: Cursor, e: Any, position: int) -> None:
        self._set(cursor, e, position, "status = 'closed'")

    @handles(Grant.PaymentBooked)
    def _booked(self, cursor: Cursor, e: Any, position: int) -> None:
        self._set(cursor, e, position, "paid_cents = paid_cents + ?", cents(e.amount))

    @handles(Grant.PaymentReturned)
    def _returned(self, cursor: Cursor, e: Any, position: int) -> None:
        self._set(cursor, e, position, "paid_cents = paid_cents - ?", cents(e.amount))

    # Queries -----------------------------------------------------------------------------------

    @staticmethod
    def programme_years(cursor: Cursor) -> list[ProgrammeYearRow]:
        cursor.execute(
            "SELECT p.programme_id, p.code, p.title, p.funding_source, p.closed, y.fiscal_year, y.budget_cents,"
            " y.committed_cents, y.product, y.account, y.cost_centre FROM reg_programmes p"
            " JOIN reg_programme_years y ON y.programme_id = p.programme_id ORDER BY p.code, y.fiscal_year"
        )
        return [
            ProgrammeYearRow(
                programme_id=UUID(r["programme_id"]),
                code=r["code"],
                title=r["title"],
                funding_source=r["funding_source"],
                closed=bool(r["closed"]),
                fiscal_year=int(r["fiscal_year"]),
                budget=money(r["budget_cents"]),
                committed=money(r["committed_cents"]),
                product=r["product"],
                account=r["account"],
                cost_centre=r["cost_centre"],
            )
            for r in cursor.fetchall()
        ]

    @staticmethod
    def grants(cursor: Cursor, limit: int = 50, offset: int = 0) -> list[GrantRow]:
        cursor.execute(
            "SELECT g.*, p.code AS programme_code, o.name AS organisation_name FROM reg_grants g"
            " JOIN reg_programmes p ON p.programme_id = g.programme_id"
            " JOIN reg_organisations o ON o.organisation_id = g.organisation_id"
            " ORDER BY g.applied_on DESC, g.file_number LIMIT ? OFFSET ?",
            (limit, offset),
        )
        return [
            GrantRow(
                grant_id=UUID(r["grant_id"]),
                file_number=r["file_number"],
                title=r["title"],
                programme_code=r["programme_code"],
                organisation_name=r["organisation_name"],
                partner_city=r["partner_city"],
                status=r["status"],
                requested=money(r["requested_cents"]),
                approved=money(r["approved_cents"]),
                paid=money(r["paid_cents"]),
                applied_on=date.fromisoformat(r["applied_on"]),
                period_start=date.fromisoformat(r["period_start"]),
                period_end=date.fromisoformat(r["period_end"]),
            )
            for r in cursor.fetchall()
        ]

    @staticmethod
    def grant_count(cursor: Cursor) -> int:
        cursor.execute("SELECT COUNT(*) AS n FROM reg_grants")
        row = cursor.fetchone()
        return int(row["n"]) if row else 0
