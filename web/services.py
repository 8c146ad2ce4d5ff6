"""What the web needs from the rest of the system, built once per worker by the composition root."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol
from uuid import UUID

from domain.application import FundingOffice
from projections.engine import Projector


class Credentials(Protocol):
    """Password hashes live outside the event log; the composition root supplies the store."""

    def verify(self, user_id: UUID, password: str) -> bool: ...
    def set_password(self, user_id: UUID, password: str) -> None: ...
    def close(self) -> None: ...


@dataclass
class Services:
    office: FundingOffice
    projector: Projector
    credentials: Credentials

    def close(self) -> None:
        self.credentials.close()
        self.projector.db.close()
        self.office.close()
