"""The directory: every registered organisation with its name and legal form, in the order it was
registered, and the programmes with their fiscal years — what the API's lists show.

Before this, ``GET /api/v1/organisations`` and ``/programmes`` found their ids by scanning the event
log and loaded each aggregate on every request. Here a page of organisations is one range of the
index on the log position they were registered at (the API's cursor is that position), however many
there are; programmes come from the register's tables (see ``programme_summaries``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from domain.organisation import Organisation
from projections.db import Cursor
from projections.engine import ReadModel, handles


@dataclass(frozen=True)
class OrganisationEntry:
    organisation_id: UUID
    name: str
    legal_form: str
    position: int  # the log position of its registration: the order of the list and the API's cursor
    register_court: str = ""
    register_number: str = ""


@dataclass(frozen=True)
class ProgrammeSummaryRow:
    programme_id: UUID
    code: str
    title: str
    funding_source: str
    closed: bool
    fiscal_years: list[int]


class Directory(ReadModel):
    name = "directory"
    tables = ("dir_organisations",)

    def create_tables(self, cursor: Cursor, kind: str) -> None:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS dir_organisations (organisation_id TEXT PRIMARY KEY, name TEXT NOT NULL,"
            " legal_form TEXT NOT NULL, position BIGINT NOT NULL, register_court TEXT NOT NULL DEFAULT '',"
            " register_number TEXT NOT NULL DEFAULT '')"
        )
        cursor.execute("CREATE UNIQUE INDEX IF NOT EXISTS dir_organisations_position ON dir_organisations (position)")

    @handles(Organisation.Registered)
    def _registered(self, cursor: Cursor, e: Any, position: int) -> None:
        cursor.execute(
            "INSERT INTO dir_organisations (organisation_id, name, legal_form, position, register_number)"
            " VALUES (?, ?, ?, ?, ?)",
            (e.originator_id.hex, e.name, e.legal_form, position, e.register_number),
        )

    @handles(Organisation.RegisterEntryRecorded)
    def _register_entry(self, cursor: Cursor, e: Any, position: int) -> None:
        cursor.execute(
            "UPDATE dir_organisations SET register_court = ?, register_number = ? WHERE organisation_id = ?",
            (e.court, e.number, e.originator_id.hex),
        )

    # Queries -----------------------------------------------------------------------------------

    @staticmethod
    def organisations(cursor: Cursor, after: int = 0, limit: int = 25) -> list[OrganisationEntry]:
        """Up to ``limit`` organisations registered after log position ``after``, in that order."""
        cursor.execute("SELECT * FROM dir_organisations WHERE position > ? ORDER BY position LIMIT ?", (after, limit))
        return [_entry(r) for r in cursor.fetchall()]

    @staticmethod
    def organisation(cursor: Cursor, organisation_id: UUID) -> OrganisationEntry | None:
        cursor.execute("SELECT * FROM dir_organisations WHERE organisation_id = ?", (organisation_id.hex,))
        row = cursor.fetchone()
        return _entry(row) if row else None

    @staticmethod
    def of(cursor: Cursor, organisation_ids: list[UUID]) -> dict[UUID, OrganisationEntry]:
        """The entries of these organisations (for a page of grants), by id."""
        if not organisation_ids:
            return {}
        marks = ", ".join("?" * len(organisation_ids))
        cursor.execute(
            f"SELECT * FROM dir_organisations WHERE organisation_id IN ({marks})", [o.hex for o in organisation_ids]
        )
        return {entry.organisation_id: entry for entry in map(_entry, cursor.fetchall())}


def _entry(r: dict[str, Any]) -> OrganisationEntry:
    return OrganisationEntry(
        UUID(r["organisation_id"]),
        r["name"],
        r["legal_form"],
        int(r["position"]),
        r["register_court"],
        r["register_number"],
    )


def programme_summaries(cursor: Cursor, programme_id: UUID | None = None) -> list[ProgrammeSummaryRow]:
    """Programmes by code with their fiscal years, from the register's tables (``reg_*``)."""
    where, params = ("WHERE p.programme_id = ?", [programme_id.hex]) if programme_id else ("", [])
    cursor.execute(
        "SELECT p.programme_id, p.code, p.title, p.funding_source, p.closed, y.fiscal_year FROM reg_programmes p"
        f" LEFT JOIN reg_programme_years y ON y.programme_id = p.programme_id {where} ORDER BY p.code, y.fiscal_year",
        params,
    )
    found: dict[str, ProgrammeSummaryRow] = {}
    for r in cursor.fetchall():
        row = found.get(r["programme_id"])
        if row is None:
            row = found[r["programme_id"]] = ProgrammeSummaryRow(
                UUID(r["programme_id"]), r["code"], r["title"], r["funding_source"], bool(r["closed"]), []
            )
        if r["fiscal_year"] is not None:
            row.fiscal_years.append(int(r["fiscal_year"]))
    return list(found.values())
