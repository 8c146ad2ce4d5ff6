"""The follower: keeps the read models caught up in the background, one active per database.

Every ``serve`` process (each web worker) runs a follower thread, and ``foerderbuch follow`` runs one
as a process of its own for installations with several hosts. Only one of them folds the log at a
time: a lease held in the database decides (PostgreSQL: a session-level advisory lock on a connection
of the follower's own; SQLite: an exclusive ``flock`` on a file beside the database, which the
operating system releases when the holder dies). The others stand by and take over when the holder
goes away.

The active follower is woken at once by writes in its own process, by PostgreSQL's ``NOTIFY`` that
the event store sends on every insert, and otherwise looks for new events every ``poll`` seconds.

Readers never fold the log. After a person's own command, a page asks ``wait_for(position)``: it
waits (bounded) until the read models have seen that position, and otherwise says how current it is.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

from projections.engine import Projector

log = logging.getLogger("foerderbuch.follower")

FOLLOWER_LOCK = 4711  # PostgreSQL advisory lock (with the schema's checksum): the one active follower of a store


class Lease(Protocol):
    """Who may fold the log: ``acquire`` tries without waiting; ``wait`` sleeps until there may be news."""

    def acquire(self) -> bool: ...
    def release(self) -> None: ...
    def wait(self, seconds: float) -> None: ...
    def close(self) -> None: ...


class LocalLease:
    """An in-memory store belongs to one process: its follower is always the active one."""

    def acquire(self) -> bool:
        return True

    def release(self) -> None:
        pass

    def wait(self, seconds: float) -> None:
        time.sleep(seconds)

    def close(self) -> None:
        pass


class FileLease:
    """SQLite: an exclusive lock on ``<database>.follower.lock``; the OS drops it when the process ends."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._handle: Any = None

    def acquire(self) -> bool:
        import fcntl

        if self._handle is not None:
            return True
        handle = open(self.path, "a+b")  # noqa: SIM115 - held open for as long as we are the follower
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        self._handle = handle
        return True

    def release(self) -> None:
        if self._handle is not None:
            self._handle.close()  # closing the file drops the lock
            self._handle = None

    def wait(self, seconds: float) -> None:
        time.sleep(seconds)

    def close(self) -> None:
        self.release()


class PostgresLease:
    """PostgreSQL: a session advisory lock on a connection of our own, which also LISTENs for new events."""

    def __init__(self, conninfo: str, channel: str | None, schema: str | None = None) -> None:
        import zlib

        self.conninfo = conninfo
        self.channel = channel
        self.schema = schema
        self.key = zlib.crc32((schema or "public").encode()) - 2**31  # one follower per store (schema)
        self._conn: Any = None
        self._held = False

    def _connection(self) -> Any:
        import psycopg

        if self._conn is None or self._conn.closed:
            self._held = False
            options = f"-c search_path={self.schema}" if self.schema else ""
            self._conn = psycopg.connect(self.conninfo, autocommit=True, connect_timeout=10, options=options)
            if self.channel:
                self._conn.execute(f'LISTEN "{self.channel}"')
        return self._conn

    def acquire(self) -> bool:
        try:
            if self._held:
                self._connection().execute("SELECT 1")  # still connected, so still holding the lock
                return True
            query = "SELECT pg_try_advisory_lock(%s, %s)"
            row = self._connection().execute(query, (FOLLOWER_LOCK, self.key)).fetchone()
            self._held = bool(row and row[0])
        except Exception as error:  # the connection broke: whoever holds the lock now, it is not us
            log.warning("Follower: Verbindung zur Datenbank verloren (%s)", error)
            self._drop()
        return self._held

    def release(self) -> None:
        if self._held and self._conn is not None and not self._conn.closed:
            try:
                self._conn.execute("SELECT pg_advisory_unlock(%s, %s)", (FOLLOWER_LOCK, self.key))
            except Exception:  # closing the connection below releases it anyway
                self._drop()
        self._held = False

    def wait(self, seconds: float) -> None:
        if not self.channel:
            time.sleep(seconds)
            return
        try:
            for _ in self._connection().notifies(timeout=seconds, stop_after=1):
                break
        except Exception:
            self._drop()
            time.sleep(seconds)

    def _drop(self) -> None:
        self._held = False
        if self._conn is not None:
            with contextlib.suppress(Exception):  # already broken
                self._conn.close()
        self._conn = None

    def close(self) -> None:
        self.release()
        self._drop()


