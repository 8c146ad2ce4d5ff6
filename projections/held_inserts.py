"""Inserts held back and sent together: a batch of the follower writes its rows with ``executemany``.

Most statements a read model issues while folding are ``INSERT``s, one row each. Sent one by one they
are most of a rebuild's time. The cursor below holds them per table and sends each run of equal
statements as one ``executemany`` — before any later statement that names the table (a read, an update,
a delete), so a model always sees its own rows, and at the end of the model's part of the batch. Rows
of one table keep their order; tables of different read models are independent of each other.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from projections.db import Cursor

_INSERT = re.compile(r"\s*INSERT\s+(?:OR\s+\w+\s+)?INTO\s+(\w+)", re.IGNORECASE)
_WORD = re.compile(r"\w+")


class HeldInserts:
    """Wraps a cursor inside one transaction; ``flush()`` sends what is held (the caller must call it)."""

    def __init__(self, cursor: Cursor) -> None:
        self._cursor = cursor
        self._held: dict[str, list[tuple[str, list[Sequence[Any]]]]] = {}
        self._targets: dict[str, str | None] = {}  # statement → the table it inserts into, or None
        self._names: dict[str, frozenset[str]] = {}  # statement → the words in it

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        table = self._target(sql)
        if table is not None:
            runs = self._held.setdefault(table, [])
            if runs and runs[-1][0] == sql:
                runs[-1][1].append(params)
            else:
                runs.append((sql, [params]))
            return
        if self._held:
            words = self._words(sql)
            for name in [name for name in self._held if name in words]:
                self._send(name)
        self._cursor.execute(sql, params)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        for params in rows:
            self.execute(sql, params)

    def fetchone(self) -> dict[str, Any] | None:
        return self._cursor.fetchone()

    def fetchall(self) -> list[dict[str, Any]]:
        return self._cursor.fetchall()

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    def flush(self) -> None:
        for name in list(self._held):
            self._send(name)

    def _send(self, table: str) -> None:
        for sql, rows in self._held.pop(table):
            if len(rows) == 1:
                self._cursor.execute(sql, rows[0])
            else:
                self._cursor.executemany(sql, rows)

    def _target(self, sql: str) -> str | None:
        try:
            return self._targets[sql]
        except KeyError:
            match = _INSERT.match(sql)
            upper = sql.upper()
            held = match is not None and "RETURNING" not in upper and "SELECT" not in upper  # reads elsewhere: now
            table = match.group(1).lower() if held and match is not None else None
            self._targets[sql] = table
            return table

    def _words(self, sql: str) -> frozenset[str]:
        try:
            return self._names[sql]
        except KeyError:
            words = self._names[sql] = frozenset(word.lower() for word in _WORD.findall(sql))
            return words
