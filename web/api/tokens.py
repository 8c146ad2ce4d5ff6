"""Issuing and revoking personal API tokens: the secret in the credential store, the fact in the log.

Used by ``foerderbuch tokens create/revoke`` and by the API itself (a user revokes their own token);
the web app's token page can use the same two functions.

Issuing stores the token first and then records ``User.ApiTokenIssued``; if recording is refused (the
user does not hold the role, is disabled …), the stored token is revoked again at once, so no token
works without its trace in the log. Revoking stamps the stored token first, so it stops working at
that moment, and then records ``User.ApiTokenRevoked``.
"""

from __future__ import annotations

from uuid import UUID

from domain.actors import Actor, Role
from domain.application import FundingOffice
from domain.errors import InvalidInputError, NotFoundError
from domain.messages import marked, message
from web.services import Credentials, NewToken, StoredToken


def issue_api_token(
    office: FundingOffice, credentials: Credentials, user_id: UUID, role: Role | str, label: str, actor: Actor
) -> NewToken:
    """Makes a token for the user in ``role``; its ``token`` string is shown once and kept nowhere."""
    role = Role.parse(role)
    user = office.user(user_id)
    if not user.has_role(role):
        raise InvalidInputError(
            message(
                "{display_name} hat die Rolle {role} nicht.", display_name=user.display_name, role=marked(role.german)
            ),
            field="role",
        )
    issued = credentials.issue_token(user_id, role.value, label)
    try:
        office.issue_api_token(user_id, issued.record.token_id, role, issued.record.label, actor)
    except BaseException:
        credentials.revoke_token(issued.record.token_id)
        raise
    return issued


def revoke_api_token(
    office: FundingOffice, credentials: Credentials, token_id: str, reason: str, actor: Actor
) -> StoredToken:
    """Revokes a token; members of staff other than admins, and everybody else, only their own."""
    record = credentials.token(token_id)
    if record is None or (actor.role not in (Role.ADMIN, Role.SYSTEM) and record.user_id != actor.user_id):
        raise NotFoundError(message("Dieses API-Token gibt es nicht."), field="token_id")
    credentials.revoke_token(token_id)
    office.revoke_api_token(record.user_id, token_id, reason, actor)
    revoked = credentials.token(token_id)
    assert revoked is not None
    return revoked
