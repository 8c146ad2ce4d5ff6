"""Finding everything held about a person, and erasing it: the log's personal fields by their keys,
the account records beside the log, snapshots that copied personal data.

A person is named by their e-mail address, their user id or their id as a contact person. Every
personal event (``domain.personal_data``) is read once; records match by subject id or by e-mail
address, so the person's user account, their entries as contact person, their invitations into a
portal and the account request they made are all found, whichever id was given.

Erasing records an ``Erasure`` event first (what, why, on which rule, who decided; the users it names
are disabled in the same save), then deletes the subjects' keys and marks them erased, removes
snapshots of the aggregates concerned and the person's account records (password hash, API tokens,
sessions, second factor, password links, open invitations, unconfirmed account requests, the mail
opt-out). Running the same erasure again finishes whatever an interruption left undone.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.persistence import Notification
from eventsourcing.utils import get_topic

from domain.actors import Actor
from domain.application import FundingOffice
from domain.errors import DomainError, InvalidInputError, NotFoundError
from domain.grant import Grant
from domain.personal_data import PERSONAL_DATA, is_erased
from domain.privacy import CONTACTS, PERSON, ErasureOrder
from domain.user import normalise_email
from foerderbuch.credentials import CredentialStore
from foerderbuch.privacy.keys import KeyStore
from foerderbuch.privacy.shredding import ENVELOPE, ShreddingMapper

RECORD_LABELS = {
    "User.Registered": "Benutzerkonto",
    "User.Migrated": "Benutzerkonto unter zufälliger Kennung",
    "UserEmail.Claimed": "Eintrag im E-Mail-Verzeichnis",
    "UserEmail.Reclaimed": "Eintrag im E-Mail-Verzeichnis",
    "Organisation.MemberIdReplaced": "Portalzugang unter zufälliger Kennung",
    "Organisation.ContactPersonRemoved": "Begründung: Ansprechperson ausgetragen",
    "Organisation.MemberRemoved": "Begründung: Portalzugang entfernt",
    "AccountRequest.Declined": "Begründung: Zugangsantrag abgelehnt",
    "AccessibilityFeedback.Received": "Rückmeldung zur Barrierefreiheit",
    "AccessibilityFeedback.Answered": "Antwort auf eine Rückmeldung zur Barrierefreiheit",
    "Organisation.ContactPersonAdded": "Ansprechperson einer Organisation",
    "Organisation.MemberInvited": "Einladung in das Portal einer Organisation",
    "AccountRequest.Submitted": "Zugangsantrag eines Vereins",
    "Grant.TextsRecorded": "Vermerk oder Nachricht zu einer Zuwendung",
    "Grant.MessagePosted": "Nachricht zu einer Zuwendung",
}


@dataclass(frozen=True)
class PersonalRecord:
    """One personal event: where it is in the log, whose it is, and what it says (in clear, or ``gelöscht``)."""

    position: int
    event: str  # e.g. "User.Registered"
    aggregate_id: UUID
    subject: UUID | None
    fields: dict[str, Any]
    encrypted: bool
    person: UUID | None = None  # the user a record of the e-mail index names

    @property
    def previous_id(self) -> UUID | None:
        """The derived id a user had before a random one (``User.Migrated``), while readable."""
        value = self.fields.get("previous_id")
        return value if isinstance(value, UUID) else None

    @property
    def label(self) -> str:
        if self.event.startswith("User.") and self.event not in RECORD_LABELS:
            return "Begründung zu einem Benutzerkonto"
        return RECORD_LABELS.get(self.event, self.event)

    @property
    def email(self) -> str | None:
        value = self.fields.get("email")
        return value if isinstance(value, str) and value and not is_erased(value) else None


@dataclass
class Findings:
    """What an erasure (or an access request) concerns."""

    kind: str
    records: list[PersonalRecord] = field(default_factory=list)
    user_ids: set[UUID] = field(default_factory=set)
    emails: set[str] = field(default_factory=set)
    organisation_id: UUID | None = None

    @property
    def previous_ids(self) -> set[UUID]:
        """The ids release 0.1 derived for the person before they moved to a random one."""
        return {r.previous_id for r in self.records if r.previous_id is not None}

    @property
    def all_subjects(self) -> set[UUID]:
        return {r.subject for r in self.records if r.subject is not None} | self.user_ids

    @property
    def unlinked(self) -> list[UUID]:
        """Subjects that can be found from the person's address (an id derived from it, the e-mail index's
        entries) once they also have a random id: erased without being named beside that id (the erasure
        event names it), so the address does not lead to it."""
        if not self.previous_ids:
            return []
        reachable = {r.subject for r in self.records if r.event.startswith("UserEmail.") and r.subject is not None}
        return sorted(self.all_subjects & (self.previous_ids | reachable), key=str)

    @property
    def subjects(self) -> list[UUID]:
        """The subjects the erasure event names."""
        return sorted(self.all_subjects - set(self.unlinked), key=str)

    @property
    def aggregates(self) -> set[UUID]:
        return {r.aggregate_id for r in self.records} | self.user_ids

    @property
    def in_clear(self) -> list[PersonalRecord]:
        """Records written before encryption existed: shown as erased afterwards, but their bytes stay."""
        return [r for r in self.records if not r.encrypted]

    def summary(self) -> str:
        """What is erased, in German, without a name or an address (it goes into the log)."""
        counts: dict[str, int] = {}
        for record in self.records:
            counts[record.label] = counts.get(record.label, 0) + 1
        parts = [f"{n} × {label}" for label, n in sorted(counts.items())]
        if self.user_ids and not any(r.event == "User.Registered" for r in self.records):
            parts.append(f"{len(self.user_ids)} × Benutzerkonto")
        return "; ".join(parts) or "keine Einträge"


CONTACT_EVENTS = ("Organisation.ContactPersonAdded", "Organisation.MemberInvited")
"""The records an organisation's contacts erasure takes (its portal members' accounts are erased as persons)."""

ACCOUNT_TABLES = ("credentials", "api_tokens", "sessions", "password_links", "second_factors", "recovery_codes")
"""The tables beside the log that hold a user's account records, by ``user_id``."""

