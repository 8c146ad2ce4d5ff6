"""Grants (Zuwendungen): one stream from application to payment.

The life of a grant: an association applies with a cost and financing plan; an officer may ask for
missing documents, then reviews the application (formal and substantive check); an approver who did
not review it approves (Bewilligung) or rejects it, and the approval commits the amount in the
programme; terms may later be amended (Änderungsbescheid), proposed by one person and approved by
another. Payments follow the four-eyes rules of KomHVO NRW § 31: the association (or an officer for
it) requests a payment for needs due within the drawdown horizon, an officer certifies it as
factually and arithmetically correct, a different person releases it, and finance books it with its
value date. A payment can be cancelled before booking or returned after.

Business dates (``on``) say when something happened in the office; the event's timestamp says when it
was recorded.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

from eventsourcing.domain import Aggregate, event

from domain.actors import Actor, Role
from domain.dates import FiscalYear, FundingPeriod, add_duration, add_years, duration_german
from domain.errors import (
    FourEyesError,
    InvalidInputError,
    InvalidStateError,
    NotFoundError,
    PaymentRefusedError,
    RuleViolationError,
)
from domain.foreign import WEIGHTED_TRANSFERS, ForeignAmount, weighted_rate
from domain.idle_money import IdleInterest, grant_share_of_receipts
from domain.messages import N_, Message, marked, message
from domain.money import Money
from domain.plan import FinancingPlan, FinancingType
from domain.rules import RuleSet
from domain.settlement import RecognisedActuals, determine_final_amount
from domain.terms import GrantTerms
from domain.text import german_percent, optional_text, require_reason, require_text
from domain.working_days import next_working_day

APPLIED = "applied"
DOCUMENTS_REQUESTED = "documents_requested"
REVIEWED = "reviewed"
APPROVED = "approved"
REJECTED = "rejected"
WITHDRAWN = "withdrawn"
PROOF_SUBMITTED = "proof_submitted"
PROOF_REVIEWED = "proof_reviewed"
DETERMINED = "final_amount_determined"
REVOKED = "revoked"
CLOSED = "closed"

STATUS_GERMAN = {
    APPLIED: N_("Antrag eingegangen"),
    DOCUMENTS_REQUESTED: N_("Unterlagen angefordert"),
    REVIEWED: N_("Geprüft"),
    APPROVED: N_("Bewilligt"),
    REJECTED: N_("Abgelehnt"),
    WITHDRAWN: N_("Zurückgezogen"),
    PROOF_SUBMITTED: N_("Verwendungsnachweis eingereicht"),
    PROOF_REVIEWED: N_("Verwendungsnachweis geprüft"),
    DETERMINED: N_("Schlussfestgesetzt"),
    REVOKED: N_("Widerrufen"),
    CLOSED: N_("Abgeschlossen"),
}
AFTER_AWARD = (APPROVED, PROOF_SUBMITTED, PROOF_REVIEWED, DETERMINED, REVOKED)

# Payment states
REQUESTED, CERTIFIED, RELEASED, BOOKED, CANCELLED = "requested", "certified", "released", "booked", "cancelled"
PAYMENT_GERMAN = {
    REQUESTED: N_("Abgerufen"),
    CERTIFIED: N_("Sachlich und rechnerisch richtig"),
    RELEASED: N_("Freigegeben"),
    BOOKED: N_("Ausgezahlt"),
    CANCELLED: N_("Storniert"),
}


class Grant(Aggregate):
    """An application and, once approved, the grant with its payments."""

    @staticmethod
    def create_id(file_number: str) -> UUID:
        """A grant's identity follows from its file number (Aktenzeichen), so re-imports are idempotent."""
        return uuid5(NAMESPACE_URL, f"/foerderbuch/grants/{file_number}")

    # Files uploaded with documents (plain dicts); a class default, so older snapshots still load.
    uploaded_documents: tuple[dict[str, Any], ...] = ()
    # Letters made from the log (Bescheide, Erinnerungen) with their Bekanntgabe and finality.
    letters: tuple[dict[str, Any], ...] = ()
    # Reminders sent, as (deadline key, due date ISO, stage); a class default, so older snapshots still load.
    reminders_sent: tuple[tuple[str, str, str], ...] = ()
    # When the purpose of the grant was fulfilled (the proof of use is due six months later); a class default.
    purpose_fulfilled_on: date | None = None
    # A revocation prepared by one person and waiting for another's decision (§§ 28, 48 (4), 49 (3) VwVfG NRW).
    pending_revocation: dict[str, Any] | None = None
    # Idle-money interest (§ 49a (4) VwVfG NRW) is decided up to this day; a later proposal starts there.
    idle_interest_decided_on: date | None = None
    # An approved early start (vorzeitiger Maßnahmebeginn): expenses count from this day; a class default.
    early_start_on: date | None = None
    # Items bought with the grant above the value limit (each with its id, hex); a class default, replaced.
    items: tuple[dict[str, Any], ...] = ()
    # Money transferred to a partner abroad (euros sent, foreign amount received); a class default, replaced.
    transfers: tuple[dict[str, Any], ...] = ()

    class ApplicationReceived(Aggregate.Created):
        file_number: str
        programme_id: UUID
        organisation_id: UUID
        project_id: UUID | None
        title: str
        purpose: str
        partner_city: str
        period: FundingPeriod
        financing_type: str
        plan: FinancingPlan
        contact_person_id: UUID | None
        on: date
        actor_id: UUID
        actor_role: str

    @event(ApplicationReceived)
    def __init__(
        self,
        file_number: str,
        programme_id: UUID,
        organisation_id: UUID,
        project_id: UUID | None,
        title: str,
        purpose: str,
        partner_city: str,
        period: FundingPeriod,
        financing_type: str,
        plan: FinancingPlan,
        contact_person_id: UUID | None,
        on: date,
        actor_id: UUID,
        actor_role: str,
    ) -> None:
        self.file_number = file_number
        self.programme_id = programme_id
        self.organisation_id = organisation_id
        self.project_id = project_id
        self.title = title
        self.purpose = purpose
        self.partner_city = partner_city
        self.period = period
        self.financing_type = financing_type
        self.plan = plan
        self.contact_person_id = contact_person_id
        self.applied_on = on
        self.applicant_id = actor_id
        self.status = APPLIED
        self.open_document_requests: list[str] = []
        self.reviewer_id: UUID | None = None
        self.review_passed = False
        self.terms: GrantTerms | None = None
        self.approver_id: UUID | None = None
        self.pending_amendment: dict[str, Any] | None = None
        self.payments: dict[str, dict[str, Any]] = {}
        self.expenses: dict[str, dict[str, Any]] = {}
        self.deadline_extensions: dict[str, date] = {}  # "final" or "interim-2026" -> new due date
        self.interim_proofs: dict[str, date] = {}  # "2026" -> submitted on
        self.proof: dict[str, Any] | None = None
        self.recognised: dict[str, Any] | None = None
        self.final_amount: Money | None = None
        self.claim_ids: list[UUID] = []

    @classmethod
    def apply(
        cls,
        file_number: str,
        programme_id: UUID,
        rule_set: RuleSet,
        organisation_id: UUID,
        project_id: UUID | None,
        title: str,
        purpose: str,
        partner_city: str,
        period: FundingPeriod,
        financing_type: FinancingType,
        plan: FinancingPlan,
        contact_person_id: UUID | None,
        on: date,
        actor: Actor,
        publish_purpose: bool = False,
    ) -> Grant:
        """Receives an application after checking it against the programme's current rule set.

        ``publish_purpose``: the applicant agreed on the form that the purpose text may be published
        (open data, 360Giving); recorded with the application (``PurposePublicationConsented``)."""
        actor.require(Role.ASSOCIATION, Role.OFFICER, doing=N_("Antrag stellen"))
        actor.require_member_of(organisation_id, doing=N_("Antrag stellen"))
        kind = FinancingType.parse(financing_type)
        if not rule_set.allows(kind):
            raise RuleViolationError(
                message("{kind} ist in diesem Programm nicht zulässig.", kind=marked(kind.german)),
                field="financing_type",
            )
        if plan.grant < rule_set.min_grant:
            raise RuleViolationError(
                message(
                    "Beantragt sind {grant}; das Programm fördert ab {min_grant}.",
                    grant=plan.grant,
                    min_grant=rule_set.min_grant,
                ),
                field="grant",
            )
        if rule_set.max_grant is not None and plan.grant > rule_set.max_grant:
            raise RuleViolationError(
                message(
                    "Beantragt sind {grant}; das Programm fördert höchstens {max_grant}.",
                    grant=plan.grant,
                    max_grant=rule_set.max_grant,
                ),
                field="grant",
            )
        if kind is not FinancingType.FULL and plan.own_share < rule_set.min_own_share:
            raise RuleViolationError(
                message(
                    "Der Eigenanteil beträgt {own_share} der Kosten; verlangt sind mindestens {min_own_share}.",
                    own_share=german_percent(plan.own_share),
                    min_own_share=german_percent(rule_set.min_own_share, 0),
                ),
                field="own_funds",
            )
        if period.end < on:
            raise RuleViolationError(message("Der Förderzeitraum ist bereits vorbei."), field="period_end")
        grant = cls(
            file_number=file_number,
            programme_id=programme_id,
            organisation_id=organisation_id,
            project_id=project_id,
            title=require_text(title, "title", N_("Der Titel")),
            purpose=require_text(purpose, "purpose", N_("Der Zweck"), 4000),
            partner_city=partner_city,
            period=period,
            financing_type=kind.value,
            plan=plan,
            contact_person_id=contact_person_id,
            on=on,
            **actor.stamp,
        )
        if publish_purpose:
            grant._purpose_publication_consented(on=on, **actor.stamp)
        return grant

    class PurposePublicationConsented(Aggregate.Event):
        on: date
        actor_id: UUID
        actor_role: str

    @event(PurposePublicationConsented)
    def _purpose_publication_consented(self, on: date, actor_id: UUID, actor_role: str) -> None:
        self.purpose_public = True

    @property
    def purpose_may_be_published(self) -> bool:
        """Whether the applicant agreed that the purpose text is published (else a neutral description is)."""
        return bool(getattr(self, "purpose_public", False))

    @property
    def status_german(self) -> str:
        return STATUS_GERMAN[self.status]

    # Before the decision -----------------------------------------------------------------------

    def request_documents(self, items: str, due: date, on: date, actor: Actor) -> UUID:
        """Asks for missing documents by ``due``; a Saturday, Sunday or NRW public holiday moves the date to
        the next working day, as every deadline (§ 31 (3) VwVfG NRW)."""
        actor.require(Role.OFFICER, doing=N_("Unterlagen anfordern"))
        self._require_status(APPLIED, DOCUMENTS_REQUESTED, REVIEWED, doing=N_("Unterlagen anfordern"))
        if due < on:
            raise InvalidInputError(message("Die Frist für die Unterlagen liegt in der Vergangenheit."), field="due")
        request_id = uuid4()
        self._documents_requested(
            request_id=request_id,
            items=require_text(items, "items", N_("Die angeforderten Unterlagen"), 2000),
            due=next_working_day(due),
            on=on,
            **actor.stamp,
        )
        return request_id

    class DocumentsRequested(Aggregate.Event):
        request_id: UUID
        items: str
        due: date
        on: date
        actor_id: UUID
        actor_role: str

    @event(DocumentsRequested)
    def _documents_requested(
        self, request_id: UUID, items: str, due: date, on: date, actor_id: UUID, actor_role: str
    ) -> None:
        self.open_document_requests.append(request_id.hex)
        self.status = DOCUMENTS_REQUESTED
        self.reviewer_id = None  # a review before the documents came in no longer stands

    def receive_documents(
        self, request_id: UUID, note: str, on: date, actor: Actor, documents: list[dict[str, Any]] | None = None
    ) -> None:
        """Notes that the requested documents came in; ``documents`` are the files uploaded with them
        (name, content type, size and SHA-256 only: the bytes are kept outside the event log)."""
        actor.require(Role.ASSOCIATION, Role.OFFICER, doing=N_("Unterlagen einreichen"))
        actor.require_member_of(self.organisation_id, doing=N_("Unterlagen einreichen"))
        if request_id.hex not in self.open_document_requests:
            raise NotFoundError(message("Zu dieser Anforderung sind keine Unterlagen offen."), field="request_id")
        self._require_status(DOCUMENTS_REQUESTED, doing=N_("Unterlagen einreichen"))
        files = uploaded_documents(documents)
        self._documents_received(
            request_id=request_id,
            note=optional_text(note, "note", N_("Die Anmerkung")),
            on=on,
            **actor.stamp,
            documents=files or None,
        )

    class DocumentsReceived(Aggregate.Event):
        request_id: UUID
        note: str
        on: date
        actor_id: UUID
        actor_role: str
        documents: list[dict[str, Any]] | None = None

    @event(DocumentsReceived)
    def _documents_received(
        self,
        request_id: UUID,
        note: str,
        on: date,
        actor_id: UUID,
        actor_role: str,
        documents: list[dict[str, Any]] | None = None,
    ) -> None:
        self.open_document_requests.remove(request_id.hex)
        if documents:
            self.uploaded_documents = (*self.uploaded_documents, *documents)
        if not self.open_document_requests:
            self.status = APPLIED

    def withdraw(self, reason: str, on: date, actor: Actor) -> None:
        actor.require(Role.ASSOCIATION, Role.OFFICER, doing=N_("Antrag zurückziehen"))
        actor.require_member_of(self.organisation_id, doing=N_("Antrag zurückziehen"))
        self._require_status(APPLIED, DOCUMENTS_REQUESTED, REVIEWED, doing=N_("Antrag zurückziehen"))
        self._application_withdrawn(reason=require_reason(reason), on=on, **actor.stamp)

    class ApplicationWithdrawn(Aggregate.Event):
        reason: str
        on: date
        actor_id: UUID
        actor_role: str

    @event(ApplicationWithdrawn)
    def _application_withdrawn(self, reason: str, on: date, actor_id: UUID, actor_role: str) -> None:
        self.status = WITHDRAWN

    def review(self, formal_ok: bool, substantive_ok: bool, notes: str, on: date, actor: Actor) -> None:
        """Records the formal and substantive check (Antragsprüfung) and who made it."""
        actor.require(Role.OFFICER, doing=N_("Antrag prüfen"))
        self._require_status(APPLIED, doing=N_("Antrag prüfen"))
        if not isinstance(formal_ok, bool) or not isinstance(substantive_ok, bool):
            raise InvalidInputError(message("Das Prüfergebnis ist ja oder nein."), field="formal_ok")
        self._application_reviewed(
            formal_ok=formal_ok,
            substantive_ok=substantive_ok,
            notes=require_text(notes, "notes", N_("Der Prüfvermerk"), 4000),
            on=on,
            **actor.stamp,
        )

    class ApplicationReviewed(Aggregate.Event):
        formal_ok: bool
        substantive_ok: bool
        notes: str
        on: date
        actor_id: UUID
        actor_role: str

    @event(ApplicationReviewed)
    def _application_reviewed(
        self, formal_ok: bool, substantive_ok: bool, notes: str, on: date, actor_id: UUID, actor_role: str
    ) -> None:
        self.status = REVIEWED
        self.reviewer_id = actor_id
        self.review_passed = formal_ok and substantive_ok

    # The decision ------------------------------------------------------------------------------

    def approve(self, terms: GrantTerms, on: date, actor: Actor) -> None:
        """Approves the reviewed application; the application commits the amount in the programme."""
        actor.require(Role.APPROVER, doing=N_("Bewilligen"))
        self._require_status(REVIEWED, doing=N_("Bewilligen"))
        if actor.is_user(self.reviewer_id):
            raise FourEyesError(message("Wer den Antrag geprüft hat, darf ihn nicht bewilligen (Vier-Augen-Prinzip)."))
        if actor.is_user(self.applicant_id):
            raise FourEyesError(message("Den eigenen Antrag darf niemand bewilligen."))
        if not self.review_passed:
            raise InvalidStateError(
                message("Die Prüfung war nicht erfolgreich; der Antrag kann nur abgelehnt werden."), field="review"
            )
        terms.check()
        self._grant_approved(terms=terms, on=on, **actor.stamp)

    class GrantApproved(Aggregate.Event):
        terms: GrantTerms
        on: date
        actor_id: UUID
        actor_role: str

    @event(GrantApproved)
    def _grant_approved(self, terms: GrantTerms, on: date, actor_id: UUID, actor_role: str) -> None:
        self.status = APPROVED
        self.terms = terms
        self.approver_id = actor_id
        self.approved_on = on

    def reject(self, reason: str, on: date, actor: Actor) -> None:
        actor.require(Role.APPROVER, Role.OFFICER, doing=N_("Ablehnen"))
        self._require_status(APPLIED, DOCUMENTS_REQUESTED, REVIEWED, doing=N_("Ablehnen"))
        self._application_rejected(reason=require_reason(reason), on=on, **actor.stamp)

    class ApplicationRejected(Aggregate.Event):
        reason: str
        on: date
        actor_id: UUID
        actor_role: str

    @event(ApplicationRejected)
    def _application_rejected(self, reason: str, on: date, actor_id: UUID, actor_role: str) -> None:
        self.status = REJECTED

    # Amendments --------------------------------------------------------------------------------

    def propose_amendment(self, terms: GrantTerms, reason: str, on: date, actor: Actor) -> None:
        """An officer prepares new terms (after a change request or a notification)."""
        actor.require(Role.OFFICER, doing=N_("Änderung vorbereiten"))
        self._require_status(APPROVED, doing=N_("Änderung vorbereiten"))
        if self.pending_amendment is not None:
            raise InvalidStateError(message("Es liegt bereits eine offene Änderung vor."))
        terms.check()
        if terms.amount < self.committed_payments:
            raise PaymentRefusedError(
                message(
                    "Der neue Betrag {amount} liegt unter dem bereits abgerufenen Betrag {committed_payments}.",
                    amount=terms.amount,
                    committed_payments=self.committed_payments,
                ),
                field="amount",
            )
        self._amendment_proposed(terms=terms, reason=require_reason(reason), on=on, **actor.stamp)

    class AmendmentProposed(Aggregate.Event):
        terms: GrantTerms
        reason: str
        on: date
        actor_id: UUID
        actor_role: str

    @event(AmendmentProposed)
    def _amendment_proposed(self, terms: GrantTerms, reason: str, on: date, actor_id: UUID, actor_role: str) -> None:
        self.pending_amendment = {"terms": terms, "reason": reason, "proposed_by": actor_id}

    def approve_amendment(self, on: date, actor: Actor) -> GrantTerms:
        """Approves the pending terms; the application adjusts the programme's commitment with it."""
        actor.require(Role.APPROVER, doing=N_("Änderung bewilligen"))
        pending = self._require_pending_amendment()
        if actor.is_user(pending["proposed_by"]):
            raise FourEyesError(message("Die eigene Änderung darf niemand selbst bewilligen (Vier-Augen-Prinzip)."))
        terms: GrantTerms = pending["terms"]
        if terms.amount < self.committed_payments:
            raise PaymentRefusedError(
                message("Der neue Betrag liegt unter dem bereits abgerufenen Betrag."), field="amount"
            )
        self._grant_amended(terms=terms, reason=pending["reason"], on=on, **actor.stamp)
        return terms

    class GrantAmended(Aggregate.Event):
        terms: GrantTerms
        reason: str
        on: date
        actor_id: UUID
        actor_role: str

    @event(GrantAmended)
    def _grant_amended(self, terms: GrantTerms, reason: str, on: date, actor_id: UUID, actor_role: str) -> None:
        self.terms = terms
        self.pending_amendment = None

    def reject_amendment(self, reason: str, on: date, actor: Actor) -> None:
        actor.require(Role.APPROVER, doing=N_("Änderung ablehnen"))
        self._require_pending_amendment()
        self._amendment_rejected(reason=require_reason(reason), on=on, **actor.stamp)

    class AmendmentRejected(Aggregate.Event):
        reason: str
        on: date
        actor_id: UUID
        actor_role: str

    @event(AmendmentRejected)
    def _amendment_rejected(self, reason: str, on: date, actor_id: UUID, actor_role: str) -> None:
        self.pending_amendment = None

    def _require_pending_amendment(self) -> dict[str, Any]:
        if self.pending_amendment is None:
            raise InvalidStateError(message("Es liegt keine offene Änderung vor."))
        return self.pending_amendment

    # Payments ----------------------------------------------------------------------------------

    @property
    def approved_amount(self) -> Money:
        return self.terms.amount if self.terms else Money.zero()

    def committed_split(self) -> dict[FiscalYear, Money]:
        """What the programme holds committed for this grant, per fiscal year: the approved terms'
        split (an approval commits it, an amendment adjusts to the new one; closing is the last change)."""
        return self.terms.split() if self.terms else {}

    @property
    def committed_payments(self) -> Money:
        """Requested, certified, released or paid out, less returns: what counts against the grant."""
        return Money.sum(p["amount"] - p["returned"] for p in self.payments.values() if p["status"] != CANCELLED)

    @property
    def paid(self) -> Money:
        return Money.sum(p["amount"] - p["returned"] for p in self.payments.values() if p["status"] == BOOKED)

    def request_payment(self, needs: list[dict[str, Any]], purpose: str, on: date, actor: Actor) -> UUID:
        """A payment request (Mittelabruf) for needs due within the drawdown horizon.

        ``needs`` lists what the money is for: ``{"due": date, "amount": Money, "description": str}``.
        """
        actor.require(Role.ASSOCIATION, Role.OFFICER, doing=N_("Mittel abrufen"))
        actor.require_member_of(self.organisation_id, doing=N_("Mittel abrufen"))
        if self.status == CLOSED:
            raise PaymentRefusedError(message("Die Zuwendung ist abgeschlossen; es wird nichts mehr ausgezahlt."))
        if self.status not in (APPROVED, DETERMINED) or self.terms is None:
            raise PaymentRefusedError(message("Mittel können nur nach der Bewilligung abgerufen werden."))
        terms = self.terms
        if self.status == APPROVED and not terms.period.contains(on):
            raise PaymentRefusedError(
                message(
                    "Abrufe sind nur im Förderzeitraum ({start}–{end}) möglich.",
                    start=terms.period.start,
                    end=terms.period.end,
                ),
                field="on",
            )
        if terms.rule_set.payments_after_final_notice:
            final_on = self.notice_final_on
            if final_on is None or on < final_on:
                raise PaymentRefusedError(
                    message(
                        "Mittel werden erst ausgezahlt, wenn der Zuwendungsbescheid bestandskräftig ist (ab "
                        "{final_on}). Ein Rechtsbehelfsverzicht des Vereins macht ihn sofort bestandskräftig.",
                        final_on=final_on,
                    )
                    if final_on
                    else message(
                        "Mittel werden erst ausgezahlt, wenn der Zuwendungsbescheid bestandskräftig ist; die "
                        "Bekanntgabe ist noch nicht vermerkt. Ein Rechtsbehelfsverzicht des Vereins macht ihn sofort "
                        "bestandskräftig."
                    )
                )
        if not needs:
            raise InvalidInputError(message("Bitte mindestens einen Bedarf mit Fälligkeit angeben."), field="needs")
        horizon_end = add_duration(on, terms.rule_set.drawdown_horizon)
        clean = []
        for need in needs:
            amount = need["amount"].require_positive("needs", N_("Ein Bedarf"))
            due = need["due"]
            if not isinstance(due, date):
                raise InvalidInputError(message("Jeder Bedarf braucht ein Fälligkeitsdatum."), field="needs")
            if due > horizon_end:
                raise PaymentRefusedError(
                    message(
                        "Der Bedarf vom {due} ist erst nach dem {horizon_end} fällig; abgerufen werden darf nur, "
                        "was innerhalb von {horizon} gebraucht wird.",
                        due=due,
                        horizon_end=horizon_end,
                        horizon=_horizon_german(terms.rule_set.drawdown_horizon),
                    ),
                    field="needs",
                )
            clean.append(
                {
                    "due": due,
                    "amount": amount,
                    "description": require_text(
                        need.get("description"), "needs", N_("Die Beschreibung des Bedarfs"), 300
                    ),
                }
            )
        amount = Money.sum(n["amount"] for n in clean)
        ceiling = self.final_amount if self.final_amount is not None else terms.amount
        remaining = ceiling - self.committed_payments
        if amount > remaining:
            raise PaymentRefusedError(
                message(
                    "Abgerufen werden sollen {amount}, offen sind nur noch {remaining} von {ceiling}.",
                    amount=amount,
                    remaining=remaining,
                    ceiling=ceiling,
                ),
                field="amount",
            )
        payment_id = uuid4()
        self._payment_requested(
            payment_id=payment_id,
            amount=amount,
            needs=clean,
            purpose=require_text(purpose, "purpose", N_("Der Verwendungszweck"), 500),
            on=on,
            **actor.stamp,
        )
        return payment_id

    class PaymentRequested(Aggregate.Event):
        payment_id: UUID
        amount: Money
        needs: list[dict[str, Any]]
        purpose: str
        on: date
        actor_id: UUID
        actor_role: str

    @event(PaymentRequested)
    def _payment_requested(
        self,
        payment_id: UUID,
        amount: Money,
        needs: list[dict[str, Any]],
        purpose: str,
        on: date,
        actor_id: UUID,
        actor_role: str,
    ) -> None:
        self.payments[payment_id.hex] = {
            "amount": amount,
            "returned": Money.zero(),
            "status": REQUESTED,
            "requested_on": on,
            "requested_by": actor_id,
            "certified_by": None,
            "released_by": None,
            "value_date": None,
        }

    def certify_payment(self, payment_id: UUID, on: date, actor: Actor) -> None:
        """Sachlich und rechnerisch richtig: an officer confirms reason and amount."""
        actor.require(Role.OFFICER, doing=N_("Zahlung feststellen"))
        payment = self._payment(payment_id, REQUESTED, doing=N_("Zahlung feststellen"))
        if actor.is_user(payment["requested_by"]):
            raise FourEyesError(message("Den eigenen Abruf darf niemand selbst feststellen (Vier-Augen-Prinzip)."))
        self._payment_certified(payment_id=payment_id, on=on, **actor.stamp)

    class PaymentCertified(Aggregate.Event):
        payment_id: UUID
        on: date
        actor_id: UUID
        actor_role: str

    @event(PaymentCertified)
    def _payment_certified(self, payment_id: UUID, on: date, actor_id: UUID, actor_role: str) -> None:
        self.payments[payment_id.hex].update(status=CERTIFIED, certified_by=actor_id)

    def release_payment(self, payment_id: UUID, on: date, actor: Actor) -> None:
        """The second pair of eyes releases the payment order (KomHVO NRW § 31)."""
        actor.require(Role.FINANCE, Role.APPROVER, doing=N_("Zahlung freigeben"))
        payment = self._payment(payment_id, CERTIFIED, doing=N_("Zahlung freigeben"))
        if actor.is_user(payment["certified_by"]):
            raise FourEyesError(
                message("Wer die Zahlung festgestellt hat, darf sie nicht freigeben (Vier-Augen-Prinzip).")
            )
        if actor.is_user(payment["requested_by"]):
            raise FourEyesError(message("Den eigenen Abruf darf niemand freigeben."))
        self._payment_released(payment_id=payment_id, on=on, **actor.stamp)

    class PaymentReleased(Aggregate.Event):
        payment_id: UUID
        on: date
        actor_id: UUID
        actor_role: str

    @event(PaymentReleased)
    def _payment_released(self, payment_id: UUID, on: date, actor_id: UUID, actor_role: str) -> None:
        self.payments[payment_id.hex].update(status=RELEASED, released_by=actor_id)

    def book_payment(self, payment_id: UUID, value_date: date, today: date, actor: Actor) -> None:
        """The cash office (Stadtkasse) books the payout with its value date, which decides its fiscal year.

        Releasing a payment (Anordnung) and booking it (Zahlungsabwicklung) are done by different people
        (§ 31 (3) KomHVO NRW): whoever requested, certified or released this payment does not book it, even
        when they also hold the cashier role. The value date has happened: a booking is never ahead of today.
        """
        actor.require(Role.CASHIER, doing=N_("Zahlung buchen"))
        payment = self._payment(payment_id, RELEASED, doing=N_("Zahlung buchen"))
        _require_cash_office_hands(payment, actor)
        if value_date > today:
            raise InvalidInputError(
                message(
                    "Die Wertstellung {value_date} liegt in der Zukunft; gebucht wird, was geschehen ist.",
                    value_date=value_date,
                ),
                field="value_date",
            )
        if value_date < payment["requested_on"]:
            raise InvalidInputError(message("Die Wertstellung liegt vor dem Abruf."), field="value_date")
        self._payment_booked(payment_id=payment_id, value_date=value_date, amount=payment["amount"], **actor.stamp)

    class PaymentBooked(Aggregate.Event):
        payment_id: UUID
        value_date: date
        amount: Money
        actor_id: UUID
        actor_role: str

    @event(PaymentBooked)
    def _payment_booked(
        self, payment_id: UUID, value_date: date, amount: Money, actor_id: UUID, actor_role: str
    ) -> None:
        self.payments[payment_id.hex].update(status=BOOKED, value_date=value_date)

    def cancel_payment(self, payment_id: UUID, reason: str, on: date, actor: Actor) -> None:
        actor.require(Role.OFFICER, Role.FINANCE, Role.ASSOCIATION, doing=N_("Abruf stornieren"))
        actor.require_member_of(self.organisation_id, doing=N_("Abruf stornieren"))
        payment = self._payment(payment_id, REQUESTED, CERTIFIED, RELEASED, doing=N_("Abruf stornieren"))
        if actor.role is Role.ASSOCIATION and payment["status"] != REQUESTED:
            raise InvalidStateError(message("Ein bereits festgestellter Abruf kann nur vom Amt storniert werden."))
        self._payment_cancelled(
            payment_id=payment_id, amount=payment["amount"], reason=require_reason(reason), on=on, **actor.stamp
        )

    class PaymentCancelled(Aggregate.Event):
        payment_id: UUID
        amount: Money
        reason: str
        on: date
        actor_id: UUID
        actor_role: str

    @event(PaymentCancelled)
    def _payment_cancelled(
        self, payment_id: UUID, amount: Money, reason: str, on: date, actor_id: UUID, actor_role: str
    ) -> None:
        self.payments[payment_id.hex]["status"] = CANCELLED

    def return_payment(
        self, payment_id: UUID, amount: Money, value_date: date, reason: str, actor: Actor, today: date | None = None
    ) -> None:
        """Money that came back (e.g. a bounced transfer) before any final determination; booked by the cash
        office, never by whoever released the payment."""
        actor.require(Role.CASHIER, doing=N_("Rückfluss buchen"))
        payment = self._payment(payment_id, BOOKED, doing=N_("Rückfluss buchen"))
        _require_cash_office_hands(payment, actor)
        amount.require_positive("amount", N_("Der Rückfluss"))
        open_amount = payment["amount"] - payment["returned"]
        if amount > open_amount:
            raise PaymentRefusedError(
                message("Zurückfließen können höchstens {open_amount} dieser Zahlung.", open_amount=open_amount),
                field="amount",
            )
        if value_date < payment["value_date"]:
            raise InvalidInputError(message("Der Rückfluss liegt vor der Auszahlung."), field="value_date")
        if today is not None and value_date > today:
            raise InvalidInputError(
                message(
                    "Die Wertstellung {value_date} liegt in der Zukunft; gebucht wird, was geschehen ist.",
                    value_date=value_date,
                ),
                field="value_date",
            )
        self._payment_returned(
            payment_id=payment_id, amount=amount, value_date=value_date, reason=require_reason(reason), **actor.stamp
        )

    class PaymentReturned(Aggregate.Event):
        payment_id: UUID
        amount: Money
        value_date: date
        reason: str
        actor_id: UUID
        actor_role: str

    @event(PaymentReturned)
    def _payment_returned(
        self, payment_id: UUID, amount: Money, value_date: date, reason: str, actor_id: UUID, actor_role: str
    ) -> None:
        payment = self.payments[payment_id.hex]
        payment["returned"] = payment["returned"] + amount

    # Spending (expenses reported against budget lines) -----------------------------------------

    @property
    def line_budgets(self) -> dict[str, Money]:
        """The budget lines of the notice in force (an approved amendment may have moved money)."""
        assert self.terms is not None
        return {line.code: line.amount for line in self.terms.plan.cost_lines}

    def spent_per_line(self) -> dict[str, Money]:
        """Spent per budget line: the receipts not reversed, except those from before the project could begin."""
        spent = {code: Money.zero() for code in self.line_budgets} if self.terms else {}
        for expense in self.expenses.values():
            if not expense["reversed"] and expense["paid_on"] >= self.eligible_from:
                spent[expense["budget_line"]] = spent.get(expense["budget_line"], Money.zero()) + expense["euro"]
        return spent

    def report_expense(
        self,
        budget_line: str,
        paid_on: date,
        payee: str,
        purpose: str,
        amount: Money | ForeignAmount,
        receipt_reference: str,
        actor: Actor,
        today: date | None = None,
    ) -> UUID:
        """Records a receipt; a line may exceed its plan only within the rule set's tolerance.

        A receipt dated after ``today`` is refused: only money already spent is reported."""
        actor.require(Role.ASSOCIATION, Role.OFFICER, doing=N_("Ausgabe melden"))
        actor.require_member_of(self.organisation_id, doing=N_("Ausgabe melden"))
        if self.status != APPROVED or self.terms is None:
            raise InvalidStateError(
                message(
                    "Ausgaben können nur zu einer bewilligten Zuwendung vor dem Verwendungsnachweis gemeldet "
                    "werden (Stand »{status_german}«).",
                    status_german=marked(self.status_german),
                )
            )
        budgets = self.line_budgets
        if budget_line not in budgets:
            raise InvalidInputError(
                message(
                    "Die Kostenposition »{budget_line}« steht nicht im Finanzierungsplan.", budget_line=budget_line
                ),
                field="budget_line",
            )
        if today is not None and paid_on > today:
            raise InvalidInputError(
                message(
                    "Der Beleg ist auf den {paid_on} datiert, also in der Zukunft; gemeldet wird, was bezahlt ist.",
                    paid_on=paid_on,
                ),
                field="paid_on",
            )
        if not self.terms.period.contains(paid_on):
            raise RuleViolationError(
                message(
                    "Ausgaben vom {paid_on} liegen außerhalb des Förderzeitraums und sind nicht zuwendungsfähig.",
                    paid_on=paid_on,
                ),
                field="paid_on",
            )
        if paid_on < self.eligible_from:
            raise RuleViolationError(
                message(
                    "Ausgaben vom {paid_on} liegen vor dem genehmigten Maßnahmebeginn am {early_start_on}; gefördert "
                    "wird nur ein Vorhaben, das noch nicht begonnen hat. Früher nur mit Zustimmung zum vorzeitigen "
                    "Maßnahmebeginn.",
                    paid_on=paid_on,
                    early_start_on=self.early_start_on,
                )
                if self.early_start_on
                else message(
                    "Ausgaben vom {paid_on} liegen vor dem Antragseingang am {applied_on}; gefördert wird nur ein "
                    "Vorhaben, das noch nicht begonnen hat. Früher nur mit Zustimmung zum vorzeitigen "
                    "Maßnahmebeginn.",
                    paid_on=paid_on,
                    applied_on=self.applied_on,
                ),
                field="paid_on",
            )
        if isinstance(amount, ForeignAmount) and amount.rate_source == WEIGHTED_TRANSFERS:
            self._check_weighted(amount)
        euro = amount.euro if isinstance(amount, ForeignAmount) else amount
        euro.require_positive("amount", N_("Der Betrag"))
        tolerance = self.terms.rule_set.line_tolerance
        ceiling = budgets[budget_line] * (1 + tolerance)
        after = self.spent_per_line()[budget_line] + euro
        if after > ceiling:
            label = self.terms.plan.line(budget_line).label
            raise RuleViolationError(
                message(
                    "Kostenposition »{label}«: mit dieser Ausgabe wären {after} ausgegeben, geplant sind {planned}; "
                    "zulässig sind höchstens {ceiling} (+{tolerance}). Darüber hinaus braucht es einen "
                    "Änderungsbescheid.",
                    label=label,
                    after=after,
                    planned=budgets[budget_line],
                    ceiling=ceiling,
                    tolerance=german_percent(tolerance, 0),
                ),
                field="amount",
            )
        expense_id = uuid4()
        self._expense_reported(
            expense_id=expense_id,
            budget_line=budget_line,
            paid_on=paid_on,
            payee=require_text(payee, "payee", N_("Der Zahlungsempfänger")),
            purpose=require_text(purpose, "purpose", N_("Der Zweck"), 500),
            euro=euro,
            foreign=amount if isinstance(amount, ForeignAmount) else None,
            receipt_reference=require_text(receipt_reference, "receipt_reference", N_("Die Belegnummer"), 60),
            **actor.stamp,
        )
        return expense_id

    class ExpenseReported(Aggregate.Event):
        expense_id: UUID
        budget_line: str
        paid_on: date
        payee: str
        purpose: str
        euro: Money
        foreign: ForeignAmount | None
        receipt_reference: str
        actor_id: UUID
        actor_role: str

    @event(ExpenseReported)
    def _expense_reported(
        self,
        expense_id: UUID,
        budget_line: str,
        paid_on: date,
        payee: str,
        purpose: str,
        euro: Money,
        foreign: ForeignAmount | None,
        receipt_reference: str,
        actor_id: UUID,
        actor_role: str,
    ) -> None:
        self.expenses[expense_id.hex] = {
            "budget_line": budget_line,
            "paid_on": paid_on,
            "euro": euro,
            "reversed": False,
            "foreign": foreign,
        }

    def reverse_expense(self, expense_id: UUID, reason: str, actor: Actor) -> None:
        """Storno: a wrong receipt is reversed with a reason, never edited."""
        actor.require(Role.ASSOCIATION, Role.OFFICER, doing=N_("Ausgabe stornieren"))
        actor.require_member_of(self.organisation_id, doing=N_("Ausgabe stornieren"))
        if self.status != APPROVED:
            raise InvalidStateError(message("Nach dem Verwendungsnachweis werden Ausgaben nicht mehr geändert."))
        expense = self.expenses.get(expense_id.hex)
        if expense is None:
            raise NotFoundError(message("Diese Ausgabe gibt es zu dieser Zuwendung nicht."), field="expense_id")
        if expense["reversed"]:
            raise InvalidStateError(message("Diese Ausgabe ist bereits storniert."))
        self._expense_reversed(
            expense_id=expense_id, euro=expense["euro"], reason=require_reason(reason), **actor.stamp
        )

    class ExpenseReversed(Aggregate.Event):
        expense_id: UUID
        euro: Money
        reason: str
        actor_id: UUID
        actor_role: str

    @event(ExpenseReversed)
    def _expense_reversed(self, expense_id: UUID, euro: Money, reason: str, actor_id: UUID, actor_role: str) -> None:
        self.expenses[expense_id.hex]["reversed"] = True

    # Money transferred to a partner abroad ------------------------------------------------------------

    def record_transfer_abroad(
        self, euro: Money, currency: str, received: Decimal, value_date: date, recipient: str, on: date, actor: Actor
    ) -> UUID:
        """Records money sent to the partner abroad: the euros sent and what arrived in the partner's
        currency. The partner's receipts may then be converted at the rate weighted over these transfers."""
        actor.require(Role.ASSOCIATION, Role.OFFICER, doing=N_("Überweisung an den Partner erfassen"))
        actor.require_member_of(self.organisation_id, doing=N_("Überweisung an den Partner erfassen"))
        self._require_status(APPROVED, doing=N_("Überweisung an den Partner erfassen"))
        euro.require_positive("euro", N_("Der überwiesene Betrag"))
        if value_date > on:
            raise InvalidInputError(
                message(
                    "Der {value_date} liegt in der Zukunft; erfasst wird, was überwiesen ist.", value_date=value_date
                ),
                field="value_date",
            )
        arrived = ForeignAmount.convert(currency, received, received / euro.amount, value_date)  # checks both
        transfer_id = uuid4()
        self._transfer_abroad_recorded(
            transfer_id=transfer_id,
            euro=euro,
            currency=arrived.currency,
            received=arrived.original,
            value_date=value_date,
            recipient=require_text(recipient, "recipient", N_("Der Empfänger"), 200),
            on=on,
            **actor.stamp,
        )
        return transfer_id

    class TransferAbroadRecorded(Aggregate.Event):
        transfer_id: UUID
        euro: Money
        currency: str
        received: Decimal
        value_date: date
        recipient: str
        on: date
        actor_id: UUID
        actor_role: str

    @event(TransferAbroadRecorded)
    def _transfer_abroad_recorded(
        self,
        transfer_id: UUID,
        euro: Money,
        currency: str,
        received: Decimal,
        value_date: date,
        recipient: str,
        on: date,
        actor_id: UUID,
        actor_role: str,
    ) -> None:
        transfer = {
            "transfer_id": transfer_id.hex,
            "euro": euro,
            "currency": currency,
            "received": received,
            "value_date": value_date,
            "recipient": recipient,
        }
        self.transfers = (*self.transfers, transfer)

    def weighted_rate(self, currency: str) -> tuple[Decimal, date] | None:
        """The rate weighted over the transfers in ``currency`` and the last transfer's date, if any."""
        mine = [t for t in self.transfers if t["currency"] == currency]
        if not mine:
            return None
        return weighted_rate([(t["euro"], t["received"]) for t in mine]), max(t["value_date"] for t in mine)

    def weighted_foreign(self, currency: str, original: Any) -> ForeignAmount:
        """A partner's receipt converted at the rate weighted over the transfers in ``currency`` (dated the
        last transfer); refused when there are none."""
        currency = (currency or "").strip().upper()
        weighted = self.weighted_rate(currency)
        if weighted is None:
            raise RuleViolationError(
                message(
                    "Es sind keine Überweisungen in {currency} an den Partner erfasst; ohne sie gibt es "
                    "keinen gewichteten Kurs.",
                    currency=currency,
                ),
                field="rate_source",
            )
        return ForeignAmount.convert(currency, original, weighted[0], weighted[1], WEIGHTED_TRANSFERS)

    def _check_weighted(self, amount: ForeignAmount) -> None:
        expected = self.weighted_foreign(amount.currency, amount.original)
        if amount.rate != expected.rate:
            raise InvalidInputError(
                message(
                    "Der gewichtete Kurs der Überweisungen ist {rate} {currency} je Euro, nicht {rate2}.",
                    rate=expected.rate,
                    currency=amount.currency,
                    rate2=amount.rate,
                ),
                field="rate",
            )

    # Deadlines ---------------------------------------------------------------------------------

    def deadlines(self, as_of: date) -> list[dict[str, Any]]:
        """Interim proofs for every fiscal year end inside the period, then the final proof of use."""
        if self.terms is None or self.status in (REJECTED, WITHDRAWN):
            return []
        period = self.terms.period
        result = []
        for year in range(period.start.year, period.end.year):
            key = f"interim-{year}"
            extended = self.deadline_extensions.get(key)
            due = next_working_day(extended) if extended else self.terms.interim_proof_due(year)
            done = self.interim_proofs.get(str(year))
            result.append(
                {
                    "key": key,
                    "kind": "interim",
                    "fiscal_year": year,
                    "due": due,
                    "done_on": done,
                    "overdue": done is None and as_of > due,
                }
            )
        extended = self.deadline_extensions.get("final")
        due = next_working_day(extended) if extended else self.terms.final_proof_due_for(self.purpose_fulfilled_on)
        done = self.proof["submitted_on"] if self.proof else None
        result.append(
            {
                "key": "final",
                "kind": "final",
                "fiscal_year": None,
                "due": due,
                "done_on": done,
                "overdue": done is None and self.status == APPROVED and as_of > due,
            }
        )
        return result

    def _deadline(self, key: str, as_of: date) -> dict[str, Any]:
        for deadline in self.deadlines(as_of):
            if deadline["key"] == key:
                return deadline
        raise NotFoundError(message("Die Frist »{key}« gibt es bei dieser Zuwendung nicht.", key=key), field="deadline")

    def extend_deadline(self, key: str, new_due: date, reason: str, on: date, actor: Actor) -> None:
        actor.require(Role.OFFICER, doing=N_("Frist verlängern"))
        deadline = self._deadline(key, on)
        if deadline["done_on"] is not None:
            raise InvalidStateError(message("Der Nachweis ist bereits eingegangen."))
        if new_due <= deadline["due"]:
            raise InvalidInputError(
                message("Die neue Frist muss nach dem {due} liegen.", due=deadline["due"]), field="new_due"
            )
        self._deadline_extended(
            key=key, previous=deadline["due"], new_due=new_due, reason=require_reason(reason), on=on, **actor.stamp
        )

    class DeadlineExtended(Aggregate.Event):
        key: str
        previous: date
        new_due: date
        reason: str
        on: date
        actor_id: UUID
        actor_role: str

    @event(DeadlineExtended)
    def _deadline_extended(
        self, key: str, previous: date, new_due: date, reason: str, on: date, actor_id: UUID, actor_role: str
    ) -> None:
        self.deadline_extensions[key] = new_due

    # Project not yet begun ------------------------------------------------------------------------

    @property
    def eligible_from(self) -> date:
        """The first day whose expenses may count: a project grant is for a project not yet begun, so the
        day the application was received, unless an early start (vorzeitiger Maßnahmebeginn) was approved."""
        return self.early_start_on or self.applied_on

    def approve_early_start(self, start_on: date, reason: str, on: date, actor: Actor) -> None:
        """Zustimmung zum vorzeitigen Maßnahmebeginn: an approver — not whoever recorded the application —
        allows the project to begin on ``start_on``; expenses from that day count."""
        actor.require(Role.APPROVER, doing=N_("Vorzeitigem Maßnahmebeginn zustimmen"))
        self._require_status(
            APPLIED, DOCUMENTS_REQUESTED, REVIEWED, APPROVED, doing=N_("Vorzeitigem Maßnahmebeginn zustimmen")
        )
        if actor.user_id == self.applicant_id:
            raise FourEyesError(message("Wer den Antrag erfasst hat, stimmt dem vorzeitigen Beginn nicht selbst zu."))
        if not isinstance(start_on, date):
            raise InvalidInputError(message("Bitte den Tag des Maßnahmebeginns angeben."), field="start_on")
        period = self.terms.period if self.terms is not None else self.period
        if not period.start <= start_on <= period.end:
            raise InvalidInputError(
                message(
                    "Der Maßnahmebeginn muss im Bewilligungszeitraum liegen ({start} – {end}).",
                    start=period.start,
                    end=period.end,
                ),
                field="start_on",
            )
        if start_on == self.eligible_from:
            raise InvalidStateError(message("Ausgaben zählen bereits ab dem {start_on}.", start_on=start_on))
        self._early_start_approved(start_on=start_on, reason=require_reason(reason), on=on, **actor.stamp)

    class EarlyStartApproved(Aggregate.Event):
        start_on: date
        reason: str
        on: date
        actor_id: UUID
        actor_role: str

    @event(EarlyStartApproved)
    def _early_start_approved(self, start_on: date, reason: str, on: date, actor_id: UUID, actor_role: str) -> None:
        self.early_start_on = start_on

    def _before_start(self) -> Money:
        """Expenses recorded before the first eligible day (from before the rule was enforced): not eligible."""
        return Money.sum(
            e["euro"] for e in self.expenses.values() if not e["reversed"] and e["paid_on"] < self.eligible_from
        )

    # Items bought with the grant (Inventar, Zweckbindung) -------------------------------------------

    def record_item(
        self,
        description: str,
        acquired_on: date,
        value: Money,
        value_limit: Money,
        on: date,
        actor: Actor,
        expense_id: UUID | None = None,
    ) -> UUID:
        """Lists an item bought with the grant whose value reaches ``value_limit`` (the office's setting),
        with the end of its earmarking period (Zweckbindungsfrist: the notice's years from acquisition)."""
        actor.require(Role.ASSOCIATION, Role.OFFICER, doing=N_("Gegenstand erfassen"))
        actor.require_member_of(self.organisation_id, doing=N_("Gegenstand erfassen"))
        self._require_status(APPROVED, PROOF_SUBMITTED, PROOF_REVIEWED, DETERMINED, doing=N_("Gegenstand erfassen"))
        assert self.terms is not None
        if not isinstance(acquired_on, date):
            raise InvalidInputError(message("Bitte das Anschaffungsdatum angeben."), field="acquired_on")
        if acquired_on > on:
            raise InvalidInputError(
                message(
                    "Der {acquired_on} liegt in der Zukunft; erfasst wird, was angeschafft ist.",
                    acquired_on=acquired_on,
                ),
                field="acquired_on",
            )
        if not self.terms.period.contains(acquired_on):
            raise RuleViolationError(
                message("Angeschafft am {acquired_on}: außerhalb des Bewilligungszeitraums.", acquired_on=acquired_on),
                field="acquired_on",
            )
        value.require_positive("value", N_("Der Wert"))
        if value < value_limit:
            raise RuleViolationError(
                message(
                    "Gegenstände unter der Wertgrenze von {value_limit} werden nicht einzeln erfasst.",
                    value_limit=value_limit,
                ),
                field="value",
            )
        if expense_id is not None and expense_id.hex not in self.expenses:
            raise NotFoundError(message("Diese Ausgabe gibt es zu dieser Zuwendung nicht."), field="expense_id")
        item_id = uuid4()
        self._item_recorded(
            item_id=item_id,
            description=require_text(description, "description", N_("Die Bezeichnung"), 300),
            acquired_on=acquired_on,
            value=value,
            earmarked_until=add_years(acquired_on, self.terms.earmark_years),
            expense_id=expense_id,
            on=on,
            **actor.stamp,
        )
        return item_id

    class ItemRecorded(Aggregate.Event):
        item_id: UUID
        description: str
        acquired_on: date
        value: Money
        earmarked_until: date
        expense_id: UUID | None
        on: date
        actor_id: UUID
        actor_role: str

    @event(ItemRecorded)
    def _item_recorded(
        self,
        item_id: UUID,
        description: str,
        acquired_on: date,
        value: Money,
        earmarked_until: date,
        expense_id: UUID | None,
        on: date,
        actor_id: UUID,
        actor_role: str,
    ) -> None:
        item = {
            "item_id": item_id.hex,
            "description": description,
            "acquired_on": acquired_on,
            "value": value,
            "earmarked_until": earmarked_until,
            "disposed_on": None,
            "disposal": "",
            "within_earmark": False,
        }
        self.items = (*self.items, item)

    def item(self, item_id: UUID) -> dict[str, Any] | None:
        return next((item for item in self.items if item["item_id"] == item_id.hex), None)

    def record_disposal(self, item_id: UUID, disposed_on: date, how: str, on: date, actor: Actor) -> bool:
        """Records that an item was sold, given away, scrapped or lost. Within its earmarking period that is
        a reason to revoke the grant (in part, § 49 (3) VwVfG NRW); returns whether it was within."""
        actor.require(Role.ASSOCIATION, Role.OFFICER, doing=N_("Verbleib eines Gegenstands erfassen"))
        actor.require_member_of(self.organisation_id, doing=N_("Verbleib eines Gegenstands erfassen"))
        item = self.item(item_id)
        if item is None:
            raise NotFoundError(message("Diesen Gegenstand gibt es zu dieser Zuwendung nicht."), field="item_id")
        if item["disposed_on"] is not None:
            raise InvalidStateError(
                message("Der Verbleib ist bereits erfasst ({disposed_on}).", disposed_on=item["disposed_on"])
            )
        if not isinstance(disposed_on, date):
            raise InvalidInputError(message("Bitte das Datum angeben."), field="disposed_on")
        if disposed_on > on:
            raise InvalidInputError(
                message(
                    "Der {disposed_on} liegt in der Zukunft; erfasst wird, was geschehen ist.", disposed_on=disposed_on
                ),
                field="disposed_on",
            )
        if disposed_on < item["acquired_on"]:
            raise InvalidInputError(
                message("Ein Gegenstand geht nicht vor seiner Anschaffung ab."), field="disposed_on"
            )
        within: bool = disposed_on < item["earmarked_until"]
        self._item_disposed(
            item_id=item_id,
            disposed_on=disposed_on,
            how=require_reason(how, field="how"),
            value=item["value"],
            within_earmark=within,
            on=on,
            **actor.stamp,
        )
        return within

    class ItemDisposed(Aggregate.Event):
        item_id: UUID
        disposed_on: date
        how: str
        value: Money
        within_earmark: bool
        on: date
        actor_id: UUID
        actor_role: str

    @event(ItemDisposed)
    def _item_disposed(
        self,
        item_id: UUID,
        disposed_on: date,
        how: str,
        value: Money,
        within_earmark: bool,
        on: date,
        actor_id: UUID,
        actor_role: str,
    ) -> None:
        gone = {"disposed_on": disposed_on, "disposal": how, "within_earmark": within_earmark}
        self.items = tuple({**i, **gone} if i["item_id"] == item_id.hex else i for i in self.items)

    def record_purpose_fulfilled(self, fulfilled_on: date, on: date, actor: Actor) -> date:
        """The association (or an officer for it) records when the purpose of the grant was fulfilled; the
        proof of use is then due six months later, at the latest six months after the funding period
        (Nr. 6.1 ANBest-P), moved to the next working day (§ 31 (3) VwVfG NRW). Returns the new due date."""
        actor.require(Role.ASSOCIATION, Role.OFFICER, doing=N_("Zweckerfüllung vermerken"))
        actor.require_member_of(self.organisation_id, doing=N_("Zweckerfüllung vermerken"))
        self._require_status(APPROVED, doing=N_("Zweckerfüllung vermerken"))
        assert self.terms is not None
        if not isinstance(fulfilled_on, date):
            raise InvalidInputError(
                message("Bitte das Datum angeben, an dem der Zweck erfüllt war."), field="fulfilled_on"
            )
        if fulfilled_on > on:
            raise InvalidInputError(
                message(
                    "Der {fulfilled_on} liegt in der Zukunft; vermerkt wird, was geschehen ist.",
                    fulfilled_on=fulfilled_on,
                ),
                field="fulfilled_on",
            )
        if fulfilled_on < self.terms.period.start:
            raise InvalidInputError(
                message(
                    "Der Zweck kann nicht vor dem Beginn des Bewilligungszeitraums ({start}) erfüllt sein.",
                    start=self.terms.period.start,
                ),
                field="fulfilled_on",
            )
        if fulfilled_on == self.purpose_fulfilled_on:
            raise InvalidStateError(
                message("Die Zweckerfüllung am {fulfilled_on} ist bereits vermerkt.", fulfilled_on=fulfilled_on)
            )
        proof_due = self.terms.final_proof_due_for(fulfilled_on)
        self._purpose_fulfilled(fulfilled_on=fulfilled_on, proof_due=proof_due, on=on, **actor.stamp)
        return proof_due

    class PurposeFulfilled(Aggregate.Event):
        fulfilled_on: date
        proof_due: date
        on: date
        actor_id: UUID
        actor_role: str

    @event(PurposeFulfilled)
    def _purpose_fulfilled(
        self, fulfilled_on: date, proof_due: date, on: date, actor_id: UUID, actor_role: str
    ) -> None:
        self.purpose_fulfilled_on = fulfilled_on

    def send_reminder(self, key: str, on: date, actor: Actor) -> None:
        actor.require(Role.OFFICER, doing=N_("Erinnern"))
        deadline = self._deadline(key, on)
        if deadline["done_on"] is not None:
            raise InvalidStateError(message("Der Nachweis ist bereits eingegangen."))
        self._reminder_sent(key=key, due=deadline["due"], on=on, **actor.stamp)

    def remind_automatically(self, key: str, stage: str, on: date, actor: Actor) -> bool:
        """A reminder the system sends by itself: ``before`` the deadline, on the day it is ``due``, or when it
        is ``overdue``. Each stage is sent once per deadline date (an extension starts them afresh); returns
        whether one was recorded, so running the reminders twice sends nothing twice."""
        actor.require(Role.OFFICER, doing=N_("Erinnern"))
        if stage not in REMINDER_STAGES or stage == MANUAL:
            raise InvalidInputError(
                message("Die Erinnerungsstufe »{stage}« gibt es nicht.", stage=stage), field="stage"
            )
        if self.status in (REJECTED, WITHDRAWN, REVOKED, CLOSED):
            return False
        deadline = self._deadline(key, on)
        if deadline["done_on"] is not None or (key == "final" and self.status != APPROVED):
            return False
        if (key, deadline["due"].isoformat(), stage) in self.reminders_sent:
            return False
        self._reminder_sent(key=key, due=deadline["due"], on=on, stage=stage, **actor.stamp)
        return True

    class ReminderSent(Aggregate.Event):
        key: str
        due: date
        on: date
        actor_id: UUID
        actor_role: str
        stage: str = "manual"

    @event(ReminderSent)
    def _reminder_sent(
        self, key: str, due: date, on: date, actor_id: UUID, actor_role: str, stage: str = "manual"
    ) -> None:
        self.reminders_sent = (*self.reminders_sent, (key, due.isoformat(), stage))

    # Proofs of use -----------------------------------------------------------------------------

    def submit_interim_proof(self, fiscal_year: int, report: str, on: date, actor: Actor) -> None:
        """Zwischennachweis for the money received in a fiscal year the project did not finish in."""
        actor.require(Role.ASSOCIATION, Role.OFFICER, doing=N_("Zwischennachweis einreichen"))
        actor.require_member_of(self.organisation_id, doing=N_("Zwischennachweis einreichen"))
        self._deadline(f"interim-{fiscal_year}", on)
        if str(fiscal_year) in self.interim_proofs:
            raise InvalidStateError(
                message("Der Zwischennachweis {fiscal_year} ist bereits eingegangen.", fiscal_year=fiscal_year)
            )
        if on <= date(fiscal_year, 12, 31):
            raise InvalidInputError(
                message("Der Zwischennachweis {fiscal_year} folgt erst nach dem Jahresende.", fiscal_year=fiscal_year),
                field="on",
            )
        spent = Money.sum(
            e["euro"] for e in self.expenses.values() if not e["reversed"] and e["paid_on"].year == fiscal_year
        )
        received = Money.sum(
            p["amount"] - p["returned"]
            for p in self.payments.values()
            if p["status"] == BOOKED and p["value_date"].year == fiscal_year
        )
        self._interim_proof_submitted(
            fiscal_year=fiscal_year,
            report=require_text(report, "report", N_("Der Sachbericht"), 20000),
            spent=spent,
            received=received,
            on=on,
            **actor.stamp,
        )

    class InterimProofSubmitted(Aggregate.Event):
        fiscal_year: int
        report: str
        spent: Money
        received: Money
        on: date
        actor_id: UUID
        actor_role: str

    @event(InterimProofSubmitted)
    def _interim_proof_submitted(
        self, fiscal_year: int, report: str, spent: Money, received: Money, on: date, actor_id: UUID, actor_role: str
    ) -> None:
        self.interim_proofs[str(fiscal_year)] = on

    def submit_proof_of_use(
        self,
        report: str,
        own_funds: Money,
        third_party_funds: Money,
        income: Money,
        on: date,
        actor: Actor,
        units_delivered: int | None = None,
        summary_costs: dict[str, Money] | None = None,
    ) -> None:
        """Verwendungsnachweis: the narrative report, the actual funding, and the receipts as reported.

        A fixed amount per unit also needs the units delivered (e.g. trainees who took part). With
        ``summary_costs`` it is a simple proof of use (einfacher Verwendungsnachweis, where the rule set
        allows it): the costs per budget line as summed up by the association, without receipts."""
        actor.require(Role.ASSOCIATION, Role.OFFICER, doing=N_("Verwendungsnachweis einreichen"))
        actor.require_member_of(self.organisation_id, doing=N_("Verwendungsnachweis einreichen"))
        self._require_status(APPROVED, doing=N_("Verwendungsnachweis einreichen"))
        if self.pending_amendment is not None:
            raise InvalidStateError(message("Zuerst muss über die offene Änderung entschieden werden."))
        for value, what in ((own_funds, "Eigenmittel"), (third_party_funds, "Drittmittel"), (income, "Einnahmen")):
            value.require_not_negative(what, what)
        receipts = [key for key, e in self.expenses.items() if not e["reversed"]]
        simple: dict[str, Any] = {} if summary_costs is None else {"simple": True}
        before = self._before_start() if summary_costs is None else Money.zero()
        if before.amount:  # receipts from before the project could begin are left out of the costs
            simple["before_start"] = before
        self._proof_of_use_submitted(
            report=require_text(report, "report", N_("Der Sachbericht"), 20000),
            actual_costs=self.spent_per_line() if summary_costs is None else self._summary_costs(summary_costs),
            own_funds=own_funds,
            third_party_funds=third_party_funds,
            income=income,
            receipt_count=len(receipts),
            on=on,
            **actor.stamp,
            **self._units_fact("units_delivered", units_delivered),
            **simple,
        )

    def _summary_costs(self, costs: dict[str, Money]) -> dict[str, Money]:
        """The costs per budget line of a simple proof of use, as the association sums them up (no receipts);
        refused unless the notice's rule set allows a simple proof."""
        assert self.terms is not None
        if not self.terms.rule_set.simple_proof:
            raise RuleViolationError(
                message(
                    "Das Regelwerk {version} lässt keinen einfachen Verwendungsnachweis zu; einzureichen ist "
                    "der Nachweis mit Belegliste.",
                    version=self.terms.rule_set.version,
                ),
                field="simple",
            )
        lines = self.line_budgets
        unknown = sorted(set(costs) - set(lines))
        if unknown:
            raise InvalidInputError(
                message("Die Kostenposition »{code}« steht nicht im Finanzierungsplan.", code=unknown[0]),
                field="actual_costs",
            )
        summary = {}
        for code in lines:
            summary[code] = costs.get(code, Money.zero()).require_not_negative("actual_costs", N_("Ein Betrag"))
        if not any(amount.amount for amount in summary.values()):
            raise InvalidInputError(message("Der zahlenmäßige Nachweis nennt keine Kosten."), field="actual_costs")
        return summary

    def _units_fact(self, name: str, units: int | None, at_most: int | None = None) -> dict[str, Any]:
        """The units delivered as an event argument: required for a fixed amount per unit, refused otherwise."""
        assert self.terms is not None
        if not self.terms.per_unit:
            if units is not None:
                raise InvalidInputError(message("Diese Zuwendung ist kein Festbetrag je Einheit."), field=name)
            return {}
        if units is None:
            raise InvalidInputError(
                message(
                    "Wie viele {unit_label} wurden erbracht? (bewilligt: {units})",
                    unit_label=self.terms.unit_label,
                    units=self.terms.units,
                ),
                field=name,
            )
        if isinstance(units, bool) or not isinstance(units, int) or units < 0:
            raise InvalidInputError(message("Die Zahl der Einheiten muss eine ganze Zahl ab 0 sein."), field=name)
        if at_most is not None and units > at_most:
            raise RuleViolationError(
                message(
                    "Anerkannt werden können höchstens die nachgewiesenen {at_most} {unit_label}.",
                    at_most=at_most,
                    unit_label=self.terms.unit_label,
                ),
                field=name,
            )
        return {name: units}

    class ProofOfUseSubmitted(Aggregate.Event):
        report: str
        actual_costs: dict[str, Money]
        own_funds: Money
        third_party_funds: Money
        income: Money
        receipt_count: int
        on: date
        actor_id: UUID
        actor_role: str
        units_delivered: int | None = None
        simple: bool = False
        before_start: Money | None = None

    @event(ProofOfUseSubmitted)
    def _proof_of_use_submitted(
        self,
        report: str,
        actual_costs: dict[str, Money],
        own_funds: Money,
        third_party_funds: Money,
        income: Money,
        receipt_count: int,
        on: date,
        actor_id: UUID,
        actor_role: str,
        units_delivered: int | None = None,  # a fixed amount per unit (since issue 11 rule 7)
        simple: bool = False,  # a simple proof of use: summary figures, no receipts (issue 11 rule 8)
        before_start: Money | None = None,  # receipts before the project could begin, left out (rule 9)
    ) -> None:
        self.status = PROOF_SUBMITTED
        self.proof = {
            "actual_costs": dict(actual_costs),
            "own_funds": own_funds,
            "third_party_funds": third_party_funds,
            "income": income,
            "submitted_on": on,
            "submitted_by": actor_id,
            "units": units_delivered,
            "simple": simple,
        }

    def review_proof_of_use(
        self,
        recognised_costs: dict[str, Money],
        cut_reasons: dict[str, str],
        notes: str,
        on: date,
        actor: Actor,
        own_funds: Money | None = None,
        third_party_funds: Money | None = None,
        income: Money | None = None,
        condition_occurred_on: date | None = None,
        recognised_units: int | None = None,
    ) -> None:
        """Prüfvermerk: an officer other than the submitter records what is recognised, line by line
        (and, for a fixed amount per unit, how many of the units reported are recognised).

        ``condition_occurred_on``: the day the resolutory condition occurred (costs fell, extra funds came
        in); a claim from the final amount arises then, not on the day of the decision."""
        actor.require(Role.OFFICER, doing=N_("Verwendungsnachweis prüfen"))
        self._require_status(PROOF_SUBMITTED, doing=N_("Verwendungsnachweis prüfen"))
        assert self.proof is not None
        if actor.is_user(self.proof["submitted_by"]):
            raise FourEyesError(
                message("Wer den Nachweis eingereicht hat, darf ihn nicht prüfen (Vier-Augen-Prinzip).")
            )
        if condition_occurred_on is not None:
            self._check_condition_day(condition_occurred_on, on)
        actual: dict[str, Money] = self.proof["actual_costs"]
        unknown = set(recognised_costs) - set(actual)
        if unknown:
            raise InvalidInputError(
                message("Unbekannte Kostenposition »{code}«.", code=sorted(unknown)[0]), field="recognised_costs"
            )
        recognised, reasons = {}, {}
        for code, spent in actual.items():
            value = recognised_costs.get(code, spent)
            value.require_not_negative("recognised_costs", N_("Ein anerkannter Betrag"))
            if value > spent:
                raise RuleViolationError(
                    message(
                        "Kostenposition »{code}«: anerkannt werden können höchstens die nachgewiesenen {spent}.",
                        code=code,
                        spent=spent,
                    ),
                    field="recognised_costs",
                )
            if value < spent:
                reasons[code] = require_reason(cut_reasons.get(code), field=f"cut_reason_{code}")
            recognised[code] = value
        reported_units = self.proof.get("units")
        units = self._units_fact(
            "recognised_units", reported_units if recognised_units is None else recognised_units, reported_units
        )
        self._proof_of_use_reviewed(
            **units,
            recognised_costs=recognised,
            cut_reasons=reasons,
            own_funds=self.proof["own_funds"] if own_funds is None else own_funds.require_not_negative("own_funds"),
            third_party_funds=(
                self.proof["third_party_funds"]
                if third_party_funds is None
                else third_party_funds.require_not_negative("third_party_funds")
            ),
            income=self.proof["income"] if income is None else income.require_not_negative("income"),
            notes=require_text(notes, "notes", N_("Der Prüfvermerk"), 4000),
            on=on,
            **actor.stamp,
            condition_occurred_on=condition_occurred_on,
        )

    def _check_condition_day(self, day: date, on: date) -> None:
        if day > on:
            raise InvalidInputError(
                message("Der Eintritt der auflösenden Bedingung ({day}) liegt nach dem Prüfdatum.", day=day),
                field="condition_occurred_on",
            )
        if day < self.applied_on:
            raise InvalidInputError(
                message("Der Eintritt der auflösenden Bedingung ({day}) liegt vor dem Antrag.", day=day),
                field="condition_occurred_on",
            )

    class ProofOfUseReviewed(Aggregate.Event):
        recognised_costs: dict[str, Money]
        cut_reasons: dict[str, str]
        own_funds: Money
        third_party_funds: Money
        income: Money
        notes: str
        on: date
        actor_id: UUID
        actor_role: str
        condition_occurred_on: date | None = None
        recognised_units: int | None = None

    @event(ProofOfUseReviewed)
    def _proof_of_use_reviewed(
        self,
        recognised_costs: dict[str, Money],
        cut_reasons: dict[str, str],
        own_funds: Money,
        third_party_funds: Money,
        income: Money,
        notes: str,
        on: date,
        actor_id: UUID,
        actor_role: str,
        condition_occurred_on: date | None = None,
        recognised_units: int | None = None,  # a fixed amount per unit (since issue 11 rule 7)
    ) -> None:
        self.status = PROOF_REVIEWED
        self.recognised = {
            "costs": dict(recognised_costs),
            "own_funds": own_funds,
            "third_party_funds": third_party_funds,
            "income": income,
            "reviewed_by": actor_id,
            "units": recognised_units,
        }
        if condition_occurred_on is not None:  # the state of earlier reviews stays as it was
            self.recognised["condition_occurred_on"] = condition_occurred_on

    # Final amount, claims, revocation, closure -------------------------------------------------

    def _payments_in_flight(self) -> bool:
        return any(p["status"] in (REQUESTED, CERTIFIED, RELEASED) for p in self.payments.values())

    def determine_final_amount(
        self, on: date, actor: Actor, claim_id: UUID, small_claim_limit: Money | None = None
    ) -> Money | None:
        """Schlussfestsetzung from the reviewed proof; returns the claim to raise, if any.

        An overpayment below the small-amount limit is left (the lower of the rule set's threshold and the
        city's ``small_claim_limit``); anything larger is claimed. The claim arises on the day the
        resolutory condition occurred, when the review recorded one (``claim_arose_on``)."""
        actor.require(Role.APPROVER, doing=N_("Schlussfestsetzung"))
        self._require_status(PROOF_REVIEWED, doing=N_("Schlussfestsetzung"))
        assert self.recognised is not None and self.terms is not None and self.proof is not None
        if actor.is_user(self.recognised["reviewed_by"]) or actor.is_user(self.proof["submitted_by"]):
            raise FourEyesError(
                message("Wer den Nachweis eingereicht oder geprüft hat, setzt nicht selbst fest (Vier-Augen-Prinzip).")
            )
        if self._payments_in_flight():
            raise InvalidStateError(message("Zuerst müssen laufende Abrufe ausgezahlt oder storniert werden."))
        actuals = RecognisedActuals(
            costs=self.recognised["costs"],
            own_funds=self.recognised["own_funds"],
            third_party_funds=self.recognised["third_party_funds"],
            income=self.recognised["income"],
            units=self.recognised.get("units"),
        )
        result = determine_final_amount(self.terms, actuals)
        per_unit: dict[str, Any] = {}  # recorded for a fixed amount per unit only
        if self.terms.per_unit:
            per_unit = {"units": actuals.units, "unit_shortfall": result.unit_shortfall}
        paid = self.paid
        overpaid = paid - result.final_amount
        threshold = self.terms.rule_set.small_amount_threshold
        if small_claim_limit is not None:
            threshold = min(threshold, small_claim_limit)
        pursued = overpaid.amount > 0 and overpaid >= threshold
        self._final_amount_determined(
            final_amount=result.final_amount,
            eligible_costs=result.eligible_costs,
            capped_lines=result.capped_lines,
            explanation=result.explanation,
            over_plan_total=result.over_plan_total,
            **per_unit,
            recognised_costs=actuals.costs,
            own_funds=actuals.own_funds,
            third_party_funds=actuals.third_party_funds,
            income=actuals.income,
            paid=paid,
            claim_amount=overpaid if pursued else Money.zero(),
            not_pursued=overpaid if overpaid.amount > 0 and not pursued else Money.zero(),
            claim_id=claim_id if pursued else None,
            on=on,
            **actor.stamp,
            claim_arose_on=self.final_claim_arose_on if pursued else None,
        )
        return overpaid if pursued else None

    @property
    def final_claim_arose_on(self) -> date | None:
        """The day the resolutory condition occurred, as the proof review recorded it (None: not recorded)."""
        return (self.recognised or {}).get("condition_occurred_on")

    def payouts(self) -> list[tuple[date, Money]]:
        """Booked payouts as (value date, amount net of bounced transfers), oldest first."""
        booked = [
            (p["value_date"], p["amount"] - p["returned"]) for p in self.payments.values() if p["status"] == BOOKED
        ]
        return sorted((day, amount) for day, amount in booked if amount)

    def reclaimed_tranches(
        self, amount: Money, from_day: date, already_claimed: Money | None = None
    ) -> list[tuple[date, Money]]:
        """Which payouts a claim of ``amount`` takes back, newest first (what was kept was paid first), each
        bearing interest from the later of ``from_day`` and its value date; ``already_claimed`` of the
        newest payouts was taken back by an earlier claim. Returns (interest from, part), oldest first."""
        skip, left, tranches = already_claimed or Money.zero(), amount, []
        for value_date, paid in reversed(self.payouts()):
            skipped = min(skip, paid)
            skip, paid = skip - skipped, paid - skipped
            taken = min(left, paid)
            if taken:
                tranches.append((max(from_day, value_date), taken))
                left = left - taken
        if left:
            tranches.append((from_day, left))
        merged: dict[date, Money] = {}
        for day, part in tranches:
            merged[day] = merged.get(day, Money.zero()) + part
        return sorted(merged.items())

    class FinalAmountDetermined(Aggregate.Event):
        final_amount: Money
        eligible_costs: Money
        capped_lines: dict[str, Money]
        explanation: str
        recognised_costs: dict[str, Money]
        own_funds: Money
        third_party_funds: Money
        income: Money
        paid: Money
        claim_amount: Money
        not_pursued: Money
        claim_id: UUID | None
        on: date
        actor_id: UUID
        actor_role: str
        over_plan_total: Money | None = None
        claim_arose_on: date | None = None
        units: int | None = None
        unit_shortfall: Money | None = None

    @event(FinalAmountDetermined)
    def _final_amount_determined(
        self,
        final_amount: Money,
        eligible_costs: Money,
        capped_lines: dict[str, Money],
        explanation: str,
        recognised_costs: dict[str, Money],
        own_funds: Money,
        third_party_funds: Money,
        income: Money,
        paid: Money,
        claim_amount: Money,
        not_pursued: Money,
        claim_id: UUID | None,
        on: date,
        actor_id: UUID,
        actor_role: str,
        over_plan_total: Money | None = None,  # recorded since the plan binds as a total; before: none
        claim_arose_on: date | None = None,  # the resolutory condition's day, when the review recorded one
        units: int | None = None,  # units recognised, for a fixed amount per unit (issue 11 rule 7)
        unit_shortfall: Money | None = None,  # units granted but not delivered, times the rate
    ) -> None:
        self.status = DETERMINED
        self.final_amount = final_amount
        if claim_id is not None:
            self.claim_ids.append(claim_id)

    def propose_revocation(
        self,
        remaining_amount: Money,
        effective_on: date,
        facts_known_on: date,
        heard_on: date,
        reason: str,
        on: date,
        actor: Actor,
    ) -> date:
        """Prepares a Widerruf for another person's decision; returns the last day it may be decided.

        Records when the competent office learnt the facts (the revocation must be decided within one year
        of that, § 48 (4) and § 49 (3) sentence 2 VwVfG NRW; a deadline ending on a weekend or holiday ends
        on the next working day, § 31 (3)) and when the association was heard (§ 28 VwVfG NRW)."""
        actor.require(Role.OFFICER, Role.APPROVER, doing=N_("Widerruf vorbereiten"))
        self._require_status(*AFTER_AWARD, doing=N_("Widerruf vorbereiten"))
        if self.pending_revocation is not None:
            raise InvalidStateError(message("Ein Widerruf ist bereits vorbereitet und wartet auf die Entscheidung."))
        self._revocation_amounts(remaining_amount)
        if facts_known_on > on:
            raise InvalidInputError(message("Die Kenntnis der Tatsachen liegt in der Zukunft."), field="facts_known_on")
        if heard_on > on:
            raise InvalidInputError(message("Die Anhörung liegt in der Zukunft."), field="heard_on")
        if heard_on < facts_known_on:
            raise InvalidInputError(
                message("Angehört wird zu Tatsachen, die bekannt sind: die Anhörung liegt vor ihrer Kenntnis."),
                field="heard_on",
            )
        limit = revocation_limit(facts_known_on)
        self._require_within_year(limit, on)
        self._revocation_proposed(
            remaining_amount=remaining_amount,
            effective_on=effective_on,
            facts_known_on=facts_known_on,
            heard_on=heard_on,
            limit_ends_on=limit,
            reason=require_reason(reason),
            on=on,
            **actor.stamp,
        )
        return limit

    class RevocationProposed(Aggregate.Event):
        remaining_amount: Money
        effective_on: date
        facts_known_on: date
        heard_on: date
        limit_ends_on: date
        reason: str
        on: date
        actor_id: UUID
        actor_role: str

    @event(RevocationProposed)
    def _revocation_proposed(
        self,
        remaining_amount: Money,
        effective_on: date,
        facts_known_on: date,
        heard_on: date,
        limit_ends_on: date,
        reason: str,
        on: date,
        actor_id: UUID,
        actor_role: str,
    ) -> None:
        self.pending_revocation = {
            "remaining_amount": remaining_amount,
            "effective_on": effective_on,
            "facts_known_on": facts_known_on,
            "heard_on": heard_on,
            "limit_ends_on": limit_ends_on,
            "reason": reason,
            "proposed_by": actor_id,
        }

    def _revocation_amounts(self, remaining_amount: Money) -> Money:
        """The amount the revocation reduces from; refuses one that does not reduce or with payments in flight."""
        remaining_amount.require_not_negative("remaining_amount", N_("Der verbleibende Betrag"))
        current = self.final_amount if self.final_amount is not None else self.approved_amount
        if remaining_amount >= current:
            raise InvalidInputError(
                message("Ein Widerruf muss den Betrag von {current} mindern.", current=current),
                field="remaining_amount",
            )
        if self._payments_in_flight():
            raise InvalidStateError(message("Zuerst müssen laufende Abrufe ausgezahlt oder storniert werden."))
        return current

    @staticmethod
    def _require_within_year(limit: date, on: date) -> None:
        if on > limit:
            raise RuleViolationError(
                message(
                    "Die Jahresfrist für den Widerruf endete am {limit} (§ 48 Abs. 4, § 49 Abs. 3 VwVfG "
                    "NRW); ein Widerruf ist nicht mehr möglich.",
                    limit=limit,
                ),
                field="facts_known_on",
            )

    def decide_revocation(
        self, approve: bool, reason: str, on: date, actor: Actor, claim_id: UUID
    ) -> tuple[Money, list[tuple[date, Money]]] | None:
        """Widerruf by an approver other than the person who prepared it, within the one-year limit.

        The grant is reduced to the proposal's remaining amount (zero for a full revocation). What was paid
        beyond it becomes a claim; with effect for the past, each payout taken back bears interest from the
        later of the effective date and its value date. Returns (claim amount, tranches), or None."""
        actor.require(Role.APPROVER, doing=N_("Über den Widerruf entscheiden"))
        pending = self.pending_revocation
        if pending is None:
            raise InvalidStateError(message("Es ist kein Widerruf vorbereitet."))
        if actor.is_user(pending["proposed_by"]):
            raise FourEyesError(
                message("Wer den Widerruf vorbereitet hat, entscheidet nicht selbst (Vier-Augen-Prinzip).")
            )
        reason = require_reason(reason)
        if not approve:
            self._revocation_declined(reason=reason, on=on, **actor.stamp)
            return None
        self._require_status(*AFTER_AWARD, doing=N_("Widerrufen"))
        if on < pending["heard_on"]:
            raise InvalidInputError(message("Entschieden wird nach der Anhörung (§ 28 VwVfG NRW)."), field="on")
        self._require_within_year(pending["limit_ends_on"], on)
        remaining_amount, effective_on = pending["remaining_amount"], pending["effective_on"]
        current = self._revocation_amounts(remaining_amount)
        already_claimed = self.paid - current if self.paid > current else Money.zero()
        overpaid = self.paid - remaining_amount - already_claimed
        pursued = overpaid.amount > 0
        tranches = self.reclaimed_tranches(overpaid, effective_on, already_claimed) if pursued else []
        self._grant_revoked(
            previous_amount=current,
            remaining_amount=remaining_amount,
            effective_on=effective_on,
            paid=self.paid,
            claim_amount=overpaid if pursued else Money.zero(),
            claim_id=claim_id if pursued else None,
            reason=reason,
            on=on,
            **actor.stamp,
            facts_known_on=pending["facts_known_on"],
            heard_on=pending["heard_on"],
            limit_ends_on=pending["limit_ends_on"],
            proposed_by=pending["proposed_by"],
            proposal_reason=pending["reason"],
            tranches=[{"from": day, "amount": part} for day, part in tranches],
        )
        return (overpaid, tranches) if pursued else None

    class RevocationDeclined(Aggregate.Event):
        reason: str
        on: date
        actor_id: UUID
        actor_role: str

    @event(RevocationDeclined)
    def _revocation_declined(self, reason: str, on: date, actor_id: UUID, actor_role: str) -> None:
        self.pending_revocation = None

    class GrantRevoked(Aggregate.Event):
        previous_amount: Money
        remaining_amount: Money
        effective_on: date
        paid: Money
        claim_amount: Money
        claim_id: UUID | None
        reason: str
        on: date
        actor_id: UUID
        actor_role: str
        facts_known_on: date | None = None
        heard_on: date | None = None
        limit_ends_on: date | None = None
        proposed_by: UUID | None = None
        proposal_reason: str | None = None
        tranches: list[dict[str, Any]] | None = None

    @event(GrantRevoked)
    def _grant_revoked(
        self,
        previous_amount: Money,
        remaining_amount: Money,
        effective_on: date,
        paid: Money,
        claim_amount: Money,
        claim_id: UUID | None,
        reason: str,
        on: date,
        actor_id: UUID,
        actor_role: str,
        # Recorded since the revocation is prepared and decided by two people; before: none.
        facts_known_on: date | None = None,
        heard_on: date | None = None,
        limit_ends_on: date | None = None,
        proposed_by: UUID | None = None,
        proposal_reason: str | None = None,
        tranches: list[dict[str, Any]] | None = None,
    ) -> None:
        self.status = REVOKED
        if self.pending_revocation is not None:
            self.pending_revocation = None
        self.final_amount = remaining_amount
        if claim_id is not None:
            self.claim_ids.append(claim_id)

    # Idle money (§ 49a (4) VwVfG NRW) ----------------------------------------------------------

    def grant_uses(self) -> list[tuple[date, Money]]:
        """The grant's share of every receipt not reversed, by the day it was paid (see ``domain.idle_money``)."""
        assert self.terms is not None
        receipts = [(e["paid_on"], e["euro"]) for e in self.expenses.values() if not e["reversed"]]
        plan = self.terms.plan
        return grant_share_of_receipts(
            receipts,
            self.terms.financing_type,
            self.terms.rate,
            self.terms.amount,
            plan.other_sources,
            plan.total_costs,
        )

    def decide_idle_interest(
        self,
        proposal: IdleInterest,
        charged: Money,
        reason: str,
        on: date,
        actor: Actor,
        claim_id: UUID,
        small_claim_limit: Money | None = None,
    ) -> Money | None:
        """An officer decides, with a reason, whether and how much of the proposed idle-money interest to
        charge (it is discretionary: up to the proposal, or nothing). Returns the claim to raise: none when
        nothing is charged or the charge is below the small-amount limit."""
        actor.require(Role.OFFICER, doing=N_("Über Zinsen auf nicht alsbald verwendete Mittel entscheiden"))
        self._require_status(*AFTER_AWARD, doing=N_("Über Zinsen auf nicht alsbald verwendete Mittel entscheiden"))
        if self.idle_interest_decided_on is not None and on <= self.idle_interest_decided_on:
            raise InvalidInputError(
                message(
                    "Bis zum {idle_interest_decided_on} ist bereits entschieden.",
                    idle_interest_decided_on=self.idle_interest_decided_on,
                ),
                field="on",
            )
        charged.require_not_negative("amount", N_("Der Zinsbetrag"))
        if not proposal.stretches:
            raise InvalidStateError(
                message(
                    "Keine ausgezahlten Mittel lagen länger als {horizon} ungenutzt.",
                    horizon=duration_german(proposal.horizon),
                )
            )
        if charged > proposal.interest:
            raise RuleViolationError(
                message(
                    "Berechnet sind {interest} Zinsen; mehr kann nicht gefordert werden.", interest=proposal.interest
                ),
                field="amount",
            )
        limit = small_claim_limit if small_claim_limit is not None else Money.zero()
        pursued = charged.amount > 0 and charged >= limit
        self._idle_interest_decided(
            proposed=proposal.interest,
            charged=charged,
            not_pursued=charged if charged.amount > 0 and not pursued else Money.zero(),
            horizon=proposal.horizon,
            stretches=[stretch.as_record() for stretch in proposal.stretches],
            claim_id=claim_id if pursued else None,
            reason=require_reason(reason),
            on=on,
            **actor.stamp,
        )
        return charged if pursued else None

    class IdleInterestDecided(Aggregate.Event):
        proposed: Money
        charged: Money
        not_pursued: Money
        horizon: str
        stretches: list[dict[str, Any]]
        claim_id: UUID | None
        reason: str
        on: date
        actor_id: UUID
        actor_role: str

    @event(IdleInterestDecided)
    def _idle_interest_decided(
        self,
        proposed: Money,
        charged: Money,
        not_pursued: Money,
        horizon: str,
        stretches: list[dict[str, Any]],
        claim_id: UUID | None,
        reason: str,
        on: date,
        actor_id: UUID,
        actor_role: str,
    ) -> None:
        self.idle_interest_decided_on = on
        if claim_id is not None:
            self.claim_ids.append(claim_id)

    def close(self, open_claims: int, on: date, actor: Actor) -> dict[FiscalYear, Money]:
        """Abschluss once every claim is settled; returns the commitment per fiscal year that remains.

        Whatever the programme committed beyond what the grant finally cost goes back to its budget.
        """
        actor.require(Role.OFFICER, Role.APPROVER, doing=N_("Abschließen"))
        self._require_status(DETERMINED, REVOKED, doing=N_("Abschließen"))
        if open_claims:
            raise InvalidStateError(message("Die Zuwendung hat noch offene Rückforderungen."))
        if self._payments_in_flight():
            raise InvalidStateError(message("Es laufen noch Abrufe."))
        assert self.terms is not None and self.final_amount is not None
        cost = min(self.final_amount, self.paid)
        remaining, keep = cost, {}
        for year, committed in sorted(self.terms.split().items()):
            part = min(committed, remaining)
            keep[year] = part
            remaining = remaining - part
        released = self.terms.amount - cost
        self._grant_closed(final_amount=self.final_amount, paid=self.paid, released=released, on=on, **actor.stamp)
        return keep

    class GrantClosed(Aggregate.Event):
        final_amount: Money
        paid: Money
        released: Money
        on: date
        actor_id: UUID
        actor_role: str

    @event(GrantClosed)
    def _grant_closed(
        self, final_amount: Money, paid: Money, released: Money, on: date, actor_id: UUID, actor_role: str
    ) -> None:
        self.status = CLOSED

    # The case file: notes and messages, attachments, the conversation, letters ---------------------

    def enclose(
        self,
        note: str,
        message: str,
        documents: list[dict[str, Any]] | None,
        on: date,
        actor: Actor,
        decision: Any = None,
    ) -> None:
        """Adds to the decision just taken (the last pending event, or ``decision`` when it was taken on a
        claim) an internal note (Vermerk: staff and auditors only), a message to the association, and the
        files sent with it. Saved with the decision in one save, so a decision never lacks its texts."""
        pending = self.pending_events
        if decision is None and pending:
            decision = pending[-1]
        regarding, item = _regarding(decision) if decision is not None else ("", "")
        note = optional_text(note, "vermerk", N_("Der Vermerk"), 4000)
        message = optional_text(message, "nachricht", N_("Die Nachricht an den Verein"), 4000)
        if note and actor.role is Role.ASSOCIATION:
            raise InvalidInputError(Message(N_("Interne Vermerke schreibt nur das Amt.")), field="vermerk")
        files = uploaded_documents(documents)
        if note or message:
            self._texts_recorded(note=note, message=message, regarding=regarding, item=item, on=on, **actor.stamp)
        if files:
            self._documents_attached(documents=files, regarding=regarding, item=item, on=on, **actor.stamp)

    class TextsRecorded(Aggregate.Event):
        note: str
        message: str
        regarding: str
        item: str
        on: date
        actor_id: UUID
        actor_role: str

    @event(TextsRecorded)
    def _texts_recorded(
        self, note: str, message: str, regarding: str, item: str, on: date, actor_id: UUID, actor_role: str
    ) -> None:
        pass

    class DocumentsAttached(Aggregate.Event):
        documents: list[dict[str, Any]]
        regarding: str
        item: str
        on: date
        actor_id: UUID
        actor_role: str

    @event(DocumentsAttached)
    def _documents_attached(
        self,
        documents: list[dict[str, Any]],
        regarding: str,
        item: str,
        on: date,
        actor_id: UUID,
        actor_role: str,
    ) -> None:
        self.uploaded_documents = (*self.uploaded_documents, *documents)

    def post_message(self, text: str, documents: list[dict[str, Any]] | None, on: date, actor: Actor) -> UUID:
        """A message in the grant's conversation between the office and the association."""
        actor.require(
            Role.OFFICER, Role.APPROVER, Role.FINANCE, Role.CASHIER, Role.ASSOCIATION, doing=N_("Nachricht schreiben")
        )
        actor.require_member_of(self.organisation_id, doing=N_("Nachricht schreiben"))
        files = uploaded_documents(documents)
        message_id = uuid4()
        self._message_posted(
            message_id=message_id,
            text=require_text(text, "text", N_("Die Nachricht"), 8000),
            documents=files,
            from_office=actor.role is not Role.ASSOCIATION,
            on=on,
            **actor.stamp,
        )
        return message_id

    class MessagePosted(Aggregate.Event):
        message_id: UUID
        text: str
        documents: list[dict[str, Any]]
        from_office: bool
        on: date
        actor_id: UUID
        actor_role: str

    @event(MessagePosted)
    def _message_posted(
        self,
        message_id: UUID,
        text: str,
        documents: list[dict[str, Any]],
        from_office: bool,
        on: date,
        actor_id: UUID,
        actor_role: str,
    ) -> None:
        if documents:
            self.uploaded_documents = (*self.uploaded_documents, *documents)

    def issue_letter(
        self,
        kind: str,
        source_position: int,
        source_sha256: str,
        code: str,
        document: dict[str, Any],
        on: date,
        actor: Actor,
    ) -> UUID:
        """Records a letter (Bescheid, Erinnerung) made from the event at ``source_position``; the PDF is
        kept outside the log, the event holds its SHA-256 and the verification code printed on it."""
        actor.require(Role.OFFICER, Role.APPROVER, Role.FINANCE, Role.SYSTEM, doing=N_("Schreiben erstellen"))
        if kind not in LETTER_KINDS:
            raise InvalidInputError(message("Die Schreibart »{kind}« gibt es nicht.", kind=kind), field="kind")
        if any(letter["source_position"] == source_position and letter["kind"] == kind for letter in self.letters):
            raise InvalidStateError(message("Zu dieser Entscheidung ist das Schreiben bereits erstellt."))
        if not isinstance(source_sha256, str) or len(source_sha256) != 64 or not set(source_sha256) <= _SHA256_DIGITS:
            raise InvalidInputError(message("Die Prüfsumme des Ereignisses fehlt."), field="source_sha256")
        (file,) = uploaded_documents([document])
        letter_id = uuid4()
        self._letter_issued(
            letter_id=letter_id,
            kind=kind,
            source_position=source_position,
            source_sha256=source_sha256,
            code=code,
            document=file,
            on=on,
            **actor.stamp,
        )
        return letter_id

    class LetterIssued(Aggregate.Event):
        letter_id: UUID
        kind: str
        source_position: int
        source_sha256: str
        code: str
        document: dict[str, Any]
        on: date
        actor_id: UUID
        actor_role: str

    @event(LetterIssued)
    def _letter_issued(
        self,
        letter_id: UUID,
        kind: str,
        source_position: int,
        source_sha256: str,
        code: str,
        document: dict[str, Any],
        on: date,
        actor_id: UUID,
        actor_role: str,
    ) -> None:
        self.letters = (
            *self.letters,
            {
                "letter_id": letter_id.hex,
                "kind": kind,
                "source_position": source_position,
                "sha256": document["sha256"],
                "delivered_on": None,
                "final_on": None,
            },
        )
        self.uploaded_documents = (*self.uploaded_documents, document)

    def _letter(self, letter_id: UUID) -> dict[str, Any]:
        for letter in self.letters:
            if letter["letter_id"] == letter_id.hex:
                return letter
        raise NotFoundError(message("Dieses Schreiben gibt es zu dieser Zuwendung nicht."), field="letter_id")

    def record_delivery(self, letter_id: UUID, delivered_on: date, on: date, actor: Actor) -> None:
        """Bekanntgabe: the day the notice reached the association. Without a lawsuit within one month
        (§ 74 VwGO; in NRW there is no objection procedure) it is final from the day after."""
        actor.require(Role.OFFICER, Role.APPROVER, doing=N_("Bekanntgabe vermerken"))
        letter = self._letter(letter_id)
        if letter["delivered_on"] is not None:
            raise InvalidStateError(message("Die Bekanntgabe dieses Schreibens ist bereits vermerkt."))
        if delivered_on > on:
            raise InvalidInputError(message("Die Bekanntgabe kann nicht in der Zukunft liegen."), field="delivered_on")
        final_on = add_duration(delivered_on, "P1M") + timedelta(days=1)
        if letter.get("waived_on") is not None:
            final_on = min(final_on, letter["waived_on"])
        self._notice_delivered(
            letter_id=letter_id, kind=letter["kind"], delivered_on=delivered_on, final_on=final_on, on=on, **actor.stamp
        )

    class NoticeDelivered(Aggregate.Event):
        letter_id: UUID
        kind: str
        delivered_on: date
        final_on: date
        on: date
        actor_id: UUID
        actor_role: str

    @event(NoticeDelivered)
    def _notice_delivered(
        self, letter_id: UUID, kind: str, delivered_on: date, final_on: date, on: date, actor_id: UUID, actor_role: str
    ) -> None:
        for letter in self.letters:
            if letter["letter_id"] == letter_id.hex:
                letter.update(delivered_on=delivered_on, final_on=final_on)

    def waive_remedies(self, letter_id: UUID, waived_on: date, on: date, actor: Actor) -> None:
        """Rechtsbehelfsverzicht: the association waived legal remedies; the notice is final at once."""
        actor.require(Role.OFFICER, Role.APPROVER, doing=N_("Rechtsbehelfsverzicht vermerken"))
        letter = self._letter(letter_id)
        if letter.get("waived_on") is not None:
            raise InvalidStateError(message("Der Verzicht ist bereits vermerkt."))
        if waived_on > on:
            raise InvalidInputError(message("Der Verzicht kann nicht in der Zukunft liegen."), field="waived_on")
        final_on = waived_on if letter["final_on"] is None else min(letter["final_on"], waived_on)
        self._remedies_waived(letter_id=letter_id, waived_on=waived_on, final_on=final_on, on=on, **actor.stamp)

    class RemediesWaived(Aggregate.Event):
        letter_id: UUID
        waived_on: date
        final_on: date
        on: date
        actor_id: UUID
        actor_role: str

    @event(RemediesWaived)
    def _remedies_waived(
        self, letter_id: UUID, waived_on: date, final_on: date, on: date, actor_id: UUID, actor_role: str
    ) -> None:
        for letter in self.letters:
            if letter["letter_id"] == letter_id.hex:
                letter.update(waived_on=waived_on, final_on=final_on)

    @property
    def notice_final_on(self) -> date | None:
        """The day the approval notice (or, after an amendment, its latest amending notice) became final."""
        finals = [letter for letter in self.letters if letter["kind"] == APPROVAL_LETTER]
        return finals[-1]["final_on"] if finals else None

    def _payment(self, payment_id: UUID, *states: str, doing: str) -> dict[str, Any]:
        payment = self.payments.get(payment_id.hex)
        if payment is None:
            raise NotFoundError(message("Diese Zahlung gibt es zu dieser Zuwendung nicht."), field="payment_id")
        if payment["status"] not in states:
            raise InvalidStateError(
                message(
                    "{doing}: die Zahlung ist im Stand »{status}«.",
                    doing=marked(doing),
                    status=marked(PAYMENT_GERMAN[payment["status"]]),
                )
            )
        return payment

    def _require_status(self, *states: str, doing: str) -> None:
        if self.status not in states:
            raise InvalidStateError(
                message(
                    "{doing} ist im Stand »{status_german}« nicht möglich.",
                    doing=marked(doing),
                    status_german=marked(self.status_german),
                )
            )


