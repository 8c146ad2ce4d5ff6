"""Deadlines of a grant as facts a read model can keep: documents asked for, interim and final proofs.

A request for documents is due on the day the officer set. Once a grant is approved, its notice
fixes the proof deadlines from its rule set: an interim proof (Zwischennachweis) for every fiscal
year that ends inside the funding period, due the rule set's interval after 31 December, and the
proof of use (Verwendungsnachweis), due the rule set's interval after the period ends. An amendment
recomputes them; an extension replaces the due date; submitting the proof settles it. Whether a
deadline is overdue depends on the day you ask, so that is left to the queries.

Read models that show deadlines keep their own copy of the table under their own prefix.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from domain.messages import N_, message
from domain.terms import GrantTerms
from domain.working_days import next_working_day
from projections.db import Cursor

DOCUMENTS, INTERIM, FINAL = "documents", "interim", "final"
_ASKED = "Unterlagen nachreichen: "


def documents_text(items: str) -> str:
    return message("Unterlagen nachreichen: {items}", items=items)


def proof_text(year: int | None) -> str:
    if year is None:
        return message("Verwendungsnachweis einreichen")
    return message("Zwischennachweis {year} einreichen", year=str(year))


def deadline_text(kind: str, key: str, text: str) -> str:
    """A deadline's stored German text as a message again (the table keeps only the German), for the page."""
    if kind == DOCUMENTS and text.startswith(_ASKED):
        return documents_text(text.removeprefix(_ASKED))
    if kind == FINAL:
        return proof_text(None)
    if kind == INTERIM and key.startswith("interim-"):
        return proof_text(int(key.removeprefix("interim-")))
    return text


KIND_GERMAN = {DOCUMENTS: N_("Unterlagen nachreichen"), INTERIM: "Zwischennachweis", FINAL: "Verwendungsnachweis"}


def label(key: str) -> str:
    """Plain German for a proof deadline key such as ``final`` or ``interim-2026``."""
    if key == FINAL:
        return "Verwendungsnachweis"
    if key.startswith("interim-"):
        return f"Zwischennachweis {key.removeprefix('interim-')}"
    return key


@dataclass(frozen=True)
class Deadline:
    grant_id: UUID
    key: str
    kind: str
    text: str
    due: date

    def overdue(self, today: date) -> bool:
        return self.due < today