PEOPLE_EVENTS = tuple(cls for cls in PERSONAL_DATA if not cls.__qualname__.startswith("Grant."))
"""The personal events about people (a grant's conversation is kept under the grant's key, not a person's)."""


def personal_records(office: FundingOffice, events: tuple[type, ...] = PEOPLE_EVENTS) -> Iterator[PersonalRecord]:
    """Every personal event of these types, in log order, with its fields read through the keys."""
    mapper = office.mapper
    if not isinstance(mapper, ShreddingMapper):
        raise RuntimeError("the office was built without the key store (foerderbuch.wiring.create_office)")
    topics = [get_topic(cls) for cls in events]
    start: int | None = None
    while True:
        batch = office.recorder.select_notifications(start=start, limit=500, topics=topics, inclusive_of_start=False)
        for notification in batch:
            yield _record(mapper, notification)
        if len(batch) < 500:
            return
        start = batch[-1].id


_RULES = {cls.__qualname__: rule for cls, rule in PERSONAL_DATA.items()}


def _record(mapper: ShreddingMapper, notification: Notification) -> PersonalRecord:
    subject, fields = mapper.subject_and_fields(notification)
    raw = mapper.plain.decode(notification.state)
    event = notification.topic.split(":", 1)[-1]
    rule = _RULES.get(event)
    person = fields.get(rule.person_field) if rule is not None and rule.person_field else None
    return PersonalRecord(
        position=int(notification.id),
        event=event,
        aggregate_id=UUID(str(notification.originator_id)),
        subject=subject,
        fields=fields,
        encrypted=isinstance(raw, dict) and ENVELOPE in raw,
        person=person if isinstance(person, UUID) else None,
    )


def find_person(office: FundingOffice, who: str) -> Findings:
    """Everything personal the log holds about the person named by address, user id or contact-person id."""
    text = (who or "").strip()
    findings = Findings(PERSON)
    ids: set[UUID] = set()
    if "@" in text:
        email = normalise_email(text)
        findings.emails.add(email)
        with contextlib.suppress(NotFoundError):
            findings.user_ids.add(office.user_by_email(email).id)
    else:
        try:
            ids.add(UUID(text))
        except ValueError:
            raise InvalidInputError(
                f"»{text}« ist weder eine E-Mail-Adresse noch eine Kennung (UUID).", field="person"
            ) from None
        try:
            user = office.user(next(iter(ids)))
        except DomainError:
            pass
        else:
            findings.user_ids.add(user.id)
            if not is_erased(user.email):
                findings.emails.add(user.email)
    ids |= findings.user_ids
    records = list(personal_records(office))
    for _ in range(3):  # a record found by id names an address or an earlier id that finds more records
        for record in records:
            if (
                record.subject in ids
                or record.person in ids
                or (record.email is not None and record.email in findings.emails)
            ):
                if record not in findings.records:
                    findings.records.append(record)
                if record.email:
                    findings.emails.add(record.email)
                if record.event in ("User.Registered", "User.Migrated"):
                    findings.user_ids.add(record.aggregate_id)
                if record.previous_id is not None:  # the derived id the person had before
                    findings.user_ids.add(record.previous_id)
                    ids.add(record.previous_id)
                if record.subject is not None:
                    ids.add(record.subject)
    findings.records.sort(key=lambda r: r.position)
    if not findings.records and not findings.user_ids:
        raise NotFoundError(f"Zu »{text}« sind keine personenbezogenen Daten gespeichert.", field="person")
    return _not_yet_erased(office, findings, text)


