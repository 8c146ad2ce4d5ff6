"""The drafts' table is looked for once per database, not by a statement on every page that shows a
draft (the portal's tests show drafts kept, private and removed on submission)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest

from projections.db import Cursor, SQLiteDatabase
from web.drafts import MAX_DRAFT_BYTES, draft_saved_at, load_draft, save_draft


class CountingDatabase(SQLiteDatabase):
    """Records every statement its transactions send."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.statements: list[str] = []

    @contextmanager
    def transaction(self, exclusive: bool = False, bulk: bool = False) -> Iterator[Cursor]:
        with super().transaction(exclusive, bulk) as cursor:
            yield _Recording(cursor, self.statements)


class _Recording:
    def __init__(self, cursor: Cursor, statements: list[str]) -> None:
        self._cursor, self._statements = cursor, statements

    def execute(self, sql: str, params: Any = ()) -> None:
        self._statements.append(sql)
        self._cursor.execute(sql, params)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cursor, name)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[CountingDatabase]:
    database = CountingDatabase(str(tmp_path / "entwuerfe.sqlite"))
    yield database
    database.close()


def test_a_draft_too_big_is_refused(db: CountingDatabase) -> None:
    with pytest.raises(ValueError, match="zu groß"):
        save_draft(db, uuid4(), "antrag", {"purpose": "x" * MAX_DRAFT_BYTES})


def test_reading_drafts_sends_no_ddl_after_the_first_look(db: CountingDatabase) -> None:
    owner = uuid4()
    load_draft(db, owner, "antrag")
    db.statements.clear()

    for _ in range(3):
        load_draft(db, owner, "antrag")
        draft_saved_at(db, owner, "antrag")

    assert db.statements and all(sql.lstrip().upper().startswith("SELECT") for sql in db.statements)
    assert len(db.statements) == 6
