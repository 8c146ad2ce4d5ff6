"""A thin database handle for read models: the events' own SQLite file or PostgreSQL database.

Read models are written once, in portable SQL with ``?`` placeholders; the PostgreSQL handle turns
them into ``%s``. Money is stored as integer cents (``BIGINT``): exact in both databases, summable
in SQL, and turned back into ``Money`` on the way out — never a float.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import Any, Protocol

from domain.money import Money


def cents(amount: Money) -> int:
    return int(amount.amount * 100)


def money(value: int | None) -> Money:
    return Money(Decimal(value or 0) / 100)


class Cursor(Protocol):
    def execute(self, sql: str, params: Sequence[Any] = ()) -> None: ...
    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None: ...
    def fetchone(self) -> dict[str, Any] | None: ...
    def fetchall(self) -> list[dict[str, Any]]: ...
    @property
    def rowcount(self) -> int: ...


class Database:
    """Opens transactions; ``exclusive=True`` takes the write lock up front (SQLite ``BEGIN IMMEDIATE``).

    A read transaction (the default) takes no write lock: on SQLite in WAL mode it reads a snapshot
    while writers go on, on PostgreSQL it is an ordinary read.

    Rebuilding a read model folds the log into a *scratch* database (``scratch()``: always a local
    SQLite file, fast because nothing goes over the network), then loads its tables into the live ones
    in one transaction (``loading``: an attached file on SQLite, ``COPY`` on PostgreSQL).
    """

    kind: str
    supports_scratch = False

    @contextmanager
    def transaction(self, exclusive: bool = False, bulk: bool = False) -> Iterator[Cursor]:
        """``bulk``: many writes whose answers nobody reads (PostgreSQL sends them in a pipeline)."""
        raise NotImplementedError
        yield  # pragma: no cover

    def lock_schema(self, cursor: Cursor) -> None:
        """Inside an exclusive transaction: makes processes that create tables take turns."""

    def table_exists(self, cursor: Cursor, table: str) -> bool:
        """Whether the table exists, asked without locking it (a DDL statement would)."""
        raise NotImplementedError

    @contextmanager
    def scratch(self) -> Iterator[SQLiteDatabase]:
        """An empty scratch database for a rebuild: a SQLite file, removed afterwards."""
        folder = self.scratch_folder()
        handle, path = tempfile.mkstemp(prefix="foerderbuch-neuaufbau-", suffix=".sqlite", dir=folder)
        os.close(handle)
        scratch = SQLiteDatabase(path, durable=False)
        try:
            yield scratch
        finally:
            scratch.close()
            for suffix in ("", "-journal", "-wal", "-shm"):
                if os.path.exists(path + suffix):
                    os.remove(path + suffix)

    def scratch_folder(self) -> str | None:
        return None  # the system's temporary folder

    @contextmanager
    def loading(self, scratch: SQLiteDatabase) -> Iterator[Callable[[Cursor, str], None]]:
        """``load(cursor, table)`` copies a scratch table's rows into the live table of the same name,
        inside the caller's (exclusive) transaction."""
        raise NotImplementedError
        yield  # pragma: no cover

    def close(self) -> None:
        pass


class _SQLiteCursor:
    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self._cursor.execute(sql, params if isinstance(params, tuple | list) else tuple(params))

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self._cursor.executemany(sql, rows)

    def fetchone(self) -> dict[str, Any] | None:
        row = self._cursor.fetchone()
        return dict(zip(row.keys(), row, strict=True)) if row is not None else None

    def fetchall(self) -> list[dict[str, Any]]:
        return [dict(row) for row in self._cursor.fetchall()]

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def description(self) -> Any:
        return self._cursor.description

    def fetchmany(self, size: int) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in self._cursor.fetchmany(size)]


