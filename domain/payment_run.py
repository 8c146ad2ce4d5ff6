"""Payment runs (Zahlungsläufe): payments released together and sent to the bank as one SEPA file.

Finance selects certified payments on its page and releases them together; each release is still the
grant's own decision with its four-eyes rules (``Grant.release_payment``), so a payment the releaser
certified or requested is refused on its own while the others go ahead. The payments released in one
go form a run: the run records, per payment, the grant, the payment, the end-to-end id the bank
returns on its statement, the payee, IBAN and BIC as the organisation's record held them at release
time, the amount and the purpose line; and the credit-transfer file itself (pain.001) with its SHA-256
and message id, so the file that went to the bank is part of the log and can be checked against it.
The domain knows nothing of the file's format: it keeps the text and the hash it is given.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.actors import Actor, Role
from domain.errors import InvalidInputError


class PaymentRun(Aggregate):
    """One payment run: the released payments and the credit-transfer file made from them."""

    id: UUID

    @event("PaymentRunRecorded")
    def __init__(
        self,
        execution_date: date,
        payments: list[dict[str, Any]],
        file_name: str,
        file_text: str,
        file_sha256: str,
        message_id: str,
        total_cents: int,
        actor_id: UUID,
        actor_role: str,
    ) -> None:
        self.execution_date = execution_date
        self.payments = payments
        self.file_name = file_name
        self.file_text = file_text
        self.file_sha256 = file_sha256
        self.message_id = message_id
        self.total_cents = total_cents

    @classmethod
    def record(
        cls,
        run_id: UUID,
        execution_date: date,
        payments: list[dict[str, Any]],
        file_name: str,
        file_text: str,
        message_id: str,
        actor: Actor,
    ) -> PaymentRun:
        actor.require(Role.FINANCE, Role.APPROVER, doing="Zahlungslauf erstellen")
        if not payments:
            raise InvalidInputError("Ein Zahlungslauf braucht mindestens eine freigegebene Zahlung.", field="payments")
        ids = [p["end_to_end_id"] for p in payments]
        if len(set(ids)) != len(ids):
            raise InvalidInputError("Jede Zahlung braucht eine eigene End-to-End-Referenz.", field="payments")
        total = sum(int(p["cents"]) for p in payments)
        return cls(  # type: ignore[call-arg]  # eventsourcing takes the aggregate id as a keyword
            execution_date=execution_date,
            payments=payments,
            file_name=file_name,
            file_text=file_text,
            file_sha256=hashlib.sha256(file_text.encode("utf-8")).hexdigest(),
            message_id=message_id,
            total_cents=total,
            id=run_id,
            **actor.stamp,
        )


def end_to_end_id(payment_id: UUID) -> str:
    """The end-to-end reference of a payment in SEPA files and bank statements (35 characters at most)."""
    return f"FB{payment_id.hex[:30].upper()}"


BANK_STATEMENTS = UUID("6f1d2c0e-5b8a-4c41-9a3e-0c6d1f2b7a10")
"""Namespace of bank statement ids: uuid5(BANK_STATEMENTS, the file's SHA-256), so a file is recorded once."""


class BankStatement(Aggregate):
    """A bank statement (camt.053) as it was imported: what was booked from it and what was left open."""

    id: UUID

    @event("BankStatementImported")
    def __init__(
        self,
        statement_id: str,
        file_name: str,
        sha256: str,
        lines: list[dict[str, Any]],
        actor_id: UUID,
        actor_role: str,
    ) -> None:
        self.statement_id = statement_id
        self.file_name = file_name
        self.sha256 = sha256
        self.lines = lines

    @classmethod
    def record(
        cls,
        aggregate_id: UUID,
        statement_id: str,
        file_name: str,
        sha256: str,
        lines: list[dict[str, Any]],
        actor: Actor,
    ) -> BankStatement:
        actor.require(Role.CASHIER, doing="Kontoauszug einlesen")
        return cls(  # type: ignore[call-arg]  # eventsourcing takes the aggregate id as a keyword
            statement_id=statement_id,
            file_name=file_name,
            sha256=sha256,
            lines=lines,
            id=aggregate_id,
            **actor.stamp,
        )
