"""Users of Förderbuch and their roles.

Role changes are events, so the audit office can see who could do what on any past day. The e-mail
address and display name are personal data and live only here; every other event refers to a user
by id. Password hashes are not events: the composition root keeps them in a table of their own.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

from eventsourcing.domain import Aggregate, event

from domain.actors import Actor, Role
from domain.errors import InvalidInputError, InvalidStateError, NotFoundError, NotPermittedError
from domain.messages import N_, marked, message
from domain.text import ERASED, require_reason

_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,255}\.[A-Za-z]{2,}$")


def normalise_email(email: str) -> str:
    email = (email or "").strip().lower()
    if not _EMAIL.match(email):
        raise InvalidInputError(message("»{email}« ist keine gültige E-Mail-Adresse.", email=email), field="email")
    return email


def clean_display_name(value: str | None, field: str = "display_name") -> str:
    """A person's name as shown everywhere: control, format and bidi characters dropped, spaces collapsed.

    A right-to-left override (U+202E) or a zero-width character in a name could make it read as
    somebody else's on a page or in a list; such characters never belong in a name.
    """
    text = "".join(c for c in (value or "") if unicodedata.category(c) not in _INVISIBLE)
    name = " ".join(text.split())
    if not name or len(name) > 120:
        raise InvalidInputError(message("Der Name fehlt oder ist zu lang (max. 120)."), field=field)
    return name


_INVISIBLE = {"Cc", "Cf", "Cs", "Co", "Zl", "Zp"}


class User(Aggregate):
    """A person who signs in: officer, approver, finance, association member, auditor, cashier or admin.

    Users get a random id. Users registered by release 0.1 have the id ``legacy_id(email)``, derived
    from their address, until ``foerderbuch privacy migrate-ids`` moves them to a random one
    (:meth:`move_to_random_id`; nothing in the log is rewritten). Until then they are found by it when
    the e-mail index has no entry for their address.
    """

    @staticmethod
    def legacy_id(email: str) -> UUID:
        """The id release 0.1 derived from the e-mail address (only for finding users registered then)."""
        return uuid5(NAMESPACE_URL, f"/foerderbuch/users/{email}")

    class Registered(Aggregate.Created):
        email: str
        display_name: str
        roles: list[dict[str, Any]]
        actor_id: UUID
        actor_role: str

    @event(Registered)
    def __init__(
        self, email: str, display_name: str, roles: list[dict[str, Any]], actor_id: UUID, actor_role: str
    ) -> None:
        self.email = email
        self.display_name = display_name
        self.roles = list(roles)  # [{"role": "officer", "organisation_id": None}, …]
        self.disabled = False

    @classmethod
    def register(
        cls,
        email: str,
        display_name: str,
        role: Role,
        organisation_id: UUID | None,
        actor: Actor,
        more_roles: Sequence[Role] = (),
        user_id: UUID | None = None,
    ) -> User:
        """A new user with one role, or several (``more_roles`` are staff roles held besides the first).

        Administrators register anybody; an officer registers an association's first member when approving
        its account request.

        The id is random; ``user_id`` names it only for accounts that are not persons (the import's
        function accounts), whose ids other records already refer to.
        """
        if role is Role.ASSOCIATION and not more_roles:
            actor.require(Role.ADMIN, Role.OFFICER, doing=N_("Vereinsmitglied anlegen"))
        else:
            actor.require(Role.ADMIN, doing=N_("Benutzer anlegen"))
        email = normalise_email(email)
        name = clean_display_name(display_name)
        _check_role_organisation(role, organisation_id)
        roles = [{"role": role.value, "organisation_id": organisation_id}]
        for extra in more_roles:
            _check_role_organisation(extra, None)
            if extra.value not in {g["role"] for g in roles}:
                roles.append({"role": extra.value, "organisation_id": None})
        if user_id is not None:
            return cls._create(cls.Registered, id=user_id, email=email, display_name=name, roles=roles, **actor.stamp)
        return cls(email=email, display_name=name, roles=roles, **actor.stamp)

    def has_role(self, role: Role) -> bool:
        return any(g["role"] == role.value for g in self.roles)

    def organisation_for(self, role: Role) -> UUID | None:
        for grant in self.roles:
            if grant["role"] == role.value:
                return grant["organisation_id"]  # type: ignore[no-any-return]
        return None

    def grant_role(self, role: Role, organisation_id: UUID | None, actor: Actor) -> None:
        actor.require(Role.ADMIN, doing=N_("Rollen vergeben"))
        _check_role_organisation(role, organisation_id)
        if self.has_role(role):
            raise InvalidStateError(
                message(
                    "{display_name} hat die Rolle {role} bereits.",
                    display_name=self.display_name,
                    role=marked(role.german),
                ),
                field="role",
            )
        self._role_granted(role=role.value, organisation_id=organisation_id, **actor.stamp)

    class RoleGranted(Aggregate.Event):
        role: str
        organisation_id: UUID | None
        actor_id: UUID
        actor_role: str

    @event(RoleGranted)
    def _role_granted(self, role: str, organisation_id: UUID | None, actor_id: UUID, actor_role: str) -> None:
        self.roles.append({"role": role, "organisation_id": organisation_id})

    def revoke_role(self, role: Role, reason: str, actor: Actor) -> None:
        actor.require(Role.ADMIN, doing=N_("Rollen entziehen"))
        if not self.has_role(role):
            raise InvalidStateError(
                message(
                    "{display_name} hat die Rolle {role} nicht.",
                    display_name=self.display_name,
                    role=marked(role.german),
                ),
                field="role",
            )
        self._role_revoked(role=role.value, reason=require_reason(reason), **actor.stamp)

    class RoleRevoked(Aggregate.Event):
        role: str
        reason: str
        actor_id: UUID
        actor_role: str

    @event(RoleRevoked)
    def _role_revoked(self, role: str, reason: str, actor_id: UUID, actor_role: str) -> None:
        self.roles = [g for g in self.roles if g["role"] != role]

    def disable(self, reason: str, actor: Actor) -> None:
        actor.require(Role.ADMIN, doing=N_("Benutzer sperren"))
        if self.disabled:
            raise InvalidStateError(message("{display_name} ist bereits gesperrt.", display_name=self.display_name))
        if actor.user_id == self.id:
            raise InvalidStateError(message("Sie können sich nicht selbst sperren."))
        self._disabled(reason=require_reason(reason), **actor.stamp)

    class Disabled(Aggregate.Event):
        reason: str
        actor_id: UUID
        actor_role: str

    @event(Disabled)
    def _disabled(self, reason: str, actor_id: UUID, actor_role: str) -> None:
        self.disabled = True

    def enable(self, reason: str, actor: Actor) -> None:
        actor.require(Role.ADMIN, doing=N_("Benutzer entsperren"))
        if not self.disabled:
            raise InvalidStateError(message("{display_name} ist nicht gesperrt.", display_name=self.display_name))
        self._enabled(reason=require_reason(reason), **actor.stamp)

    class Enabled(Aggregate.Event):
        reason: str
        actor_id: UUID
        actor_role: str

    @event(Enabled)
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
            actor.require(Role.ADMIN, doing=N_("API-Token ausstellen"))
        if self.disabled:
            raise InvalidStateError(message("{display_name} ist gesperrt.", display_name=self.display_name))
        if not self.has_role(role):
            raise InvalidInputError(
                message(
                    "{display_name} hat die Rolle {role} nicht.",
                    display_name=self.display_name,
                    role=marked(role.german),
                ),
                field="role",
            )
        if not isinstance(token_id, str) or not token_id or token_id in self.api_tokens:
            raise InvalidInputError(message("Die Token-Kennung ist ungültig oder vergeben."), field="token_id")
        self._api_token_issued(token_id=token_id, role=role.value, label=(label or "")[:100], **actor.stamp)

    class ApiTokenIssued(Aggregate.Event):
        token_id: str
        role: str
        label: str
        actor_id: UUID
        actor_role: str

    @event(ApiTokenIssued)
    def _api_token_issued(self, token_id: str, role: str, label: str, actor_id: UUID, actor_role: str) -> None:
        self.api_tokens[token_id] = {"role": role, "label": label, "revoked": False}

    def revoke_api_token(self, token_id: str, reason: str, actor: Actor) -> None:
        """Records that a token was revoked; the user themselves or an admin may do it."""
        if actor.user_id != self.id:
            actor.require(Role.ADMIN, doing=N_("API-Token widerrufen"))
        token = self.api_tokens.get(token_id)
        if token is None:
            raise NotFoundError(message("Dieses API-Token gibt es nicht."), field="token_id")
        if token["revoked"]:
            raise InvalidStateError(message("Dieses API-Token ist bereits widerrufen."))
        self._api_token_revoked(token_id=token_id, reason=require_reason(reason), **actor.stamp)

    class ApiTokenRevoked(Aggregate.Event):
        token_id: str
        reason: str
        actor_id: UUID
        actor_role: str

    @event(ApiTokenRevoked)
    def _api_token_revoked(self, token_id: str, reason: str, actor_id: UUID, actor_role: str) -> None:
        self.api_tokens[token_id]["revoked"] = True

    # The second factor (TOTP): its secret lives beside the password hashes; the log records that a
    # person enrolled, and who reset it and why.

    @property
    def second_factor(self) -> bool:
        return bool(self.__dict__.get("_second_factor", False))

    def enrol_second_factor(self, actor: Actor) -> None:
        if actor.user_id != self.id and actor.role is not Role.SYSTEM:
            raise NotPermittedError(message("Den zweiten Faktor richtet jede Person selbst ein."))
        self._second_factor_enrolled(**actor.stamp)

    class SecondFactorEnrolled(Aggregate.Event):
        actor_id: UUID
        actor_role: str

    @event(SecondFactorEnrolled)
    def _second_factor_enrolled(self, actor_id: UUID, actor_role: str) -> None:
        self.__dict__["_second_factor"] = True

    def reset_second_factor(self, reason: str, actor: Actor) -> None:
        """An administrator takes away a person's second factor (lost phone); they enrol again at sign-in."""
        actor.require(Role.ADMIN, doing=N_("Zweiten Faktor zurücksetzen"))
        if not self.second_factor:
            raise InvalidStateError(
                message("{display_name} hat keinen zweiten Faktor eingerichtet.", display_name=self.display_name)
            )
        self._second_factor_reset(reason=require_reason(reason), **actor.stamp)

    class SecondFactorReset(Aggregate.Event):
        reason: str
        actor_id: UUID
        actor_role: str

    @event(SecondFactorReset)
    def _second_factor_reset(self, reason: str, actor_id: UUID, actor_role: str) -> None:
        self.__dict__["_second_factor"] = False

    def record_password_reset_sent(self, reason: str, actor: Actor) -> None:
        """An administrator sent the person a link to set a new password."""
        actor.require(Role.ADMIN, doing=N_("Passwort-Link senden"))
        if self.disabled:
            raise InvalidStateError(message("{display_name} ist gesperrt.", display_name=self.display_name))
        self._password_reset_sent(reason=require_reason(reason), **actor.stamp)

    class PasswordResetSent(Aggregate.Event):
        reason: str
        actor_id: UUID
        actor_role: str

    @event(PasswordResetSent)
    def _password_reset_sent(self, reason: str, actor_id: UUID, actor_role: str) -> None:
        pass

    def record_sessions_ended(self, reason: str, actor: Actor) -> None:
        """An administrator ended the person's sessions (they must sign in again)."""
        actor.require(Role.ADMIN, doing=N_("Sitzungen beenden"))
        self._sessions_ended(reason=require_reason(reason), **actor.stamp)

    class SessionsEnded(Aggregate.Event):
        reason: str
        actor_id: UUID
        actor_role: str

    @event(SessionsEnded)
    def _sessions_ended(self, reason: str, actor_id: UUID, actor_role: str) -> None:
        pass

    # Random ids for the users of release 0.1: an id derived from the address could be derived again
    # after the person was erased. The user moves to a random id; nothing in the log is rewritten.

    @property
    def derived_id(self) -> bool:
        """Whether this user still has the id release 0.1 derived from their address."""
        return not self.replaced and self.email != ERASED and self.id == User.legacy_id(self.email)

    @property
    def previous_id(self) -> UUID | None:
        """The derived id this user had before moving to a random one (None for every other user, and once
        erased). It is personal data, stored encrypted under the user's key: an erasure unlinks the two."""
        value = self.__dict__.get("_previous_id")
        return value if isinstance(value, UUID) else None

    @property
    def replaced(self) -> bool:
        """A user of release 0.1 who moved to a random id: this id no longer signs in or acts."""
        return bool(self.__dict__.get("_replaced", False))

    def move_to_random_id(self, actor: Actor) -> User:
        """The same person under a random id (roles, status, second factor and API tokens as they are);
        this user is marked replaced and disabled. The new user's creation event names this id as
        ``previous_id`` (personal, encrypted); this one never names the new id."""
        actor.require(Role.ADMIN, doing=N_("Benutzerkennungen umstellen"))
        if not self.derived_id:
            raise InvalidStateError(
                message("{display_name} hat bereits eine zufällige Kennung.", display_name=self.display_name)
            )
        moved = User._create(
            User.Migrated,
            id=uuid4(),
            email=self.email,
            display_name=self.display_name,
            roles=[dict(g) for g in self.roles],
            disabled=self.disabled,
            second_factor=self.second_factor,
            api_tokens={k: dict(v) for k, v in self.api_tokens.items()},
            previous_id=self.id,
            **actor.stamp,
        )
        self._id_replaced(**actor.stamp)
        return moved

    class Migrated(Aggregate.Created):
        """A user of release 0.1 under a new random id, with the state they had; ``previous_id`` maps the
        old id to this one (personal data, like the address and the name)."""

        email: str
        display_name: str
        roles: list[dict[str, Any]]
        disabled: bool
        second_factor: bool
        api_tokens: dict[str, dict[str, Any]]
        previous_id: UUID
        actor_id: UUID
        actor_role: str

        def apply(self, aggregate: Aggregate) -> None:
            aggregate.__dict__.update(
                disabled=self.disabled,
                _second_factor=self.second_factor,
                _api_tokens={k: dict(v) for k, v in self.api_tokens.items()},
                _previous_id=self.previous_id,
            )

    class IdReplaced(Aggregate.Event):
        """This (derived) id was replaced by a random one; which one is not said here."""

        actor_id: UUID
        actor_role: str

    @event(IdReplaced)
    def _id_replaced(self, actor_id: UUID, actor_role: str) -> None:
        self.__dict__["_replaced"] = True
        self.disabled = True