MANUAL = "manual"
REMINDER_STAGES = {
    MANUAL: N_("Erinnerung"),
    "before": N_("Erinnerung vor der Frist"),
    "due": N_("Erinnerung am Tag der Frist"),
    "overdue": N_("Mahnung: Frist überschritten"),
}
APPROVAL_LETTER = "zuwendungsbescheid"
LETTER_KINDS = {
    APPROVAL_LETTER: N_("Zuwendungsbescheid"),
    "ablehnungsbescheid": N_("Ablehnungsbescheid"),
    "aenderungsbescheid": N_("Änderungsbescheid"),
    "widerrufsbescheid": N_("Widerrufs- und Rückforderungsbescheid"),
    "erinnerung": N_("Erinnerung"),
}


def _regarding(event: Any) -> tuple[str, str]:
    """What an enclosure belongs to: the decision's event name and the item it was about, if any."""
    item = ""
    for name in ("payment_id", "expense_id", "request_id", "message_id", "letter_id"):
        value = getattr(event, name, None)
        if isinstance(value, UUID):
            item = value.hex
            break
    else:
        year = getattr(event, "fiscal_year", None)
        if isinstance(year, int):
            item = str(year)
    return type(event).__name__, item


def revocation_limit(facts_known_on: date) -> date:
    """The last day a revocation may be decided: one year after the facts became known (§ 48 (4), § 49 (3)
    VwVfG NRW; the year ends on the same date, 28 February for 29 February, §§ 187, 188 BGB via § 31 (1)),
    moved to the next working day when it ends on a weekend or NRW holiday (§ 31 (3) VwVfG NRW)."""
    year = facts_known_on.year + 1
    try:
        end = facts_known_on.replace(year=year)
    except ValueError:  # 29 February
        end = date(year, 2, 28)
    return next_working_day(end)


