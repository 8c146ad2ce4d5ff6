"""Questions the web pages ask of existing read models: filtered, searchable, paginated lists.

No tables of its own: these queries read the grant overview's, the register's and the programme
balances' tables (``go_*``, ``reg_*``, ``pb_*``) with the filters an officer sets on a list page —
programme, fiscal year, status, partner city, organisation, overdue, free-text search.

Nothing here grows with the length of history: a page of the grant list continues after (or before)
the last row of the previous one (keyset pagination on the index of its order, ``GrantKey``), and
counts stop at ``COUNT_CAP`` (a list says "more than 1,000 hits" rather than counting them all).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from domain.money import Money
from domain.partner_cities import PARTNER_CITIES
from projections.db import Cursor, money
from projections.deadlines import deadline_text
from projections.grant_overview import GrantOverview, GrantOverviewRow
from projections.texts import decoded
from projections.work_queues import QUEUE_GERMAN, WorkItem

DEADLINES = GrantOverview.deadline_book.table
COUNT_CAP = 1000  # a count stops here: "mehr als 1.000"


@dataclass(frozen=True)
class GrantKey:
    """A grant's place in the list's order (newest application first): its application date and file
    number. A page continues after one key, or goes back before one."""

    applied_on: str
    file_number: str

    def token(self) -> str:
        """For a link: ``2026-03-01_IB-2026-0001``."""
        return f"{self.applied_on}_{self.file_number}"

    @classmethod
    def parse(cls, token: str) -> GrantKey | None:
        """The key a link's token stands for; None for anything that is not one (the first page then)."""
        day, sep, file_number = (token or "").partition("_")
        try:
            date.fromisoformat(day)
        except ValueError:
            return None
        if not sep or not file_number or len(file_number) > 64 or len(day) != 10:
            return None
        return cls(day, file_number)


@dataclass(frozen=True)
class GrantListPage:
    """One page of a grant list: its rows, whether there are more before and after, and the keys
    that lead there."""

    rows: list[GrantOverviewRow]
    has_previous: bool
    has_next: bool

    @property
    def first(self) -> GrantKey | None:
        return GrantKey(self.rows[0].applied_on.isoformat(), self.rows[0].file_number) if self.rows else None

    @property
    def last(self) -> GrantKey | None:
        return GrantKey(self.rows[-1].applied_on.isoformat(), self.rows[-1].file_number) if self.rows else None


@dataclass(frozen=True)
class GrantFilter:
    """What a grant list is narrowed to; every field is optional."""

    programme_id: UUID | None = None
    fiscal_year: int | None = None
    status: str | None = None
    partner_city: str | None = None
    organisation_id: UUID | None = None
    overdue: bool = False
    search: str = ""
    organisation_name: str = ""  # part of the recipient's name (the list's organisation search field)


@dataclass(frozen=True)
class ProgrammeChoice:
    programme_id: UUID
    code: str
    title: str
    closed: bool


@dataclass(frozen=True)
class OrganisationRow:
    organisation_id: UUID
    name: str
    grants: int
    approved: Money
    paid: Money
    open_claims: Money


@dataclass(frozen=True)
class OpenDeadline:
    grant_id: UUID
    file_number: str
    title: str
    organisation_name: str
    text: str
    due: date
    overdue: bool


@dataclass(frozen=True)
class OpenClaim:
    claim_id: UUID
    grant_id: UUID
    file_number: str
    title: str
    organisation_name: str
    open_principal: Money


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped.lower()}%"