class DeadlineBook:
    """The open deadlines of a read model's grants (``<prefix>_deadlines``)."""

    def __init__(self, prefix: str) -> None:
        self.table = f"{prefix}_deadlines"

    @property
    def tables(self) -> tuple[str]:
        return (self.table,)

    def create_tables(self, cursor: Cursor) -> None:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {self.table} (grant_id TEXT NOT NULL, key TEXT NOT NULL, kind TEXT NOT NULL,"
            " text TEXT NOT NULL, due TEXT NOT NULL, extended TEXT, done INTEGER NOT NULL DEFAULT 0,"
            " PRIMARY KEY (grant_id, key))"
        )
        cursor.execute(f"CREATE INDEX IF NOT EXISTS {self.table}_open ON {self.table} (done, kind)")

    def documents_requested(self, cursor: Cursor, grant_id: UUID, request_id: UUID, items: str, due: date) -> None:
        cursor.execute(
            f"INSERT INTO {self.table} (grant_id, key, kind, text, due) VALUES (?, ?, ?, ?, ?)",
            (grant_id.hex, request_id.hex, DOCUMENTS, documents_text(items), due.isoformat()),
        )

    def documents_received(self, cursor: Cursor, grant_id: UUID, request_id: UUID) -> None:
        cursor.execute(f"DELETE FROM {self.table} WHERE grant_id = ? AND key = ?", (grant_id.hex, request_id.hex))

    def documents_open(self, cursor: Cursor, grant_id: UUID) -> bool:
        cursor.execute(f"SELECT 1 AS x FROM {self.table} WHERE grant_id = ? AND kind = ?", (grant_id.hex, DOCUMENTS))
        return cursor.fetchone() is not None

    def terms(self, cursor: Cursor, grant_id: UUID, terms: GrantTerms) -> None:
        """Sets the proof deadlines of a notice; proofs already in and extensions granted are kept."""
        period = terms.period
        proofs = {
            f"interim-{year}": (INTERIM, proof_text(year), terms.interim_proof_due(year))
            for year in range(period.start.year, period.end.year)
        }
        proofs[FINAL] = (FINAL, proof_text(None), terms.final_proof_due)
        cursor.execute(
            f"SELECT key FROM {self.table} WHERE grant_id = ? AND kind IN (?, ?) AND done = 0",
            (grant_id.hex, INTERIM, FINAL),
        )
        for row in cursor.fetchall():
            if row["key"] not in proofs:
                cursor.execute(f"DELETE FROM {self.table} WHERE grant_id = ? AND key = ?", (grant_id.hex, row["key"]))
        for key, (kind, text, due) in sorted(proofs.items()):
            cursor.execute(
                f"INSERT INTO {self.table} (grant_id, key, kind, text, due) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (grant_id, key) DO UPDATE SET due = excluded.due",
                (grant_id.hex, key, kind, text, due.isoformat()),
            )

    def extended(self, cursor: Cursor, grant_id: UUID, key: str, new_due: date) -> None:
        """An extension; a new date on a weekend or NRW public holiday ends on the next working day."""
        cursor.execute(
            f"UPDATE {self.table} SET extended = ? WHERE grant_id = ? AND key = ?",
            (next_working_day(new_due).isoformat(), grant_id.hex, key),
        )

    def purpose_fulfilled(self, cursor: Cursor, grant_id: UUID, proof_due: date) -> None:
        """The purpose was fulfilled: the proof of use is due six months later (the domain computed the day)."""
        cursor.execute(
            f"UPDATE {self.table} SET due = ? WHERE grant_id = ? AND key = ?",
            (proof_due.isoformat(), grant_id.hex, FINAL),
        )

    def done(self, cursor: Cursor, grant_id: UUID, key: str) -> None:
        cursor.execute(f"UPDATE {self.table} SET done = 1 WHERE grant_id = ? AND key = ?", (grant_id.hex, key))

    def drop(self, cursor: Cursor, grant_id: UUID, *kinds: str) -> None:
        """Forgets a grant's deadlines (of these kinds): rejected, withdrawn or closed, nothing is due."""
        if kinds:
            marks = ", ".join("?" * len(kinds))
            cursor.execute(f"DELETE FROM {self.table} WHERE grant_id = ? AND kind IN ({marks})", (grant_id.hex, *kinds))
        else:
            cursor.execute(f"DELETE FROM {self.table} WHERE grant_id = ?", (grant_id.hex,))

    def open(self, cursor: Cursor, grant_ids: list[UUID] | None = None, kinds: tuple[str, ...] = ()) -> list[Deadline]:
        """Open deadlines, earliest first, for some grants (all when None) and kinds (all when empty)."""
        sql = f"SELECT grant_id, key, kind, text, COALESCE(extended, due) AS due FROM {self.table} WHERE done = 0"
        params: list[Any] = []
        if grant_ids is not None:
            if not grant_ids:
                return []
            sql += f" AND grant_id IN ({', '.join('?' * len(grant_ids))})"
            params += [g.hex for g in grant_ids]
        if kinds:
            sql += f" AND kind IN ({', '.join('?' * len(kinds))})"
            params += list(kinds)
        cursor.execute(sql + " ORDER BY due, grant_id, key", params)
        return [
            Deadline(
                UUID(r["grant_id"]),
                r["key"],
                r["kind"],
                deadline_text(r["kind"], r["key"], r["text"]),
                date.fromisoformat(r["due"]),
            )
            for r in cursor.fetchall()
        ]
