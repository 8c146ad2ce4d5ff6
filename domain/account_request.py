"""An association asks for an account: what it said about itself, and the office's decision.

A request is recorded once the applicant has confirmed their e-mail address (before that it is kept
outside the log and forgotten after a day). An officer checks the register entry (court and number)
and either approves — creating the organisation and its first portal member, or linking the member to
an organisation that is already registered — or declines with a reason.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.actors import Actor, Role
from domain.errors import InvalidStateError
from domain.messages import N_, marked, message
from domain.organisation import IbanValidator, LegalForm
from domain.organisation import address as checked_address
from domain.text import require_reason, require_text
from domain.user import clean_display_name, normalise_email

SUBMITTED, APPROVED, DECLINED = "submitted", "approved", "declined"
STATUS_GERMAN = {SUBMITTED: N_("offen"), APPROVED: N_("angenommen"), DECLINED: N_("abgelehnt")}


class AccountRequest(Aggregate):
    class Submitted(Aggregate.Created):
        association: str
        legal_form: str
        register_court: str
        register_number: str
        address: dict[str, str]
        iban: str
        contact_name: str
        email: str
        actor_id: UUID
        actor_role: str

    @event(Submitted)
    def __init__(
        self,
        association: str,
        legal_form: str,
        register_court: str,
        register_number: str,
        address: dict[str, str],
        iban: str,
        contact_name: str,
        email: str,
        actor_id: UUID,
        actor_role: str,
    ) -> None:
        self.association = association
        self.legal_form = legal_form
        self.register_court = register_court
        self.register_number = register_number
        self.address = address
        self.iban = iban
        self.contact_name = contact_name
        self.email = email
        self.status = SUBMITTED
        self.organisation_id: UUID | None = None
        self.user_id: UUID | None = None

    @classmethod
    def submit(cls, details: dict[str, Any], validate_iban: IbanValidator, actor: Actor) -> AccountRequest:
        """Checks what the applicant typed; every field is required except the register for non-registered forms."""
        form = LegalForm.parse(details.get("legal_form") or "e.V.")
        court = (details.get("register_court") or "").strip()
        number = (details.get("register_number") or "").strip()
        if form is LegalForm.REGISTERED_ASSOCIATION:
            court = require_text(court, "register_court", N_("Das Registergericht"), 80)
            number = require_text(number, "register_number", N_("Die Registernummer"), 40)
        return cls(
            association=require_text(details.get("association"), "association", N_("Der Name des Vereins"), 200),
            legal_form=form.value,
            register_court=court[:80],
            register_number=number[:40],
            address=checked_address(
                details.get("street") or "", details.get("postcode") or "", details.get("city") or "", "DE"
            ),
            iban=validate_iban(details.get("iban") or ""),
            contact_name=clean_display_name(details.get("contact_name"), field="contact_name"),
            email=normalise_email(details.get("email") or ""),
            **actor.stamp,
        )

    def _open(self) -> None:
        if self.status != SUBMITTED:
            raise InvalidStateError(
                message("Dieser Antrag ist bereits {status}.", status=marked(STATUS_GERMAN[self.status]))
            )

    def approve(self, organisation_id: UUID, user_id: UUID, new_organisation: bool, actor: Actor) -> None:
        actor.require(Role.OFFICER, Role.ADMIN, doing=N_("Zugangsantrag annehmen"))
        self._open()
        self._approved(
            organisation_id=organisation_id, user_id=user_id, new_organisation=new_organisation, **actor.stamp
        )

    class Approved(Aggregate.Event):
        organisation_id: UUID
        user_id: UUID
        new_organisation: bool
        actor_id: UUID
        actor_role: str

    @event(Approved)
    def _approved(
        self, organisation_id: UUID, user_id: UUID, new_organisation: bool, actor_id: UUID, actor_role: str
    ) -> None:
        self.status = APPROVED
        self.organisation_id = organisation_id
        self.user_id = user_id

    def decline(self, reason: str, actor: Actor) -> None:
        actor.require(Role.OFFICER, Role.ADMIN, doing=N_("Zugangsantrag ablehnen"))
        self._open()
        self._declined(reason=require_reason(reason), **actor.stamp)

    class Declined(Aggregate.Event):
        reason: str
        actor_id: UUID
        actor_role: str

    @event(Declined)
    def _declined(self, reason: str, actor_id: UUID, actor_role: str) -> None:
        self.status = DECLINED