class UserEmail(Aggregate):
    """The index from an e-mail address to the user registered with it.

    Its id is derived from the address, so registering the same address twice conflicts in the event
    store (the second save fails on the stream's version), also under concurrent registrations. It
    records only the user's id, never the address; the user's id itself is random. When the user is
    erased the index is released (it then names nobody) and the address may be registered again.
    """

    @staticmethod
    def id_for(email: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"/foerderbuch/user-emails/{email}")

    @classmethod
    def claim(cls, email: str, user_id: UUID, actor: Actor) -> UserEmail:
        return cls._create(cls.Claimed, id=cls.id_for(normalise_email(email)), user_id=user_id, **actor.stamp)

    class Claimed(Aggregate.Created):
        user_id: UUID
        actor_id: UUID
        actor_role: str

    def __init__(self, user_id: UUID, actor_id: UUID, actor_role: str) -> None:
        self.user_id: UUID | None = user_id

    def release(self, actor: Actor) -> None:
        """The user was erased: the address no longer finds them and may be registered again."""
        actor.require(Role.ADMIN, doing=N_("E-Mail-Adresse freigeben"))
        if self.user_id is not None:
            self._released(**actor.stamp)

    class Released(Aggregate.Event):
        actor_id: UUID
        actor_role: str

    @event(Released)
    def _released(self, actor_id: UUID, actor_role: str) -> None:
        self.user_id = None

    def reclaim(self, user_id: UUID, actor: Actor) -> None:
        """A released address is registered again, for a new user."""
        if self.user_id is not None:
            raise InvalidStateError(message("Diese E-Mail-Adresse ist bereits registriert."), field="email")
        self._reclaimed(user_id=user_id, **actor.stamp)

    class Reclaimed(Aggregate.Event):
        user_id: UUID
        actor_id: UUID
        actor_role: str

    @event(Reclaimed)
    def _reclaimed(self, user_id: UUID, actor_id: UUID, actor_role: str) -> None:
        self.user_id = user_id


def _check_role_organisation(role: Role, organisation_id: UUID | None) -> None:
    if role is Role.SYSTEM:
        raise InvalidInputError(message("Die Rolle System ist nicht vergebbar."), field="role")
    if role is Role.ASSOCIATION and organisation_id is None:
        raise InvalidInputError(message("Vereinsmitglieder brauchen eine Organisation."), field="organisation_id")
    if role is not Role.ASSOCIATION and organisation_id is not None:
        raise InvalidInputError(
            message("Nur Vereinsmitglieder gehören zu einer Organisation."), field="organisation_id"
        )
