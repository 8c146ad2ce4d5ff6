"""Who acts: roles and the acting user every command carries.

Each event records the user who caused it and the role they acted in, so the log answers "who
decided this?" for every figure. Roles follow the office's separation of duties: officers
(Sachbearbeitung) review and certify, approvers (Zeichnungsbefugte) sign approvals, finance
(Kämmerei) releases payments (the Anordnung), the cash office (Stadtkasse) books them and the money
that comes back (Zahlungsabwicklung) — never the person who released the payment, § 31 (3) KomHVO NRW;
one person may hold both roles, but never acts twice on one payment. Association members act for
their own organisation only, auditors read, admins manage users and programmes.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from domain.errors import InvalidInputError, NotPermittedError
from domain.messages import N_, marked, message


class Role(StrEnum):
    OFFICER = "officer"
    APPROVER = "approver"
    FINANCE = "finance"
    CASHIER = "cashier"
    ASSOCIATION = "association"
    AUDITOR = "auditor"
    ADMIN = "admin"
    SYSTEM = "system"  # the command line and the demo loader, acting before any admin exists

    @property
    def german(self) -> str:
        return ROLE_NAMES[self]

    @classmethod
    def parse(cls, value: Any) -> Role:
        try:
            role = cls(value)
        except ValueError:
            raise InvalidInputError(
                message(
                    "Unbekannte Rolle »{value}« (möglich: {choices}).",
                    value=value,
                    choices=", ".join(r.value for r in USER_ROLES),
                ),
                field="role",
            ) from None
        return role


ROLE_NAMES = {
    Role.OFFICER: N_("Sachbearbeitung"),
    Role.APPROVER: N_("Zeichnungsbefugte"),
    Role.FINANCE: N_("Kämmerei"),
    Role.CASHIER: N_("Stadtkasse"),
    Role.ASSOCIATION: N_("Verein"),
    Role.AUDITOR: N_("Rechnungsprüfung"),
    Role.ADMIN: N_("Administration"),
    Role.SYSTEM: N_("System"),
}
USER_ROLES = tuple(r for r in Role if r is not Role.SYSTEM)

SYSTEM_USER_ID = uuid5(NAMESPACE_URL, "/foerderbuch/users/system")


@dataclass(frozen=True, slots=True)
class Actor:
    """The user a command is carried out for, in one of their roles."""

    user_id: UUID
    role: Role
    organisation_id: UUID | None = None  # set for association members
    previous_id: UUID | None = None  # the derived id a user of release 0.1 had before a random one

    def is_user(self, user_id: object) -> bool:
        """Whether ``user_id`` names the acting person: their id, or the id they had before it was replaced
        by a random one (a step they took under it stays theirs for the four-eyes rules)."""
        return user_id is not None and user_id in (self.user_id, self.previous_id)

    @classmethod
    def system(cls) -> Actor:
        return cls(SYSTEM_USER_ID, Role.SYSTEM)

    def require(self, *roles: Role, doing: str) -> None:
        """Refuses the command unless the actor holds one of ``roles`` (the system may do anything)."""
        if self.role is Role.SYSTEM or self.role in roles:
            return
        allowed = marked(roles[0].german)
        for role in roles[1:]:
            allowed = message("{roles} oder {role}", roles=allowed, role=marked(role.german))
        raise NotPermittedError(
            message(
                "{doing}: nur {allowed} darf das (Sie handeln als {role}).",
                doing=marked(doing),
                allowed=allowed,
                role=marked(self.role.german),
            )
        )

    def require_member_of(self, organisation_id: UUID, doing: str) -> None:
        """Association members act only for their own organisation."""
        if self.role is Role.ASSOCIATION and self.organisation_id != organisation_id:
            raise NotPermittedError(
                message("{doing}: Sie können nur für Ihren eigenen Verein handeln.", doing=marked(doing))
            )

    @property
    def stamp(self) -> dict[str, Any]:
        """The fields every event records about who acted."""
        return {"actor_id": self.user_id, "actor_role": self.role.value}
