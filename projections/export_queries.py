"""Queries the exports need in bulk: journal sums per grant or project and year, the journal as a
stream of movements, and the seal's link at a log position.

Every query takes the same filters as the journal's balances (fiscal years, programme, a business
date, a log position), so a workbook pinned to one chain head shows exactly the lines up to that
head, however many events arrive while it is written. Big results are read in pages, never all at
once: memory stays flat however large the log grows.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from domain.money import Money
from projections.accounts import CHART
from projections.db import Cursor, money
from projections.journal import GRANT, PROJECT
from projections.seal import ChainHead

PAGE = 2000


@dataclass(frozen=True)
class LedgerFilter:
    """Which journal lines count: fiscal years ``first_year``–``last_year``, a programme, up to a
    business date and up to a log position (each optional)."""

    first_year: int | None = None
    last_year: int | None = None
    programme_id: UUID | None = None
    as_of_date: date | None = None
    as_of_position: int | None = None

    def where(self, alias: str = "") -> tuple[str, list[Any]]:
        prefix = f"{alias}." if alias else ""
        clauses, params = ["1 = 1"], []
        for clause, value in (
            (f"{prefix}fiscal_year >= ?", self.first_year),
            (f"{prefix}fiscal_year <= ?", self.last_year),
            (f"{prefix}programme_id = ?", self.programme_id.hex if self.programme_id else None),
            (f"{prefix}business_date <= ?", self.as_of_date.isoformat() if self.as_of_date else None),
            (f"{prefix}position <= ?", self.as_of_position),
        ):
            if value is not None:
                clauses.append(clause)
                params.append(value)
        return " AND ".join(clauses), params

    def years(self, cursor: Cursor) -> list[int]:
        """The fiscal years the filter covers that the journal has lines for."""
        where, params = self.where()
        cursor.execute(f"SELECT DISTINCT fiscal_year FROM jr_entries WHERE {where} ORDER BY fiscal_year", params)
        return [int(r["fiscal_year"]) for r in cursor.fetchall()]


def programme_year_sums(cursor: Cursor, ledger: LedgerFilter) -> dict[tuple[UUID, int], dict[str, int]]:
    """Cents per account for every programme and fiscal year matching the filter."""
    where, params = ledger.where()
    cursor.execute(
        f"SELECT programme_id, fiscal_year, account, SUM(cents) AS total FROM jr_entries WHERE {where}"
        " AND programme_id IS NOT NULL GROUP BY programme_id, fiscal_year, account",
        params,
    )
    sums: dict[tuple[UUID, int], dict[str, int]] = {}
    for r in cursor.fetchall():
        sums.setdefault((UUID(r["programme_id"]), int(r["fiscal_year"])), {})[r["account"]] = int(r["total"])
    return sums


def holder_year_sums(
    cursor: Cursor, holder_ids: Iterable[UUID], ledger: LedgerFilter
) -> dict[tuple[UUID, int], dict[str, int]]:
    """Cents per account for each of these grants or projects and each fiscal year they have lines in."""
    ids = [holder_id.hex for holder_id in holder_ids]
    sums: dict[tuple[UUID, int], dict[str, int]] = {}
    where, params = ledger.where()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        cursor.execute(
            f"SELECT holder_id, fiscal_year, account, SUM(cents) AS total FROM jr_entries WHERE {where}"
            f" AND holder_id IN ({marks}) GROUP BY holder_id, fiscal_year, account",
            [*params, *chunk],
        )
        for r in cursor.fetchall():
            sums.setdefault((UUID(r["holder_id"]), int(r["fiscal_year"])), {})[r["account"]] = int(r["total"])
    return sums


def project_holders(cursor: Cursor, ledger: LedgerFilter) -> list[UUID]:
    """The city projects with journal lines matching the filter."""
    where, params = ledger.where()
    cursor.execute(
        f"SELECT DISTINCT holder_id FROM jr_entries WHERE {where} AND holder_kind = ? ORDER BY holder_id",
        [*params, PROJECT],
    )
    return [UUID(r["holder_id"]) for r in cursor.fetchall()]


def grant_sums_by_project(cursor: Cursor, ledger: LedgerFilter) -> dict[tuple[UUID, int], dict[str, int]]:
    """Cents per account of the grants that name a city project, per project and fiscal year."""
    where, params = ledger.where("e")
    cursor.execute(
        "SELECT g.project_id, e.fiscal_year, e.account, SUM(e.cents) AS total FROM jr_entries e"
        f" JOIN gf_grants g ON g.grant_id = e.holder_id WHERE {where} AND e.holder_kind = ?"
        " AND g.project_id IS NOT NULL GROUP BY g.project_id, e.fiscal_year, e.account",
        [*params, GRANT],
    )
    sums: dict[tuple[UUID, int], dict[str, int]] = {}
    for r in cursor.fetchall():
        sums.setdefault((UUID(r["project_id"]), int(r["fiscal_year"])), {})[r["account"]] = int(r["total"])
    return sums


@dataclass(frozen=True)
class Movement:
    """One money movement: ``amount`` from ``credit`` to ``debit``, with the event it came from."""

    position: int
    line: int
    originator_id: UUID
    originator_version: int
    event: str
    business_date: date
    fiscal_year: int
    debit: str
    credit: str
    amount: Money
    programme_id: UUID | None
    programme_code: str
    holder_id: UUID | None
    holder_kind: str | None
    reference: str
    item_id: UUID | None
    memo: str

    @property
    def debit_name(self) -> str:
        return CHART.get(self.debit, self.debit)

    @property
    def credit_name(self) -> str:
        return CHART.get(self.credit, self.credit)


def count_lines(cursor: Cursor, ledger: LedgerFilter) -> int:
    where, params = ledger.where()
    cursor.execute(f"SELECT COUNT(*) AS n FROM jr_entries WHERE {where}", params)
    row = cursor.fetchone()
    return int(row["n"]) if row else 0


def movements(cursor: Cursor, ledger: LedgerFilter, page: int = PAGE) -> Iterator[Movement]:
    """The journal's lines as movements, in log order, read ``page`` lines at a time.

    The journal writes each posting as a debit line (positive) followed by its credit line (the same
    amount, negative); the two become one movement. A line without its partner (which the journal
    never writes) comes out on its own, against an empty account, rather than being lost.

    Each page continues after the last (position, line) read with a row-value comparison, which SQLite
    and PostgreSQL both answer as a range of the primary key's index: a page costs the same at the
    start and at the end of a long journal (``position > ? OR (position = ? AND line > ?)`` made SQLite
    sort all remaining lines for every page).
    """
    where, params = ledger.where("e")
    last = (0, 0)
    pending: dict[str, Any] | None = None
    while True:
        cursor.execute(
            "SELECT e.*, COALESCE(p.code, '') AS programme_code, COALESCE(g.file_number, j.code, '') AS reference"
            " FROM jr_entries e LEFT JOIN gf_programmes p ON p.programme_id = e.programme_id"
            " LEFT JOIN gf_grants g ON g.grant_id = e.holder_id LEFT JOIN gf_projects j ON j.project_id = e.holder_id"
            f" WHERE {where} AND (e.position, e.line) > (?, ?)"
            " ORDER BY e.position, e.line LIMIT ?",
            [*params, last[0], last[1], page],
        )
        rows = cursor.fetchall()
        for row in rows:
            if pending is None:
                pending = row
                continue
            if _partners(pending, row):
                yield _movement(pending, row)
                pending = None
            else:
                yield _movement(pending, None)
                pending = row
        if len(rows) < page:
            break
        last = (int(rows[-1]["position"]), int(rows[-1]["line"]))
    if pending is not None:
        yield _movement(pending, None)


def _partners(first: dict[str, Any], second: dict[str, Any]) -> bool:
    return (
        first["position"] == second["position"]
        and int(second["line"]) == int(first["line"]) + 1
        and int(first["line"]) % 2 == 1
        and int(first["cents"]) == -int(second["cents"])
        and first["fiscal_year"] == second["fiscal_year"]
    )


def _movement(first: dict[str, Any], second: dict[str, Any] | None) -> Movement:
    amount = int(first["cents"])
    if second is None:
        debit, credit = (first["account"], "") if amount >= 0 else ("", first["account"])
    else:
        debit, credit = (first["account"], second["account"]) if amount >= 0 else (second["account"], first["account"])
    return Movement(
        position=int(first["position"]),
        line=int(first["line"]),
        originator_id=UUID(first["originator_id"]),
        originator_version=int(first["originator_version"]),
        event=first["event"],
        business_date=date.fromisoformat(first["business_date"]),
        fiscal_year=int(first["fiscal_year"]),
        debit=debit,
        credit=credit,
        amount=money(abs(amount)),
        programme_id=UUID(first["programme_id"]) if first["programme_id"] else None,
        programme_code=first["programme_code"],
        holder_id=UUID(first["holder_id"]) if first["holder_id"] else None,
        holder_kind=first["holder_kind"],
        reference=first["reference"],
        item_id=UUID(first["item_id"]) if first["item_id"] else None,
        memo=first["memo"],
    )


def chain_link_at(cursor: Cursor, position: int | None = None) -> ChainHead | None:
    """The seal's newest link at or before ``position`` (the chain head without one)."""
    if position is None:
        cursor.execute("SELECT position, hash FROM seal_links ORDER BY position DESC LIMIT 1")
    else:
        cursor.execute(
            "SELECT position, hash FROM seal_links WHERE position <= ? ORDER BY position DESC LIMIT 1", (position,)
        )
    row = cursor.fetchone()
    return ChainHead(int(row["position"]), str(row["hash"])) if row else None
