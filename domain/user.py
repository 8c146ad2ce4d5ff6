"""Users of Förderbuch and their roles.

Role changes are events, so the audit office can see who could do what on any past day. The e-mail
address and display name are personal data and live only here; every other event refers to a user
by id. Password hashes are not events: the composition root keeps them in a table of their own.
"""

from __future__ import annotations

import re
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.actors import Actor, Role
from domain.errors import InvalidInputError, InvalidStateError, NotFoundError
from domain.text import require_reason

_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,255}\.[A-Za-z]{2,}$")


def normalise_email(email: str) -> str:
    email = (email or "").strip().lower()
    if not _EMAIL.match(email):
        raise InvalidInputError(f"»{email}« ist keine gültige E-Mail-Adresse.", field="email")
    return email


class User(Aggregate):
    """A person who signs in: officer, approver, finance, association member, auditor or admin."""

    @staticmethod
    def create_id(email: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"/foerderbuch/users/{email}")

    @event("Registered")
    def __init__(
        self, email: str, display_name: str, roles: list[dict[str, Any]], actor_id: UUID, actor_role: str
    ) -> None:
        self.email = email
        self.display_name = display_name
        self.roles = list(roles)  # [{"role": "officer", "organisation_id": None}, …]
        self.disabled = False

    @classmethod
    def register(cls, email: str, display_name: str, role: Role, organisation_id: UUID | None, actor: Actor) -> User:
        actor.require(Role.ADMIN, doing="Benutzer anlegen")
        email = normalise_email(email)
        name = (display_name or "").strip()
        if not name or len(name) > 120:
            raise InvalidInputError("Der Name fehlt oder ist zu lang (max. 120).", field="display_name")
        _check_role_organisation(role, organisation_id)
        return cls(
            email=email,
            display_name=name,
            roles=[{"role": role.value, "organisation_id": organisation_id}],
            **actor.stamp,
        )

    def has_role(self, role: Role) -> bool:
        return any(g["role"] == role.value for g in self.roles)

    def organisation_for(self, role: Role) -> UUID | None:
        for grant in self.roles:
            if grant["role"] == role.value:
                return grant["organisation_id"]  # type: ignore[no-any-return]
        return None

    def grant_role(self, role: Role, organisation_id: UUID | None, actor: Actor) -> None:
        actor.require(Role.ADMIN, doing="Rollen vergeben")
        _check_role_organisation(role, organisation_id)
        if self.has_role(role):
            raise InvalidStateError(f"{self.display_name} hat die Rolle {role.german} bereits.", field="role")
        self._role_granted(role=role.value, organisation_id=organisation_id, **actor.stamp)

    @event("RoleGranted")
    def _role_granted(self, role: str, organisation_id: UUID | None, actor_id: UUID, actor_role: str) -> None:
        self.roles.append({"role": role, "organisation_id": organisation_id})

    def revoke_role(self, role: Role, reason: str, actor: Actor) -> None:
        actor.require(Role.ADMIN, doing="Rollen entziehen")
        if not self.has_role(role):
            raise InvalidStateError(f"{self.display_name} hat die Rolle {role.german} nicht.", field="role")
        self._role_revoked(role=role.value, reason=require_reason(reason), **actor.stamp)

    @event("RoleRevoked")
    def _role_revoked(self, role: str, reason: str, actor_id: UUID, actor_role: str) -> None:
        self.roles = [g for g in self.roles if g["role"] != role]

    def disable(self, reason: str, actor: Actor) -> None:
        actor.require(Role.ADMIN, doing="Benutzer sperren")
        if self.disabled:
            raise InvalidStateError(f"{self.display_name} ist bereits gesperrt.")
        if actor.user_id == self.id:
            raise InvalidStateError("Sie können sich nicht selbst sperren.")
        self._disabled(reason=require_reason(reason), **actor.stamp)

    @event("Disabled")
    def _disabled(self, reason: str, actor_id: UUID, actor_role: str) -> None:
        self.disabled = True

    def enable(self, reason: str, actor: Actor) -> None:
        actor.require(Role.ADMIN, doing="Benutzer entsperren")
        if not self.disabled:
            raise InvalidStateError(f"{self.display_name} ist nicht gesperrt.")
        self._enabled(reason=require_reason(reason), **actor.stamp)

    @event("Enabled")
    def _enabled(self, reason: str, actor_id: UUID, actor_role: str) -> None:
        self.disabled = False

    # Personal API tokens: the secret lives in the credential store; the log records who made or
    # revoked which token (by its public id), for which role, so the audit sees every key to the API.

    @property
    def api_tokens(self) -> dict[str, dict[str, Any]]:
        """token id -> {"role", "label", "revoked"}; users recorded before tokens existed have none."""
        return self.__dict__.setdefault("_api_tokens", {})  # type: ignore[no-any-return]

    def issue_api_token(self, token_id: str, role: Role, label: str, actor: Actor) -> None:
        """Records a new personal API token; only the user themselves or an admin may make one."""
        if actor.user_id != self.id:
            actor.require(Role.ADMIN, doing="API-Token ausstellen")
        if self.disabled:
            raise InvalidStateError(f"{self.display_name} ist gesperrt.")
        if not self.has_role(role):
            raise InvalidInputError(f"{self.display_name} hat die Rolle {role.german} nicht.", field="role")
        if not isinstance(token_id, str) or not token_id or token_id in self.api_tokens:
            raise InvalidInputError("Die Token-Kennung ist ungültig oder vergeben.", field="token_id")
        self._api_token_issued(token_id=token_id, role=role.value, label=(label or "")[:100], **actor.stamp)

    @event("ApiTokenIssued")
    def _api_token_issued(self, token_id: str, role: str, label: str, actor_id: UUID, actor_role: str) -> None:
        self.api_tokens[token_id] = {"role": role, "label": label, "revoked": False}

    def revoke_api_token(self, token_id: str, reason: str, actor: Actor) -> None:
        """Records that a token was revoked; the user themselves or an admin may do it."""
        if actor.user_id != self.id:
            actor.require(Role.ADMIN, doing="API-Token widerrufen")
        token = self.api_tokens.get(token_id)
        if token is None:
            raise NotFoundError("Dieses API-Token gibt es nicht.", field="token_id")
        if token["revoked"]:
            raise InvalidStateError("Dieses API-Token ist bereits widerrufen.")
        self._api_token_revoked(token_id=token_id, reason=require_reason(reason), **actor.stamp)

    @event("ApiTokenRevoked")
    def _api_token_revoked(self, token_id: str, reason: str, actor_id: UUID, actor_role: str) -> None:
        self.api_tokens[token_id]["revoked"] = True


def _check_role_organisation(role: Role, organisation_id: UUID | None) -> None:
    if role is Role.SYSTEM:
        raise InvalidInputError("Die Rolle System ist nicht vergebbar.", field="role")
    if role is Role.ASSOCIATION and organisation_id is None:
        raise InvalidInputError("Vereinsmitglieder brauchen eine Organisation.", field="organisation_id")
    if role is not Role.ASSOCIATION and organisation_id is not None:
        raise InvalidInputError("Nur Vereinsmitglieder gehören zu einer Organisation.", field="organisation_id")