def _grant_where(filters: GrantFilter, today: date) -> tuple[str, list[Any]]:
    clauses, params = ["1 = 1"], []
    if filters.programme_id is not None:
        clauses.append("g.programme_id = ?")
        params.append(filters.programme_id.hex)
    if filters.organisation_id is not None:
        clauses.append("g.organisation_id = ?")
        params.append(filters.organisation_id.hex)
    if filters.status:
        clauses.append("g.status = ?")
        params.append(filters.status)
    if filters.partner_city:
        clauses.append("g.partner_city = ?")
        params.append(filters.partner_city)
    if filters.fiscal_year is not None:
        # a grant belongs to every fiscal year its funding period touches
        clauses.append("g.period_start <= ? AND g.period_end >= ?")
        params += [f"{filters.fiscal_year}-12-31", f"{filters.fiscal_year}-01-01"]
    if filters.overdue:
        clauses.append(
            f"EXISTS (SELECT 1 FROM {DEADLINES} d WHERE d.grant_id = g.grant_id AND d.done = 0"
            " AND COALESCE(d.extended, d.due) < ?)"
        )
        params.append(today.isoformat())
    if filters.organisation_name.strip():
        clauses.append("LOWER(g.organisation_name) LIKE ? ESCAPE '\\'")
        params.append(_like(filters.organisation_name.strip()))
    if filters.search.strip():
        clauses.append(
            "(LOWER(g.file_number) LIKE ? ESCAPE '\\' OR LOWER(g.title) LIKE ? ESCAPE '\\'"
            " OR LOWER(g.organisation_name) LIKE ? ESCAPE '\\')"
        )
        params += [_like(filters.search.strip())] * 3
    return " AND ".join(clauses), params


ORDER_NEWEST = "g.applied_on DESC, g.file_number"


def count_grants(cursor: Cursor, today: date, filters: GrantFilter, cap: int = COUNT_CAP) -> tuple[int, bool]:
    """How many grants match, counted up to ``cap``; True when there are more than that."""
    where, params = _grant_where(filters, today)
    cursor.execute(f"SELECT COUNT(*) AS n FROM (SELECT 1 FROM go_grants g WHERE {where} LIMIT ?) c", [*params, cap + 1])
    row = cursor.fetchone()
    n = int(row["n"]) if row else 0
    return min(n, cap), n > cap


