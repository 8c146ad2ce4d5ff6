"""What a letter says, as plain values: made from one event of the log and the grant file around it.

Every letter is made from exactly one event (the decision or the reminder) at one log position; that
event's stored bytes have a SHA-256 (``projections.case_file.event_digest``), and the verification code
printed on the letter is derived from the grant, the kind, the position and that hash. A preview before
the decision is final has no source yet: it is marked as a draft and carries no code.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from domain.grant import LETTER_KINDS
from domain.money import Money
from domain.plan import FinancingType
from projections.db import Cursor
from projections.deadlines import label
from projections.grant_files import GrantFiles

KINDS = LETTER_KINDS
# Which event each kind of letter is made from.
SOURCE_EVENTS = {
    "zuwendungsbescheid": "GrantApproved",
    "ablehnungsbescheid": "ApplicationRejected",
    "aenderungsbescheid": "GrantAmended",
    "widerrufsbescheid": "GrantRevoked",
    "erinnerung": "ReminderSent",
}
KIND_OF_EVENT = {event: kind for kind, event in SOURCE_EVENTS.items()}


def verification_code(grant_id: UUID, kind: str, position: int, sha256: str) -> str:
    """A short code to read out on the phone or type into the check: 12 letters and digits in three groups."""
    digest = hashlib.sha256(f"foerderbuch-schreiben|{grant_id.hex}|{kind}|{position}|{sha256}".encode()).digest()
    text = base64.b32encode(digest).decode("ascii")[:12]
    return f"{text[:4]}-{text[4:8]}-{text[8:]}"


@dataclass(frozen=True)
class Source:
    """The event a letter is made from: its log position, its SHA-256 and the code derived from both."""

    position: int
    sha256: str
    code: str


@dataclass(frozen=True)
class Addressee:
    name: str
    street: str = ""
    postcode: str = ""
    city: str = ""
    contact: str = ""  # "z. Hd." line: the association's contact person, if it names one


@dataclass(frozen=True)
class Office:
    """The sender: the office, the person to contact about this letter, and the city's bank account."""

    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""


@dataclass(frozen=True)
class PlanLine:
    label: str
    amount: Money


@dataclass(frozen=True)
class ClaimFacts:
    """A repayment claim as the revocation notice states it: principal, interest rule and the interest so far."""

    principal: Money
    arose_on: date
    margin: Decimal
    interest_so_far: Money
    as_of: date
    due_on: date
    legal_basis: str = "VwVfG NRW"  # the act whose § 49a sets the refund and its interest


@dataclass(frozen=True)
class LetterFacts:
    kind: str
    grant_id: UUID
    file_number: str
    grant_title: str
    purpose: str
    programme: str
    letter_date: date
    addressee: Addressee
    office: Office
    source: Source | None  # None: a preview before the decision is final
    decided_on: date
    amount: Money | None = None
    financing_type: str = ""
    rate: Decimal | None = None
    maximum: Money | None = None
    period_start: date | None = None
    period_end: date | None = None
    year_split: list[tuple[str, Money]] = field(default_factory=list)
    cost_lines: list[PlanLine] = field(default_factory=list)
    funding: list[PlanLine] = field(default_factory=list)
    total_costs: Money | None = None
    conditions: str = ""
    rule_set: str = ""
    drawdown_horizon: str = ""
    proof_due: date | None = None
    interim_due: list[tuple[int, date]] = field(default_factory=list)
    payments_after_final_notice: bool = False
    reason: str = ""
    previous_amount: Money | None = None
    remaining_amount: Money | None = None
    effective_on: date | None = None
    paid: Money | None = None
    claim: ClaimFacts | None = None
    reminder_of: str = ""
    reminder_due: date | None = None
    report: str = ""  # the association's own Sachbericht, where the reasons rest on it (revocation)
    report_on: date | None = None
    heard_on: date | None = None  # revocation: the hearing (§ 28 VwVfG NRW), recorded since two people decide

    @property
    def title(self) -> str:
        return KINDS[self.kind]

    @property
    def draft(self) -> bool:
        return self.source is None


