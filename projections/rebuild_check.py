"""Every read model compared with a fresh rebuild: what the tables show must be what the log gives.

``verify``'s recomputation checks the balances with a fold of its own; this check covers everything
else a read model shows — proof-of-use receipts, the portal's amounts, the payments on the grant
overview, the work queues, project spending, the timeline, the case file … Each read model is folded
again from the whole log into a scratch SQLite file (``Database.scratch``), up to exactly the position
the live tables have seen, and then every table is compared with the live one row by row, by its
primary key. Each difference is reported with the read model, the table, the row's key and — where
the row names one — its log position: a row changed, a row added, a row missing.

The live tables are read in one snapshot (a SQLite read transaction; ``REPEATABLE READ`` on
PostgreSQL), so a follower writing meanwhile does not show up as a difference. Only a model's own
derived tables (``ReadModel.tables``) are compared; what a person records beside them (messages read,
e-mails turned off, notifications sent) is not folded from the log and not compared. The seal is
checked by the chain instead.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing
from typing import Any

from projections.db import Cursor, SQLiteDatabase
from projections.engine import BatchReport, Projector, ReadModel
from projections.seal import Seal

MAX_PER_TABLE = 20  # differences reported per table; the rest are counted
POSITION_COLUMNS = ("position", "last_position", "updated_position", "first_position", "recorded_position")

Report = Callable[[int | None, str], None]


def compare_with_rebuild(
    projector: Projector,
    report: Report,
    names: Sequence[str] | None = None,
    progress: Callable[[BatchReport], None] | None = None,
) -> int:
    """Rebuilds the read models (all but the seal, or ``names``) in scratch and compares every table;
    calls ``report(position, message)`` for each difference and returns how many there were."""
    if not projector.db.supports_scratch:
        return 0
    chosen = [
        model
        for name, model in projector.models.items()
        if name != Seal.name and (names is None or name in names) and model.tables
    ]
    if not chosen:
        return 0
    found = 0
    with projector.db.transaction() as live:
        if projector.db.kind == "postgres":
            live.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        positions = _positions(live, [model.name for model in chosen])
        by_position: dict[int, list[ReadModel]] = defaultdict(list)
        for model in chosen:
            by_position[positions.get(model.name, 0)].append(model)
        for position, models in sorted(by_position.items()):
            with projector.db.scratch() as scratch:
                shadow = Projector(
                    projector.app, scratch, [m.fresh() for m in models], batch_size=5000, bulk_threshold=0
                )
                shadow.stop_at = position
                shadow.catch_up(progress=progress)
                for model in models:
                    for table in model.tables:
                        found += _compare_table(model, table, live, scratch, report)
    return found


def _positions(cursor: Cursor, names: list[str]) -> dict[str, int]:
    marks = ",".join("?" * len(names))
    cursor.execute(f"SELECT projection, position FROM projection_tracking WHERE projection IN ({marks})", names)
    return {row["projection"]: int(row["position"]) for row in cursor.fetchall()}


def _scratch_shape(scratch: SQLiteDatabase, table: str) -> tuple[list[str], list[str]]:
    """The table's columns and its primary key columns, as the read model defines them now."""
    with closing(sqlite3.connect(scratch.path)) as connection:
        info = connection.execute(f"PRAGMA table_info({table})").fetchall()
    columns = [row[1] for row in info]
    key = [row[1] for row in sorted((r for r in info if r[5]), key=lambda r: r[5])]
    return columns, key


def _scratch_rows(scratch: SQLiteDatabase, table: str, columns: list[str]) -> Iterator[tuple[Any, ...]]:
    with closing(sqlite3.connect(scratch.path)) as connection:
        cursor = connection.execute(f"SELECT {', '.join(columns)} FROM {table}")
        while chunk := cursor.fetchmany(5000):
            for row in chunk:
                yield tuple(_plain(value) for value in row)


def _plain(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, memoryview | bytearray):
        return bytes(value)
    return value


def _compare_table(model: ReadModel, table: str, live: Cursor, scratch: SQLiteDatabase, report: Report) -> int:
    columns, key_columns = _scratch_shape(scratch, table)
    if not columns:
        return 0
    key_index = [columns.index(c) for c in key_columns] or list(range(len(columns)))
    position_index = next((columns.index(c) for c in POSITION_COLUMNS if c in columns), None)
    expected: dict[tuple[Any, ...], list[tuple[Any, ...]]] = defaultdict(list)
    for row in _scratch_rows(scratch, table, columns):
        expected[tuple(row[i] for i in key_index)].append(row)
    try:
        live.execute(f"SELECT {', '.join(columns)} FROM {table}")
        rows = live.fetchall()
    except Exception as error:  # a live table without a column of today's definition: one finding
        report(None, f"Lesemodell {model.name}, Tabelle {table}: nicht lesbar wie definiert ({error}).")
        return 1
    found = 0
    shown = 0

    def note(position: int | None, message: str) -> None:
        nonlocal found, shown
        found += 1
        if shown < MAX_PER_TABLE:
            shown += 1
            report(position, f"Lesemodell {model.name}, Tabelle {table}: {message}")

    for record in rows:
        row = tuple(_plain(record[c]) for c in columns)
        key = tuple(row[i] for i in key_index)
        candidates = expected.get(key)
        if candidates and row in candidates:
            candidates.remove(row)
            continue
        label = _key_label(key_columns, key)
        if candidates and key_columns:
            want = candidates.pop(0)
            changed = [
                f"{column} zeigt {_show(row[i])}, aus dem Log folgt {_show(want[i])}"
                for i, column in enumerate(columns)
                if row[i] != want[i]
            ]
            note(_position(want, position_index), f"Zeile {label} weicht ab: {'; '.join(changed)}.")
        else:
            note(_position(row, position_index), f"Zeile {label} steht in der Tabelle, folgt aber nicht aus dem Log.")
    for key, missing in expected.items():
        for want in missing:
            label = _key_label(key_columns, key)
            note(_position(want, position_index), f"Zeile {label} folgt aus dem Log, fehlt aber in der Tabelle.")
    if found > shown:
        report(None, f"Lesemodell {model.name}, Tabelle {table}: {found - shown} weitere Abweichung(en).")
    return found


def _position(row: tuple[Any, ...], index: int | None) -> int | None:
    if index is None:
        return None
    value = row[index]
    return int(value) if isinstance(value, int) else None


def _key_label(columns: list[str], key: tuple[Any, ...]) -> str:
    if not columns:
        return "(" + ", ".join(_show(v) for v in key[:4]) + (", …)" if len(key) > 4 else ")")
    return "(" + ", ".join(f"{c}={_show(v)}" for c, v in zip(columns, key, strict=True)) + ")"


def _show(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else f"»{value}«"
    return text if len(text) <= 80 else text[:77] + "…"
