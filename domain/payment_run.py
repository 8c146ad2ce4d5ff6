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
from domain.errors import InvalidInputError, InvalidStateError, NotFoundError
from domain.messages import N_, Message, marked, message
from domain.text import require_reason


class PaymentRun(Aggregate):
    """One payment run: the released payments and the credit-transfer file made from them."""

    id: UUID

    class PaymentRunRecorded(Aggregate.Created):
        execution_date: date
        payments: list[dict[str, Any]]
        file_name: str
        file_text: str
        file_sha256: str
        message_id: str
        total_cents: int
        actor_id: UUID
        actor_role: str

    @event(PaymentRunRecorded)
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
        actor.require(Role.FINANCE, Role.APPROVER, doing=N_("Zahlungslauf erstellen"))
        if not payments:
            raise InvalidInputError(
                message("Ein Zahlungslauf braucht mindestens eine freigegebene Zahlung."), field="payments"
            )
        ids = [p["end_to_end_id"] for p in payments]
        if len(set(ids)) != len(ids):
            raise InvalidInputError(message("Jede Zahlung braucht eine eigene End-to-End-Referenz."), field="payments")
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


OPEN_OUTCOMES = ("returned", "repayment", "unmatched", "amount_differs", "refused")
"""Statement lines a person decides: returned transfers, proposed repayments and what nobody could match."""

RETURN_REASONS = {
    "AC01": "IBAN fehlerhaft",
    "AC04": "Konto aufgelöst",
    "AC06": "Konto gesperrt",
    "AG01": "Überweisung auf dieses Konto nicht erlaubt",
    "AG02": "ungültiger Zahlungsvorgang",
    "AM05": "Doppelzahlung",
    "BE04": "Anschrift des Empfängers fehlt",
    "FOCR": "Rückgabe nach Rückrufanforderung",
    "MD07": "Kontoinhaber verstorben",
    "MS02": "Grund vom Empfänger nicht angegeben",
    "MS03": "Grund nicht angegeben",
    "RC01": "BIC fehlerhaft",
    "RR01": "Konto oder Identität des Auftraggebers fehlt (aufsichtsrechtlich)",
    "RR02": "Name oder Anschrift des Auftraggebers fehlt (aufsichtsrechtlich)",
    "RR03": "Name oder Anschrift des Empfängers fehlt (aufsichtsrechtlich)",
    "RR04": "aufsichtsrechtliche Gründe",
}
"""ISO 20022 return reason codes of SEPA credit transfers, in German (an unknown code is shown as it is)."""


def return_reason(code: str) -> str:
    """``AC04 (Konto aufgelöst)``: the code with its meaning where it is known."""
    meaning = RETURN_REASONS.get(code.upper())
    return f"{code} ({meaning})" if meaning else code or "ohne Grund"


class BankStatement(Aggregate):
    """A bank statement (camt.053) as it was imported: what was booked from it and what was left open.

    Open lines (``OPEN_OUTCOMES``) wait for the cash office: a returned transfer is booked as money that
    came back on its payment, a proposed repayment on the claim of the grant its text names, or a line
    is set aside with a reason (booked elsewhere, a bank fee …). Each line is decided once
    (``StatementLineSettled``); the bookings themselves are the grant's and the claim's own events.
    """

    id: UUID

    class BankStatementImported(Aggregate.Created):
        statement_id: str
        file_name: str
        sha256: str
        lines: list[dict[str, Any]]
        actor_id: UUID
        actor_role: str

    @event(BankStatementImported)
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
        actor.require(Role.CASHIER, doing=N_("Kontoauszug einlesen"))
        return cls(  # type: ignore[call-arg]  # eventsourcing takes the aggregate id as a keyword
            statement_id=statement_id,
            file_name=file_name,
            sha256=sha256,
            lines=lines,
            id=aggregate_id,
            **actor.stamp,
        )

    @property
    def settled(self) -> dict[str, dict[str, Any]]:
        """Decided lines by their index (as text): the decision and its note."""
        return dict(getattr(self, "settled_lines", {}))

    def open_line(self, index: int, *outcomes: str) -> dict[str, Any]:
        """The line at ``index`` if it is still open and of one of ``outcomes``; else a German refusal."""
        line = next((line for line in self.lines if int(line.get("index", 0)) == index), None)
        if line is None:
            raise NotFoundError(message("Der Kontoauszug hat keinen Posten {index}.", index=index), field="index")
        if str(index) in self.settled:
            raise InvalidStateError(
                message("Über den Posten {index} ist schon entschieden.", index=index), field="index"
            )
        if line.get("outcome") not in (outcomes or OPEN_OUTCOMES):
            raise InvalidStateError(
                message(
                    "Der Posten {index} ist {outcome}.", index=index, outcome=_outcome_german(line.get("outcome", ""))
                ),
                field="index",
            )
        return line

    def settle_line(self, index: int, decision: str, note: str, actor: Actor) -> None:
        """Records the decision on an open line: ``return_booked``, ``repayment_booked`` or ``set_aside``."""
        actor.require(Role.CASHIER, doing=N_("Posten des Kontoauszugs entscheiden"))
        if decision not in ("return_booked", "repayment_booked", "set_aside"):
            raise InvalidInputError(
                message("Unbekannte Entscheidung »{decision}«.", decision=decision), field="decision"
            )
        allowed = {"return_booked": ("returned",), "repayment_booked": ("repayment",)}.get(decision, OPEN_OUTCOMES)
        self.open_line(index, *allowed)
        if decision == "set_aside":
            note = require_reason(note)
        self._line_settled(index=index, decision=decision, note=note, **actor.stamp)

    class StatementLineSettled(Aggregate.Event):
        index: int
        decision: str
        note: str
        actor_id: UUID
        actor_role: str

    @event(StatementLineSettled)
    def _line_settled(self, index: int, decision: str, note: str, actor_id: UUID, actor_role: str) -> None:
        self.settled_lines = {**self.settled, str(index): {"decision": decision, "note": note}}


def _outcome_german(outcome: str) -> Message:
    return marked(
        {
            "booked": N_("schon gebucht"),
            "already_booked": N_("schon gebucht"),
            "returned": N_("ein Rücklauf"),
            "repayment": N_("eine vorgeschlagene Rückzahlung"),
            "unmatched": N_("nicht zugeordnet"),
            "amount_differs": N_("eine Überweisung mit abweichendem Betrag"),
            "refused": N_("eine nicht gebuchte Überweisung"),
        }.get(outcome, N_("nicht offen"))
    )