class SQLiteDatabase(Database):
    """One connection per thread to the SQLite file (WAL); ``:memory:`` shares one locked connection."""

    kind = "sqlite"

    def __init__(self, path: str, timeout: float = 30.0, durable: bool = True) -> None:
        self.path = path
        self.timeout = timeout
        self.durable = durable
        self._local = threading.local()
        self._shared_lock = threading.RLock() if path == ":memory:" else None
        self._shared: sqlite3.Connection | None = None
        self._all: list[sqlite3.Connection] = []

    def _connection(self) -> sqlite3.Connection:
        if self._shared_lock is not None:
            if self._shared is None:
                self._shared = self._open()
            return self._shared
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._open()
            self._local.connection = connection
        return connection

    def _open(self) -> sqlite3.Connection:
        connection = sqlite3.connect(
            self.path,
            timeout=self.timeout,
            isolation_level=None,
            check_same_thread=False,
            cached_statements=1024,  # every read model's statements stay prepared (the default keeps 128)
        )
        connection.row_factory = sqlite3.Row
        # LOWER folds every letter, umlauts included, as PostgreSQL's does (SQLite's own folds ASCII only),
        # so a search for "übergabe" finds "ÜBERGABE".
        connection.create_function("lower", 1, _unicode_lower, deterministic=True)
        if self.durable:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA cache_size=-16384")  # 16 MB of pages per connection (default 2 MB)
        else:  # a scratch file for a rebuild: thrown away if anything goes wrong
            connection.execute("PRAGMA journal_mode=OFF")
            connection.execute("PRAGMA synchronous=OFF")
            connection.execute("PRAGMA cache_size=-65536")
            connection.execute("PRAGMA temp_store=MEMORY")
        connection.execute(f"PRAGMA busy_timeout={int(self.timeout * 1000)}")
        # Deleted and overwritten rows are zeroed in their pages, so an erased name or key does not linger
        # in the file (and in a backup made later); FAST costs no extra writes.
        connection.execute("PRAGMA secure_delete=FAST")
        self._all.append(connection)
        return connection

    @contextmanager
    def transaction(self, exclusive: bool = False, bulk: bool = False) -> Iterator[Cursor]:
        lock = self._shared_lock
        if lock is not None:
            lock.acquire()
        try:
            connection = self._connection()
            connection.execute("BEGIN IMMEDIATE" if exclusive else "BEGIN")
            try:
                yield _SQLiteCursor(connection.cursor())
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            else:
                connection.execute("COMMIT")
        finally:
            if lock is not None:
                lock.release()

    def table_exists(self, cursor: Cursor, table: str) -> bool:
        cursor.execute("SELECT 1 AS found FROM sqlite_master WHERE type = 'table' AND name = ?", (table,))
        return cursor.fetchone() is not None

    @property
    def supports_scratch(self) -> bool:  # type: ignore[override]
        return self.path != ":memory:" and not self.path.startswith("file:")

    def scratch_folder(self) -> str | None:
        return os.path.dirname(os.path.abspath(self.path))  # beside the database: same disk

    @contextmanager
    def loading(self, scratch: SQLiteDatabase) -> Iterator[Callable[[Cursor, str], None]]:
        connection = self._connection()
        connection.execute("ATTACH DATABASE ? AS neuaufbau", (scratch.path,))
        try:
            yield lambda cursor, table: cursor.execute(f"INSERT INTO {table} SELECT * FROM neuaufbau.{table}")
        finally:
            connection.execute("DETACH DATABASE neuaufbau")

    def close(self) -> None:
        for connection in self._all:
            connection.close()
        self._all.clear()
        self._shared = None
        self._local = threading.local()


def _unicode_lower(text: object) -> str | None:
    return None if text is None else str(text).lower()


def _answers_rows(sql: str) -> bool:
    return sql.lstrip()[:6].upper().startswith(("SELECT", "WITH", "VALUES")) or "RETURNING" in sql.upper()