def _horizon_german(duration: str) -> Message:
    """ "2 Monaten" as in "innerhalb von 2 Monaten"."""
    number = "".join(c for c in duration if c.isdigit())
    if duration[-1] == "M":
        return message("{number} Monaten", number=number)
    if duration[-1] == "W":
        return message("{number} Wochen", number=number)
    return message("{number} Tagen", number=number)


def _require_cash_office_hands(payment: dict[str, Any], actor: Actor) -> None:
    """§ 31 (3) KomHVO NRW: who ordered a payment (requested, certified or released it) does not book it."""
    if actor.role is Role.SYSTEM:
        return
    if actor.is_user(payment.get("released_by")):
        raise FourEyesError(
            message(
                "Wer die Zahlung angeordnet (freigegeben) hat, darf sie nicht buchen: Anordnung und Zahlungsabwicklung "
                "liegen bei verschiedenen Personen (§ 31 Abs. 3 KomHVO NRW)."
            )
        )
    if actor.is_user(payment.get("certified_by")) or actor.is_user(payment.get("requested_by")):
        raise FourEyesError(
            message("Wer die Zahlung abgerufen oder festgestellt hat, darf sie nicht buchen (§ 31 Abs. 3 KomHVO NRW).")
        )


MAX_UPLOADED_DOCUMENTS = 10
_SHA256_DIGITS = set("0123456789abcdef")


