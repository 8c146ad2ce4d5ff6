"""Letters from the log: made from an event, stored with its hash, and verified against the log.

``Letters.issue`` takes the stored event a letter is made from (a decision, a reminder), computes the
SHA-256 of its stored bytes, gathers the addressee (the organisation and its contact person), the
office's contact person and, for a revocation, the claim with its interest so far, renders the PDF/A
(``exports.letters``), keeps the file in the document store and records ``LetterIssued`` with the file's
SHA-256, the source's position and hash and the verification code. The association finds the letter in
the portal and gets the news by e-mail.

``Letters.verify`` answers whether a PDF is a letter of this log: its SHA-256 must be the one recorded
in a ``LetterIssued`` event — read from the log itself, not only from the read model — and the event it
names as its source must still hash to the value printed in its footer. A letter changed by one byte,
or one made from another event, is refused with the reason.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO, Protocol
from uuid import UUID

from eventsourcing.persistence import Notification

from domain.actors import Actor
from domain.application import FundingOffice
from domain.claim import Claim
from domain.dates import add_duration
from domain.errors import DomainError
from domain.grant import Grant
from exports.letters import (
    Addressee,
    GrantBasics,
    LetterFacts,
    LetterRenderer,
    Office,
    Source,
    letter_facts,
    verification_code,
)
from exports.letters.facts import KIND_OF_EVENT, ClaimFacts
from projections.case_file import CaseFile, Letter, event_digest
from projections.engine import Projector


class DocumentStore(Protocol):
    """Where the PDFs are kept, by their SHA-256 (the composition root's document store)."""

    def save(self, name: str, source: BinaryIO) -> dict[str, Any]: ...
    def read(self, sha256: str) -> bytes | None: ...


@dataclass(frozen=True)
class Verdict:
    """The answer of the check: whether the letter matches the log, why, and which letter it is."""

    ok: bool
    message: str
    letter: Letter | None = None
    file_number: str = ""


class LetterError(Exception):
    """A letter cannot be made (e.g. the position holds no event a letter is made from)."""


class Letters:
    def __init__(
        self,
        office: FundingOffice,
        projector: Projector,
        documents: DocumentStore | None,
        templates: Path | None = None,
    ) -> None:
        self.office = office
        self.projector = projector
        self.documents = documents
        self.renderer = LetterRenderer(templates)

    # Reading the log ---------------------------------------------------------------------------

    def notification(self, position: int) -> Notification | None:
        found = self.office.recorder.select_notifications(start=position, limit=1)
        return found[0] if found and found[0].id == position else None

    def source_event(self, position: int) -> tuple[Notification, Any]:
        notification = self.notification(position)
        if notification is None:
            raise LetterError(f"An Position {position} steht kein Ereignis im Protokoll.")
        return notification, self.office.mapper.to_domain_event(notification)

    # Making letters ----------------------------------------------------------------------------

    def facts(self, kind: str, grant: Grant, event: Any, source: Source | None, on: date) -> LetterFacts:
        organisation = self.office.organisation(grant.organisation_id)
        persons = organisation.contact_persons
        contact = persons.get(grant.contact_person_id.hex) if grant.contact_person_id else None
        if contact is None and persons:
            contact = next(iter(persons.values()))
        address = organisation.address or {}
        addressee = Addressee(
            organisation.name,
            address.get("street", ""),
            address.get("postcode", ""),
            address.get("city", ""),
            (contact or {}).get("name", ""),
        )
        clerk_id = grant.reviewer_id or getattr(event, "actor_id", None)
        sender = Office()
        if clerk_id is not None:
            try:
                clerk = self.office.user(clerk_id)
                sender = Office(clerk.display_name, clerk.email)
            except DomainError:
                pass
        claim = None
        claim_id = getattr(event, "claim_id", None)
        if kind == "widerrufsbescheid" and claim_id is not None:
            rates = self.office.interest_table()
            try:
                held = self.office.claim(claim_id)
            except DomainError:  # a preview: the claim the revocation would raise, not recorded
                assert grant.terms is not None
                rules = grant.terms.rule_set
                held = Claim.raise_claim(
                    claim_id,
                    grant.id,
                    grant.organisation_id,
                    grant.programme_id,
                    event.claim_amount,
                    event.effective_on,
                    "revocation",
                    rates.margin_on(rules.legal_basis, event.effective_on),
                    rules.small_amount_threshold,
                    event.reason,
                    Actor.system(),
                    legal_basis=rules.legal_basis,
                )
            claim = ClaimFacts(
                principal=held.principal,
                arose_on=held.arose_on,
                margin=held.interest_margin,
                interest_so_far=held.interest_due(max(on, held.arose_on), rates),
                as_of=max(on, held.arose_on),
                due_on=add_duration(on, "P1M"),
                legal_basis=held.legal_basis or (grant.terms.rule_set.legal_basis if grant.terms else "VwVfG NRW"),
            )
        report = None
        if kind == "widerrufsbescheid":
            with self.projector.db.transaction() as cursor:
                written = CaseFile.reports(cursor, grant.id)
            if written:
                report = (written[-1].text, written[-1].submitted_on)
        programme = self.office.programme(grant.programme_id)
        basics = GrantBasics(
            grant.id, grant.file_number, grant.title, grant.purpose, f"{programme.code} – {programme.title}"
        )
        return letter_facts(kind, basics, event, addressee, sender, on, source, claim, report)

    def render(self, facts: LetterFacts) -> bytes:
        return self.renderer.pdf(facts)

    def issue(self, notification: Notification, actor: Actor, on: date | None = None) -> UUID:
        """Makes, keeps and records the letter for the stored event ``notification``."""
        event = self.office.mapper.to_domain_event(notification)
        kind = KIND_OF_EVENT.get(type(event).__name__)
        if kind is None or not isinstance(event, Grant.Event):
            raise LetterError(f"Aus dem Ereignis an Position {notification.id} wird kein Schreiben gemacht.")
        if self.documents is None:
            raise LetterError("Für Schreiben ist keine Ablage eingerichtet.")
        grant = self.office.grant(event.originator_id)
        digest = event_digest(notification)
        source = Source(notification.id, digest, verification_code(grant.id, kind, notification.id, digest))
        day = on or self.office.today()
        content = self.render(self.facts(kind, grant, event, source, day))
        safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in grant.file_number)[:60]
        record = self.documents.save(f"{kind}-{safe}.pdf", io.BytesIO(content))
        return self.office.issue_letter(grant.id, kind, notification.id, digest, source.code, record, actor, on=day)

    def rerender(self, letter: Letter) -> bytes:
        """The letter made again from its source event, as issued (same date, code and source), for when its
        stored copy was deleted because it named a person who has since been erased: their name now reads
        ``gelöscht``. The copy the recipient holds still verifies; this one is the office's."""
        notification, event = self.source_event(letter.source_position)
        grant = self.office.grant(letter.grant_id)
        source = Source(notification.id, letter.source_sha256, letter.code)
        return self.render(self.facts(letter.kind, grant, event, source, letter.issued_on))

    def issue_at(self, position: int, actor: Actor, on: date | None = None) -> UUID:
        notification, _ = self.source_event(position)
        return self.issue(notification, actor, on)

    def preview(self, kind: str, grant: Grant, decision: Any, on: date | None = None) -> bytes:
        """The letter a decision would give, before it is taken: marked as a draft, without a code."""
        day = on or self.office.today()
        return self.render(self.facts(kind, grant, decision, None, day))

    # Checking letters --------------------------------------------------------------------------

    def verify(self, content: bytes) -> Verdict:
        sha = hashlib.sha256(content).hexdigest()
        with self.projector.db.transaction() as cursor:
            letter = CaseFile.letter_by_sha256(cursor, sha)
        if letter is None:
            return Verdict(
                False,
                "Dieses Schreiben stimmt mit keinem Schreiben im Protokoll überein: es wurde verändert oder nicht "
                "vom Förderbuch aus dem Protokoll erstellt.",
            )
        issued = self.notification(letter.position)
        event = self.office.mapper.to_domain_event(issued) if issued is not None else None
        if (
            event is None
            or not isinstance(event, Grant.LetterIssued)
            or event.document.get("sha256") != sha
            or event.source_position != letter.source_position
        ):
            return Verdict(False, f"Der Eintrag des Schreibens an Position {letter.position} fehlt im Protokoll.")
        source = self.notification(letter.source_position)
        if source is None or event_digest(source) != event.source_sha256:
            return Verdict(
                False,
                f"Das Ereignis an Position {letter.source_position}, aus dem das Schreiben gemacht wurde, stimmt "
                "nicht mehr mit seiner Prüfsumme überein: das Protokoll wurde verändert.",
                letter,
            )
        if verification_code(event.originator_id, letter.kind, letter.source_position, event.source_sha256) != (
            event.code
        ):
            return Verdict(False, "Der Prüfcode passt nicht zum Ereignis.", letter)
        grant = self.office.grant(letter.grant_id)
        return Verdict(
            True,
            f"Echt: {letter.kind_german} zum Aktenzeichen {grant.file_number} vom {letter.issued_on:%d.%m.%Y}, "
            f"erstellt aus dem Ereignis an Position {letter.source_position} (SHA-256 {event.source_sha256}), "
            f"Prüfcode {event.code}.",
            letter,
            grant.file_number,
        )
