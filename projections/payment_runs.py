"""Payments as finance pays them: payee, IBAN, due date, purpose line, posting year, who certified.

One row per payment request with the grant's file number and title, the organisation's name and IBAN
(as its record holds them now; a release copies them into the payment, so a later change of the bank
account does not change a payment already released), the earliest due date of the needs it covers,
who requested, certified and released it, and the payment run it went out in. Beside it the payment
runs with their file's hash. Finance's page (``/kaemmerei/zahlungslauf``) lists the certified
payments from here; posting coordinates come from the programme's fiscal year (``Register``).

The lines of imported bank statements that wait for a person (returned transfers, proposed
repayments, lines nobody could match) are kept until they are decided (``open_lines``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from domain.grant import Grant
from domain.money import Money
from domain.organisation import Organisation
from domain.payment_run import OPEN_OUTCOMES, BankStatement, PaymentRun
from projections.db import Cursor, cents, money
from projections.engine import ReadModel, handles


@dataclass(frozen=True)
class PayablePayment:
    payment_id: UUID
    grant_id: UUID
    file_number: str
    title: str
    programme_id: UUID
    organisation_name: str
    iban: str
    amount: Money
    purpose: str
    requested_on: date
    due_on: date | None
    fiscal_year: int
    status: str
    requested_by: str
    certified_by: str
    certified_by_name: str
    released_by: str
    run_id: UUID | None

    @property
    def purpose_line(self) -> str:
        """The remittance text: file number and a short purpose (SEPA allows 140 characters)."""
        return f"{self.file_number} {self.purpose or self.title}"[:140]


@dataclass(frozen=True)
class StatementLine:
    """An open line of an imported bank statement, waiting for the cash office's decision."""

    statement_id: UUID  # the aggregate's id
    statement_ref: str  # the bank's statement id
    index: int
    outcome: str  # returned, repayment, unmatched, amount_differs, refused
    amount: Money
    value_date: date | None
    end_to_end_id: str
    reason: str
    file_number: str
    grant_id: UUID | None
    remittance: str
    counterparty: str
    imported_by: str = ""

    @classmethod
    def of_record(cls, statement_id: UUID, statement_ref: str, line: dict[str, Any]) -> StatementLine:
        """A line as the import records it in ``BankStatementImported``."""
        return cls(
            statement_id=statement_id,
            statement_ref=statement_ref,
            index=int(line["index"]),
            outcome=line["outcome"],
            amount=Money(line["amount"]),
            value_date=date.fromisoformat(line["value_date"]) if line.get("value_date") else None,
            end_to_end_id=line.get("end_to_end_id", ""),
            reason=line.get("reason", ""),
            file_number=line.get("file_number", ""),
            grant_id=UUID(line["grant_id"]) if line.get("grant_id") else None,
            remittance=line.get("remittance", ""),
            counterparty=line.get("counterparty", ""),
        )


@dataclass(frozen=True)
class RunRow:
    run_id: UUID
    execution_date: date
    count: int
    total: Money
    file_name: str
    sha256: str
    recorded_by: str
    position: int


