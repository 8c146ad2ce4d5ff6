"""Erasures of personal data: what was erased, why, on which rule, and who decided.

An erasure never touches amounts, dates, decisions or the audit trail. It names the subjects whose
keys were deleted (opaque ids, never a name or an address), what kind of records they were, the
reason and the rule (a retention period that ran out, or a person's request under Art. 17 GDPR),
and the person who decided. Read models that hold names redact them when they see it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from domain.actors import Actor, Role
from domain.errors import InvalidInputError
from domain.messages import N_, message
from domain.text import require_reason, require_text

PERSON, CONTACTS, DOCUMENTS = "person", "contacts", "documents"
KINDS = {
    PERSON: N_("eine Person"),
    CONTACTS: N_("die Ansprechpersonen einer Organisation"),
    DOCUMENTS: N_("die Unterlagen einer Zuwendung"),
}


@dataclass(frozen=True)
class ErasureOrder:
    """What one erasure takes, why and on which rule: the decision an administrator makes, in one place.

    ``subjects`` are the ids whose keys are deleted; ``user_ids`` the accounts disabled with them;
    ``organisation_id``, ``grant_id`` and ``documents`` (SHA-256 of files taken from the document store)
    say where the records were. ``what`` describes them without a name or an address (it goes into the log).
    """

    kind: str
    subjects: list[UUID]
    what: str
    reason: str
    rule: str
    user_ids: list[UUID] = field(default_factory=list)
    organisation_id: UUID | None = None
    grant_id: UUID | None = None
    documents: list[str] = field(default_factory=list)

    def checked(self) -> dict[str, Any]:
        """The order's fields as the event records them: validated, de-duplicated and sorted."""
        if self.kind not in KINDS:
            raise InvalidInputError(message("Unbekannte Art der Löschung »{kind}«.", kind=self.kind), field="kind")
        if not self.subjects and not self.documents:
            raise InvalidInputError(message("Es gibt nichts zu löschen."), field="subjects")
        return {
            "kind": self.kind,
            "subjects": sorted(set(self.subjects), key=str),
            "user_ids": sorted(set(self.user_ids), key=str),
            "organisation_id": self.organisation_id,
            "grant_id": self.grant_id,
            "documents": sorted(set(self.documents)),
            "what": require_text(self.what, "what", N_("Was gelöscht wird"), 500),
            "reason": require_reason(self.reason),
            "rule": require_text(self.rule, "rule", N_("Die Regel"), 200),
        }


ORDER_FIELDS = tuple(f.name for f in fields(ErasureOrder))


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

        def apply(self, aggregate: Aggregate) -> None:
            """The erasure holds its order as recorded (kind, subjects, what, reason, rule, where)."""
            aggregate.__dict__["_order"] = ErasureOrder(**{name: getattr(self, name) for name in ORDER_FIELDS})

    @property
    def order(self) -> ErasureOrder:
        """The order as recorded: validated, de-duplicated and sorted."""
        return self.__dict__["_order"]  # type: ignore[no-any-return]

    @classmethod
    def record(cls, order: ErasureOrder, actor: Actor) -> Erasure:
        actor.require(Role.ADMIN, doing=N_("Personenbezogene Daten löschen"))
        return cls._create(cls.Recorded, id=uuid4(), **order.checked(), **actor.stamp)
