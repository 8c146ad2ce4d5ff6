"""Retention periods: which records with personal data have been kept long enough.

Public-law retention wins while it runs (Art. 17 (3) b GDPR); afterwards the data must go (Art. 5 (1) e).
Each kind of record has a rule, set in years (``FOERDERBUCH_RETENTION_*``):

* **applications not granted** (rejected or withdrawn): their documents and conversation, from 1 January
  after the decision;
* **grants** — the books, 10 years (KomHVO NRW § 59) — and their **receipts**, 6 years, their other
  **uploaded documents** and their **messages** (notes and the conversation): from 1 January after the
  council adopted the annual accounts of the year the grant was closed (adopted
  ``FOERDERBUCH_RETENTION_ACCOUNTS_ADOPTED_AFTER`` years after that year, 1 by default);
* **user accounts**: disabled accounts, from 1 January after they were disabled (their names are in the
  audit trail of the books, hence 10 years by default).

``due`` reads the log (never a read model that could lag behind) and lists every record whose period
has passed on a given day and that has not been erased yet, with the rule, the day the period started,
the day it ended and the command that erases it. Amounts, decisions and the audit trail are never
erased; the books' period only decides when an organisation's contact persons may go.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.utils import get_topic

from domain.application import FundingOffice
from domain.grant import Grant
from domain.personal_data import is_erased
from domain.privacy import DOCUMENTS, Erasure
from domain.user import User
from foerderbuch.privacy.keys import KeyStore
from foerderbuch.settings import Settings

APPLICATIONS, GRANTS, RECEIPTS, DOCUMENTS_CATEGORY, MESSAGES, ACCOUNTS = (
    "applications",
    "grants",
    "receipts",
    "documents",
    "messages",
    "accounts",
)
RECEIPT_EVENTS = {"ExpenseReported", "InterimProofSubmitted", "ProofOfUseSubmitted", "PaymentRequested"}
"""Documents enclosed with these decisions are receipts (Belege); every other upload is a document."""


@dataclass(frozen=True)
class Rule:
    category: str
    german: str
    years: int
    basis: str
    after_accounts: bool  # the period starts after the annual accounts were adopted, not after the event

    def runs_from(self, ended: date, adopted_after: int) -> date:
        """1 January after the year ``ended`` (or after the annual accounts of that year were adopted)."""
        return date(ended.year + 1 + (adopted_after if self.after_accounts else 0), 1, 1)

    def due_on(self, ended: date, adopted_after: int) -> date:
        start = self.runs_from(ended, adopted_after)
        return date(start.year + self.years, 1, 1)

    @property
    def text(self) -> str:
        return f"{self.german}: {self.years} Jahre ({self.basis})"


def rules(settings: Settings) -> dict[str, Rule]:
    return {
        APPLICATIONS: Rule(
            APPLICATIONS,
            "Anträge ohne Bewilligung",
            settings.retention_applications_years,
            "keine Buchung; Verjährung § 195 BGB",
            False,
        ),
        GRANTS: Rule(GRANTS, "Zuwendungen (Bücher)", settings.retention_grants_years, "§ 59 KomHVO NRW", True),
        RECEIPTS: Rule(RECEIPTS, "Belege", settings.retention_receipts_years, "§ 59 KomHVO NRW", True),
        DOCUMENTS_CATEGORY: Rule(
            DOCUMENTS_CATEGORY, "hochgeladene Unterlagen", settings.retention_documents_years, "Schriftgut", True
        ),
        MESSAGES: Rule(MESSAGES, "Vermerke und Nachrichten", settings.retention_messages_years, "Schriftgut", True),
        ACCOUNTS: Rule(
            ACCOUNTS, "Benutzerkonten (gesperrt)", settings.retention_accounts_years, "Prüfpfad der Bücher", False
        ),
    }


@dataclass(frozen=True)
class DueRecord:
    """A record whose retention period has passed and which still holds personal data."""

    category: str
    rule: Rule
    what: str  # German: which record, e.g. "Zuwendung IB-2025-004 (abgelehnt am 12.05.2025): 2 Unterlagen"
    ended_on: date
    runs_from: date
    due_on: date
    command: str
    target: UUID  # the grant, organisation or user the command names


@dataclass
class _GrantFile:
    grant_id: UUID
    file_number: str = ""
    organisation_id: UUID | None = None
    ended: tuple[str, date] | None = None  # ("rejected"|"withdrawn"|"closed", day)
    receipts: set[str] = field(default_factory=set)
    documents: set[str] = field(default_factory=set)
    texts: int = 0
    erased_documents: set[str] = field(default_factory=set)


GERMAN_END = {"rejected": "abgelehnt", "withdrawn": "zurückgezogen", "closed": "abgeschlossen"}


def _events(office: FundingOffice, classes: list[Any]) -> Iterator[tuple[int, Any]]:
    topics = [get_topic(cls) for cls in classes]
    start: int | None = None
    while True:
        batch = office.recorder.select_notifications(start=start, limit=1000, topics=topics, inclusive_of_start=False)
        for notification in batch:
            yield int(notification.id), office.mapper.to_domain_event(notification)
        if len(batch) < 1000:
            return
        start = batch[-1].id


def _documents(value: Any) -> set[str]:
    return {str(d.get("sha256")) for d in value or () if isinstance(d, dict) and d.get("sha256")}


def due(office: FundingOffice, keys: KeyStore, settings: Settings, on: date) -> list[DueRecord]:
    """Every record past its retention period on ``on`` that still holds personal data, oldest first."""
    table = rules(settings)
    lag = settings.retention_accounts_adopted_after
    files: dict[UUID, _GrantFile] = {}
    disabled: dict[UUID, date] = {}
    G: Any = Grant
    U: Any = User
    classes = [
        G.ApplicationReceived,
        G.ApplicationRejected,
        G.ApplicationWithdrawn,
        G.GrantClosed,
        G.DocumentsReceived,
        G.DocumentsAttached,
        G.MessagePosted,
        G.TextsRecorded,
        U.Disabled,
        U.Enabled,
        Erasure.Recorded,
    ]
    for _, event in _events(office, classes):
        name = type(event).__name__
        if isinstance(event, Erasure.Recorded):
            if event.kind == DOCUMENTS and event.grant_id is not None:
                files.setdefault(event.grant_id, _GrantFile(event.grant_id)).erased_documents.update(event.documents)
            continue
        if name in ("Disabled", "Enabled"):
            if name == "Disabled":
                disabled[event.originator_id] = event.timestamp.date()
            else:
                disabled.pop(event.originator_id, None)
            continue
        grant = files.setdefault(event.originator_id, _GrantFile(event.originator_id))
        if name == "ApplicationReceived":
            grant.file_number, grant.organisation_id = event.file_number, event.organisation_id
        elif name == "ApplicationRejected":
            grant.ended = ("rejected", event.on)
        elif name == "ApplicationWithdrawn":
            grant.ended = ("withdrawn", event.on)
        elif name == "GrantClosed":
            grant.ended = ("closed", event.on)
        elif name == "DocumentsAttached":
            (grant.receipts if event.regarding in RECEIPT_EVENTS else grant.documents).update(
                _documents(event.documents)
            )
        elif name in ("DocumentsReceived", "MessagePosted"):
            grant.documents.update(_documents(getattr(event, "documents", None)))
            grant.texts += name == "MessagePosted"
        elif name == "TextsRecorded":
            grant.texts += 1
    found: list[DueRecord] = []
    contacts_open: dict[UUID, date | None] = {}  # organisation -> latest day its books' periods end (None: open)
    for grant in files.values():
        if not grant.file_number:
            continue  # an erasure of a grant unknown here
        organisation = grant.organisation_id
        if grant.ended is None:
            if organisation is not None:
                contacts_open[organisation] = None
            continue
        how, ended = grant.ended
        label = f"Zuwendung {grant.file_number} ({GERMAN_END[how]} am {ended:%d.%m.%Y})"
        conversation_erased = keys.is_erased(grant.grant_id)
        command = f"foerderbuch privacy erase documents {grant.grant_id}"
        if how in ("rejected", "withdrawn"):
            rule = table[APPLICATIONS]
            left = (grant.receipts | grant.documents) - grant.erased_documents
            texts = 0 if conversation_erased else grant.texts
            if (left or texts) and rule.due_on(ended, lag) <= on:
                found.append(_due(rule, f"{label}: {_count(len(left), texts)}", ended, lag, command, grant.grant_id))
            continue
        for category, shas in ((RECEIPTS, grant.receipts), (DOCUMENTS_CATEGORY, grant.documents)):
            left = shas - grant.erased_documents
            if left and table[category].due_on(ended, lag) <= on:
                what = f"{label}: {len(left)} {'Belege' if category == RECEIPTS else 'Unterlagen'}"
                found.append(_due(table[category], what, ended, lag, command, grant.grant_id))
        if grant.texts and not conversation_erased and table[MESSAGES].due_on(ended, lag) <= on:
            what = f"{label}: {grant.texts} Vermerke und Nachrichten"
            found.append(_due(table[MESSAGES], what, ended, lag, command, grant.grant_id))
        if organisation is not None and contacts_open.get(organisation, date.min) is not None:
            end = table[GRANTS].due_on(ended, lag)
            contacts_open[organisation] = max(end, contacts_open.get(organisation) or date.min)
    found.extend(_contacts_due(office, table[GRANTS], contacts_open, on))
    for user_id, day in disabled.items():
        rule = table[ACCOUNTS]
        if keys.is_erased(user_id) or rule.due_on(day, 0) > on:
            continue
        try:
            user = office.user(user_id)
        except Exception:
            continue
        if is_erased(user.email):
            continue
        what = f"Benutzerkonto {user_id} (gesperrt am {day:%d.%m.%Y})"
        found.append(_due(rule, what, day, 0, f"foerderbuch privacy erase person {user_id}", user_id))
    return sorted(found, key=lambda r: (r.due_on, r.category, r.what))


def _contacts_due(
    office: FundingOffice, rule: Rule, contacts_open: dict[UUID, date | None], on: date
) -> list[DueRecord]:
    """An organisation's contact persons may go once the books of every grant it received are past."""
    found = []
    for organisation_id, until in contacts_open.items():
        if until is None or until > on:
            continue
        organisation = office.organisation(organisation_id)
        left = [p for p in organisation.contact_persons.values() if not is_erased(p.get("name", ""))]
        if not left:
            continue
        what = f"Organisation {organisation.name}: {len(left)} Ansprechpersonen (alle Zuwendungen abgeschlossen)"
        start = date(until.year - rule.years, 1, 1)
        found.append(
            DueRecord(
                GRANTS,
                rule,
                what,
                date(start.year - 1, 12, 31),
                start,
                until,
                f"foerderbuch privacy erase contacts {organisation_id}",
                organisation_id,
            )
        )
    return found


def _due(rule: Rule, what: str, ended: date, lag: int, command: str, target: UUID) -> DueRecord:
    return DueRecord(
        rule.category, rule, what, ended, rule.runs_from(ended, lag), rule.due_on(ended, lag), command, target
    )


def _count(documents: int, texts: int) -> str:
    parts = []
    if documents:
        parts.append(f"{documents} Unterlagen")
    if texts:
        parts.append(f"{texts} Vermerke und Nachrichten")
    return ", ".join(parts)