class _PostgresCursor:
    """Reads and writes of a bulk (pipeline) transaction go through two psycopg cursors of the connection.

    In pipeline mode an answer is handed to the cursor that sent its statement whenever it arrives. A
    cursor that sent an ``INSERT`` and then a ``SELECT`` could take the insert's late answer for the
    select's and fail in ``fetchone`` ("the last operation didn't produce records"), now and then. With
    the statements that answer rows on a cursor of their own, a read only ever waits for its own answer;
    the connection still runs every statement in the order sent."""

    def __init__(self, cursor: Any, reader: Any | None = None) -> None:
        self._cursor = cursor
        self._reader = reader
        self._last = cursor

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        target = self._reader if self._reader is not None and _answers_rows(sql) else self._cursor
        target.execute(sql.replace("?", "%s"), tuple(params))
        self._last = target

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        for row in rows:  # pipelined anyway; psycopg's executemany inside a pipeline block keeps no answers
            self.execute(sql, row)

    def fetchone(self) -> dict[str, Any] | None:
        return self._last.fetchone()  # type: ignore[no-any-return]

    def fetchall(self) -> list[dict[str, Any]]:
        return list(self._last.fetchall())

    @property
    def rowcount(self) -> int:
        return int(self._last.rowcount)

    def copy_in(self, table: str, columns: Sequence[str], rows: Iterator[Sequence[Any]]) -> None:
        """Loads rows with ``COPY … FROM STDIN``: one stream, not one statement per row."""
        from psycopg import sql

        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(table), sql.SQL(", ").join(sql.Identifier(c) for c in columns)
        )
        with self._cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)


class PostgresDatabase(Database):
    """A small connection pool to the PostgreSQL database the events live in."""

    kind = "postgres"

    supports_scratch = True
    COPY_CHUNK = 5000
    SCHEMA_LOCK = 4711200602  # pg_advisory_xact_lock key: read-model tables are created by one process at a time

    def __init__(self, conninfo: str, schema: str | None = None, max_size: int = 4) -> None:
        from psycopg.rows import dict_row
        from psycopg_pool import ConnectionPool

        self.conninfo = conninfo
        self.schema = schema
        options = f"-c search_path={schema}" if schema else None
        kwargs: dict[str, Any] = {"row_factory": dict_row}
        if options:
            kwargs["options"] = options
        self.pool = ConnectionPool(conninfo, min_size=1, max_size=max_size, kwargs=kwargs, open=True)

    @contextmanager
    def transaction(self, exclusive: bool = False, bulk: bool = False) -> Iterator[Cursor]:
        """A bulk transaction runs in pipeline mode: statements go to the server without waiting for each
        answer, until a read needs one — a batch of the follower is not one round trip per statement."""
        with self.pool.connection() as connection:
            if bulk:
                with (
                    connection.pipeline(),
                    connection.transaction(),
                    connection.cursor() as cursor,
                    connection.cursor() as reader,
                ):
                    yield _PostgresCursor(cursor, reader)
            else:
                with connection.transaction(), connection.cursor() as cursor:
                    yield _PostgresCursor(cursor)

    def lock_schema(self, cursor: Cursor) -> None:
        cursor.execute("SELECT pg_advisory_xact_lock(?)", (self.SCHEMA_LOCK,))

    def table_exists(self, cursor: Cursor, table: str) -> bool:
        cursor.execute("SELECT to_regclass(?) IS NOT NULL AS found", (table,))
        row = cursor.fetchone()
        return bool(row and row["found"])

    @contextmanager
    def loading(self, scratch: SQLiteDatabase) -> Iterator[Callable[[Cursor, str], None]]:
        def load(cursor: Cursor, table: str) -> None:
            assert isinstance(cursor, _PostgresCursor)
            with scratch.transaction() as source:
                assert isinstance(source, _SQLiteCursor)
                source.execute(f"SELECT * FROM {table} LIMIT 0")
                columns = [column[0] for column in source.description]

            def rows() -> Iterator[Sequence[Any]]:
                with scratch.transaction() as source:
                    assert isinstance(source, _SQLiteCursor)
                    source.execute(f"SELECT * FROM {table}")
                    while chunk := source.fetchmany(self.COPY_CHUNK):
                        yield from chunk

            cursor.copy_in(table, columns, rows())

        yield load

    def close(self) -> None:
        self.pool.close()