def uploaded_documents(documents: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """Checks the record of uploaded files: at most ten, each with a plain name (no path separators, no
    control characters), a content type, a size above zero and a SHA-256 in lower-case hex."""
    if not documents:
        return []
    if not isinstance(documents, (list, tuple)):
        raise InvalidInputError(message("Die Dateien: Liste erwartet."), field="documents")
    if len(documents) > MAX_UPLOADED_DOCUMENTS:
        raise InvalidInputError(
            message(
                "Bitte höchstens {MAX_UPLOADED_DOCUMENTS} Dateien auf einmal hochladen.",
                MAX_UPLOADED_DOCUMENTS=MAX_UPLOADED_DOCUMENTS,
            ),
            field="documents",
        )
    checked = []
    for item in documents:
        if not isinstance(item, dict):
            raise InvalidInputError(message("Die Dateien: Angaben zur Datei erwartet."), field="documents")
        name, kind, size, digest = (item.get(k) for k in ("name", "content_type", "size", "sha256"))
        if not isinstance(name, str) or not name.strip() or len(name) > 255:
            raise InvalidInputError(
                message("Jede Datei braucht einen Namen (höchstens 255 Zeichen)."), field="documents"
            )
        if any(c in "/\\" or ord(c) < 32 or ord(c) == 127 for c in name) or name.strip() in (".", ".."):
            raise InvalidInputError(
                message(
                    "Der Dateiname »{name}« ist nicht erlaubt: bitte ohne Schrägstriche, Pfadangaben oder "
                    "Steuerzeichen.",
                    name=name.encode("unicode_escape").decode("ascii"),
                ),
                field="documents",
            )
        if not isinstance(kind, str) or not kind or len(kind) > 200:
            raise InvalidInputError(message("Zur Datei »{name}« fehlt die Dateiart.", name=name), field="documents")
        if isinstance(size, bool) or not isinstance(size, int) or size <= 0:
            raise InvalidInputError(message("Die Datei »{name}« ist leer.", name=name), field="documents")
        if not isinstance(digest, str) or len(digest) != 64 or not set(digest) <= _SHA256_DIGITS:
            raise InvalidInputError(
                message("Zur Datei »{name}« fehlt die Prüfsumme (SHA-256).", name=name), field="documents"
            )
        checked.append({"name": name.strip(), "content_type": kind, "size": size, "sha256": digest})
    return checked
