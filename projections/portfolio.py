"""An organisation's own portfolio: what the association portal shows a Verein.

Its applications and grants with the plain-German status, the amounts applied for, approved,
requested, paid and finally granted, what is still claimed back, and what the association has to do
next (documents, interim proofs, the proof of use, each by a date). Only the organisation's own
grants are ever returned: the query is by organisation id, and the portal passes the id of the
signed-in member's organisation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
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
from projections.deadlines import FINAL, DeadlineBook
from projections.engine import ReadModel, handles


@dataclass(frozen=True)
class PortfolioAction:
    """Something the association has to do, by a date."""

    text: str
    due: date
    # which deadline it is (not part of what the association reads, so not compared)
    kind: str = field(default="", compare=False)  # documents, interim or final (projections.deadlines)
    key: str = field(default="", compare=False)  # a document request's id, ``interim-2026`` or ``final``


@dataclass(frozen=True)
class PortfolioGrant:
    grant_id: UUID
    file_number: str
    title: str
    programme_title: str
    status: str
    applied_on: date
    applied: Money
    approved: Money
    requested: Money
    paid: Money
    final_amount: Money | None
    open_claims: Money
    last_activity: date
    actions: tuple[PortfolioAction, ...]

    @property
    def status_german(self) -> str:
        return STATUS_GERMAN[self.status]


@dataclass(frozen=True)
class OrganisationPortfolio:
    organisation_id: UUID
    name: str
    grants: tuple[PortfolioGrant, ...]

    @property
    def approved(self) -> Money:
        return Money.sum(g.approved for g in self.grants)

    @property
    def paid(self) -> Money:
        return Money.sum(g.paid for g in self.grants)

    @property
    def requested(self) -> Money:
        return Money.sum(g.requested for g in self.grants)

    @property
    def open_claims(self) -> Money:
        return Money.sum(g.open_claims for g in self.grants)


class Portfolio(ReadModel):
    name = "portfolio"
    deadline_book = DeadlineBook("pf")
    tables = ("pf_organisations", "pf_programmes", "pf_grants", "pf_payments", "pf_claims", *deadline_book.tables)

    def create_tables(self, cursor: Cursor, kind: str) -> None:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS pf_organisations (organisation_id TEXT PRIMARY KEY, name TEXT NOT NULL)"
        )
        cursor.execute("CREATE TABLE IF NOT EXISTS pf_programmes (programme_id TEXT PRIMARY KEY, title TEXT NOT NULL)")
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS pf_grants (grant_id TEXT PRIMARY KEY, organisation_id TEXT NOT NULL,"
            " file_number TEXT NOT NULL, title TEXT NOT NULL, programme_title TEXT NOT NULL, status TEXT NOT NULL,"
            " applied_on TEXT NOT NULL, applied_cents BIGINT NOT NULL, approved_cents BIGINT NOT NULL DEFAULT 0,"
            " requested_cents BIGINT NOT NULL DEFAULT 0, paid_cents BIGINT NOT NULL DEFAULT 0, final_cents BIGINT,"
            " open_claims_cents BIGINT NOT NULL DEFAULT 0, last_activity TEXT NOT NULL)"
        )
        cursor.execute("CREATE INDEX IF NOT EXISTS pf_grants_organisation ON pf_grants (organisation_id)")
        cursor.execute("CREATE TABLE IF NOT EXISTS pf_payments (payment_id TEXT PRIMARY KEY, cents BIGINT NOT NULL)")
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS pf_claims (claim_id TEXT PRIMARY KEY, grant_id TEXT NOT NULL,"
            " open_cents BIGINT NOT NULL)"
        )
        self.deadline_book.create_tables(cursor)

    @handles(Organisation.Registered)
    def _organisation(self, cursor: Cursor, e: Any, position: int) -> None:
        cursor.execute(
            "INSERT INTO pf_organisations (organisation_id, name) VALUES (?, ?)", (e.originator_id.hex, e.name)
        )

    @handles(Programme.Opened)
    def _programme(self, cursor: Cursor, e: Any, position: int) -> None:
        cursor.execute("INSERT INTO pf_programmes (programme_id, title) VALUES (?, ?)", (e.originator_id.hex, e.title))

    @handles(Grant.ApplicationReceived)
    def _applied(self, cursor: Cursor, e: Any, position: int) -> None:
        cursor.execute(
            "INSERT INTO pf_grants (grant_id, organisation_id, file_number, title, programme_title, status,"
            " applied_on, applied_cents, last_activity)"
            " SELECT ?, ?, ?, ?, COALESCE((SELECT title FROM pf_programmes WHERE programme_id = ?), ''), ?, ?, ?, ?",
            (
                e.originator_id.hex,
                e.organisation_id.hex,
                e.file_number,
                e.title,
                e.programme_id.hex,
                APPLIED,
                e.on.isoformat(),
                cents(e.plan.grant),
                e.on.isoformat(),
            ),
        )

    def _set(self, cursor: Cursor, e: Any, assignments: str = "", *params: Any) -> None:
        sets = f"{assignments}, " if assignments else ""
        cursor.execute(
            f"UPDATE pf_grants SET {sets}last_activity = ? WHERE grant_id = ?",
            (*params, business_date(e).isoformat(), e.originator_id.hex),
        )

    @handles(Grant.DocumentsRequested)
    def _documents_requested(self, cursor: Cursor, e: Any, position: int) -> None:
        self.deadline_book.documents_requested(cursor, e.originator_id, e.request_id, e.items, e.due)
        self._set(cursor, e, "status = ?", DOCUMENTS_REQUESTED)

    @handles(Grant.DocumentsReceived)
    def _documents_received(self, cursor: Cursor, e: Any, position: int) -> None:
        self.deadline_book.documents_received(cursor, e.originator_id, e.request_id)
        if self.deadline_book.documents_open(cursor, e.originator_id):
            self._set(cursor, e)
        else:
            self._set(cursor, e, "status = ?", APPLIED)

    @handles(Grant.ApplicationReviewed)
    def _reviewed(self, cursor: Cursor, e: Any, position: int) -> None:
        self._set(cursor, e, "status = ?", REVIEWED)

    @handles(Grant.GrantApproved, Grant.GrantAmended)
    def _approved(self, cursor: Cursor, e: Any, position: int) -> None:
        self.deadline_book.terms(cursor, e.originator_id, e.terms)
        self._set(cursor, e, "status = ?, approved_cents = ?", APPROVED, cents(e.terms.amount))

    @handles(Grant.ApplicationRejected, Grant.ApplicationWithdrawn)
    def _turned_down(self, cursor: Cursor, e: Any, position: int) -> None:
        self.deadline_book.drop(cursor, e.originator_id)
        status = REJECTED if isinstance(e, Grant.ApplicationRejected) else WITHDRAWN
        self._set(cursor, e, "status = ?", status)

    @handles(Grant.DeadlineExtended)
    def _deadline_extended(self, cursor: Cursor, e: Any, position: int) -> None:
        self.deadline_book.extended(cursor, e.originator_id, e.key, e.new_due)
        self._set(cursor, e)

    @handles(Grant.PurposeFulfilled)
    def _purpose_fulfilled(self, cursor: Cursor, e: Any, position: int) -> None:
        self.deadline_book.purpose_fulfilled(cursor, e.originator_id, e.proof_due)
        self._set(cursor, e)

    @handles(Grant.InterimProofSubmitted)
    def _interim_proof(self, cursor: Cursor, e: Any, position: int) -> None:
        self.deadline_book.done(cursor, e.originator_id, f"interim-{e.fiscal_year}")
        self._set(cursor, e)

    @handles(Grant.ProofOfUseSubmitted)
    def _proof_submitted(self, cursor: Cursor, e: Any, position: int) -> None:
        self.deadline_book.done(cursor, e.originator_id, FINAL)
        self._set(cursor, e, "status = ?", PROOF_SUBMITTED)

    @handles(Grant.ProofOfUseReviewed)
    def _proof_reviewed(self, cursor: Cursor, e: Any, position: int) -> None:
        self._set(cursor, e, "status = ?", PROOF_REVIEWED)

    @handles(Grant.FinalAmountDetermined)
    def _determined(self, cursor: Cursor, e: Any, position: int) -> None:
        self._set(cursor, e, "status = ?, final_cents = ?", DETERMINED, cents(e.final_amount))

    @handles(Grant.GrantRevoked)
    def _revoked(self, cursor: Cursor, e: Any, position: int) -> None:
        self.deadline_book.drop(cursor, e.originator_id, FINAL)  # as in the domain: no proof of use is chased
        self._set(cursor, e, "status = ?, final_cents = ?", REVOKED, cents(e.remaining_amount))

    @handles(Grant.GrantClosed)
    def _closed(self, cursor: Cursor, e: Any, position: int) -> None:
        self.deadline_book.drop(cursor, e.originator_id)
        self._set(cursor, e, "status = ?", CLOSED)

    @handles(Claim.ClaimSet)
    def _claim_set(self, cursor: Cursor, e: Any, position: int) -> None:
        cursor.execute(
            "INSERT INTO pf_claims (claim_id, grant_id, open_cents) VALUES (?, ?, ?)",
            (e.originator_id.hex, e.grant_id.hex, cents(e.principal)),
        )
        cursor.execute(
            "UPDATE pf_grants SET open_claims_cents = open_claims_cents + ? WHERE grant_id = ?",
            (cents(e.principal), e.grant_id.hex),
        )

    def _claim_settled(self, cursor: Cursor, claim_id: UUID, principal: int | None) -> None:
        cursor.execute("SELECT grant_id, open_cents FROM pf_claims WHERE claim_id = ?", (claim_id.hex,))
        row = cursor.fetchone()
        if row is None:
            raise LookupError(f"Rückforderung {claim_id} ist dem Portfolio nicht bekannt")
        amount = int(row["open_cents"]) if principal is None else principal
        cursor.execute("UPDATE pf_claims SET open_cents = open_cents - ? WHERE claim_id = ?", (amount, claim_id.hex))
        cursor.execute(
            "UPDATE pf_grants SET open_claims_cents = open_claims_cents - ? WHERE grant_id = ?",
            (amount, row["grant_id"]),
        )

    @handles(Claim.RepaymentReceived)
    def _repaid(self, cursor: Cursor, e: Any, position: int) -> None:
        self._claim_settled(cursor, e.originator_id, cents(e.to_principal))

    @handles(Claim.ClaimRelieved)
    def _relieved(self, cursor: Cursor, e: Any, position: int) -> None:
        self._claim_settled(cursor, e.originator_id, cents(e.principal))

    @handles(Claim.ClaimPartlyWaived)
    def _partly_waived(self, cursor: Cursor, e: Any, position: int) -> None:
        self._claim_settled(cursor, e.originator_id, cents(e.to_principal))

    @handles(Claim.InterestWaived)
    def _interest_waived(self, cursor: Cursor, e: Any, position: int) -> None:
        self._claim_settled(cursor, e.originator_id, cents(e.reclassified))

    @handles(Claim.InterestNotPursued)
    def _rest_dropped(self, cursor: Cursor, e: Any, position: int) -> None:
        self._claim_settled(cursor, e.originator_id, None)

    @handles(Grant.PaymentRequested)
    def _payment_requested(self, cursor: Cursor, e: Any, position: int) -> None:
        cursor.execute("INSERT INTO pf_payments (payment_id, cents) VALUES (?, ?)", (e.payment_id.hex, cents(e.amount)))
        self._set(cursor, e, "requested_cents = requested_cents + ?", cents(e.amount))

    @handles(Grant.PaymentBooked)
    def _payment_booked(self, cursor: Cursor, e: Any, position: int) -> None:
        self._set(
            cursor,
            e,
            "requested_cents = requested_cents - (SELECT cents FROM pf_payments WHERE payment_id = ?),"
            " paid_cents = paid_cents + ?",
            e.payment_id.hex,
            cents(e.amount),
        )

    @handles(Grant.PaymentCancelled)
    def _payment_cancelled(self, cursor: Cursor, e: Any, position: int) -> None:
        self._set(
            cursor,
            e,
            "requested_cents = requested_cents - (SELECT cents FROM pf_payments WHERE payment_id = ?)",
            e.payment_id.hex,
        )

    @handles(Grant.PaymentReturned)
    def _payment_returned(self, cursor: Cursor, e: Any, position: int) -> None:
        self._set(cursor, e, "paid_cents = paid_cents - ?", cents(e.amount))

    # Queries -----------------------------------------------------------------------------------

    @staticmethod
    def of(cursor: Cursor, organisation_id: UUID) -> OrganisationPortfolio | None:
        """The organisation's portfolio, newest application first; None for an unknown organisation."""
        cursor.execute("SELECT name FROM pf_organisations WHERE organisation_id = ?", (organisation_id.hex,))
        organisation = cursor.fetchone()
        if organisation is None:
            return None
        cursor.execute(
            "SELECT * FROM pf_grants WHERE organisation_id = ? ORDER BY applied_on DESC, file_number",
            (organisation_id.hex,),
        )
        rows = cursor.fetchall()
        actions: dict[str, list[PortfolioAction]] = {}
        for deadline in Portfolio.deadline_book.open(cursor, [UUID(r["grant_id"]) for r in rows]):
            actions.setdefault(deadline.grant_id.hex, []).append(
                PortfolioAction(deadline.text, deadline.due, deadline.kind, deadline.key)
            )
        grants = tuple(
            PortfolioGrant(
                grant_id=UUID(r["grant_id"]),
                file_number=r["file_number"],
                title=r["title"],
                programme_title=r["programme_title"],
                status=r["status"],
                applied_on=date.fromisoformat(r["applied_on"]),
                applied=money(r["applied_cents"]),
                approved=money(r["approved_cents"]),
                requested=money(r["requested_cents"]),
                paid=money(r["paid_cents"]),
                final_amount=money(r["final_cents"]) if r["final_cents"] is not None else None,
                open_claims=money(r["open_claims_cents"]),
                last_activity=date.fromisoformat(r["last_activity"]),
                actions=tuple(actions.get(r["grant_id"], ())),
            )
            for r in rows
        )
        return OrganisationPortfolio(organisation_id, organisation["name"], grants)
