"""The grant file (Förderakte): what a grant's notice says, what was spent on it, and how it was settled.

One row per grant with the terms of the notice in force (financing type, rate, maximum, amount, the
rule-set version, the funding period), the proof-of-use deadline and when the proof came in and was
reviewed, the actual funding the recipient reported and the officer recognised, and the final
determination (final amount, eligible costs, the explanation, what had been paid, the claim). Beside
it the budget lines of the plan in force with what was spent, reported and recognised on each, and
every receipt (Beleg) with its original currency, rate and rate date; a reversed receipt stays in the
list, marked as reversed, with the reason.

This is what the finance workbook's grant columns and the proof-of-use workbook (Verwendungsnachweis)
are built from; the amounts paid and claimed come from the journal, not from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

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
from domain.plan import FinancingType
from domain.programme import Programme
from domain.project import Project
from domain.working_days import next_working_day
from projections.db import Cursor, cents, money
from projections.engine import ReadModel, handles


def name_key(name: str) -> str:
    """How organisation names are compared: case and runs of blanks do not matter."""
    return " ".join(name.split()).casefold()


@dataclass(frozen=True)
class GrantFileRow:
    """The grant as a row: identity, parties, terms, deadlines and where it stands."""

    grant_id: UUID
    file_number: str
    title: str
    purpose: str
    programme_id: UUID
    programme_code: str
    programme_title: str
    organisation_id: UUID
    organisation_name: str
    project_id: UUID | None
    project_code: str
    partner_city: str
    financing_type: str
    status: str
    applied_on: date
    period_start: date
    period_end: date
    applied: Money
    approved: Money | None
    rate: Decimal | None
    maximum: Money | None
    rule_set_version: str
    decided_on: date | None
    proof_due: date | None
    proof_submitted_on: date | None
    proof_reviewed_on: date | None
    determined_on: date | None
    final_amount: Money | None
    revoked_on: date | None
    closed_on: date | None
    last_position: int
    purpose_public: bool = False  # the applicant agreed that the purpose text is published

    @property
    def status_german(self) -> str:
        return STATUS_GERMAN[self.status]

    @property
    def financing_type_german(self) -> str:
        return FinancingType(self.financing_type).german


@dataclass(frozen=True)
class GrantFileLine:
    """One budget line of the plan in force: planned, spent (receipts), reported, recognised."""

    code: str
    label: str
    planned: Money
    spent: Money
    reported: Money | None
    recognised: Money | None
    capped: Money | None
    cut_reason: str


@dataclass(frozen=True)
class Receipt:
    """A receipt (Beleg) the recipient reported against a budget line."""

    expense_id: UUID
    position: int
    budget_line: str
    paid_on: date
    payee: str
    purpose: str
    euro: Money
    currency: str | None
    original: Decimal | None
    rate: Decimal | None
    rate_date: date | None
    receipt_reference: str
    reversed: bool
    reversal_reason: str


@dataclass(frozen=True)
class Funding:
    """The funding side besides the grant: own funds, third-party funds, income."""

    own_funds: Money
    third_party_funds: Money
    income: Money

    @property
    def total(self) -> Money:
        return self.own_funds + self.third_party_funds + self.income


@dataclass(frozen=True)
class Determination:
    """The final determination (Schlussfestsetzung) as recorded."""

    on: date
    final_amount: Money
    eligible_costs: Money
    explanation: str
    paid: Money
    claim_amount: Money
    not_pursued: Money


@dataclass(frozen=True)
class Revocation:
    on: date
    effective_on: date
    previous_amount: Money
    remaining_amount: Money
    claim_amount: Money
    reason: str


@dataclass(frozen=True)
class GrantFile:
    """Everything the proof-of-use workbook shows about one grant."""

    row: GrantFileRow
    lines: tuple[GrantFileLine, ...]
    receipts: tuple[Receipt, ...]
    planned_funding: Funding
    planned_grant: Money
    reported_funding: Funding | None
    recognised_funding: Funding | None
    review_notes: str
    determination: Determination | None
    revocation: Revocation | None


_GRANT_COLUMNS = (
    "grant_id TEXT PRIMARY KEY, file_number TEXT NOT NULL, title TEXT NOT NULL, purpose TEXT NOT NULL,"
    " programme_id TEXT NOT NULL, organisation_id TEXT NOT NULL, project_id TEXT, partner_city TEXT NOT NULL,"
    " financing_type TEXT NOT NULL, status TEXT NOT NULL, open_requests INTEGER NOT NULL DEFAULT 0,"
    " applied_on TEXT NOT NULL, period_start TEXT NOT NULL, period_end TEXT NOT NULL, applied_cents BIGINT NOT NULL,"
    " plan_own_cents BIGINT NOT NULL, plan_third_cents BIGINT NOT NULL, plan_income_cents BIGINT NOT NULL,"
    " plan_grant_cents BIGINT NOT NULL, amount_cents BIGINT, rate TEXT, maximum_cents BIGINT,"
    " rule_set_version TEXT NOT NULL DEFAULT '', proof_deadline TEXT, decided_on TEXT, proof_due TEXT,"
    " proof_due_extended TEXT, proof_submitted_on TEXT, reported_own_cents BIGINT, reported_third_cents BIGINT,"
    " reported_income_cents BIGINT, reviewed_on TEXT, recognised_own_cents BIGINT, recognised_third_cents BIGINT,"
    " recognised_income_cents BIGINT, review_notes TEXT NOT NULL DEFAULT '', determined_on TEXT, final_cents BIGINT,"
    " eligible_cents BIGINT, explanation TEXT NOT NULL DEFAULT '', determined_paid_cents BIGINT,"
    " claim_cents BIGINT, not_pursued_cents BIGINT, revoked_on TEXT, revoked_effective_on TEXT,"
    " revoked_previous_cents BIGINT, revoked_claim_cents BIGINT, revocation_reason TEXT NOT NULL DEFAULT '',"
    " closed_on TEXT, last_position BIGINT NOT NULL, purpose_public INTEGER NOT NULL DEFAULT 0"
)


class GrantFiles(ReadModel):
    name = "grant_files"
    tables = ("gf_programmes", "gf_organisations", "gf_projects", "gf_grants", "gf_lines", "gf_receipts")

    def create_tables(self, cursor: Cursor, kind: str) -> None:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS gf_programmes (programme_id TEXT PRIMARY KEY, code TEXT NOT NULL,"
            " title TEXT NOT NULL)"
        )
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS gf_organisations (organisation_id TEXT PRIMARY KEY, name TEXT NOT NULL,"
            " name_key TEXT NOT NULL)"
        )
        cursor.execute("CREATE INDEX IF NOT EXISTS gf_organisations_name ON gf_organisations (name_key)")
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS gf_projects (project_id TEXT PRIMARY KEY, code TEXT NOT NULL,"
            " title TEXT NOT NULL)"
        )
        cursor.execute(f"CREATE TABLE IF NOT EXISTS gf_grants ({_GRANT_COLUMNS})")
        cursor.execute("CREATE UNIQUE INDEX IF NOT EXISTS gf_grants_file_number ON gf_grants (file_number)")
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS gf_lines (grant_id TEXT NOT NULL, code TEXT NOT NULL, ordinal INTEGER NOT NULL,"
            " label TEXT NOT NULL, planned_cents BIGINT NOT NULL, spent_cents BIGINT NOT NULL DEFAULT 0,"
            " reported_cents BIGINT, recognised_cents BIGINT, capped_cents BIGINT,"
            " cut_reason TEXT NOT NULL DEFAULT '', PRIMARY KEY (grant_id, code))"
        )
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS gf_receipts (expense_id TEXT PRIMARY KEY, grant_id TEXT NOT NULL,"
            " position BIGINT NOT NULL, budget_line TEXT NOT NULL, paid_on TEXT NOT NULL, payee TEXT NOT NULL,"
            " purpose TEXT NOT NULL, euro_cents BIGINT NOT NULL, currency TEXT, original TEXT, rate TEXT,"
            " rate_date TEXT, receipt_reference TEXT NOT NULL, reversed INTEGER NOT NULL DEFAULT 0,"
            " reversal_reason TEXT NOT NULL DEFAULT '')"
        )
        cursor.execute("CREATE INDEX IF NOT EXISTS gf_receipts_grant ON gf_receipts (grant_id, paid_on)")

    # Names of programmes, organisations and projects -------------------------------------------

    @handles(Programme.Opened)
    def _programme(self, cursor: Cursor, e: Any, position: int) -> None:
        cursor.execute(
            "INSERT INTO gf_programmes (programme_id, code, title) VALUES (?, ?, ?)",
            (e.originator_id.hex, e.code, e.title),
        )

    @handles(Organisation.Registered)
    def _organisation(self, cursor: Cursor, e: Any, position: int) -> None:
        cursor.execute(
            "INSERT INTO gf_organisations (organisation_id, name, name_key) VALUES (?, ?, ?)",
            (e.originator_id.hex, e.name, name_key(e.name)),
        )

    @handles(Project.Started)
    def _project(self, cursor: Cursor, e: Any, position: int) -> None:
        cursor.execute(
            "INSERT INTO gf_projects (project_id, code, title) VALUES (?, ?, ?)", (e.originator_id.hex, e.code, e.title)
        )

    # The application and the decision ---------------------------------------------------------

    @handles(Grant.ApplicationReceived)
    def _applied(self, cursor: Cursor, e: Any, position: int) -> None:
        plan = e.plan
        cursor.execute(
            "INSERT INTO gf_grants (grant_id, file_number, title, purpose, programme_id, organisation_id, project_id,"
            " partner_city, financing_type, status, applied_on, period_start, period_end, applied_cents,"
            " plan_own_cents, plan_third_cents, plan_income_cents, plan_grant_cents, last_position)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                e.originator_id.hex,
                e.file_number,
                e.title,
                e.purpose,
                e.programme_id.hex,
                e.organisation_id.hex,
                e.project_id.hex if e.project_id else None,
                e.partner_city,
                e.financing_type,
                APPLIED,
                e.on.isoformat(),
                e.period.start.isoformat(),
                e.period.end.isoformat(),
                cents(plan.grant),
                cents(plan.own_funds),
                cents(plan.third_party_funds),
                cents(plan.income),
                cents(plan.grant),
                position,
            ),
        )
        self._plan_lines(cursor, e.originator_id, plan)

    @handles(Grant.PurposePublicationConsented)
    def _purpose_public(self, cursor: Cursor, e: Any, position: int) -> None:
        cursor.execute(
            "UPDATE gf_grants SET purpose_public = 1, last_position = ? WHERE grant_id = ?",
            (position, e.originator_id.hex),
        )

    @staticmethod
    def _plan_lines(cursor: Cursor, grant_id: UUID, plan: Any) -> None:
        """The lines of the plan in force; lines an amendment dropped stay, planned at zero, with their receipts."""
        cursor.execute("UPDATE gf_lines SET planned_cents = 0 WHERE grant_id = ?", (grant_id.hex,))
        for ordinal, line in enumerate(plan.cost_lines):
            cursor.execute(
                "INSERT INTO gf_lines (grant_id, code, ordinal, label, planned_cents) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (grant_id, code) DO UPDATE SET ordinal = excluded.ordinal, label = excluded.label,"
                " planned_cents = excluded.planned_cents",
                (grant_id.hex, line.code, ordinal, line.label, cents(line.amount)),
            )

    def _set(self, cursor: Cursor, e: Any, position: int, assignments: str = "", *params: Any) -> None:
        sets = f"{assignments}, " if assignments else ""
        cursor.execute(
            f"UPDATE gf_grants SET {sets}last_position = ? WHERE grant_id = ?",
            (*params, position, e.originator_id.hex),
        )

    @handles(Grant.DocumentsRequested)
    def _documents_requested(self, cursor: Cursor, e: Any, position: int) -> None:
        self._set(cursor, e, position, "status = ?, open_requests = open_requests + 1", DOCUMENTS_REQUESTED)

    @handles(Grant.DocumentsReceived)
    def _documents_received(self, cursor: Cursor, e: Any, position: int) -> None:
        self._set(
            cursor,
            e,
            position,
            "open_requests = open_requests - 1, status = CASE WHEN open_requests = 1 THEN ? ELSE status END",
            APPLIED,
        )

    @handles(Grant.ApplicationReviewed)
    def _reviewed(self, cursor: Cursor, e: Any, position: int) -> None:
        self._set(cursor, e, position, "status = ?", REVIEWED)

    @handles(Grant.ApplicationRejected, Grant.ApplicationWithdrawn)
    def _turned_down(self, cursor: Cursor, e: Any, position: int) -> None:
        status = REJECTED if isinstance(e, Grant.ApplicationRejected) else WITHDRAWN
        self._set(cursor, e, position, "status = ?, decided_on = ?", status, e.on.isoformat())

    def _terms(self, cursor: Cursor, e: Any, position: int, extra: str = "", *params: Any) -> None:
        terms = e.terms
        plan = terms.plan
        due = terms.final_proof_due
        self._set(
            cursor,
            e,
            position,
            "financing_type = ?, amount_cents = ?, rate = ?, maximum_cents = ?, rule_set_version = ?,"
            " proof_deadline = ?, proof_due = ?, period_start = ?, period_end = ?, plan_own_cents = ?,"
            f" plan_third_cents = ?, plan_income_cents = ?, plan_grant_cents = ?{extra}",
            terms.financing_type,
            cents(terms.amount),
            str(terms.rate) if terms.rate is not None else None,
            cents(terms.maximum) if terms.maximum is not None else None,
            terms.rule_set.version,
            terms.rule_set.proof_deadline,
            due.isoformat(),
            terms.period.start.isoformat(),
            terms.period.end.isoformat(),
            cents(plan.own_funds),
            cents(plan.third_party_funds),
            cents(plan.income),
            cents(plan.grant),
            *params,
        )
        self._plan_lines(cursor, e.originator_id, plan)

    @handles(Grant.GrantApproved)
    def _approved(self, cursor: Cursor, e: Any, position: int) -> None:
        self._terms(cursor, e, position, ", status = ?, decided_on = ?", APPROVED, e.on.isoformat())

    @handles(Grant.GrantAmended)
    def _amended(self, cursor: Cursor, e: Any, position: int) -> None:
        self._terms(cursor, e, position)

    @handles(Grant.DeadlineExtended)
    def _deadline_extended(self, cursor: Cursor, e: Any, position: int) -> None:
        if e.key == "final":
            self._set(cursor, e, position, "proof_due_extended = ?", next_working_day(e.new_due).isoformat())

    @handles(Grant.PurposeFulfilled)
    def _purpose_fulfilled(self, cursor: Cursor, e: Any, position: int) -> None:
        self._set(cursor, e, position, "proof_due = ?", e.proof_due.isoformat())

    # Spending ----------------------------------------------------------------------------------

    @handles(Grant.ExpenseReported)
    def _expense(self, cursor: Cursor, e: Any, position: int) -> None:
        foreign = e.foreign
        cursor.execute(
            "INSERT INTO gf_receipts (expense_id, grant_id, position, budget_line, paid_on, payee, purpose, euro_cents,"
            " currency, original, rate, rate_date, receipt_reference) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                e.expense_id.hex,
                e.originator_id.hex,
                position,
                e.budget_line,
                e.paid_on.isoformat(),
                e.payee,
                e.purpose,
                cents(e.euro),
                foreign.currency if foreign else None,
                str(foreign.original) if foreign else None,
                str(foreign.rate) if foreign else None,
                foreign.rate_date.isoformat() if foreign else None,
                e.receipt_reference,
            ),
        )
        self._spend(cursor, e.originator_id, e.budget_line, cents(e.euro))
        self._set(cursor, e, position)

    @handles(Grant.ExpenseReversed)
    def _expense_reversed(self, cursor: Cursor, e: Any, position: int) -> None:
        cursor.execute("SELECT budget_line FROM gf_receipts WHERE expense_id = ?", (e.expense_id.hex,))
        row = cursor.fetchone()
        if row is None:
            raise LookupError(f"Ausgabe {e.expense_id} ist der Förderakte nicht bekannt")
        cursor.execute(
            "UPDATE gf_receipts SET reversed = 1, reversal_reason = ? WHERE expense_id = ?",
            (e.reason, e.expense_id.hex),
        )
        self._spend(cursor, e.originator_id, row["budget_line"], -cents(e.euro))
        self._set(cursor, e, position)

    @staticmethod
    def _spend(cursor: Cursor, grant_id: UUID, code: str, delta: int) -> None:
        cursor.execute(
            "UPDATE gf_lines SET spent_cents = spent_cents + ? WHERE grant_id = ? AND code = ?",
            (delta, grant_id.hex, code),
        )

    # Proof of use and settlement ---------------------------------------------------------------

    @handles(Grant.ProofOfUseSubmitted)
    def _proof_submitted(self, cursor: Cursor, e: Any, position: int) -> None:
        for code, amount in e.actual_costs.items():
            cursor.execute(
                "UPDATE gf_lines SET reported_cents = ? WHERE grant_id = ? AND code = ?",
                (cents(amount), e.originator_id.hex, code),
            )
        self._set(
            cursor,
            e,
            position,
            "status = ?, proof_submitted_on = ?, reported_own_cents = ?, reported_third_cents = ?,"
            " reported_income_cents = ?",
            PROOF_SUBMITTED,
            e.on.isoformat(),
            cents(e.own_funds),
            cents(e.third_party_funds),
            cents(e.income),
        )

    @handles(Grant.ProofOfUseReviewed)
    def _proof_reviewed(self, cursor: Cursor, e: Any, position: int) -> None:
        for code, amount in e.recognised_costs.items():
            cursor.execute(
                "UPDATE gf_lines SET recognised_cents = ?, cut_reason = ? WHERE grant_id = ? AND code = ?",
                (cents(amount), e.cut_reasons.get(code, ""), e.originator_id.hex, code),
            )
        self._set(
            cursor,
            e,
            position,
            "status = ?, reviewed_on = ?, recognised_own_cents = ?, recognised_third_cents = ?,"
            " recognised_income_cents = ?, review_notes = ?",
            PROOF_REVIEWED,
            e.on.isoformat(),
            cents(e.own_funds),
            cents(e.third_party_funds),
            cents(e.income),
            e.notes,
        )

    @handles(Grant.FinalAmountDetermined)
    def _determined(self, cursor: Cursor, e: Any, position: int) -> None:
        for code, amount in e.capped_lines.items():
            cursor.execute(
                "UPDATE gf_lines SET capped_cents = ? WHERE grant_id = ? AND code = ?",
                (cents(amount), e.originator_id.hex, code),
            )
        self._set(
            cursor,
            e,
            position,
            "status = ?, determined_on = ?, final_cents = ?, eligible_cents = ?, explanation = ?,"
            " determined_paid_cents = ?, claim_cents = ?, not_pursued_cents = ?",
            DETERMINED,
            e.on.isoformat(),
            cents(e.final_amount),
            cents(e.eligible_costs),
            e.explanation,
            cents(e.paid),
            cents(e.claim_amount),
            cents(e.not_pursued),
        )

    @handles(Grant.GrantRevoked)
    def _revoked(self, cursor: Cursor, e: Any, position: int) -> None:
        self._set(
            cursor,
            e,
            position,
            "status = ?, revoked_on = ?, revoked_effective_on = ?, revoked_previous_cents = ?, final_cents = ?,"
            " revoked_claim_cents = ?, revocation_reason = ?",
            REVOKED,
            e.on.isoformat(),
            e.effective_on.isoformat(),
            cents(e.previous_amount),
            cents(e.remaining_amount),
            cents(e.claim_amount),
            e.reason,
        )

    @handles(Grant.GrantClosed)
    def _closed(self, cursor: Cursor, e: Any, position: int) -> None:
        self._set(cursor, e, position, "status = ?, closed_on = ?", CLOSED, e.on.isoformat())

    # Queries -----------------------------------------------------------------------------------

    _SELECT = (
        "SELECT g.*, COALESCE(p.code, '') AS programme_code, COALESCE(p.title, '') AS programme_title,"
        " COALESCE(o.name, '') AS organisation_name, COALESCE(j.code, '') AS project_code FROM gf_grants g"
        " LEFT JOIN gf_programmes p ON p.programme_id = g.programme_id"
        " LEFT JOIN gf_organisations o ON o.organisation_id = g.organisation_id"
        " LEFT JOIN gf_projects j ON j.project_id = g.project_id"
    )

    @classmethod
    def page(
        cls,
        cursor: Cursor,
        after: str = "",
        limit: int = 500,
        programme_id: UUID | None = None,
        awarded_only: bool = False,
    ) -> list[GrantFileRow]:
        """Grants in file-number order, the ``limit`` after file number ``after`` (for streaming)."""
        sql = cls._SELECT + " WHERE g.file_number > ?"
        params: list[Any] = [after]
        if programme_id is not None:
            sql += " AND g.programme_id = ?"
            params.append(programme_id.hex)
        if awarded_only:
            sql += " AND g.amount_cents IS NOT NULL"
        cursor.execute(sql + " ORDER BY g.file_number LIMIT ?", [*params, limit])
        return [_row(r) for r in cursor.fetchall()]

    @staticmethod
    def count(cursor: Cursor, programme_id: UUID | None = None, awarded_only: bool = False) -> int:
        sql, params = "SELECT COUNT(*) AS n FROM gf_grants WHERE 1 = 1", []
        if programme_id is not None:
            sql += " AND programme_id = ?"
            params.append(programme_id.hex)
        if awarded_only:
            sql += " AND amount_cents IS NOT NULL"
        cursor.execute(sql, params)
        row = cursor.fetchone()
        return int(row["n"]) if row else 0

    @staticmethod
    def grant_id_for(cursor: Cursor, file_number: str) -> UUID | None:
        cursor.execute("SELECT grant_id FROM gf_grants WHERE file_number = ?", (file_number.strip(),))
        row = cursor.fetchone()
        return UUID(row["grant_id"]) if row else None

    @staticmethod
    def organisation_named(cursor: Cursor, name: str) -> UUID | None:
        """The organisation registered under this name (case and blanks aside), if exactly one is."""
        cursor.execute("SELECT organisation_id FROM gf_organisations WHERE name_key = ?", (name_key(name),))
        rows = cursor.fetchall()
        return UUID(rows[0]["organisation_id"]) if len(rows) == 1 else None

    @staticmethod
    def programme_codes(cursor: Cursor) -> dict[UUID, str]:
        cursor.execute("SELECT programme_id, code FROM gf_programmes")
        return {UUID(r["programme_id"]): str(r["code"]) for r in cursor.fetchall()}

    @classmethod
    def grant(cls, cursor: Cursor, grant_id: UUID) -> GrantFile | None:
        cursor.execute(cls._SELECT + " WHERE g.grant_id = ?", (grant_id.hex,))
        record = cursor.fetchone()
        if record is None:
            return None
        cursor.execute("SELECT * FROM gf_lines WHERE grant_id = ? ORDER BY ordinal, code", (grant_id.hex,))
        lines = tuple(
            GrantFileLine(
                code=r["code"],
                label=r["label"],
                planned=money(r["planned_cents"]),
                spent=money(r["spent_cents"]),
                reported=_money_or_none(r["reported_cents"]),
                recognised=_money_or_none(r["recognised_cents"]),
                capped=_money_or_none(r["capped_cents"]),
                cut_reason=r["cut_reason"],
            )
            for r in cursor.fetchall()
        )
        cursor.execute("SELECT * FROM gf_receipts WHERE grant_id = ? ORDER BY paid_on, position", (grant_id.hex,))
        receipts = tuple(
            Receipt(
                expense_id=UUID(r["expense_id"]),
                position=int(r["position"]),
                budget_line=r["budget_line"],
                paid_on=date.fromisoformat(r["paid_on"]),
                payee=r["payee"],
                purpose=r["purpose"],
                euro=money(r["euro_cents"]),
                currency=r["currency"],
                original=Decimal(r["original"]) if r["original"] is not None else None,
                rate=Decimal(r["rate"]) if r["rate"] is not None else None,
                rate_date=_date(r["rate_date"]),
                receipt_reference=r["receipt_reference"],
                reversed=bool(r["reversed"]),
                reversal_reason=r["reversal_reason"],
            )
            for r in cursor.fetchall()
        )
        return GrantFile(
            row=_row(record),
            lines=lines,
            receipts=receipts,
            planned_funding=Funding(
                money(record["plan_own_cents"]), money(record["plan_third_cents"]), money(record["plan_income_cents"])
            ),
            planned_grant=money(record["plan_grant_cents"]),
            reported_funding=_funding(record, "reported"),
            recognised_funding=_funding(record, "recognised"),
            review_notes=record["review_notes"],
            determination=Determination(
                on=date.fromisoformat(record["determined_on"]),
                final_amount=money(record["final_cents"]),
                eligible_costs=money(record["eligible_cents"]),
                explanation=record["explanation"],
                paid=money(record["determined_paid_cents"]),
                claim_amount=money(record["claim_cents"]),
                not_pursued=money(record["not_pursued_cents"]),
            )
            if record["determined_on"]
            else None,
            revocation=Revocation(
                on=date.fromisoformat(record["revoked_on"]),
                effective_on=date.fromisoformat(record["revoked_effective_on"]),
                previous_amount=money(record["revoked_previous_cents"]),
                remaining_amount=money(record["final_cents"]),
                claim_amount=money(record["revoked_claim_cents"]),
                reason=record["revocation_reason"],
            )
            if record["revoked_on"]
            else None,
        )


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _money_or_none(value: int | None) -> Money | None:
    return money(value) if value is not None else None


def _funding(record: dict[str, Any], prefix: str) -> Funding | None:
    if record[f"{prefix}_own_cents"] is None:
        return None
    return Funding(
        money(record[f"{prefix}_own_cents"]),
        money(record[f"{prefix}_third_cents"]),
        money(record[f"{prefix}_income_cents"]),
    )


def _row(r: dict[str, Any]) -> GrantFileRow:
    return GrantFileRow(
        grant_id=UUID(r["grant_id"]),
        file_number=r["file_number"],
        title=r["title"],
        purpose=r["purpose"],
        programme_id=UUID(r["programme_id"]),
        programme_code=r["programme_code"],
        programme_title=r["programme_title"],
        organisation_id=UUID(r["organisation_id"]),
        organisation_name=r["organisation_name"],
        project_id=UUID(r["project_id"]) if r["project_id"] else None,
        project_code=r["project_code"],
        partner_city=r["partner_city"],
        financing_type=r["financing_type"],
        status=r["status"],
        applied_on=date.fromisoformat(r["applied_on"]),
        period_start=date.fromisoformat(r["period_start"]),
        period_end=date.fromisoformat(r["period_end"]),
        applied=money(r["applied_cents"]),
        approved=_money_or_none(r["amount_cents"]),
        rate=Decimal(r["rate"]) if r["rate"] is not None else None,
        maximum=_money_or_none(r["maximum_cents"]),
        rule_set_version=r["rule_set_version"],
        decided_on=_date(r["decided_on"]),
        proof_due=_date(r["proof_due_extended"] or r["proof_due"]),
        proof_submitted_on=_date(r["proof_submitted_on"]),
        proof_reviewed_on=_date(r["reviewed_on"]),
        determined_on=_date(r["determined_on"]),
        final_amount=_money_or_none(r["final_cents"]),
        revoked_on=_date(r["revoked_on"]),
        closed_on=_date(r["closed_on"]),
        last_position=int(r["last_position"]),
        purpose_public=bool(r["purpose_public"]),
    )