def grant_page(
    cursor: Cursor, today: date, filters: GrantFilter, limit: int = 25, offset: int = 0
) -> tuple[list[GrantOverviewRow], int]:
    """The first grants matching ``filters`` (newest application first) and how many match (up to
    ``COUNT_CAP``), for short lists on other pages; the grant list itself pages with ``grant_list_page``."""
    where, params = _grant_where(filters, today)
    total, _ = count_grants(cursor, today, filters)
    cursor.execute(
        f"SELECT g.* FROM go_grants g WHERE {where} ORDER BY {ORDER_NEWEST} LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )
    return GrantOverview._rows(cursor, cursor.fetchall(), today), total


def grant_list_page(
    cursor: Cursor,
    today: date,
    filters: GrantFilter,
    limit: int = 25,
    after: GrantKey | None = None,
    before: GrantKey | None = None,
    offset: int = 0,
) -> GrantListPage:
    """One page of the grants matching ``filters``, newest application first.

    ``after`` continues behind a key (the next page), ``before`` goes back in front of one (the previous
    page); each page is one range of an index in the list's order, so page 5,000 costs what page 1
    does. (The order is mixed — newest date first, then file numbers ascending — so the key is a range
    on the date, ``applied_on <= ?``, with the few rows of the key's own day filtered; the indexes are
    ``(…, applied_on DESC, file_number)``, read in their own order, without a sort.) ``offset`` serves old
    links with only a page number (``?seite=50``)."""
    where, params = _grant_where(filters, today)
    if before is not None:
        cursor.execute(
            f"SELECT g.* FROM go_grants g WHERE {where} AND g.applied_on >= ?"
            " AND (g.applied_on > ? OR g.file_number < ?) ORDER BY g.applied_on, g.file_number DESC LIMIT ?",
            [*params, before.applied_on, before.applied_on, before.file_number, limit + 1],
        )
        found = cursor.fetchall()
        rows = list(reversed(found[:limit]))
        return GrantListPage(GrantOverview._rows(cursor, rows, today), len(found) > limit, True)
    keyset = ""
    if after is not None:
        keyset = " AND g.applied_on <= ? AND (g.applied_on < ? OR g.file_number > ?)"
        params = [*params, after.applied_on, after.applied_on, after.file_number]
    cursor.execute(
        f"SELECT g.* FROM go_grants g WHERE {where}{keyset} ORDER BY {ORDER_NEWEST} LIMIT ? OFFSET ?",
        [*params, limit + 1, 0 if after is not None else offset],
    )
    found = cursor.fetchall()
    return GrantListPage(
        GrantOverview._rows(cursor, found[:limit], today), after is not None or offset > 0, len(found) > limit
    )


def programme_choices(cursor: Cursor) -> list[ProgrammeChoice]:
    cursor.execute("SELECT programme_id, code, title, closed FROM reg_programmes ORDER BY code")
    return [
        ProgrammeChoice(UUID(r["programme_id"]), r["code"], r["title"], bool(r["closed"])) for r in cursor.fetchall()
    ]


def closed_programmes(cursor: Cursor, programme_ids: set[UUID]) -> set[UUID]:
    """Which of these programmes are closed."""
    ids = sorted(p.hex for p in programme_ids)
    if not ids:
        return set()
    marks = ", ".join("?" for _ in ids)
    cursor.execute(f"SELECT programme_id FROM reg_programmes WHERE closed = 1 AND programme_id IN ({marks})", ids)
    return {UUID(r["programme_id"]) for r in cursor.fetchall()}


def partner_cities_in_use(cursor: Cursor) -> list[str]:
    """The partner cities a grant can name (Dortmund's list; an index lookup each, not a scan of all grants)
    that at least one grant names."""
    return [
        city.name
        for city in sorted(PARTNER_CITIES, key=lambda c: c.name)
        if _exists(cursor, "SELECT 1 FROM go_grants WHERE partner_city = ? LIMIT 1", city.name)
    ]


def _exists(cursor: Cursor, sql: str, *params: Any) -> bool:
    cursor.execute(sql, params)
    return cursor.fetchone() is not None


def organisation_name(cursor: Cursor, organisation_id: UUID) -> str | None:
    cursor.execute("SELECT name FROM go_organisations WHERE organisation_id = ?", (organisation_id.hex,))
    row = cursor.fetchone()
    return str(row["name"]) if row else None


def fiscal_years_in_use(cursor: Cursor) -> list[int]:
    cursor.execute("SELECT DISTINCT fiscal_year FROM reg_programme_years ORDER BY fiscal_year")
    return [int(r["fiscal_year"]) for r in cursor.fetchall()]


def organisation_choices(cursor: Cursor, search: str = "", limit: int = 50) -> list[tuple[UUID, str]]:
    """Up to ``limit`` organisations by name, those whose name contains ``search`` if given — a form
    offers a handful to choose from, never every organisation there is."""
    where, params = "1 = 1", []
    if search.strip():
        where, params = "LOWER(name) LIKE ? ESCAPE '\\'", [_like(search.strip())]
    cursor.execute(
        f"SELECT organisation_id, name FROM go_organisations WHERE {where} ORDER BY name, organisation_id LIMIT ?",
        [*params, limit],
    )
    return [(UUID(r["organisation_id"]), str(r["name"])) for r in cursor.fetchall()]


def organisation_page(
    cursor: Cursor, search: str = "", limit: int = 25, offset: int = 0
) -> tuple[list[OrganisationRow], int]:
    """Organisations by name with the number of their grants and the sums approved, paid and claimed back,
    and how many match (up to ``COUNT_CAP``). The page is taken from the name index first; only its own
    organisations' grants are summed (through the grants' organisation index)."""
    where, params = "1 = 1", []
    if search.strip():
        where, params = "LOWER(o.name) LIKE ? ESCAPE '\\'", [_like(search.strip())]
    cursor.execute(
        f"SELECT COUNT(*) AS n FROM (SELECT 1 FROM go_organisations o WHERE {where} LIMIT ?) c",
        [*params, COUNT_CAP + 1],
    )
    row = cursor.fetchone()
    total = min(int(row["n"]) if row else 0, COUNT_CAP)
    cursor.execute(
        "SELECT o.organisation_id, o.name, COUNT(g.grant_id) AS grants, COALESCE(SUM(g.approved_cents), 0) AS approved,"
        " COALESCE(SUM(g.paid_cents), 0) AS paid, COALESCE(SUM(g.open_claims_cents), 0) AS open_claims"
        f" FROM (SELECT o.organisation_id, o.name FROM go_organisations o WHERE {where}"
        " ORDER BY o.name, o.organisation_id LIMIT ? OFFSET ?) o"
        " LEFT JOIN go_grants g ON g.organisation_id = o.organisation_id"
        " GROUP BY o.organisation_id, o.name ORDER BY o.name, o.organisation_id",
        [*params, limit, offset],
    )
    return [
        OrganisationRow(
            UUID(r["organisation_id"]),
            r["name"],
            int(r["grants"]),
            money(r["approved"]),
            money(r["paid"]),
            money(r["open_claims"]),
        )
        for r in cursor.fetchall()
    ], total


def open_proof_deadlines(
    cursor: Cursor, today: date, only_overdue: bool = False, limit: int = 20
) -> list[OpenDeadline]:
    """Interim proofs and proofs of use not yet in, earliest first (overdue ones first of all)."""
    sql = (
        "SELECT d.grant_id, d.key, d.kind, d.text, COALESCE(d.extended, d.due) AS due, g.file_number, g.title,"
        " g.organisation_name"
        f" FROM {DEADLINES} d JOIN go_grants g ON g.grant_id = d.grant_id"
        " WHERE d.done = 0 AND d.kind IN ('interim', 'final')"
    )
    params: list[Any] = []
    if only_overdue:
        sql += " AND COALESCE(d.extended, d.due) < ?"
        params.append(today.isoformat())
    cursor.execute(sql + " ORDER BY 3, g.file_number LIMIT ?", [*params, limit])
    return [
        OpenDeadline(
            UUID(r["grant_id"]),
            r["file_number"],
            r["title"],
            r["organisation_name"],
            deadline_text(r["kind"], r["key"], r["text"]),
            date.fromisoformat(r["due"]),
            date.fromisoformat(r["due"]) < today,
        )
        for r in cursor.fetchall()
    ]


def open_claims(cursor: Cursor, limit: int = 20) -> list[OpenClaim]:
    """Repayment claims with principal still open, largest first."""
    cursor.execute(
        "SELECT c.claim_id, c.grant_id, c.open_cents, g.file_number, g.title, g.organisation_name FROM go_claims c"
        " JOIN go_grants g ON g.grant_id = c.grant_id WHERE c.open_cents > 0 ORDER BY c.open_cents DESC LIMIT ?",
        (limit,),
    )
    return [
        OpenClaim(
            UUID(r["claim_id"]),
            UUID(r["grant_id"]),
            r["file_number"],
            r["title"],
            r["organisation_name"],
            money(r["open_cents"]),
        )
        for r in cursor.fetchall()
    ]


def grant_organisation(cursor: Cursor, grant_id: UUID) -> UUID | None:
    """Whose grant this is, for the relation check before a page shows it; None if unknown."""
    cursor.execute("SELECT organisation_id FROM go_grants WHERE grant_id = ?", (grant_id.hex,))
    row = cursor.fetchone()
    return UUID(row["organisation_id"]) if row else None


def queue_names() -> dict[str, str]:
    return dict(QUEUE_GERMAN)


def queue_page(cursor: Cursor, user_id: UUID, queues: tuple[str, ...], limit: int = 8) -> tuple[list[WorkItem], int]:
    """The oldest ``limit`` items of these work queues that ``user_id`` may work on, and how many there are in all.

    The same per-person exclusions as ``WorkQueues.items`` (four eyes), with a limit for the start page.
    """
    marks = ", ".join("?" * len(queues))
    visible = (
        f" WHERE i.queue IN ({marks}) AND NOT EXISTS (SELECT 1 FROM wq_excluded x"
        " WHERE x.queue = i.queue AND x.item_id = i.item_id AND x.user_id = ?)"
    )
    cursor.execute(f"SELECT COUNT(*) AS n FROM wq_items i{visible}", (*queues, user_id.hex))
    row = cursor.fetchone()
    total = int(row["n"]) if row else 0
    cursor.execute(
        "SELECT i.*, g.file_number, g.title, COALESCE(o.name, '') AS organisation_name FROM wq_items i"
        " JOIN wq_grants g ON g.grant_id = i.grant_id"
        f" LEFT JOIN wq_organisations o ON o.organisation_id = g.organisation_id{visible}"
        " ORDER BY i.since, i.position LIMIT ?",
        (*queues, user_id.hex, limit),
    )
    items = [
        WorkItem(
            queue=r["queue"],
            item_id=UUID(r["item_id"]),
            grant_id=UUID(r["grant_id"]),
            file_number=r["file_number"],
            title=r["title"],
            organisation_name=r["organisation_name"],
            amount=money(r["amount_cents"]),
            since=date.fromisoformat(r["since"]),
            review_passed=None if r["review_passed"] is None else bool(r["review_passed"]),
            detail=decoded(r["detail"], r["detail_message"]),
        )
        for r in cursor.fetchall()
    ]
    return items, total