class Follower:
    """Runs ``projector.catch_up()`` whenever there may be new events, while it holds the lease."""

    def __init__(
        self,
        projector: Projector,
        lease: Lease,
        poll: float = 0.05,
        standby_poll: float = 1.0,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        self.projector = projector
        self.lease = lease
        self.poll = poll
        self.standby_poll = standby_poll
        self.on_error = on_error
        self.active = False
        self.last_error: BaseException | None = None
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._seen = threading.Condition()
        self._position = 0
        self._thread: threading.Thread | None = None
        projector.after_batch(self._passed)

    # Running -------------------------------------------------------------------------------------

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self.run, name="foerderbuch-follower", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        self.lease.close()
        self.active = False

    def wake(self, position: int | None = None) -> None:
        """New events were recorded (in this process): fold them soon."""
        self._wake.set()

    def run(self) -> None:
        """The loop: stand by until the lease is ours, then fold whatever is new, again and again."""
        failures = 0
        while not self._stop.is_set():
            if not self.lease.acquire():
                self.active = False
                self._wake.wait(self.standby_poll)
                self._wake.clear()
                continue
            self.active = True
            self._wake.clear()
            try:
                self.projector.catch_up()
                failures = 0
                self.last_error = None
            except Exception as error:  # reported, then tried again after a pause; the server keeps serving
                failures += 1
                self.last_error = error
                log.exception("Follower: Lesemodelle konnten nicht fortgeschrieben werden")
                if self.on_error is not None:
                    self.on_error(error)
                self._stop.wait(min(30.0, 0.5 * 2 ** min(failures, 6)))
                continue
            if self._wake.is_set():
                continue
            self._wait_for_news()
        self.lease.release()

    def _wait_for_news(self) -> None:
        if isinstance(self.lease, PostgresLease):
            # NOTIFY wakes us; the in-process wake-up is checked at least every ``poll`` seconds
            deadline = time.monotonic() + 1.0
            while not self._stop.is_set() and not self._wake.is_set() and time.monotonic() < deadline:
                self.lease.wait(self.poll)
                if self.projector.log_head() > self._position:
                    return
        else:
            self._wake.wait(self.poll)

    def run_once(self) -> int:
        """Catches up now, in this thread, if the lease is ours (``foerderbuch follow --once``)."""
        if not self.lease.acquire():
            return -1
        try:
            return self.projector.catch_up()
        finally:
            self.lease.release()

    # Readers -------------------------------------------------------------------------------------

    def _passed(self, position: int) -> None:
        with self._seen:
            self._position = max(self._position, position)
            self._seen.notify_all()

    def wait_for(self, position: int, timeout: float = 2.0) -> bool:
        """Waits until every read model has seen ``position``; False if that took longer than ``timeout``."""
        if position <= 0:
            return True
        if self._position >= position:
            return True
        deadline = time.monotonic() + timeout
        self.wake()
        delay = 0.002
        while True:
            current = self.projector.follower_position()
            if current >= position:
                self._passed(current)
                return True
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            with self._seen:
                self._seen.wait(min(delay, remaining))
            if self._position >= position:
                return True
            delay = min(delay * 2, 0.05)


def lease_for(
    kind: str,
    database_path: str | None = None,
    conninfo: str | None = None,
    channel: str | None = None,
    schema: str | None = None,
) -> Lease:
    """The right lease for a store: PostgreSQL, a SQLite file, or in memory."""
    if kind == "postgres":
        assert conninfo is not None
        return PostgresLease(conninfo, channel, schema)
    if kind == "sqlite" and database_path and database_path != ":memory:":
        return FileLease(os.fspath(database_path) + ".follower.lock")
    return LocalLease()