def _horizon(duration: str) -> str:
    number = "".join(c for c in duration if c.isdigit())
    unit = {"M": "Monaten", "W": "Wochen", "D": "Tagen"}.get(duration[-1:], duration)
    return f"{number} {unit}"


def _terms(terms: Any) -> dict[str, Any]:
    plan, rules, period = terms.plan, terms.rule_set, terms.period
    return {
        "amount": terms.amount,
        "financing_type": FinancingType(terms.financing_type).german,
        "rate": terms.rate,
        "maximum": terms.maximum,
        "period_start": period.start,
        "period_end": period.end,
        "year_split": sorted(terms.year_split.items()),
        "cost_lines": [PlanLine(line.label, line.amount) for line in plan.cost_lines],
        "funding": [
            PlanLine("Eigenmittel", plan.own_funds),
            PlanLine("Drittmittel", plan.third_party_funds),
            PlanLine("Einnahmen", plan.income),
            PlanLine("Zuwendung der Stadt Dortmund", terms.amount),
        ],
        "total_costs": plan.total_costs,
        "conditions": terms.conditions,
        "rule_set": rules.version,
        "drawdown_horizon": _horizon(rules.drawdown_horizon),
        "proof_due": terms.final_proof_due,
        "interim_due": [(year, terms.interim_proof_due(year)) for year in range(period.start.year, period.end.year)],
        "payments_after_final_notice": bool(getattr(rules, "payments_after_final_notice", False)),
    }


@dataclass(frozen=True)
class GrantBasics:
    """Who and what the letter is about, as the grant file names them."""

    grant_id: UUID
    file_number: str
    title: str
    purpose: str
    programme: str

    @classmethod
    def from_file(cls, cursor: Cursor, grant_id: UUID) -> GrantBasics:
        grant = GrantFiles.grant(cursor, grant_id)
        if grant is None:
            raise LookupError(f"grant {grant_id} is not in the grant files")
        row = grant.row
        return cls(grant_id, row.file_number, row.title, row.purpose, f"{row.programme_code} – {row.programme_title}")


def letter_facts(
    kind: str,
    basics: GrantBasics,
    event: Any,
    addressee: Addressee,
    office: Office,
    letter_date: date,
    source: Source | None,
    claim: ClaimFacts | None = None,
    report: tuple[str, date] | None = None,
) -> LetterFacts:
    """The facts of one letter from its source ``event`` (a decoded domain event, or for a preview an object
    with the same attributes) and the grant's basics (``GrantBasics.from_file`` reads them from the grant file)."""
    if kind not in KINDS:
        raise ValueError(f"unknown letter kind {kind!r}")
    values: dict[str, Any] = {}
    if kind in ("zuwendungsbescheid", "aenderungsbescheid"):
        values.update(_terms(event.terms))
        values["reason"] = getattr(event, "reason", "") or ""
    elif kind == "ablehnungsbescheid":
        values["reason"] = event.reason
    elif kind == "widerrufsbescheid":
        grounds = getattr(event, "proposal_reason", None)  # the prepared grounds, then the decision's reasons
        values.update(
            reason="\n\n".join(text for text in (grounds, event.reason) if text),
            heard_on=getattr(event, "heard_on", None),
            previous_amount=event.previous_amount,
            remaining_amount=event.remaining_amount,
            effective_on=event.effective_on,
            paid=event.paid,
            claim=claim,
        )
        if report is not None:
            values.update(report=report[0], report_on=report[1])
    elif kind == "erinnerung":
        values.update(reminder_of=label(event.key), reminder_due=event.due, proof_due=event.due)
    return LetterFacts(
        kind=kind,
        grant_id=basics.grant_id,
        file_number=basics.file_number,
        grant_title=basics.title,
        purpose=basics.purpose,
        programme=basics.programme,
        letter_date=letter_date,
        addressee=addressee,
        office=office,
        source=source,
        decided_on=event.on,
        **values,
    )