def _not_yet_erased(office: FundingOffice, findings: Findings, text: str) -> Findings:
    """Leaves out what an earlier erasure already took; refuses when nothing is left."""
    keys = key_store(office)
    findings.records = [r for r in findings.records if r.subject is None or not keys.is_erased(r.subject)]
    findings.user_ids = {u for u in findings.user_ids if not keys.is_erased(u)}
    if not findings.records and not findings.user_ids:
        raise NotFoundError(f"Die Daten zu »{text}« sind bereits gelöscht.", field="person")
    return findings


def find_contacts(office: FundingOffice, organisation_id: UUID) -> Findings:
    """The contact persons and invitations an organisation recorded (not its portal members' accounts)."""
    office.organisation(organisation_id)  # NotFoundError for an unknown organisation
    findings = Findings(CONTACTS, organisation_id=organisation_id)
    for record in personal_records(office):
        if record.aggregate_id == organisation_id and record.event in CONTACT_EVENTS:
            findings.records.append(record)
            if record.email:
                findings.emails.add(record.email)
    if not findings.records:
        raise NotFoundError("Diese Organisation hat keine Ansprechpersonen oder Einladungen gespeichert.")
    return _not_yet_erased(office, findings, str(organisation_id))


@dataclass(frozen=True)
class ErasureResult:
    erasure_id: UUID
    keys_deleted: int
    subjects: int
    snapshots_deleted: int
    account_records_deleted: int
    in_clear: int
    letter_copies_deleted: int = 0


class DocumentStore(Protocol):
    def delete(self, sha256: str) -> bool: ...


def letters_naming(office: FundingOffice, organisation_ids: set[UUID], user_ids: set[UUID]) -> list[str]:
    """SHA-256 of every issued letter that may print an erased name: letters to the organisations whose
    contact persons were erased, and letters signed by an erased user (the clerk of the grant or the
    person who made the letter's decision). Read from the log, so none is missed behind the read models."""
    found: list[str] = []
    start: int | None = None
    topic = get_topic(Grant.LetterIssued)
    grants: dict[UUID, Grant] = {}
    while True:
        batch = office.recorder.select_notifications(start=start, limit=500, topics=[topic], inclusive_of_start=False)
        for notification in batch:
            event: Any = office.mapper.to_domain_event(notification)
            grant_id = UUID(str(notification.originator_id))
            if grant_id not in grants:
                grants[grant_id] = office.grant(grant_id)
            grant = grants[grant_id]
            names = grant.organisation_id in organisation_ids or grant.reviewer_id in user_ids
            if not names and user_ids:
                source = office.recorder.select_notifications(start=event.source_position, limit=1)
                if source and source[0].id == event.source_position:
                    decided_by = getattr(office.mapper.to_domain_event(source[0]), "actor_id", None)
                    names = decided_by in user_ids
            sha = str(event.document.get("sha256", ""))
            if names and sha:
                found.append(sha)
        if len(batch) < 500:
            return found
        start = batch[-1].id


def erase(
    office: FundingOffice,
    credentials: CredentialStore | None,
    findings: Findings,
    reason: str,
    rule: str,
    actor: Actor,
    documents: DocumentStore | None = None,
) -> ErasureResult:
    """Records the erasure, then deletes the keys, the snapshots, the account records and the stored
    copies of letters that printed the person's name (they are made again from the log when opened)."""
    keys = key_store(office)
    order = ErasureOrder(
        findings.kind,
        findings.subjects,
        findings.summary(),
        reason,
        rule,
        user_ids=sorted(findings.user_ids - findings.previous_ids, key=str),
        organisation_id=findings.organisation_id,
    )
    erasure_id = office.record_erasure(order, actor)
    deleted = keys.erase(findings.subjects, erasure_id, findings.unlinked)
    snapshots = purge_snapshots(office, findings.aggregates)
    records = 0
    if credentials is not None:
        records = forget_accounts(credentials, findings.user_ids, findings.emails)
    copies = 0
    if documents is not None:
        organisations = {r.aggregate_id for r in findings.records if r.event.startswith("Organisation.")}
        for sha in sorted(set(letters_naming(office, organisations, findings.user_ids))):
            copies += documents.delete(sha)
    return ErasureResult(
        erasure_id, deleted, len(findings.all_subjects), snapshots, records, len(findings.in_clear), copies
    )


