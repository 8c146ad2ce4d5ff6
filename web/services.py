"""What the web needs from the rest of the system, built once per worker by the composition root."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, BinaryIO, Protocol
from uuid import UUID

from domain.application import FundingOffice
from projections.engine import Projector
from projections.follower import Follower, LocalLease


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


class Sessions(Protocol):
    """Server-side sessions (``web.sessions``); the browser holds only a secret id."""

    def start(
        self, user_id: UUID, data: dict[str, Any], *, address: str, user_agent: str, lifetime_seconds: float
    ) -> str: ...
    def load(self, secret: str | None, idle_seconds: float) -> Any: ...
    def save(self, secret: str, data: dict[str, Any]) -> None: ...
    def end(self, secret: str, why: str = ...) -> None: ...
    def end_handle(self, user_id: UUID, handle: str, why: str) -> bool: ...
    def end_all(self, user_id: UUID, why: str, keep: str | None = None) -> int: ...
    def of_user(self, user_id: UUID, include_ended: bool = False, limit: int = 50) -> list[Any]: ...


class Attempts(Protocol):
    """Attempt counts shared by every worker (``web.throttle``)."""

    def claim(self, keys: Sequence[tuple[str, Any]]) -> float: ...
    def clear(self, *keys: str) -> None: ...


class Credentials(Protocol):
    """Password hashes live outside the event log; the composition root supplies the store."""

    sessions: Any  # Sessions
    attempts: Any  # Attempts
    password_links: Any  # one-time links to set a password (foerderbuch.password_links)
    second_factors: Any  # TOTP secrets and recovery codes (foerderbuch.second_factor)
    pending_requests: Any  # account requests waiting for e-mail confirmation (foerderbuch.pending_requests)
    languages: Any  # each person's (and account request's) preferred language for e-mails (foerderbuch.languages)

    def verify(self, user_id: UUID, password: str) -> bool: ...
    def set_password(self, user_id: UUID, password: str, why: str = ...) -> None: ...
    def has_password(self, user_id: UUID) -> bool: ...
    def close(self) -> None: ...

    # Personal API tokens (stored hashed beside the password hashes)
    def issue_token(self, user_id: UUID, role: str, label: str = "") -> NewToken: ...
    def resolve_token(self, token: str) -> StoredToken | None: ...
    def token(self, token_id: str) -> StoredToken | None: ...
    def revoke_token(self, token_id: str) -> StoredToken | None: ...
    def list_tokens(self, user_id: UUID | None = None) -> Sequence[StoredToken]: ...

    # Invitations into an association's portal (only the link token's SHA-256 is stored)
    def create_invitation(
        self,
        organisation_id: UUID,
        email: str,
        name: str,
        invited_by: UUID,
        days: int = 7,
        now: datetime | None = None,
    ) -> Any: ...
    def invitation(self, token: str) -> Any: ...
    def use_invitation(self, token: str) -> bool: ...
    def list_invitations(self, organisation_id: UUID) -> list[Any]: ...


class DocumentStore(Protocol):
    """Uploaded documents live outside the event log, kept by their SHA-256; the event records the hash.

    ``save`` refuses a file that is too large or of a type it does not accept with an
    ``InvalidInputError`` (field ``dateien``) and otherwise returns the record for the event:
    {"name", "content_type", "size", "sha256"}. The name is metadata only, never a path.
    """

    def save(self, name: str, source: BinaryIO) -> dict[str, Any]: ...
    def read(self, sha256: str) -> bytes | None: ...


class Mailer(Protocol):
    """Sends one plain-text e-mail; False when it could not (the caller decides what to tell whom)."""

    def send(self, to: str, subject: str, body: str) -> bool: ...


@dataclass
class Services:
    office: FundingOffice
    projector: Projector
    credentials: Credentials
    documents: DocumentStore | None = None
    follower: Follower | None = None
    letters: Any = None  # exports.letters.service.Letters, with the office's template folder
    access_report: Callable[[str], dict[str, Any]] | None = None  # foerderbuch.privacy.access.report, bound
    mailer: Mailer | None = None  # None: no SMTP server configured

    def __post_init__(self) -> None:
        if self.follower is None:  # an in-memory store, or a test that builds services by hand
            self.follower = Follower(self.projector, LocalLease())
            self.office.on_recorded(self.follower.wake)

    def close(self) -> None:
        if self.follower is not None:
            self.follower.stop()
        self.credentials.close()
        self.projector.db.close()
        self.office.close()
