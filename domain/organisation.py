"""Organisations that receive grants (Zuwendungsempfänger), mostly registered associations (e. V.).

The organisation holds its bank account (IBAN, validated by the validator the composition root
injects) and its contact persons. Contact persons are personal data: their names, e-mail addresses
and phone numbers are recorded here and nowhere else, so a later step can encrypt them per person
and erase them when retention ends; grant events refer to a contact person by id only. Portal
members are the users who act for the organisation in the association portal.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from enum import StrEnum
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate, event

from domain.actors import Actor, Role
from domain.errors import InvalidInputError, InvalidStateError, NotFoundError
from domain.messages import N_, message
from domain.text import optional_text, require_reason, require_text
from domain.user import normalise_email

IbanValidator = Callable[[str], str]
"""Returns the IBAN in its compact, upper-case form, or raises ``InvalidInputError`` saying why."""

_POSTCODE = re.compile(r"^[0-9A-Z -]{3,10}$")
_PHONE = re.compile(r"^\+?[0-9 ()/-]{5,30}$")
_REGISTER_NUMBER = re.compile(r"^(VR|HRA|HRB|GnR|GsR|PR)\s?[0-9]{1,7}(\s?[A-Z]{1,2})?$")


class LegalForm(StrEnum):
    REGISTERED_ASSOCIATION = "e.V."
    NON_PROFIT_LTD = "gGmbH"
    FOUNDATION = "Stiftung"
    COOPERATIVE = "eG"
    PUBLIC_BODY = "Körperschaft des öffentlichen Rechts"
    UNINCORPORATED = "nicht eingetragener Verein"

    @classmethod
    def parse(cls, value: Any) -> LegalForm:
        try:
            return cls(value)
        except ValueError:
            raise InvalidInputError(
                message("Unbekannte Rechtsform »{value}«.", value=value), field="legal_form"
            ) from None


def address(street: str, postcode: str, city: str, country: str = "DE") -> dict[str, str]:
    postcode = (postcode or "").strip().upper()
    if not _POSTCODE.match(postcode):
        raise InvalidInputError(message("»{postcode}« ist keine Postleitzahl.", postcode=postcode), field="postcode")
    country = (country or "").strip().upper()
    if not re.match(r"^[A-Z]{2}$", country):
        raise InvalidInputError(message("Land als zweistelliger ISO-Code (z. B. DE)."), field="country")
    return {
        "street": require_text(street, "street", N_("Die Straße"), 120),
        "postcode": postcode,
        "city": require_text(city, "city", N_("Der Ort"), 80),
        "country": country,
    }


class Organisation(Aggregate):
    """A body that applies for and receives grants."""

    id: UUID  # given by the caller (imports and demo data use stable ids), else a random one

    class Registered(Aggregate.Created):
        name: str
        legal_form: str
        register_number: str
        address: dict[str, str]
        iban: str
        actor_id: UUID
        actor_role: str

    @event(Registered)
    def __init__(
        self,
        name: str,
        legal_form: str,
        register_number: str,
        address: dict[str, str],
        iban: str,
        actor_id: UUID,
        actor_role: str,
    ) -> None:
        self.name = name
        self.legal_form = legal_form
        self.register_number = register_number
        self.address = address
        self.iban = iban
        self.contact_persons: dict[str, dict[str, Any]] = {}  # person id hex -> details
        self.members: list[UUID] = []

    @classmethod
    def register(
        cls,
        name: str,
        legal_form: LegalForm,
        register_number: str,
        address: dict[str, str],
        iban: str,
        validate_iban: IbanValidator,
        actor: Actor,
        organisation_id: UUID | None = None,
    ) -> Organisation:
        actor.require(Role.OFFICER, Role.ADMIN, doing=N_("Organisation registrieren"))
        form = LegalForm.parse(legal_form)
        number = optional_text(register_number, "register_number", N_("Die Registernummer"), 40)
        if form is LegalForm.REGISTERED_ASSOCIATION and not number:
            raise InvalidInputError(
                message("Ein eingetragener Verein braucht die Vereinsregisternummer (z. B. VR 1234)."),
                field="register_number",
            )
        return cls(  # type: ignore[call-arg]  # eventsourcing takes the aggregate id as a keyword
            name=require_text(name, "name", N_("Der Name"), 200),
            legal_form=form.value,
            register_number=number,
            address=address,
            iban=validate_iban(iban),
            id=organisation_id or uuid4(),
            **actor.stamp,
        )

    def change_bank_account(self, iban: str, validate_iban: IbanValidator, reason: str, actor: Actor) -> None:
        actor.require(Role.OFFICER, Role.ADMIN, doing=N_("Bankverbindung ändern"))
        new = validate_iban(iban)
        if new == self.iban:
            raise InvalidInputError(message("Das ist bereits die hinterlegte IBAN."), field="iban")
        self._bank_account_changed(iban=new, reason=require_reason(reason), **actor.stamp)

    class BankAccountChanged(Aggregate.Event):
        iban: str
        reason: str
        actor_id: UUID
        actor_role: str

    @event(BankAccountChanged)
    def _bank_account_changed(self, iban: str, reason: str, actor_id: UUID, actor_role: str) -> None:
        self.iban = iban

    @property
    def register_court(self) -> str:
        """The register court (Registergericht, e.g. »Amtsgericht Dortmund«), "" where none is recorded."""
        return str(getattr(self, "court", ""))

    def record_register_entry(self, court: str, number: str, actor: Actor) -> None:
        """Records where the organisation is registered: the register court and the register number.

        Together they identify it (open data names recipients by them, e.g. ``DE-VR-…``)."""
        actor.require(Role.OFFICER, Role.ADMIN, doing=N_("Registereintrag erfassen"))
        court = require_text(court, "register_court", N_("Das Registergericht"), 80)
        number = require_text(number, "register_number", N_("Die Registernummer"), 40)
        if not _REGISTER_NUMBER.match(number):
            raise InvalidInputError(
                message("»{number}« ist keine Registernummer wie »VR 1234« oder »HRB 5678«.", number=number),
                field="register_number",
            )
        if (court, number) == (self.register_court, self.register_number):
            raise InvalidInputError(message("Das ist bereits der erfasste Registereintrag."), field="register_number")
        self._register_entry_recorded(court=court, number=number, **actor.stamp)

    class RegisterEntryRecorded(Aggregate.Event):
        court: str
        number: str
        actor_id: UUID
        actor_role: str

    @event(RegisterEntryRecorded)
    def _register_entry_recorded(self, court: str, number: str, actor_id: UUID, actor_role: str) -> None:
        self.court = court
        self.register_number = number

    def change_address(self, new_address: dict[str, str], actor: Actor) -> None:
        actor.require(Role.OFFICER, Role.ADMIN, Role.ASSOCIATION, doing=N_("Anschrift ändern"))
        actor.require_member_of(self.id, doing=N_("Anschrift ändern"))
        if new_address == self.address:
            raise InvalidInputError(message("Das ist bereits die hinterlegte Anschrift."), field="street")
        self._address_changed(address=new_address, **actor.stamp)

    class AddressChanged(Aggregate.Event):
        address: dict[str, str]
        actor_id: UUID
        actor_role: str

    @event(AddressChanged)
    def _address_changed(self, address: dict[str, str], actor_id: UUID, actor_role: str) -> None:
        self.address = address

    # Contact persons (personal data) -----------------------------------------------------------

    def add_contact_person(self, name: str, function: str, email: str, phone: str, actor: Actor) -> UUID:
        actor.require(Role.OFFICER, Role.ADMIN, Role.ASSOCIATION, doing=N_("Ansprechperson hinzufügen"))
        actor.require_member_of(self.id, doing=N_("Ansprechperson hinzufügen"))
        phone = (phone or "").strip()
        if phone and not _PHONE.match(phone):
            raise InvalidInputError(message("»{phone}« ist keine Telefonnummer.", phone=phone), field="phone")
        person_id = uuid4()
        self._contact_person_added(
            person_id=person_id,
            name=require_text(name, "contact_name", N_("Der Name der Ansprechperson"), 120),
            function=optional_text(function, "function", N_("Die Funktion"), 80),
            email=normalise_email(email),
            phone=phone,
            **actor.stamp,
        )
        return person_id

    class ContactPersonAdded(Aggregate.Event):
        person_id: UUID
        name: str
        function: str
        email: str
        phone: str
        actor_id: UUID
        actor_role: str

    @event(ContactPersonAdded)
    def _contact_person_added(
        self, person_id: UUID, name: str, function: str, email: str, phone: str, actor_id: UUID, actor_role: str
    ) -> None:
        self.contact_persons[person_id.hex] = {"name": name, "function": function, "email": email, "phone": phone}

    def remove_contact_person(self, person_id: UUID, reason: str, actor: Actor) -> None:
        actor.require(Role.OFFICER, Role.ADMIN, Role.ASSOCIATION, doing=N_("Ansprechperson entfernen"))
        actor.require_member_of(self.id, doing=N_("Ansprechperson entfernen"))
        if person_id.hex not in self.contact_persons:
            raise NotFoundError(message("Diese Ansprechperson ist nicht eingetragen."), field="person_id")
        self._contact_person_removed(person_id=person_id, reason=require_reason(reason), **actor.stamp)

    class ContactPersonRemoved(Aggregate.Event):
        person_id: UUID
        reason: str
        actor_id: UUID
        actor_role: str

    @event(ContactPersonRemoved)
    def _contact_person_removed(self, person_id: UUID, reason: str, actor_id: UUID, actor_role: str) -> None:
        del self.contact_persons[person_id.hex]

    # Portal members ----------------------------------------------------------------------------

    def add_member(self, user_id: UUID, actor: Actor) -> None:
        actor.require(Role.ADMIN, Role.OFFICER, Role.ASSOCIATION, doing=N_("Portalzugang hinzufügen"))
        actor.require_member_of(self.id, doing=N_("Portalzugang hinzufügen"))
        if user_id in self.members:
            raise InvalidStateError(message("Diese Person hat bereits Zugang zum Portal des Vereins."), field="user_id")
        self._member_added(user_id=user_id, **actor.stamp)

    class MemberAdded(Aggregate.Event):
        user_id: UUID
        actor_id: UUID
        actor_role: str

    @event(MemberAdded)
    def _member_added(self, user_id: UUID, actor_id: UUID, actor_role: str) -> None:
        self.members.append(user_id)
        self.former_members = [u for u in self.removed_members if u != user_id]

    @property
    def removed_members(self) -> list[UUID]:
        """Users whose portal access was taken away (and not given back); they may no longer act for it."""
        return list(getattr(self, "former_members", ()))

    def replace_member_id(self, user_id: UUID, previous_id: UUID, actor: Actor) -> None:
        """A member moved from the id release 0.1 derived to a random one (``User.move_to_random_id``)."""
        actor.require(Role.ADMIN, doing=N_("Benutzerkennungen umstellen"))
        if previous_id in self.members or previous_id in self.removed_members:
            self._member_id_replaced(user_id=user_id, previous_id=previous_id, **actor.stamp)

    class MemberIdReplaced(Aggregate.Event):
        """``previous_id`` is personal data (encrypted under the member's key): an erasure unlinks the two."""

        user_id: UUID
        previous_id: UUID
        actor_id: UUID
        actor_role: str

    @event(MemberIdReplaced)
    def _member_id_replaced(self, user_id: UUID, previous_id: UUID, actor_id: UUID, actor_role: str) -> None:
        self.members = [user_id if u == previous_id else u for u in self.members]
        self.former_members = [user_id if u == previous_id else u for u in self.removed_members]

    def invite_member(self, email: str, name: str, actor: Actor) -> None:
        """Records that ``actor`` invited somebody; the invitation's secret link lives outside the log."""
        actor.require(Role.ADMIN, Role.OFFICER, Role.ASSOCIATION, doing=N_("Mitglied einladen"))
        actor.require_member_of(self.id, doing=N_("Mitglied einladen"))
        self._member_invited(
            email=normalise_email(email), name=require_text(name, "name", N_("Der Name"), 120), **actor.stamp
        )

    class MemberInvited(Aggregate.Event):
        email: str
        name: str
        actor_id: UUID
        actor_role: str

    @event(MemberInvited)
    def _member_invited(self, email: str, name: str, actor_id: UUID, actor_role: str) -> None:
        pass

    def remove_member(self, user_id: UUID, reason: str, actor: Actor) -> None:
        actor.require(Role.ADMIN, Role.OFFICER, Role.ASSOCIATION, doing=N_("Portalzugang entfernen"))
        actor.require_member_of(self.id, doing=N_("Portalzugang entfernen"))
        if user_id not in self.members:
            raise NotFoundError(message("Diese Person hat keinen Zugang zum Portal des Vereins."), field="user_id")
        self._member_removed(user_id=user_id, reason=require_reason(reason), **actor.stamp)

    class MemberRemoved(Aggregate.Event):
        user_id: UUID
        reason: str
        actor_id: UUID
        actor_role: str

    @event(MemberRemoved)
    def _member_removed(self, user_id: UUID, reason: str, actor_id: UUID, actor_role: str) -> None:
        self.members.remove(user_id)
        self.former_members = [*self.removed_members, user_id]
