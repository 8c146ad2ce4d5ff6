"""The user directory: one row per person who signs in, for the administrators' list and search.

Folded from the ``User`` events: who, which roles (with the organisation of a member), whether the
person is disabled or has a second factor. Looking a person up by e-mail address for sign-in does not
use this list (it goes through the e-mail index in the log, which is never behind).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from domain.account_request import STATUS_GERMAN, AccountRequest
from domain.personal_data import ERASED
from domain.privacy import Erasure
from domain.user import User
from projections.db import Cursor
from projections.engine import ReadModel, handles


@dataclass(frozen=True)
class UserRow:
    user_id: UUID
    email: str
    display_name: str
    roles: tuple[str, ...]
    organisation_id: UUID | None
    disabled: bool
    second_factor: bool


class UserDirectory(ReadModel):
    name = "users"
    tables = ("user_directory",)

    def create_tables(self, cursor: Cursor, kind: str) -> None:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS user_directory (user_id TEXT PRIMARY KEY, email TEXT NOT NULL, "
            "display_name TEXT NOT NULL, roles TEXT NOT NULL, organisation_id TEXT, "
            "disabled INTEGER NOT NULL DEFAULT 0, second_factor INTEGER NOT NULL DEFAULT 0, search TEXT NOT NULL, "
            "replaced INTEGER NOT NULL DEFAULT 0, previous_id TEXT)"
        )

    @handles(User.Registered, User.Migrated)
    def _registered(self, cursor: Cursor, e: Any, position: int) -> None:
        """A new user; one moved to a random id keeps their status and second factor."""
        cursor.execute(
            "INSERT INTO user_directory (user_id, email, display_name, roles, organisation_id, disabled, "
            "second_factor, search, previous_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id) DO NOTHING",
            (
                e.originator_id.hex,
                e.email,
                e.display_name,
                json.dumps([g["role"] for g in e.roles]),
                _organisation(e.roles),
                int(bool(getattr(e, "disabled", False))),
                int(bool(getattr(e, "second_factor", False))),
                f"{e.display_name} {e.email}".casefold(),
                previous_hex(e),
            ),
        )

    @handles(User.IdReplaced)
    def _replaced(self, cursor: Cursor, e: Any, position: int) -> None:
        """The derived id of a user who moved to a random one: kept for the names in history, not listed."""
        cursor.execute("UPDATE user_directory SET replaced = 1, disabled = 1 WHERE user_id = ?", (e.originator_id.hex,))

    @handles(Erasure.Recorded)
    def _erased(self, cursor: Cursor, e: Any, position: int) -> None:
        """An erased person's name and address leave the directory (their roles and status stay); the row
        reads as a rebuild from the log would fold it."""
        for user_id in with_previous_ids(cursor, "user_directory", e.subjects):
            cursor.execute(
                "UPDATE user_directory SET email = ?, display_name = ?, search = ?, previous_id = NULL "
                "WHERE user_id = ?",
                (ERASED, ERASED, f"{ERASED} {ERASED}".casefold(), user_id),
            )

    @handles(User.RoleGranted)
    def _granted(self, cursor: Cursor, e: Any, position: int) -> None:
        roles = self._roles(cursor, e.originator_id)
        if e.role not in roles:
            roles.append(e.role)
        organisation = e.organisation_id.hex if e.organisation_id else None
        cursor.execute(
            "UPDATE user_directory SET roles = ?, organisation_id = COALESCE(?, organisation_id) WHERE user_id = ?",
            (json.dumps(roles), organisation, e.originator_id.hex),
        )

    @handles(User.RoleRevoked)
    def _revoked(self, cursor: Cursor, e: Any, position: int) -> None:
        roles = [r for r in self._roles(cursor, e.originator_id) if r != e.role]
        cursor.execute(
            "UPDATE user_directory SET roles = ? WHERE user_id = ?", (json.dumps(roles), e.originator_id.hex)
        )

    @handles(User.Disabled)
    def _disabled(self, cursor: Cursor, e: Any, position: int) -> None:
        cursor.execute("UPDATE user_directory SET disabled = 1 WHERE user_id = ?", (e.originator_id.hex,))

    @handles(User.Enabled)
    def _enabled(self, cursor: Cursor, e: Any, position: int) -> None:
        cursor.execute("UPDATE user_directory SET disabled = 0 WHERE user_id = ?", (e.originator_id.hex,))

    @handles(User.SecondFactorEnrolled)
    def _enrolled(self, cursor: Cursor, e: Any, position: int) -> None:
        cursor.execute("UPDATE user_directory SET second_factor = 1 WHERE user_id = ?", (e.originator_id.hex,))

    @handles(User.SecondFactorReset)
    def _reset(self, cursor: Cursor, e: Any, position: int) -> None:
        cursor.execute("UPDATE user_directory SET second_factor = 0 WHERE user_id = ?", (e.originator_id.hex,))

    @staticmethod
    def _roles(cursor: Cursor, user_id: UUID) -> list[str]:
        cursor.execute("SELECT roles FROM user_directory WHERE user_id = ?", (user_id.hex,))
        row = cursor.fetchone()
        return list(json.loads(row["roles"])) if row else []

    # Queries -----------------------------------------------------------------------------------

    @staticmethod
    def search(
        cursor: Cursor, text: str = "", role: str = "", status: str = "", limit: int = 25, offset: int = 0
    ) -> tuple[list[UserRow], int]:
        """Users whose name or address contains ``text`` (any case), with ``role``, active or disabled."""
        where: list[str] = ["replaced = 0"]
        params: list[Any] = []
        if text.strip():
            where.append("search LIKE ?")
            params.append("%" + text.strip().casefold().replace("%", "").replace("_", "") + "%")
        if role:
            where.append("roles LIKE ?")
            params.append(f'%"{role}"%')
        if status in ("aktiv", "gesperrt"):
            where.append("disabled = ?")
            params.append(1 if status == "gesperrt" else 0)
        clause = " AND ".join(where)
        cursor.execute(f"SELECT COUNT(*) AS n FROM user_directory WHERE {clause}", params)
        total = int((cursor.fetchone() or {"n": 0})["n"])
        cursor.execute(
            f"SELECT * FROM user_directory WHERE {clause} ORDER BY display_name, email LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return [_row(r) for r in cursor.fetchall()], total


def previous_hex(e: Any) -> str | None:
    """The derived id a user moved from (``User.Migrated``), while readable; None for every other user."""
    previous = getattr(e, "previous_id", None)
    return previous.hex if isinstance(previous, UUID) else None


def with_previous_ids(cursor: Cursor, table: str, subjects: list[UUID]) -> list[str]:
    """The erased subjects' ids (hex) and the derived ids those users had before (kept in ``table``'s
    ``previous_id``): the erasure names only the random id, so that the address does not lead to it."""
    ids = [s.hex for s in subjects]
    for subject in subjects:
        cursor.execute(f"SELECT previous_id FROM {table} WHERE user_id = ?", (subject.hex,))
        row = cursor.fetchone()
        if row and row["previous_id"]:
            ids.append(str(row["previous_id"]))
    return ids


def _organisation(roles: list[dict[str, Any]]) -> str | None:
    for grant in roles:
        if grant.get("organisation_id"):
            return (
                grant["organisation_id"].hex
                if isinstance(grant["organisation_id"], UUID)
                else str(grant["organisation_id"])
            )
    return None


def _row(r: dict[str, Any]) -> UserRow:
    return UserRow(
        user_id=UUID(r["user_id"]),
        email=r["email"],
        display_name=r["display_name"],
        roles=tuple(json.loads(r["roles"])),
        organisation_id=UUID(r["organisation_id"]) if r["organisation_id"] else None,
        disabled=bool(r["disabled"]),
        second_factor=bool(r["second_factor"]),
    )


@dataclass(frozen=True)
class RequestRow:
    request_id: UUID
    association: str
    register: str
    city: str
    contact_name: str
    email: str
    status: str
    submitted_at: str

    @property
    def status_german(self) -> str:
        return STATUS_GERMAN.get(self.status, self.status)


class AccountRequests(ReadModel):
    """Associations' account requests for the office's list: open ones first."""

    name = "account_requests"
    tables = ("account_requests",)

    def create_tables(self, cursor: Cursor, kind: str) -> None:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS account_requests (request_id TEXT PRIMARY KEY, association TEXT NOT NULL, "
            "register TEXT NOT NULL, city TEXT NOT NULL, contact_name TEXT NOT NULL, email TEXT NOT NULL, "
            "status TEXT NOT NULL, submitted_at TEXT NOT NULL)"
        )

    @handles(AccountRequest.Submitted)
    def _submitted(self, cursor: Cursor, e: Any, position: int) -> None:
        cursor.execute(
            "INSERT INTO account_requests (request_id, association, register, city, contact_name, email, status, "
            "submitted_at) VALUES (?, ?, ?, ?, ?, ?, 'submitted', ?) ON CONFLICT (request_id) DO NOTHING",
            (
                e.originator_id.hex,
                e.association,
                " ".join(p for p in (e.register_court, e.register_number) if p),
                e.address.get("city", ""),
                e.contact_name,
                e.email,
                e.timestamp.isoformat(),
            ),
        )

    @handles(Erasure.Recorded)
    def _erased(self, cursor: Cursor, e: Any, position: int) -> None:
        for subject in e.subjects:
            cursor.execute(
                "UPDATE account_requests SET contact_name = ?, email = ? WHERE request_id = ?",
                (ERASED, ERASED, subject.hex),
            )

    @handles(AccountRequest.Approved)
    def _approved(self, cursor: Cursor, e: Any, position: int) -> None:
        cursor.execute("UPDATE account_requests SET status = 'approved' WHERE request_id = ?", (e.originator_id.hex,))

    @handles(AccountRequest.Declined)
    def _declined(self, cursor: Cursor, e: Any, position: int) -> None:
        cursor.execute("UPDATE account_requests SET status = 'declined' WHERE request_id = ?", (e.originator_id.hex,))

    @staticmethod
    def listing(cursor: Cursor, limit: int = 200) -> list[RequestRow]:
        cursor.execute(
            "SELECT * FROM account_requests ORDER BY CASE status WHEN 'submitted' THEN 0 ELSE 1 END, "
            "submitted_at DESC LIMIT ?",
            (limit,),
        )
        return [
            RequestRow(
                UUID(r["request_id"]),
                r["association"],
                r["register"],
                r["city"],
                r["contact_name"],
                r["email"],
                r["status"],
                r["submitted_at"],
            )
            for r in cursor.fetchall()
        ]