def key_store(office: FundingOffice) -> KeyStore:
    mapper = office.mapper
    if not isinstance(mapper, ShreddingMapper):
        raise RuntimeError("the office was built without the key store (foerderbuch.wiring.create_office)")
    return mapper.keys


def purge_snapshots(office: FundingOffice, aggregate_ids: set[UUID]) -> int:
    """Deletes the snapshots of these aggregates (a cache: they are made again from the events when needed)."""
    store = office.snapshots
    if store is None or not aggregate_ids:
        return 0
    recorder: Any = store.recorder
    table = getattr(recorder, "events_table_name", None)
    datastore = getattr(recorder, "datastore", None)
    deleted = 0
    if table is not None and datastore is not None:
        schema = getattr(datastore, "schema", None)
        with datastore.transaction(commit=True) as wrapped:
            cursor = getattr(wrapped, "sqlite_cursor", wrapped)
            for aggregate_id in aggregate_ids:
                if schema is not None:  # PostgreSQL: the table lives in the store's schema
                    from psycopg import sql

                    statement = sql.SQL("DELETE FROM {}.{} WHERE originator_id = %s").format(
                        sql.Identifier(schema), sql.Identifier(table)
                    )
                    cursor.execute(statement, (aggregate_id,))
                else:
                    cursor.execute("PRAGMA secure_delete=ON")  # the snapshot's bytes are zeroed, not left in free pages
                    cursor.execute(f"DELETE FROM {table} WHERE originator_id = ?", (aggregate_id.hex,))
                deleted += max(cursor.rowcount, 0)
        return deleted
    # the in-memory store (tests): its rows are a list with an index
    events = getattr(recorder, "_stored_events", None)
    if isinstance(events, list):
        with recorder._database_lock:
            keep = [e for e in events if UUID(str(e.originator_id)) not in aggregate_ids]
            deleted = len(events) - len(keep)
            events[:] = keep
            index = recorder._stored_events_index
            index.clear()
            for i, stored in enumerate(events):
                index[str(stored.originator_id)][stored.originator_version] = i
    return deleted


def forget_accounts(credentials: CredentialStore, user_ids: set[UUID], emails: set[str]) -> int:
    """Deletes what the account tables hold about these users and addresses; returns the rows deleted."""

    def work(cursor: Any) -> int:
        deleted = 0
        for user_id in user_ids:
            for table in ACCOUNT_TABLES:
                cursor.execute(f"SELECT COUNT(*) AS n FROM {table} WHERE user_id = ?", (str(user_id),))
                row = cursor.fetchone()
                deleted += int(row["n"]) if row else 0
                cursor.execute(f"DELETE FROM {table} WHERE user_id = ?", (str(user_id),))
            cursor.execute("SELECT COUNT(*) AS n FROM preferred_languages WHERE subject_id = ?", (str(user_id),))
            row = cursor.fetchone()
            deleted += int(row["n"]) if row else 0
            cursor.execute("DELETE FROM preferred_languages WHERE subject_id = ?", (str(user_id),))
        for email in emails:
            cursor.execute("SELECT COUNT(*) AS n FROM invitations WHERE email = ?", (email,))
            row = cursor.fetchone()
            deleted += int(row["n"]) if row else 0
            cursor.execute("DELETE FROM invitations WHERE email = ?", (email,))
        cursor.execute("SELECT token_hash, details FROM pending_account_requests")
        for row in cursor.fetchall():
            try:
                details = json.loads(row["details"])
            except ValueError:
                continue
            if isinstance(details, dict) and str(details.get("email", "")).strip().lower() in emails:
                cursor.execute("DELETE FROM pending_account_requests WHERE token_hash = ?", (row["token_hash"],))
                deleted += 1
        if credentials.records.db.table_exists(cursor, "cf_mail_off"):
            for email in emails:
                cursor.execute("DELETE FROM cf_mail_off WHERE email = ?", (email,))
        return deleted

    return credentials.records.run(work, write=True)


