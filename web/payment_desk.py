"""What finance and the cash office do with payment runs and bank statements, for the page and the API alike.

* ``release_together``: the chosen certified payments are released one by one (each the grant's own
  decision with its four-eyes rules: a payment the releaser certified or requested is refused on its
  own, with the reason, while the others go ahead); the released ones become one payment run with its
  SEPA credit-transfer file (pain.001, ``exports.sepa``) from the city's account. Without that account
  (``FOERDERBUCH_SEPA_DEBTOR_*``) nothing is released: ``DebtorError`` says which settings are missing.
* ``import_statement``: every outgoing transfer of a camt.053 statement whose end-to-end id belongs to
  a released payment is booked with the statement's value date; returned transfers (with their reason
  code), incoming money naming the file number of a grant with an open claim (a proposed repayment)
  and lines nobody can match are recorded as open lines for a person to decide
  (``FundingOffice.book_statement_return`` / ``book_statement_repayment``). The statement is recorded
  once (by its SHA-256): importing it again changes nothing.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.application import AggregateNotFoundError

from domain.actors import Actor
from domain.application import FundingOffice
from domain.errors import AlreadyExistsError, DomainError, InvalidInputError
from domain.messages import message
from domain.payment_run import BANK_STATEMENTS, PaymentRun, end_to_end_id
from exports.sepa import Debtor, DebtorError, Transfer, credit_transfer, message_id, read_statement, require_payer
from projections.db import Cursor
from projections.payment_runs import PayablePayment, PaymentRuns
from projections.register import Register
from projections.web_queries import OpenClaim, open_claims

Reader = Callable[[], AbstractContextManager[Cursor]]
"""A read-only transaction on the read models after they have seen the caller's own writes."""


@dataclass(frozen=True)
class Refusal:
    payment_id: UUID
    file_number: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file_number or self.payment_id}: {self.reason}"


@dataclass
class RunResult:
    """What releasing together did: the run made (if any), the payments in it, and those refused."""

    run_id: UUID | None = None
    payments: list[PayablePayment] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)

    def notice(self) -> str:
        """The German sentence for the page."""
        if self.run_id is None:
            return "Nichts freigegeben. " + "; ".join(str(r) for r in self.refused)
        text = f"{len(self.payments)} Zahlungen freigegeben; Zahlungslauf mit SEPA-Datei erstellt (Lauf {self.run_id})."
        if self.refused:
            text += " Nicht freigegeben: " + "; ".join(str(r) for r in self.refused)
        return text


def release_together(
    office: FundingOffice,
    read: Reader,
    actor: Actor,
    chosen: list[UUID],
    execution_date: date,
    payer: Debtor | None,
) -> RunResult:
    """Releases the chosen payments (and takes released ones not yet in a run) into one payment run."""
    payer = require_payer(payer)  # nothing is released without the city's account
    result = RunResult()
    with read() as cursor:
        payments = {p.payment_id: p for p in PaymentRuns.payments(cursor, "certified", limit=100000)}
        leftovers = {p.payment_id: p for p in PaymentRuns.payments(cursor, "released", limit=100000) if not p.run_id}
    released: list[PayablePayment] = []
    for payment_id in dict.fromkeys(chosen):
        payment = payments.get(payment_id) or leftovers.get(payment_id)
        if payment is None:
            result.refused.append(Refusal(payment_id, "", "nicht mehr zur Freigabe offen"))
            continue
        if payment.status == "certified":
            try:
                office.release_payment(payment.grant_id, payment.payment_id, actor, on=office.today())
            except DomainError as error:
                result.refused.append(Refusal(payment_id, payment.file_number, error.message))
                continue
        released.append(payment)
    if not released:
        return result
    with read() as cursor:  # the payee and IBAN as the record holds them at release time
        fresh = [PaymentRuns.payment(cursor, p.payment_id) or p for p in released]
    transfers = [
        Transfer(end_to_end_id(p.payment_id), p.organisation_name, p.iban, p.amount, p.purpose_line) for p in fresh
    ]
    number = hashlib.sha256("".join(t.end_to_end_id for t in transfers).encode()).hexdigest()[:8].upper()
    msg_id = message_id(datetime.now(), number)
    xml = credit_transfer(transfers, execution_date, msg_id, payer)
    items = [
        {
            "grant_id": p.grant_id.hex,
            "payment_id": p.payment_id.hex,
            "end_to_end_id": t.end_to_end_id,
            "file_number": p.file_number,
            "payee": t.name,
            "iban": t.iban,
            "bic": t.bic or "",
            "cents": int(t.amount.amount * 100),
            "purpose": t.purpose,
        }
        for p, t in zip(fresh, transfers, strict=True)
    ]
    result.run_id = office.record_payment_run(
        execution_date, items, f"sepa-{execution_date:%Y%m%d}-{number}.xml", xml, msg_id, actor
    )
    result.payments = fresh
    return result


