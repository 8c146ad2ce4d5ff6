"""Drafts of application forms: what an association typed, kept until it submits.

A draft is not a decision and not part of the ledger, so it is no event: it is the raw form input,
kept per user in a small table beside the read models, overwritten on every save and deleted when the
application is submitted.
"""

from __future__ import annotations

import json
import weakref
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from projections.db import Database

MAX_DRAFT_BYTES = 64 * 1024

# The databases this process has seen the table in: the check costs a query and, where the table is
# missing, a DDL statement (which locks on PostgreSQL), so each database is checked once, not on every page.
_ready: weakref.WeakSet[Database] = weakref.WeakSet()


def _ensure(db: Database) -> None:
    if db in _ready:
        return
    with db.transaction() as cursor:
        missing = not db.table_exists(cursor, "portal_drafts")
    if missing:  # a transaction of its own: on SQLite a read that then writes may find the lock taken meanwhile
        with db.transaction() as cursor:
            cursor.execute(
                "CREATE TABLE IF NOT EXISTS portal_drafts (owner TEXT NOT NULL, kind TEXT NOT NULL,"
                " data TEXT NOT NULL, saved_at TEXT NOT NULL, PRIMARY KEY (owner, kind))"
            )
    _ready.add(db)


def save_draft(db: Database, owner: UUID, kind: str, values: dict[str, str]) -> None:
    data = json.dumps({k: str(v) for k, v in values.items()}, ensure_ascii=False)
    if len(data.encode("utf-8")) > MAX_DRAFT_BYTES:
        raise ValueError("Der Entwurf ist zu groß.")
    _ensure(db)
    with db.transaction() as cursor:
        cursor.execute(
            "INSERT INTO portal_drafts (owner, kind, data, saved_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (owner, kind) DO UPDATE SET data = excluded.data, saved_at = excluded.saved_at",
            (str(owner), kind, data, datetime.now(UTC).isoformat()),
        )


def load_draft(db: Database, owner: UUID, kind: str) -> dict[str, Any] | None:
    _ensure(db)
    with db.transaction() as cursor:
        cursor.execute("SELECT data FROM portal_drafts WHERE owner = ? AND kind = ?", (str(owner), kind))
        row = cursor.fetchone()
    return json.loads(row["data"]) if row else None


def delete_draft(db: Database, owner: UUID, kind: str) -> None:
    _ensure(db)
    with db.transaction() as cursor:
        cursor.execute("DELETE FROM portal_drafts WHERE owner = ? AND kind = ?", (str(owner), kind))


def draft_saved_at(db: Database, owner: UUID, kind: str) -> datetime | None:
    """When the draft was last saved, or None when there is none."""
    _ensure(db)
    with db.transaction() as cursor:
        cursor.execute("SELECT saved_at FROM portal_drafts WHERE owner = ? AND kind = ?", (str(owner), kind))
        row = cursor.fetchone()
    return datetime.fromisoformat(row["saved_at"]) if row else None
