"""Figures for the charts: payments per month, proofs of use due per month, an association's grants
per year. Each is read from an existing read model's tables (the journal, the grant overview's
deadlines, the portfolio) and returns plain numbers in cents or counts."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from domain.messages import N_, message
from projections.db import Cursor

MONTHS = (
    N_("Jan"),
    N_("Feb"),
    N_("Mär"),
    N_("Apr"),
    N_("Mai"),
    N_("Jun"),
    N_("Jul"),
    N_("Aug"),
    N_("Sep"),
    N_("Okt"),
    N_("Nov"),
    N_("Dez"),
)


def payments_per_month(cursor: Cursor, year: int) -> list[tuple[str, int]]:
    """Payments booked in each month of a calendar year (by value date), in cents."""
    cursor.execute(
        "SELECT business_date, cents FROM jr_entries WHERE account = 'paid' AND event = 'Grant.PaymentBooked'"
        " AND cents > 0 AND business_date >= ? AND business_date <= ?",
        (f"{year}-01-01", f"{year}-12-31"),
    )
    totals = [0] * 12
    for row in cursor.fetchall():
        totals[int(str(row["business_date"])[5:7]) - 1] += int(row["cents"])
    return list(zip(MONTHS, totals, strict=True))


def proofs_due_per_month(cursor: Cursor, start: date, months: int = 12) -> list[tuple[str, int]]:
    """Open interim and final proofs of use falling due in each of the next months (from start's month)."""
    keys = []
    year, month = start.year, start.month
    for _ in range(months):
        keys.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    cursor.execute(
        "SELECT COALESCE(extended, due) AS due FROM go_deadlines WHERE done = 0 AND kind IN ('interim', 'final')"
    )
    counts = dict.fromkeys(keys, 0)
    for row in cursor.fetchall():
        due = date.fromisoformat(str(row["due"]))
        if (due.year, due.month) in counts:
            counts[(due.year, due.month)] += 1
    return [(message("{month} {year}", month=message(MONTHS[m - 1]), year=str(y)[2:]), counts[(y, m)]) for y, m in keys]


def grants_per_year(cursor: Cursor, organisation_id: UUID) -> list[tuple[int, int, int, int]]:
    """(year applied, cents applied for, cents approved, cents paid) of an association's grants per year."""
    cursor.execute(
        "SELECT applied_on, applied_cents, approved_cents, paid_cents FROM pf_grants WHERE organisation_id = ?",
        (organisation_id.hex,),
    )
    years: dict[int, list[int]] = {}
    for row in cursor.fetchall():
        totals = years.setdefault(int(str(row["applied_on"])[:4]), [0, 0, 0])
        for n, name in enumerate(("applied_cents", "approved_cents", "paid_cents")):
            totals[n] += int(row[name] or 0)
    return [(year, *years[year]) for year in sorted(years)]  # type: ignore[misc]
