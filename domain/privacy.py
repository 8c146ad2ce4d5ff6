"""Erasures of personal data: what was erased, why, on which rule, and who decided.

An erasure never touches amounts, dates, decisions or the audit trail. It names the subjects whose
keys were deleted (opaque ids, never a name or an address), what kind of records they were, the
reason and the rule (a retention period that ran out, or a person's request under Art. 17 GDPR),
and the person who decided. Read models that hold names redact them when they see it.
"""

from __future__ import annotations

from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from domain.actors import Actor, Role
from domain.errors import InvalidInputError
from domain.text import require_reason, require_text

PERSON, CONTACTS, DOCUMENTS = "person", "contacts", "documents"
KINDS = {
    PERSON: "eine Person",
    CONTACTS: "die Ansprechpersonen einer Organisation",
    DOCUMENTS: "die Unterlagen einer Zuwendung",
}


class Erasure(Aggregate):
    """One erasure decision (its id is random; the log orders them)."""

    class Recorded(Aggregate.Created):
        kind: str
        subjects: list[UUID]
        user_ids: list[UUID]
        organisation_id: UUID | None
        grant_id: UUID | None
        documents: list[str]
        what: str
        reason: str
        rule: str
        actor_id: UUID
        actor_role: str

    def __init__(
        self,
        kind: str,
        subjects: list[UUID],
        user_ids: list[UUID],
        organisation_id: UUID | None,
        grant_id: UUID | None,
        documents: list[str],
        what: str,
        reason: str,
        rule: str,
        actor_id: UUID,
        actor_role: str,
    ) -> None:
        self.kind = kind
        self.subjects = list(subjects)
        self.user_ids = list(user_ids)
        self.organisation_id = organisation_id
        self.grant_id = grant_id
        self.documents = list(documents)
        self.what = what
        self.reason = reason
        self.rule = rule

    @classmethod
    def record(
        cls,
        kind: str,
        subjects: list[UUID],
        what: str,
        reason: str,
        rule: str,
        actor: Actor,
        user_ids: list[UUID] | None = None,
        organisation_id: UUID | None = None,
        grant_id: UUID | None = None,
        documents: list[str] | None = None,
    ) -> Erasure:
        actor.require(Role.ADMIN, doing="Personenbezogene Daten löschen")
        if kind not in KINDS:
            raise InvalidInputError(f"Unbekannte Art der Löschung »{kind}«.", field="kind")
        if not subjects and not documents:
            raise InvalidInputError("Es gibt nichts zu löschen.", field="subjects")
        return cls._create(
            cls.Recorded,
            id=uuid4(),
            kind=kind,
            subjects=sorted(set(subjects), key=str),
            user_ids=sorted(set(user_ids or ()), key=str),
            organisation_id=organisation_id,
            grant_id=grant_id,
            documents=sorted(set(documents or ())),
            what=require_text(what, "what", "Was gelöscht wird", 500),
            reason=require_reason(reason),
            rule=require_text(rule, "rule", "Die Regel", 200),
            **actor.stamp,
        )