@dataclass(frozen=True)
class GrantRecords:
    """What erasing a grant's documents takes: files past their period and, if due, its conversation."""

    grant_id: UUID
    organisation_id: UUID
    documents: list[str]
    conversation: bool
    rules: list[str]
    what: str


def grant_records_due(office: FundingOffice, settings: Any, grant_id: UUID, on: date) -> GrantRecords:
    """The grant's records whose retention period has passed on ``on``; NotFoundError when none has."""
    from foerderbuch.privacy import retention

    grant = office.grant(grant_id)
    keys = key_store(office)
    due = [r for r in retention.due(office, keys, settings, on) if r.target == grant_id]
    if not due:
        upcoming = [r for r in retention.due(office, keys, settings, date(on.year + 200, 1, 1)) if r.target == grant_id]
        if upcoming:
            first = min(r.due_on for r in upcoming)
            raise NotFoundError(
                f"Die Aufbewahrungsfrist der Unterlagen von {grant.file_number} läuft noch: "
                f"löschbar ab {first:%d.%m.%Y} ({upcoming[0].rule.text})."
            )
        raise NotFoundError(f"Zu {grant.file_number} gibt es keine Unterlagen oder Nachrichten mehr zu löschen.")
    categories = {r.category for r in due}
    erased = _erased_documents(office, grant_id)
    documents: set[str] = set()
    for category, shas in _documents_by_category(office, grant_id).items():
        if category in categories or retention.APPLICATIONS in categories:
            documents |= shas - erased
    conversation = bool(categories & {retention.MESSAGES, retention.APPLICATIONS}) and not keys.is_erased(grant_id)
    return GrantRecords(
        grant_id,
        grant.organisation_id,
        sorted(documents),
        conversation,
        sorted({r.rule.text for r in due}),
        "; ".join(r.what for r in due),
    )


def _erased_documents(office: FundingOffice, grant_id: UUID) -> set[str]:
    from domain.privacy import Erasure

    found: set[str] = set()
    start: int | None = None
    while True:
        batch = office.recorder.select_notifications(
            start=start, limit=500, topics=[get_topic(Erasure.Recorded)], inclusive_of_start=False
        )
        for notification in batch:
            event: Any = office.mapper.to_domain_event(notification)
            if event.grant_id == grant_id:
                found.update(event.documents)
        if len(batch) < 500:
            return found
        start = batch[-1].id


def _documents_by_category(office: FundingOffice, grant_id: UUID) -> dict[str, set[str]]:
    from foerderbuch.privacy import retention

    found: dict[str, set[str]] = {retention.RECEIPTS: set(), retention.DOCUMENTS_CATEGORY: set()}
    for event in _grant_events(office, grant_id):
        documents = {str(d["sha256"]) for d in getattr(event, "documents", None) or () if isinstance(d, dict)}
        if type(event).__name__ == "DocumentsAttached" and event.regarding in retention.RECEIPT_EVENTS:
            found[retention.RECEIPTS] |= documents
        elif type(event).__name__ in ("DocumentsAttached", "DocumentsReceived", "MessagePosted"):
            found[retention.DOCUMENTS_CATEGORY] |= documents
    return found


def _grant_events(office: FundingOffice, grant_id: UUID) -> list[Any]:
    return list(office.events.get(grant_id))


def erase_grant_records(
    office: FundingOffice, records: GrantRecords, reason: str, actor: Actor, documents: DocumentStore | None
) -> ErasureResult:
    """Records the erasure of a grant's documents (their hashes stay in the log) and conversation."""
    from domain.privacy import DOCUMENTS

    parts = []
    if records.documents:
        parts.append(f"{len(records.documents)} Dateien")
    if records.conversation:
        parts.append("Vermerke und Nachrichten")
    order = ErasureOrder(
        DOCUMENTS,
        [records.grant_id] if records.conversation else [],
        f"{' und '.join(parts)} der Zuwendung ({records.what})"[:500],
        reason,
        "; ".join(records.rules)[:200],
        organisation_id=records.organisation_id,
        grant_id=records.grant_id,
        documents=records.documents,
    )
    erasure_id = office.record_erasure(order, actor)
    deleted = key_store(office).erase([records.grant_id], erasure_id) if records.conversation else 0
    files = 0
    if documents is not None:
        for sha in records.documents:
            files += documents.delete(sha)
    return ErasureResult(erasure_id, deleted, 1 if records.conversation else 0, 0, files, 0)