class PaymentRuns(ReadModel):
    name = "payment_runs"
    tables = ("pr_organisations", "pr_grants", "pr_payments", "pr_runs", "pr_statement_lines")

    def create_tables(self, cursor: Cursor, kind: str) -> None:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS pr_organisations (organisation_id TEXT PRIMARY KEY, name TEXT NOT NULL,"
            " iban TEXT NOT NULL)"
        )
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS pr_grants (grant_id TEXT PRIMARY KEY, file_number TEXT NOT NULL,"
            " title TEXT NOT NULL, programme_id TEXT NOT NULL, organisation_id TEXT NOT NULL)"
        )
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS pr_payments (payment_id TEXT PRIMARY KEY, grant_id TEXT NOT NULL,"
            " cents BIGINT NOT NULL, purpose TEXT NOT NULL, requested_on TEXT NOT NULL, due_on TEXT,"
            " status TEXT NOT NULL, requested_by TEXT NOT NULL, certified_by TEXT NOT NULL DEFAULT '',"
            " released_by TEXT NOT NULL DEFAULT '', payee TEXT NOT NULL DEFAULT '', iban TEXT NOT NULL DEFAULT '',"
            " run_id TEXT)"
        )
        cursor.execute("CREATE INDEX IF NOT EXISTS pr_payments_status ON pr_payments (status)")
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS pr_runs (run_id TEXT PRIMARY KEY, execution_date TEXT NOT NULL,"
            " count INTEGER NOT NULL, cents BIGINT NOT NULL, file_name TEXT NOT NULL, sha256 TEXT NOT NULL,"
            " recorded_by TEXT NOT NULL, position BIGINT NOT NULL)"
        )
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS pr_statement_lines (statement_id TEXT NOT NULL, idx INTEGER NOT NULL,"
            " statement_ref TEXT NOT NULL, outcome TEXT NOT NULL, cents BIGINT NOT NULL, value_date TEXT,"
            " end_to_end_id TEXT NOT NULL, reason TEXT NOT NULL, file_number TEXT NOT NULL, grant_id TEXT,"
            " remittance TEXT NOT NULL, counterparty TEXT NOT NULL, imported_by TEXT NOT NULL,"
            " position BIGINT NOT NULL, PRIMARY KEY (statement_id, idx))"
        )

    @handles(Organisation.Registered)
    def _organisation(self, cursor: Cursor, e: Any, position: int) -> None:
        cursor.execute(
            "INSERT INTO pr_organisations (organisation_id, name, iban) VALUES (?, ?, ?)",
            (e.originator_id.hex, e.name, e.iban),
        )

    @handles(Organisation.BankAccountChanged)
    def _bank_account(self, cursor: Cursor, e: Any, position: int) -> None:
        cursor.execute("UPDATE pr_organisations SET iban = ? WHERE organisation_id = ?", (e.iban, e.originator_id.hex))

    @handles(Grant.ApplicationReceived)
    def _applied(self, cursor: Cursor, e: Any, position: int) -> None:
        cursor.execute(
            "INSERT INTO pr_grants (grant_id, file_number, title, programme_id, organisation_id)"
            " VALUES (?, ?, ?, ?, ?)",
            (e.originator_id.hex, e.file_number, e.title, e.programme_id.hex, e.organisation_id.hex),
        )

    @handles(Grant.PaymentRequested)
    def _requested(self, cursor: Cursor, e: Any, position: int) -> None:
        dues = [need["due"] for need in e.needs if isinstance(need.get("due"), date)]
        cursor.execute(
            "INSERT INTO pr_payments (payment_id, grant_id, cents, purpose, requested_on, due_on, status,"
            " requested_by) VALUES (?, ?, ?, ?, ?, ?, 'requested', ?)",
            (
                e.payment_id.hex,
                e.originator_id.hex,
                cents(e.amount),
                e.purpose or "",
                e.on.isoformat(),
                min(dues).isoformat() if dues else None,
                e.actor_id.hex,
            ),
        )

    @handles(Grant.PaymentCertified)
    def _certified(self, cursor: Cursor, e: Any, position: int) -> None:
        cursor.execute(
            "UPDATE pr_payments SET status = 'certified', certified_by = ? WHERE payment_id = ?",
            (e.actor_id.hex, e.payment_id.hex),
        )

    @handles(Grant.PaymentReleased)
    def _released(self, cursor: Cursor, e: Any, position: int) -> None:
        # The payee and the account as the organisation's record holds them at release time.
        cursor.execute(
            "UPDATE pr_payments SET status = 'released', released_by = ?,"
            " payee = (SELECT o.name FROM pr_grants g JOIN pr_organisations o ON o.organisation_id = g.organisation_id"
            " WHERE g.grant_id = pr_payments.grant_id),"
            " iban = (SELECT o.iban FROM pr_grants g JOIN pr_organisations o ON o.organisation_id = g.organisation_id"
            " WHERE g.grant_id = pr_payments.grant_id) WHERE payment_id = ?",
            (e.actor_id.hex, e.payment_id.hex),
        )

    @handles(Grant.PaymentBooked)
    def _booked(self, cursor: Cursor, e: Any, position: int) -> None:
        cursor.execute("UPDATE pr_payments SET status = 'booked' WHERE payment_id = ?", (e.payment_id.hex,))

    @handles(Grant.PaymentCancelled)
    def _cancelled(self, cursor: Cursor, e: Any, position: int) -> None:
        cursor.execute("UPDATE pr_payments SET status = 'cancelled' WHERE payment_id = ?", (e.payment_id.hex,))

    @handles(PaymentRun.PaymentRunRecorded)
    def _run(self, cursor: Cursor, e: Any, position: int) -> None:
        for item in e.payments:
            cursor.execute(
                "UPDATE pr_payments SET run_id = ? WHERE payment_id = ?",
                (e.originator_id.hex, UUID(item["payment_id"]).hex),
            )
        cursor.execute(
            "INSERT INTO pr_runs (run_id, execution_date, count, cents, file_name, sha256, recorded_by, position)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                e.originator_id.hex,
                e.execution_date.isoformat(),
                len(e.payments),
                e.total_cents,
                e.file_name,
                e.file_sha256,
                e.actor_id.hex,
                position,
            ),
        )

    @handles(BankStatement.BankStatementImported)
    def _statement(self, cursor: Cursor, e: Any, position: int) -> None:
        for line in e.lines:
            if line.get("outcome") not in OPEN_OUTCOMES:
                continue
            cursor.execute(
                "INSERT INTO pr_statement_lines (statement_id, idx, statement_ref, outcome, cents, value_date,"
                " end_to_end_id, reason, file_number, grant_id, remittance, counterparty, imported_by, position)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    e.originator_id.hex,
                    int(line["index"]),
                    e.statement_id,
                    line["outcome"],
                    cents(Money(line["amount"])),
                    line.get("value_date") or None,
                    line.get("end_to_end_id", ""),
                    line.get("reason", ""),
                    line.get("file_number", ""),
                    UUID(line["grant_id"]).hex if line.get("grant_id") else None,
                    line.get("remittance", ""),
                    line.get("counterparty", ""),
                    e.actor_id.hex,
                    position,
                ),
            )

    @handles(BankStatement.StatementLineSettled)
    def _settled(self, cursor: Cursor, e: Any, position: int) -> None:
        cursor.execute(
            "DELETE FROM pr_statement_lines WHERE statement_id = ? AND idx = ?", (e.originator_id.hex, e.index)
        )

    # Reading ------------------------------------------------------------------------------------

    @staticmethod
    def open_lines(cursor: Cursor, limit: int = 200) -> list[StatementLine]:
        """Statement lines still waiting for a decision, oldest statement first."""
        cursor.execute(
            "SELECT l.*, COALESCE(u.display_name, '') AS who FROM pr_statement_lines l"
            " LEFT JOIN user_directory u ON u.user_id = l.imported_by ORDER BY l.position, l.idx LIMIT ?",
            (limit,),
        )
        return [
            StatementLine(
                statement_id=UUID(r["statement_id"]),
                statement_ref=r["statement_ref"],
                index=int(r["idx"]),
                outcome=r["outcome"],
                amount=money(r["cents"]),
                value_date=date.fromisoformat(r["value_date"]) if r["value_date"] else None,
                end_to_end_id=r["end_to_end_id"],
                reason=r["reason"],
                file_number=r["file_number"],
                grant_id=UUID(r["grant_id"]) if r["grant_id"] else None,
                remittance=r["remittance"],
                counterparty=r["counterparty"],
                imported_by=r["who"],
            )
            for r in cursor.fetchall()
        ]

    _SELECT = (
        "SELECT p.*, g.file_number, g.title, g.programme_id, o.name AS organisation_name, o.iban AS current_iban,"
        " COALESCE(u.display_name, '') AS certified_by_name FROM pr_payments p"
        " JOIN pr_grants g ON g.grant_id = p.grant_id"
        " LEFT JOIN pr_organisations o ON o.organisation_id = g.organisation_id"
        " LEFT JOIN user_directory u ON u.user_id = p.certified_by"  # names from the user directory
    )

    @classmethod
    def payments(cls, cursor: Cursor, status: str, limit: int = 500) -> list[PayablePayment]:
        """Payments in one status (``certified``: waiting for release), the earliest due first."""
        cursor.execute(
            cls._SELECT + " WHERE p.status = ? ORDER BY COALESCE(p.due_on, p.requested_on), g.file_number LIMIT ?",
            (status, limit),
        )
        return [cls._payment(r) for r in cursor.fetchall()]

    @classmethod
    def payment(cls, cursor: Cursor, payment_id: UUID) -> PayablePayment | None:
        cursor.execute(cls._SELECT + " WHERE p.payment_id = ?", (payment_id.hex,))
        row = cursor.fetchone()
        return cls._payment(row) if row else None

    @staticmethod
    def _payment(r: Any) -> PayablePayment:
        requested_on = date.fromisoformat(r["requested_on"])
        return PayablePayment(
            payment_id=UUID(r["payment_id"]),
            grant_id=UUID(r["grant_id"]),
            file_number=r["file_number"],
            title=r["title"],
            programme_id=UUID(r["programme_id"]),
            organisation_name=r["payee"] or r["organisation_name"] or "",
            iban=r["iban"] or r["current_iban"] or "",
            amount=money(r["cents"]),
            purpose=r["purpose"],
            requested_on=requested_on,
            due_on=date.fromisoformat(r["due_on"]) if r["due_on"] else None,
            fiscal_year=requested_on.year,
            status=r["status"],
            requested_by=r["requested_by"],
            certified_by=r["certified_by"],
            certified_by_name=r["certified_by_name"],
            released_by=r["released_by"],
            run_id=UUID(r["run_id"]) if r["run_id"] else None,
        )

    @staticmethod
    def runs(cursor: Cursor, limit: int = 50) -> list[RunRow]:
        cursor.execute(
            "SELECT r.*, COALESCE(u.display_name, '') AS who FROM pr_runs r"
            " LEFT JOIN user_directory u ON u.user_id = r.recorded_by"
            " ORDER BY r.position DESC LIMIT ?",
            (limit,),
        )
        return [
            RunRow(
                run_id=UUID(r["run_id"]),
                execution_date=date.fromisoformat(r["execution_date"]),
                count=int(r["count"]),
                total=money(r["cents"]),
                file_name=r["file_name"],
                sha256=r["sha256"],
                recorded_by=r["who"],
                position=int(r["position"]),
            )
            for r in cursor.fetchall()
        ]

    @classmethod
    def run_payments(cls, cursor: Cursor, run_id: UUID) -> list[PayablePayment]:
        cursor.execute(cls._SELECT + " WHERE p.run_id = ? ORDER BY g.file_number", (run_id.hex,))
        return [cls._payment(r) for r in cursor.fetchall()]
