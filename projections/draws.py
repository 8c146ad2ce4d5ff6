"""Project budget draws and what each project expenditure was charged to.

A city project draws its budget from one or more programmes per fiscal year; an expenditure names
only the project, so it is charged to that year's draws, oldest first (``accounts.charge_draws``).
Read models that need the charge keep their own copy of these two tables under their own prefix.
"""

from __future__ import annotations

from uuid import UUID

from projections.accounts import charge_draws
from projections.db import Cursor


class DrawBook:
    """The draws and charges tables of one read model (``<prefix>_draws``, ``<prefix>_charges``)."""

    def __init__(self, prefix: str) -> None:
        self.draws = f"{prefix}_draws"
        self.charges = f"{prefix}_charges"

    @property
    def tables(self) -> tuple[str, str]:
        return (self.draws, self.charges)

    def create_tables(self, cursor: Cursor) -> None:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {self.draws} (project_id TEXT NOT NULL, programme_id TEXT NOT NULL,"
            " fiscal_year INTEGER NOT NULL, drawn_cents BIGINT NOT NULL, charged_cents BIGINT NOT NULL DEFAULT 0,"
            " first_position BIGINT NOT NULL, PRIMARY KEY (project_id, programme_id, fiscal_year))"
        )
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {self.charges} (expenditure_id TEXT NOT NULL, programme_id TEXT NOT NULL,"
            " fiscal_year INTEGER NOT NULL, cents BIGINT NOT NULL, PRIMARY KEY (expenditure_id, programme_id))"
        )

    def draw(self, cursor: Cursor, project_id: UUID, programme_id: UUID, year: int, cents: int, position: int) -> None:
        cursor.execute(
            f"INSERT INTO {self.draws} (project_id, programme_id, fiscal_year, drawn_cents, first_position)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (project_id, programme_id, fiscal_year)"
            f" DO UPDATE SET drawn_cents = {self.draws}.drawn_cents + excluded.drawn_cents",
            (project_id.hex, programme_id.hex, year, cents, position),
        )

    def charge(
        self, cursor: Cursor, expenditure_id: UUID, project_id: UUID, year: int, cents: int
    ) -> list[tuple[str, int]]:
        """Charges an expenditure; returns (programme id hex, cents) per programme charged."""
        cursor.execute(
            f"SELECT programme_id, drawn_cents - charged_cents AS remaining FROM {self.draws}"
            " WHERE project_id = ? AND fiscal_year = ? ORDER BY first_position, programme_id",
            (project_id.hex, year),
        )
        draws = [(str(r["programme_id"]), int(r["remaining"])) for r in cursor.fetchall()]
        charges = charge_draws(cents, draws)
        for programme_id, amount in charges:
            cursor.execute(
                f"UPDATE {self.draws} SET charged_cents = charged_cents + ?"
                " WHERE project_id = ? AND programme_id = ? AND fiscal_year = ?",
                (amount, project_id.hex, programme_id, year),
            )
            cursor.execute(
                f"INSERT INTO {self.charges} (expenditure_id, programme_id, fiscal_year, cents) VALUES (?, ?, ?, ?)",
                (expenditure_id.hex, programme_id, year, amount),
            )
        return charges

    def reverse(self, cursor: Cursor, expenditure_id: UUID, project_id: UUID) -> list[tuple[str, int, int]]:
        """Gives an expenditure's charges back to the draws; returns (programme id hex, year, cents)."""
        cursor.execute(
            f"SELECT programme_id, fiscal_year, cents FROM {self.charges} WHERE expenditure_id = ?"
            " ORDER BY programme_id",
            (expenditure_id.hex,),
        )
        charges = [(str(r["programme_id"]), int(r["fiscal_year"]), int(r["cents"])) for r in cursor.fetchall()]
        for programme_id, year, amount in charges:
            cursor.execute(
                f"UPDATE {self.draws} SET charged_cents = charged_cents - ?"
                " WHERE project_id = ? AND programme_id = ? AND fiscal_year = ?",
                (amount, project_id.hex, programme_id, year),
            )
        cursor.execute(f"DELETE FROM {self.charges} WHERE expenditure_id = ?", (expenditure_id.hex,))
        return charges
