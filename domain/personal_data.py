"""Which fields of which events are personal data, and whose.

The log is append-only, yet the people named in it have a right to erasure once no retention rule
holds their data any longer (Art. 17 and Art. 5 (1) e GDPR). Förderbuch keeps personal data in few
places — a user's registration, an organisation's contact persons, invitations into the portal and
account requests — and this module names them: for each such event, the personal fields and the
*subject*, the person the fields belong to. A grant's conversation (internal notes, messages) is kept
the same way under a key of the grant, so it can be erased with the grant's documents once their
retention period has run out.

The composition root stores these fields encrypted with a key per subject, kept outside the log;
erasing a person deletes the key, and from then on the fields read as :data:`ERASED` ("gelöscht")
everywhere, while amounts, dates, decisions and the log's seal stay as they were. The domain itself
never sees ciphertext: it only knows the rule below and the placeholder.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from domain.account_request import AccountRequest
from domain.feedback import AccessibilityFeedback
from domain.grant import Grant
from domain.organisation import Organisation
from domain.text import ERASED
from domain.user import User, UserEmail

__all__ = ["ERASED", "PERSONAL_DATA", "SNAPSHOTS", "PersonalFields", "SnapshotFields", "is_erased", "personal_fields"]


@dataclass(frozen=True)
class PersonalFields:
    """The personal fields of one event type and where their subject's id is found.

    ``subject`` names the event attribute holding the subject's id; ``None`` means the aggregate's own
    id (a user is the subject of their registration); ``"*"`` means every event is a subject of its own
    (an invitation names somebody who has no id yet), so each gets a fresh random subject id.
    """

    fields: tuple[str, ...]
    subject: str | None = None
    email_field: str | None = "email"  # the field that identifies the person (to find all their records)
    person_field: str | None = None  # a field naming the person's user id (the e-mail index)

    @property
    def per_event(self) -> bool:
        return self.subject == "*"

    def placeholder(self, field: str, value: Any = None) -> Any:
        """The erased form of a field: every text reads ``gelöscht``; a mapping keeps its keys."""
        if isinstance(value, dict):
            return {key: ERASED for key in value}
        return ERASED


PERSONAL_DATA: dict[type, PersonalFields] = {
    User.Registered: PersonalFields(("email", "display_name")),
    # A user of release 0.1 under a random id: the old, derived id is personal too (it follows from the
    # address), so once the person is erased nothing links the new id to the address.
    User.Migrated: PersonalFields(("email", "display_name", "previous_id")),
    Organisation.MemberIdReplaced: PersonalFields(("previous_id",), subject="user_id", email_field=None),
    # The e-mail index's id follows from the address; the user it names is sealed under a key of its own
    # per entry, so an erased person's id cannot be found from their address.
    UserEmail.Claimed: PersonalFields(("user_id",), subject="*", email_field=None, person_field="user_id"),
    UserEmail.Reclaimed: PersonalFields(("user_id",), subject="*", email_field=None, person_field="user_id"),
    Organisation.ContactPersonAdded: PersonalFields(("name", "function", "email", "phone"), subject="person_id"),
    Organisation.MemberInvited: PersonalFields(("email", "name"), subject="*"),
    AccountRequest.Submitted: PersonalFields(("contact_name", "email")),
    # Reasons given about a person (why they were disabled, lost a role, were removed from a portal or a
    # list of contacts, why their account request was declined) are about that person: sealed under
    # their key, they read "gelöscht" once the person is erased.
    **dict.fromkeys(
        (
            User.RoleRevoked,
            User.Disabled,
            User.Enabled,
            User.SecondFactorReset,
            User.PasswordResetSent,
            User.SessionsEnded,
            User.ApiTokenRevoked,
            AccountRequest.Declined,
        ),
        PersonalFields(("reason",), email_field=None),
    ),
    Organisation.ContactPersonRemoved: PersonalFields(("reason",), subject="person_id", email_field=None),
    Organisation.MemberRemoved: PersonalFields(("reason",), subject="user_id", email_field=None),
    # A report of a barrier: the sender's words and (optional) address, and the office's answer to them.
    AccessibilityFeedback.Received: PersonalFields(("text", "email")),
    AccessibilityFeedback.Answered: PersonalFields(("answer",), email_field=None),
    # The conversation of a grant (notes, messages) may name anybody; it is kept under the grant's own
    # key and erased with the grant's documents when their retention period has run out.
    Grant.TextsRecorded: PersonalFields(("note", "message"), email_field=None),
    Grant.MessagePosted: PersonalFields(("text",), email_field=None),
}
"""Every event type that carries personal data, with its fields and subject."""


@dataclass(frozen=True)
class SnapshotFields:
    """Where an aggregate's snapshot holds personal data: its own fields (subject: the aggregate) and
    mappings of person id (hex) to a person's fields (subject: that person)."""

    own: tuple[str, ...] = ()
    people: tuple[str, ...] = ()


SNAPSHOTS: dict[str, SnapshotFields] = {
    "domain.user:User": SnapshotFields(own=("email", "display_name", "_previous_id")),
    "domain.organisation:Organisation": SnapshotFields(people=("contact_persons",)),
}
"""The aggregates whose snapshots carry personal data, by topic; those fields are encrypted like the events'."""


def personal_fields(event_class: type) -> PersonalFields | None:
    return PERSONAL_DATA.get(event_class)


def is_erased(value: Any) -> bool:
    """Whether a personal value was erased (a mail is never sent to it, a name never searched for)."""
    return value == ERASED or (isinstance(value, dict) and bool(value) and all(v == ERASED for v in value.values()))
