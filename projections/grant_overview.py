"""One row per grant: where it stands, for how much, and what is due next.

The row carries the internal status and the plain-German one an association reads, the amounts
(applied for, approved, requested but not yet paid, paid, the final amount, claimed back and repaid),
whether an amendment is pending, and the next deadline with its kind: documents asked for, interim
proofs, the proof of use (see ``deadlines``). Whether a deadline is overdue depends on the day you
ask, so queries take ``today``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from domain.claim import Claim
from domain.grant import (
    APPLIED,
    APPROVED,
    CLOSED,
    DETERMINED,
    DOCUMENTS_REQUESTED,
    PROOF_REVIEWED,
    PROOF_SUBMITTED,
    REJECTED,
    REVIEWED,
    REVOKED,
    STATUS_GERMAN,
    WITHDRAWN,
    Grant,
)
from domain.money import Money
from domain.organisation import Organisation
from domain.programme import Programme
from projections.accounts import business_date
from projections.db import Cursor, cents, money
from projections.deadlines import FINAL, INTERIM, KIND_GERMAN, Deadline, DeadlineBook
from projections.engine import ReadModel, handles


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
    final_amount: Money | None
    claimed: Money
    repaid: Money
    open_claims: Money
    amendment_pending: bool
    decided_on: date | None
    last_activity: date
    next_deadline: date | None
    next_deadline_kind: str | None
    next_deadline_text: str | None
    overdue: bool

    @property
    def status_german(self) -> str:
        return STATUS_GERMAN[self.status]

    @property
    def next_deadline_german(self) -> str | None:
        return KIND_GERMAN.get(self.next_deadline_kind) if self.next_deadline_kind else None

    @property
    def open_amount(self) -> Money:
        """What may still be requested: approved, less requested and paid."""
        return self.approved - self.requested - self.paid


class GrantOverview(ReadModel):
    name = "grant_overview"
    deadline_book = DeadlineBook("go")
    tables = ("go_grants", "go_programmes", "go_organisations", "go_payments", "go_claims", *deadline_book.tables)

    def create_tables(self, cursor: Cursor, kind: str) -> None:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS go_grants (grant_id TEXT PRIMARY KEY, file_number TEXT NOT NULL,"
            " title TEXT NOT NULL, programme_id TEXT NOT NULL, programme_code TEXT NOT NULL,"
            " organisation_id TEXT NOT NULL, organisation_name TEXT NOT NULL, project_id TEXT,"
            " partner_city TEXT NOT NULL, financing_type TEXT NOT NULL, status TEXT NOT NULL,"
            " applied_on TEXT NOT NULL, period_start TEXT NOT NULL, period_end TEXT NOT NULL,"
            " applied_cents BIGINT NOT NULL, approved_cents BIGINT NOT NULL DEFAULT 0,"
            " requested_cents BIGINT NOT NULL DEFAULT 0, paid_cents BIGINT NOT NULL DEFAULT 0,"
            " final_cents BIGINT, claimed_cents BIGINT NOT NULL DEFAULT 0, repaid_cents BIGINT NOT NULL DEFAULT 0,"
            " open_claims_cents BIGINT NOT NULL DEFAULT 0,"
            " amendment_pending INTEGER NOT NULL DEFAULT 0, decided_on TEXT, last_activity TEXT NOT NULL,"
            " last_position BIGINT NOT NULL)"
        )
        # The list's order (newest application first) with each filter in front of it: a page of a
        # filtered list is one range of one index (see web_queries.grant_list_page).
        for name, columns in (
            ("newest", ""),
            ("programme", "programme_id, "),
            ("organisation", "organisation_id, "),
            ("status", "status, "),
            ("city", "partner_city, "),
        ):
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS go_grants_{name} ON go_grants ({columns}applied_on DESC, file_number)"
            )
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS go_claims (claim_id TEXT PRIMARY KEY, grant_id TEXT NOT NULL,"
            " open_cents BIGINT NOT NULL)"
        )
        cursor.execute("CREATE INDEX IF NOT EXISTS go_claims_open ON go_claims (open_cents)")
        self.deadline_book.create_tables(cursor)
        cursor.execute("CREATE TABLE IF NOT EXISTS go_programmes (programme_id TEXT PRIMARY KEY, code TEXT NOT NULL)")
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS go_organisations (organisation_id TEXT PRIMARY KEY, name TEXT NOT NULL)"
        )
        cursor.execute("CREATE INDEX IF NOT EXISTS go_organisations_name ON go_organisations (name, organisation_id)")
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
                e.originator_id.hex,
                e.file_number,
                e.title,
                e.programme_id.hex,
                e.programme_id.hex,
                e.organisation_id.hex,
                e.organisation_id.hex,
                e.project_id.hex if e.project_id else None,
                e.partner_city,
                e.financing_type,
                APPLIED,
                e.on.isoformat(),
                e.period.start.isoformat(),
                e.period.end.isoformat(),
                cents(e.plan.grant),
                e.on.isoformat(),
                position,
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
        self.deadline_book.documents_requested(cursor, e.originator_id, e.request_id, e.items, e.due)
        self._set(cursor, e, position, "status = ?", DOCUMENTS_REQUESTED)

    @handles(Grant.DocumentsReceived)
    def _documents_received(self, cursor: Cursor, e: Any, position: int) -> None:
        self.deadline_book.documents_received(cursor, e.originator_id, e.request_id)
        if self.deadline_book.documents_open(cursor, e.originator_id):
            self._set(cursor, e, position)
        else:
            self._set(cursor, e, position, "status = ?", APPLIED)

    @handles(Grant.ApplicationReviewed)
    def _reviewed(self, cursor: Cursor, e: Any, position: int) -> None:
        self._set(cursor, e, position, "status = ?", REVIEWED)

    @handles(Grant.GrantApproved)
    def _approved(self, cursor: Cursor, e: Any, position: int) -> None:
        self.deadline_book.terms(cursor, e.originator_id, e.terms)
        self._set(
            cursor,
            e,
            position,
            "status = ?, approved_cents = ?, decided_on = ?",
            APPROVED,
            cents(e.terms.amount),
            e.on.isoformat(),
        )

    @handles(Grant.ApplicationRejected, Grant.ApplicationWithdrawn)
    def _turned_down(self, cursor: Cursor, e: Any, position: int) -> None:
        self.deadline_book.drop(cursor, e.originator_id)
        status = REJECTED if isinstance(e, Grant.ApplicationRejected) else WITHDRAWN
        self._set(cursor, e, position, "status = ?, decided_on = ?", status, e.on.isoformat())

    @handles(Grant.AmendmentProposed)
    def _amendment_proposed(self, cursor: Cursor, e: Any, position: int) -> None:
        self._set(cursor, e, position, "amendment_pending = 1")

    @handles(Grant.GrantAmended)
    def _amended(self, cursor: Cursor, e: Any, position: int) -> None:
        self.deadline_book.terms(cursor, e.originator_id, e.terms)
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
            cursor,
            e,
            position,
            "requested_cents = requested_cents - (SELECT cents FROM go_payments WHERE payment_id = ?),"
            " paid_cents = paid_cents + ?",
            e.payment_id.hex,
            cents(e.amount),
        )

    @handles(Grant.PaymentCancelled)
    def _payment_cancelled(self, cursor: Cursor, e: Any, position: int) -> None:
        self._set(
            cursor,
            e,
            position,
            "requested_cents = requested_cents - (SELECT cents FROM go_payments WHERE payment_id = ?)",
            e.payment_id.hex,
        )

    @handles(Grant.PaymentReturned)
    def _payment_returned(self, cursor: Cursor, e: Any, position: int) -> None:
        self._set(cursor, e, position, "paid_cents = paid_cents - ?", cents(e.amount))

    # Proofs, final amount, claims, closure ----------------------------------------------------

    @handles(Grant.DeadlineExtended)
    def _deadline_extended(self, cursor: Cursor, e: Any, position: int) -> None:
        self.deadline_book.extended(cursor, e.originator_id, e.key, e.new_due)
        self._set(cursor, e, position)

    @handles(Grant.PurposeFulfilled)
    def _purpose_fulfilled(self, cursor: Cursor, e: Any, position: int) -> None:
        self.deadline_book.purpose_fulfilled(cursor, e.originator_id, e.proof_due)
        self._set(cursor, e, position)

    @handles(Grant.InterimProofSubmitted)
    def _interim_proof(self, cursor: Cursor, e: Any, position: int) -> None:
        self.deadline_book.done(cursor, e.originator_id, f"interim-{e.fiscal_year}")
        self._set(cursor, e, position)

    @handles(Grant.ProofOfUseSubmitted)
    def _proof_submitted(self, cursor: Cursor, e: Any, position: int) -> None:
        self.deadline_book.done(cursor, e.originator_id, FINAL)
        self._set(cursor, e, position, "status = ?", PROOF_SUBMITTED)

    @handles(Grant.ProofOfUseReviewed)
    def _proof_reviewed(self, cursor: Cursor, e: Any, position: int) -> None:
        self._set(cursor, e, position, "status = ?", PROOF_REVIEWED)

    @handles(Grant.FinalAmountDetermined)
    def _determined(self, cursor: Cursor, e: Any, position: int) -> None:
        self._set(cursor, e, position, "status = ?, final_cents = ?", DETERMINED, cents(e.final_amount))

    @handles(Grant.GrantRevoked)
    def _revoked(self, cursor: Cursor, e: Any, position: int) -> None:
        self.deadline_book.drop(cursor, e.originator_id, FINAL)  # as in the domain: no proof of use is chased
        self._set(cursor, e, position, "status = ?, final_cents = ?", REVOKED, cents(e.remaining_amount))

    @handles(Grant.GrantClosed)
    def _closed(self, cursor: Cursor, e: Any, position: int) -> None:
        self.deadline_book.drop(cursor, e.originator_id)
        self._set(cursor, e, position, "status = ?", CLOSED)

    def _claim_grant(self, cursor: Cursor, claim_id: UUID) -> tuple[str, int]:
        cursor.execute("SELECT grant_id, open_cents FROM go_claims WHERE claim_id = ?", (claim_id.hex,))
        row = cursor.fetchone()
        if row is None:
            raise LookupError(f"Rückforderung {claim_id} ist der Übersicht nicht bekannt")
        return str(row["grant_id"]), int(row["open_cents"])

    def _claim_moved(self, cursor: Cursor, claim_id: UUID, repaid: int, settled: int) -> None:
        grant_id, _ = self._claim_grant(cursor, claim_id)
        cursor.execute("UPDATE go_claims SET open_cents = open_cents - ? WHERE claim_id = ?", (settled, claim_id.hex))
        cursor.execute(
            "UPDATE go_grants SET repaid_cents = repaid_cents + ?, open_claims_cents = open_claims_cents - ?"
            " WHERE grant_id = ?",
            (repaid, settled, grant_id),
        )

    @handles(Claim.ClaimSet)
    def _claim_set(self, cursor: Cursor, e: Any, position: int) -> None:
        cursor.execute(
            "INSERT INTO go_claims (claim_id, grant_id, open_cents) VALUES (?, ?, ?)",
            (e.originator_id.hex, e.grant_id.hex, cents(e.principal)),
        )
        cursor.execute(
            "UPDATE go_grants SET claimed_cents = claimed_cents + ?, open_claims_cents = open_claims_cents + ?"
            " WHERE grant_id = ?",
            (cents(e.principal), cents(e.principal), e.grant_id.hex),
        )

    @handles(Claim.RepaymentReceived)
    def _repaid(self, cursor: Cursor, e: Any, position: int) -> None:
        self._claim_moved(cursor, e.originator_id, cents(e.to_principal), cents(e.to_principal))

    @handles(Claim.ClaimRelieved)
    def _relieved(self, cursor: Cursor, e: Any, position: int) -> None:
        self._claim_moved(cursor, e.originator_id, 0, cents(e.principal))

    @handles(Claim.ClaimPartlyWaived)
    def _partly_waived(self, cursor: Cursor, e: Any, position: int) -> None:
        self._claim_moved(cursor, e.originator_id, 0, cents(e.to_principal))

    @handles(Claim.InterestWaived)
    def _interest_waived(self, cursor: Cursor, e: Any, position: int) -> None:
        """What was received as interest counts as repaid principal now."""
        self._claim_moved(cursor, e.originator_id, cents(e.reclassified), cents(e.reclassified))

    @handles(Claim.InterestNotPursued)
    def _rest_dropped(self, cursor: Cursor, e: Any, position: int) -> None:
        self._claim_moved(cursor, e.originator_id, 0, self._claim_grant(cursor, e.originator_id)[1])

    # Queries -----------------------------------------------------------------------------------

    @classmethod
    def grants(
        cls,
        cursor: Cursor,
        today: date,
        organisation_id: UUID | None = None,
        programme_id: UUID | None = None,
        status: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[GrantOverviewRow]:
        sql = "SELECT g.* FROM go_grants g WHERE 1 = 1"
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
        return cls._rows(cursor, cursor.fetchall(), today)

    @classmethod
    def grant(cls, cursor: Cursor, grant_id: UUID, today: date) -> GrantOverviewRow | None:
        cursor.execute("SELECT * FROM go_grants WHERE grant_id = ?", (grant_id.hex,))
        rows = cls._rows(cursor, cursor.fetchall(), today)
        return rows[0] if rows else None

    @classmethod
    def _rows(cls, cursor: Cursor, rows: list[dict[str, Any]], today: date) -> list[GrantOverviewRow]:
        next_deadline: dict[UUID, Deadline] = {}
        for deadline in cls.deadline_book.open(cursor, [UUID(r["grant_id"]) for r in rows]):
            next_deadline.setdefault(deadline.grant_id, deadline)
        return [_row(r, next_deadline.get(UUID(r["grant_id"])), today) for r in rows]

    @classmethod
    def proofs_due(cls, cursor: Cursor, today: date, within_days: int = 30) -> list[tuple[Deadline, bool]]:
        """Interim proofs and proofs of use due within ``within_days`` or overdue, with the overdue flag."""
        horizon = date.fromordinal(today.toordinal() + within_days)
        return [
            (deadline, deadline.overdue(today))
            for deadline in cls.deadline_book.open(cursor, kinds=(INTERIM, FINAL))
            if deadline.due <= horizon
        ]


def _row(r: dict[str, Any], deadline: Deadline | None, today: date) -> GrantOverviewRow:
    return GrantOverviewRow(
        grant_id=UUID(r["grant_id"]),
        file_number=r["file_number"],
        title=r["title"],
        programme_id=UUID(r["programme_id"]),
        programme_code=r["programme_code"],
        organisation_id=UUID(r["organisation_id"]),
        organisation_name=r["organisation_name"],
        project_id=UUID(r["project_id"]) if r["project_id"] else None,
        partner_city=r["partner_city"],
        financing_type=r["financing_type"],
        status=r["status"],
        applied_on=date.fromisoformat(r["applied_on"]),
        period_start=date.fromisoformat(r["period_start"]),
        period_end=date.fromisoformat(r["period_end"]),
        applied=money(r["applied_cents"]),
        approved=money(r["approved_cents"]),
        requested=money(r["requested_cents"]),
        paid=money(r["paid_cents"]),
        final_amount=money(r["final_cents"]) if r["final_cents"] is not None else None,
        claimed=money(r["claimed_cents"]),
        repaid=money(r["repaid_cents"]),
        open_claims=money(r["open_claims_cents"]),
        amendment_pending=bool(r["amendment_pending"]),
        decided_on=date.fromisoformat(r["decided_on"]) if r["decided_on"] else None,
        last_activity=date.fromisoformat(r["last_activity"]),
        next_deadline=deadline.due if deadline else None,
        next_deadline_kind=deadline.kind if deadline else None,
        next_deadline_text=deadline.text if deadline else None,
        overdue=deadline is not None and deadline.overdue(today),
    )
