"""One row per grant: where it stands, for how much, and what is due next.

The row carries the internal status and the plain-German one an association reads, the amounts
(applied for, approved, requested but not yet paid, paid), whether an amendment is pending, and the
next deadline with its kind. Deadlines are stored as facts (an open request for documents is due on
a day); whether one is overdue depends on the day you ask, so queries take ``today``. Proof-of-use
deadlines join the same table once those events exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from domain.grant import (
    APPLIED,
    APPROVED,
    DOCUMENTS_REQUESTED,
    REJECTED,
    REVIEWED,
    STATUS_GERMAN,
    WITHDRAWN,
    Grant,
)
from domain.money import Money
from domain.organisation import Organisation
from domain.programme import Programme
from projections.accounts import business_date
from projections.db import Cursor, cents, money
from projections.engine import ReadModel, handles

DOCUMENTS = "documents"
DEADLINE_GERMAN = {DOCUMENTS: "Unterlagen nachreichen"}


@dataclass(frozen=True)
class GrantOverviewRow:
    grant_id: UUID
    file_number: str
    title: str
    programme_id: UUID
    programme_code: str
    organisation_id: UUID
    organisation_name: str
    project_id: UUID | None
    partner_city: str
    financing_type: str
    status: str
    applied_on: date
    period_start: date
    period_end: date
    applied: Money
    approved: Money
    requested: Money
    paid: Money
    amendment_pending: bool
    decided_on: date | None
    last_activity: date
    next_deadline: date | None
    next_deadline_kind: str | None
    overdue: bool

    @property
    def status_german(self) -> str:
        return STATUS_GERMAN[self.status]

    @property
    def next_deadline_german(self) -> str | None:
        return DEADLINE_GERMAN.get(self.next_deadline_kind) if self.next_deadline_kind else None

    @property
    def open_amount(self) -> Money:
        """What may still be requested: approved, less requested and paid."""
        return self.approved - self.requested - self.paid


class GrantOverview(ReadModel):
    name = "grant_overview"
    tables = ("go_grants", "go_deadlines", "go_programmes", "go_organisations", "go_payments")

    def create_tables(self, cursor: Cursor, kind: str) -> None:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS go_grants (grant_id TEXT PRIMARY KEY, file_number TEXT NOT NULL,"
            " title TEXT NOT NULL, programme_id TEXT NOT NULL, programme_code TEXT NOT NULL,"
            " organisation_id TEXT NOT NULL, organisation_name TEXT NOT NULL, project_id TEXT,"
            " partner_city TEXT NOT NULL, financing_type TEXT NOT NULL, status TEXT NOT NULL,"
            " applied_on TEXT NOT NULL, period_start TEXT NOT NULL, period_end TEXT NOT NULL,"
            " applied_cents BIGINT NOT NULL, approved_cents BIGINT NOT NULL DEFAULT 0,"
            " requested_cents BIGINT NOT NULL DEFAULT 0, paid_cents BIGINT NOT NULL DEFAULT 0,"
            " amendment_pending INTEGER NOT NULL DEFAULT 0, decided_on TEXT, last_activity TEXT NOT NULL,"
            " last_position BIGINT NOT NULL)"
        )
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS go_deadlines (grant_id TEXT NOT NULL, item_id TEXT NOT NULL,"
            " kind TEXT NOT NULL, due TEXT NOT NULL, PRIMARY KEY (grant_id, item_id))"
        )
        cursor.execute("CREATE TABLE IF NOT EXISTS go_programmes (programme_id TEXT PRIMARY KEY, code TEXT NOT NULL)")
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS go_organisations (organisation_id TEXT PRIMARY KEY, name TEXT NOT NULL)"
        )
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS go_payments (payment_id TEXT PRIMARY KEY, grant_id TEXT NOT NULL,"
            " cents BIGINT NOT NULL)"
        )

    @handles(Programme.Opened)
    def _programme(self, cursor: Cursor, e: Any, position: int) -> None:
        cursor.execute("INSERT INTO go_programmes (programme_id, code) VALUES (?, ?)", (e.originator_id.hex, e.code))

    @handles(Organisation.Registered)
    def _organisation(self, cursor: Cursor, e: Any, position: int) -> None:
        cursor.execute(
            "INSERT INTO go_organisations (organisation_id, name) VALUES (?, ?)", (e.originator_id.hex, e.name)
        )

    @handles(Grant.ApplicationReceived)
    def _applied(self, cursor: Cursor, e: Any, position: int) -> None:
        cursor.execute(
            "INSERT INTO go_grants (grant_id, file_number, title, programme_id, programme_code, organisation_id,"
            " organisation_name, project_id, partner_city, financing_type, status, applied_on, period_start,"
            " period_end, applied_cents, last_activity, last_position)"
            " SELECT ?, ?, ?, ?, COALESCE((SELECT code FROM go_programmes WHERE programme_id = ?), ''), ?,"
            " COALESCE((SELECT name FROM go_organisations WHERE organisation_id = ?), ''),"
            " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?",
            (
                e.originator_id.hex, e.file_number, e.title, e.programme_id.hex, e.programme_id.hex,
                e.organisation_id.hex, e.organisation_id.hex, e.project_id.hex if e.project_id else None,
                e.partner_city, e.financing_type, APPLIED, e.on.isoformat(), e.period.start.isoformat(),
                e.period.end.isoformat(), cents(e.plan.grant), e.on.isoformat(), position,
            ),
        )

    def _set(self, cursor: Cursor, e: Any, position: int, assignments: str = "", *params: Any) -> None:
        sets = f"{assignments}, " if assignments else ""
        cursor.execute(
            f"UPDATE go_grants SET {sets}last_activity = ?, last_position = ? WHERE grant_id = ?",
            (*params, business_date(e).isoformat(), position, e.originator_id.hex),
        )

    @handles(Grant.DocumentsRequested)
    def _documents_requested(self, cursor: Cursor, e: Any, position: int) -> None:
        cursor.execute(
            "INSERT INTO go_deadlines (grant_id, item_id, kind, due) VALUES (?, ?, ?, ?)",
            (e.originator_id.hex, e.request_id.hex, DOCUMENTS, e.due.isoformat()),
        )
        self._set(cursor, e, position, "status = ?", DOCUMENTS_REQUESTED)

    @handles(Grant.DocumentsReceived)
    def _documents_received(self, cursor: Cursor, e: Any, position: int) -> None:
        cursor.execute(
            "DELETE FROM go_deadlines WHERE grant_id = ? AND item_id = ?", (e.originator_id.hex, e.request_id.hex)
        )
        self._set(
            cursor, e, position,
            "status = CASE WHEN EXISTS (SELECT 1 FROM go_deadlines d WHERE d.grant_id = go_grants.grant_id"
            " AND d.kind = ?) THEN status ELSE ? END",
            DOCUMENTS, APPLIED,
        )

    @handles(Grant.ApplicationReviewed)
    def _reviewed(self, cursor: Cursor, e: Any, position: int) -> None:
        self._set(cursor, e, position, "status = ?", REVIEWED)

    @handles(Grant.GrantApproved)
    def _approved(self, cursor: Cursor, e: Any, position: int) -> None:
        self._set(
            cursor, e, position, "status = ?, approved_cents = ?, decided_on = ?",
            APPROVED, cents(e.terms.amount), e.on.isoformat(),
        )

    @handles(Grant.ApplicationRejected, Grant.ApplicationWithdrawn)
    def _closed(self, cursor: Cursor, e: Any, position: int) -> None:
        cursor.execute("DELETE FROM go_deadlines WHERE grant_id = ? AND kind = ?", (e.originator_id.hex, DOCUMENTS))
        status = REJECTED if isinstance(e, Grant.ApplicationRejected) else WITHDRAWN
        self._set(cursor, e, position, "status = ?, decided_on = ?", status, e.on.isoformat())

    @handles(Grant.AmendmentProposed)
    def _amendment_proposed(self, cursor: Cursor, e: Any, position: int) -> None:
        self._set(cursor, e, position, "amendment_pending = 1")

    @handles(Grant.GrantAmended)
    def _amended(self, cursor: Cursor, e: Any, position: int) -> None:
        self._set(cursor, e, position, "amendment_pending = 0, approved_cents = ?", cents(e.terms.amount))

    @handles(Grant.AmendmentRejected)
    def _amendment_rejected(self, cursor: Cursor, e: Any, position: int) -> None:
        self._set(cursor, e, position, "amendment_pending = 0")

    @handles(Grant.PaymentRequested)
    def _payment_requested(self, cursor: Cursor, e: Any, position: int) -> None:
        cursor.execute(
            "INSERT INTO go_payments (payment_id, grant_id, cents) VALUES (?, ?, ?)",
            (e.payment_id.hex, e.originator_id.hex, cents(e.amount)),
        )
        self._set(cursor, e, position, "requested_cents = requested_cents + ?", cents(e.amount))

    @handles(Grant.PaymentCertified, Grant.PaymentReleased)
    def _payment_moved(self, cursor: Cursor, e: Any, position: int) -> None:
        self._set(cursor, e, position)

    @handles(Grant.PaymentBooked)
    def _payment_booked(self, cursor: Cursor, e: Any, position: int) -> None:
        self._set(
            cursor, e, position,
            "requested_cents = requested_cents - (SELECT cents FROM go_payments WHERE payment_id = ?),"
            " paid_cents = paid_cents + ?",
            e.payment_id.hex, cents(e.amount),
        )

    @handles(Grant.PaymentCancelled)
    def _payment_cancelled(self, cursor: Cursor, e: Any, position: int) -> None:
        self._set(
            cursor, e, position,
            "requested_cents = requested_cents - (SELECT cents FROM go_payments WHERE payment_id = ?)",
            e.payment_id.hex,
        )

    @handles(Grant.PaymentReturned)
    def _payment_returned(self, cursor: Cursor, e: Any, position: int) -> None:
        self._set(cursor, e, position, "paid_cents = paid_cents - ?", cents(e.amount))

    # Queries -----------------------------------------------------------------------------------

    @staticmethod
    def grants(
        cursor: Cursor,
        today: date,
        organisation_id: UUID | None = None,
        programme_id: UUID | None = None,
        status: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[GrantOverviewRow]:
        sql = (
            "SELECT g.*, (SELECT MIN(due) FROM go_deadlines d WHERE d.grant_id = g.grant_id) AS next_due,"
            " (SELECT kind FROM go_deadlines d WHERE d.grant_id = g.grant_id ORDER BY due, item_id LIMIT 1)"
            " AS next_kind FROM go_grants g WHERE 1 = 1"
        )
        params: list[Any] = []
        for column, value in (
            ("organisation_id", organisation_id.hex if organisation_id else None),
            ("programme_id", programme_id.hex if programme_id else None),
            ("status", status),
        ):
            if value is not None:
                sql += f" AND g.{column} = ?"
                params.append(value)
        cursor.execute(sql + " ORDER BY g.applied_on DESC, g.file_number LIMIT ? OFFSET ?", [*params, limit, offset])
        return [_row(r, today) for r in cursor.fetchall()]

    @classmethod
    def grant(cls, cursor: Cursor, grant_id: UUID, today: date) -> GrantOverviewRow | None:
        cursor.execute(
            "SELECT g.*, (SELECT MIN(due) FROM go_deadlines d WHERE d.grant_id = g.grant_id) AS next_due,"
            " (SELECT kind FROM go_deadlines d WHERE d.grant_id = g.grant_id ORDER BY due, item_id LIMIT 1)"
            " AS next_kind FROM go_grants g WHERE g.grant_id = ?",
            (grant_id.hex,),
        )
        row = cursor.fetchone()
        return _row(row, today) if row else None


def _row(r: dict[str, Any], today: date) -> GrantOverviewRow:
    next_due = date.fromisoformat(r["next_due"]) if r["next_due"] else None
    return GrantOverviewRow(
        grant_id=UUID(r["grant_id"]), file_number=r["file_number"], title=r["title"],
        programme_id=UUID(r["programme_id"]), programme_code=r["programme_code"],
        organisation_id=UUID(r["organisation_id"]), organisation_name=r["organisation_name"],
        project_id=UUID(r["project_id"]) if r["project_id"] else None, partner_city=r["partner_city"],
        financing_type=r["financing_type"], status=r["status"], applied_on=date.fromisoformat(r["applied_on"]),
        period_start=date.fromisoformat(r["period_start"]), period_end=date.fromisoformat(r["period_end"]),
        applied=money(r["applied_cents"]), approved=money(r["approved_cents"]),
        requested=money(r["requested_cents"]), paid=money(r["paid_cents"]),
        amendment_pending=bool(r["amendment_pending"]),
        decided_on=date.fromisoformat(r["decided_on"]) if r["decided_on"] else None,
        last_activity=date.fromisoformat(r["last_activity"]), next_deadline=next_due,
        next_deadline_kind=r["next_kind"], overdue=next_due is not None and next_due < today,
    )
