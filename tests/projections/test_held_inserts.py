"""Inserts held back during a batch: a read model still sees its own rows, in the order it wrote them,
and a read model that remembers facts forgets them when its batch fails."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from projections.db import SQLiteDatabase
from projections.held_inserts import HeldInserts
from projections.recall import Recall


@pytest.fixture
def db(tmp_path: Path) -> Iterator[SQLiteDatabase]:
    database = SQLiteDatabase(str(tmp_path / "gehalten.sqlite"))
    with database.transaction(exclusive=True) as cursor:
        cursor.execute("CREATE TABLE lines (id INTEGER PRIMARY KEY AUTOINCREMENT, text TEXT NOT NULL)")
        cursor.execute("CREATE TABLE totals (name TEXT PRIMARY KEY, cents BIGINT NOT NULL)")
    yield database
    database.close()


def test_rows_are_sent_in_runs_and_keep_their_order(db: SQLiteDatabase) -> None:
    sent: list[tuple[str, int]] = []
    with db.transaction(exclusive=True) as cursor:
        execute, executemany = cursor.execute, cursor.executemany
        cursor.execute = lambda sql, params=(): (sent.append((sql.split()[0], 1)), execute(sql, params))[1]  # type: ignore[method-assign]
        cursor.executemany = lambda sql, rows: (sent.append((sql.split()[0], len(rows))), executemany(sql, rows))[1]  # type: ignore[method-assign]
        held = HeldInserts(cursor)
        for number in range(5):
            held.execute("INSERT INTO lines (text) VALUES (?)", (f"Zeile {number}",))
        held.execute("INSERT INTO totals (name, cents) VALUES (?, ?)", ("a", 1))
        assert sent == []  # nothing sent yet
        held.execute("SELECT COUNT(*) AS n FROM lines")  # a read of the table sends its rows first
        assert held.fetchone() == {"n": 5}
        assert sent == [("INSERT", 5), ("SELECT", 1)]
        held.flush()
    assert sent[-1] == ("INSERT", 1)
    with db.transaction() as cursor:
        cursor.execute("SELECT id, text FROM lines ORDER BY id")
        assert [row["text"] for row in cursor.fetchall()] == [f"Zeile {n}" for n in range(5)]
        cursor.execute("SELECT cents FROM totals WHERE name = 'a'")
        assert cursor.fetchone() == {"cents": 1}


def test_an_update_after_an_upsert_sees_the_row(db: SQLiteDatabase) -> None:
    with db.transaction(exclusive=True) as cursor:
        held = HeldInserts(cursor)
        held.execute("INSERT INTO totals (name, cents) VALUES (?, 0) ON CONFLICT (name) DO NOTHING", ("b",))
        held.execute("UPDATE totals SET cents = cents + ? WHERE name = ?", (250, "b"))
        held.execute("INSERT INTO totals (name, cents) VALUES (?, 0) ON CONFLICT (name) DO NOTHING", ("b",))
        held.flush()
    with db.transaction() as cursor:
        cursor.execute("SELECT cents FROM totals WHERE name = 'b'")
        assert cursor.fetchone() == {"cents": 250}


def test_an_insert_that_reads_another_table_is_not_held(db: SQLiteDatabase) -> None:
    with db.transaction(exclusive=True) as cursor:
        held = HeldInserts(cursor)
        held.execute("INSERT INTO totals (name, cents) VALUES (?, ?)", ("c", 7))
        held.execute("INSERT INTO lines (text) SELECT name FROM totals WHERE cents = ?", (7,))
        held.execute("UPDATE totals SET cents = 8 WHERE name = 'c'")
        held.flush()
        cursor.execute("SELECT text FROM lines")
        assert [row["text"] for row in cursor.fetchall()] == ["c"]


def test_a_failing_held_insert_fails_at_the_flush(db: SQLiteDatabase) -> None:
    with pytest.raises(sqlite3.IntegrityError), db.transaction(exclusive=True) as cursor:
        held = HeldInserts(cursor)
        held.execute("INSERT INTO totals (name, cents) VALUES (?, ?)", ("d", 1))
        held.execute("INSERT INTO totals (name, cents) VALUES (?, ?)", ("d", 2))
        held.flush()
    with db.transaction() as cursor:
        cursor.execute("SELECT COUNT(*) AS n FROM totals")
        assert cursor.fetchone() == {"n": 0}


def test_recall_is_bounded_and_remembers_only_what_was_found() -> None:
    recall: Recall[str, int] = Recall(size=2)
    asked: list[str] = []

    def look_up(key: str, value: int | None) -> int | None:
        asked.append(key)
        return value

    assert recall.get("a", lambda: look_up("a", 1)) == 1
    assert recall.get("a", lambda: look_up("a", 99)) == 1
    assert recall.get("x", lambda: look_up("x", None)) is None
    assert recall.get("x", lambda: look_up("x", None)) is None
    recall.put("b", 2)
    recall.put("c", 3)  # "a" is the least recently used and goes
    assert "a" not in recall and "b" in recall and "c" in recall
    assert asked == ["a", "x", "x"]
    recall.clear()
    assert "b" not in recall


def test_a_failed_batch_leaves_nothing_remembered_that_was_not_kept(tmp_path: Path) -> None:
    """The programme balances remember which programme-years have their row. A batch that fails after
    creating one is rolled back; folding on afterwards must create the row again, not count into nothing."""
    from ledger_story import dump_read_models, tell

    from domain.grant import Grant
    from foerderbuch.settings import Settings
    from foerderbuch.wiring import create_office, create_projector
    from projections.engine import ProjectionError

    settings = Settings(database_url=f"sqlite:///{tmp_path / 'vergessen.sqlite'}")
    office = create_office(settings)
    projector = create_projector(settings, office)
    projector.batch_size = 100_000  # the whole story in one batch
    try:
        tell(office)
        model = projector.models["programme_balances"]
        handler = type(model).handlers[Grant.PaymentBooked]
        failing = {Grant.PaymentBooked: lambda *args: (_ for _ in ()).throw(RuntimeError("Störung"))}
        type(model).handlers.update(failing)
        try:
            with pytest.raises(ProjectionError, match="Störung"):
                projector.catch_up(["programme_balances"])
        finally:
            type(model).handlers[Grant.PaymentBooked] = handler
        projector.catch_up(["programme_balances"])
        folded = dump_read_models(projector, ["programme_balances"])
        projector.rebuild("programme_balances")
        assert folded == dump_read_models(projector, ["programme_balances"])
        assert any(rows for rows in folded.values())
    finally:
        projector.db.close()
        office.close()