def posting_coordinates(cursor: Cursor) -> dict[tuple[UUID, int], str]:
    """»Produkt / Sachkonto / Kostenstelle« of each programme and fiscal year, as payments are posted."""
    return {
        (row.programme_id, row.fiscal_year): f"{row.product} / {row.account} / {row.cost_centre}"
        for row in Register.programme_years(cursor)
    }


def _claim_named(claims: list[OpenClaim], remittance: str) -> OpenClaim | None:
    """The open claim whose grant's file number the remittance text names as a whole word (the longest)."""
    found = [
        c
        for c in claims
        if c.file_number and re.search(rf"(?<![\w-]){re.escape(c.file_number)}(?![\w-])", remittance, re.IGNORECASE)
    ]
    return max(found, key=lambda c: len(c.file_number)) if found else None


def import_statement(office: FundingOffice, read: Reader, actor: Actor, content: bytes, name: str) -> dict[str, Any]:
    """Books what the statement confirms and records what a person must decide; records it once.

    Raises ``exports.sepa.StatementError`` (German message) for a file that is no camt.053 statement.
    """
    statement = read_statement(content)
    sha256 = hashlib.sha256(content).hexdigest()
    aggregate_id = uuid5(BANK_STATEMENTS, sha256)
    duplicate = {
        "duplicate": True,
        "id": aggregate_id,
        "statement_id": statement.statement_id,
        "booked": [],
        "open": [],
    }
    if aggregate_id in office.repository:
        return duplicate
    booked: list[dict[str, Any]] = []
    open_lines: list[dict[str, Any]] = []
    with read() as cursor:
        claims = open_claims(cursor, limit=100000)
        known: dict[str, PayablePayment] = {}
        for status in ("released", "booked"):
            for p in PaymentRuns.payments(cursor, status, limit=1000000):
                known[end_to_end_id(p.payment_id)] = p
    for entry in statement.entries:
        payment = known.get(entry.end_to_end_id) if entry.end_to_end_id else None
        line: dict[str, Any] = {
            "index": entry.index,
            "amount": str(entry.amount.amount),
            "value_date": entry.value_date.isoformat() if entry.value_date else "",
            "end_to_end_id": entry.end_to_end_id,
            "remittance": entry.remittance[:140],
            "counterparty": entry.counterparty[:70],
        }
        if payment is not None:
            line.update(
                file_number=payment.file_number, grant_id=payment.grant_id.hex, payment_id=payment.payment_id.hex
            )
        if entry.credit and entry.return_reason:
            line.update(outcome="returned", reason=entry.return_reason)
            line.setdefault("file_number", "")
            line.setdefault("grant_id", "")
            open_lines.append(line)
        elif not entry.credit and payment is not None and payment.status == "booked":
            line.update(outcome="already_booked")
            booked.append(line)
        elif not entry.credit and payment is not None and entry.booked and entry.value_date is not None:
            if entry.amount != payment.amount:
                line.update(outcome="amount_differs")
                open_lines.append(line)
                continue
            try:
                office.book_payment(payment.grant_id, payment.payment_id, entry.value_date, actor)
            except DomainError as error:
                line.update(outcome="refused", reason=error.message)
                open_lines.append(line)
                continue
            line.update(outcome="booked")
            booked.append(line)
        elif entry.credit and (claim := _claim_named(claims, entry.remittance)) is not None:
            line.update(
                outcome="repayment",
                file_number=claim.file_number,
                grant_id=claim.grant_id.hex,
                claim_id=claim.claim_id.hex,
            )
            open_lines.append(line)
        else:
            line.update(outcome="unmatched")
            open_lines.append(line)
    try:
        office.record_bank_statement(aggregate_id, statement.statement_id, name, sha256, booked + open_lines, actor)
    except AlreadyExistsError:
        return duplicate
    return {
        "duplicate": False,
        "id": aggregate_id,
        "statement_id": statement.statement_id,
        "booked": booked,
        "open": open_lines,
    }


DECISIONS = ("return", "repayment", "set_aside")
"""What the cash office decides on an open statement line: book the return, book the repayment, set it aside."""


def decide_line(
    office: FundingOffice, actor: Actor, statement_id: UUID, index: int, decision: str, reason: str = ""
) -> None:
    """Carries out the cash office's decision on an open statement line (the domain checks who may)."""
    if decision == "return":
        office.book_statement_return(statement_id, index, actor)
    elif decision == "repayment":
        office.book_statement_repayment(statement_id, index, actor)
    elif decision == "set_aside":
        office.set_statement_line_aside(statement_id, index, reason, actor)
    else:
        raise InvalidInputError(
            message("Unbekannte Entscheidung »{decision}«.", decision=decision[:40]), field="decision"
        )


def payment_run(office: FundingOffice, run_id: UUID) -> PaymentRun | None:
    """The recorded payment run with this id (its file and hash), or None."""
    try:
        run: object = office.repository.get(run_id)
    except AggregateNotFoundError:
        return None
    return run if isinstance(run, PaymentRun) else None


__all__ = [
    "DECISIONS",
    "DebtorError",
    "Refusal",
    "RunResult",
    "decide_line",
    "import_statement",
    "payment_run",
    "posting_coordinates",
    "release_together",
]
