"""What the web needs from the rest of the system, built once per worker by the composition root."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol
from uuid import UUID

from domain.application import FundingOffice
from projections.engine import Projector


class StoredToken(Protocol):
    """A personal API token as stored (never its secret)."""

    @property
    def token_id(self) -> str: ...
    @property
    def user_id(self) -> UUID: ...
    @property
    def role(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def created_at(self) -> str: ...
    @property
    def revoked_at(self) -> str | None: ...


class NewToken(Protocol):
    """A token just issued: ``token`` is the secret string, shown once."""

    @property
    def record(self) -> StoredToken: ...
    @property
    def token(self) -> str: ...


class Credentials(Protocol):
    """Password hashes live outside the event log; the composition root supplies the store."""

    def verify(self, user_id: UUID, password: str) -> bool: ...
    def set_password(self, user_id: UUID, password: str) -> None: ...
    def close(self) -> None: ...

    # Personal API tokens (stored hashed beside the password hashes)
    def issue_token(self, user_id: UUID, role: str, label: str = "") -> NewToken: ...
    def resolve_token(self, token: str) -> StoredToken | None: ...
    def token(self, token_id: str) -> StoredToken | None: ...
    def revoke_token(self, token_id: str) -> StoredToken | None: ...
    def list_tokens(self, user_id: UUID | None = None) -> list[StoredToken]: ...


@dataclass
class Services:
    office: FundingOffice
    projector: Projector
    credentials: Credentials

    def close(self) -> None:
        self.credentials.close()
        self.projector.db.close()
        self.office.close()
