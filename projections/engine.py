"""Folding the notification log into read models: one reader, every model, exactly once.

Each read model has a tracking row (``projection_tracking``: its name and the last log position it
has seen) that moves in the same transaction as the model's rows. A batch reads a stretch of the log
once, decodes each event once, hands it to every read model that has not seen it yet and handles
its kind, and moves all their tracking rows to the end of the stretch — in one transaction, so a
process killed half-way leaves either the whole batch or none of it. Two processes catching up at
once cannot both apply an event: each takes the write lock, re-reads the positions it started from,
and gives the batch up if another process moved them meanwhile.

Reading the log and writing the read models never nest: the log is read first (outside our
transaction), then the read models are written. A writer of events therefore never waits for us
while we wait for it (on one SQLite file that lock-order inversion used to deadlock until a timeout).

Positions may have gaps; we only ever ask for "after the last one". A model's position moves to the
end of every stretch it was offered, also past events it does not handle, so an idle follower never
re-reads a tail of events that no model wants.

Rebuilding folds the whole log into fresh tables in a scratch SQLite file while the old tables keep
serving, then loads them into the live database in one short transaction (``rebuild``). A new read
model, or every model of a new or restored database, behind a long log is folded the same way.

Why our own tracking table rather than the library's tracking recorders: the SQLite recorder has one
fixed ``tracking`` table per file, and we keep every read model in the events' own database, next to
the events, on both backends, with one code path.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from eventsourcing.application import Application
from eventsourcing.domain import DomainEvent
from eventsourcing.persistence import Notification
from eventsourcing.utils import get_topic, resolve_topic

from projections.db import Cursor, Database, SQLiteDatabase
from projections.held_inserts import HeldInserts
from projections.recall import Recall

Handler = Callable[[Any, Cursor, Any, int], None]


class ReadModel:
    """A question answered from the log: its tables, and what each event changes in them."""

    name: ClassVar[str]
    tables: ClassVar[tuple[str, ...]] = ()  # table names, dropped on rebuild
    handlers: ClassVar[dict[type, Handler]]
    reads_stored_bytes: ClassVar[bool] = False  # True: ``receive`` gets every stored event undecoded
    # True: when the tables' definition changes (a column added), the model's tables are dropped and folded
    # again from the start of the log, so no row of the old definition stays behind.
    refold_when_changed: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.handlers = {}
        for value in list(vars(cls).values()):
            for event_class in getattr(value, "_handles", ()):
                cls.handlers[event_class] = value

    def create_tables(self, cursor: Cursor, kind: str) -> None:
        raise NotImplementedError

    def fresh(self) -> ReadModel:
        """A new instance of this read model for a rebuild (one that needs more than no arguments says so)."""
        return type(self)()

    def forget(self) -> None:
        """Drops what the model remembers between batches (``Recall``s): after a failed batch, or when its
        tables are replaced."""
        for value in vars(self).values():
            if isinstance(value, Recall):
                value.clear()

    @property
    def topics(self) -> list[str]:
        return [get_topic(cls) for cls in self.handlers]

    def begin_batch(self, cursor: Cursor) -> None:
        """Called before the events of a batch; a model may load what it keeps between events here."""

    def end_batch(self, cursor: Cursor) -> None:
        """Called after the events of a batch, inside its transaction."""

    def receive(self, cursor: Cursor, notification: Notification, event: DomainEvent | None) -> None:
        """One stored event: most models fold the decoded event; the seal reads the stored bytes."""
        if event is not None:
            self.apply(cursor, event, notification.id)

    def apply(self, cursor: Cursor, event: DomainEvent, position: int) -> None:
        handler = self.handlers.get(type(event))
        if handler is not None:
            handler(self, cursor, event, position)


class ProjectionError(RuntimeError):
    """Raised when a read model cannot apply the event at a log position; nothing of its batch is kept."""

    def __init__(self, name: str, position: int, cause: BaseException) -> None:
        super().__init__(f"Lesemodell {name}: Ereignis an Position {position} nicht verarbeitet: {cause}")
        self.name = name
        self.position = position


def handles(*event_classes: type) -> Callable[[Handler], Handler]:
    """Marks a read-model method as the fold step for these event classes."""

    def mark(method: Handler) -> Handler:
        method._handles = event_classes  # type: ignore[attr-defined]
        return method

    return mark


@dataclass(frozen=True)
class BatchReport:
    """What one committed batch did: the log position every model in it has now seen, and per model
    how many events it applied."""

    position: int
    events: int
    applied: dict[str, int] = field(default_factory=dict)


Progress = Callable[[BatchReport], None]

TRACKING = "projection_tracking"
TRACKING_TABLE = (
    "CREATE TABLE IF NOT EXISTS projection_tracking (projection TEXT PRIMARY KEY, position BIGINT NOT NULL)"
)
SCHEMA = "projection_schema"
SCHEMA_TABLE = "CREATE TABLE IF NOT EXISTS projection_schema (projection TEXT PRIMARY KEY, fingerprint TEXT NOT NULL)"


class _DefinitionRecorder:
    """A cursor that only writes down the statements a model's ``create_tables`` would issue."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.statements.append(" ".join(sql.split()) + repr(tuple(params)))

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        for params in rows:
            self.execute(sql, params)

    def fetchone(self) -> dict[str, Any] | None:
        return None

    def fetchall(self) -> list[dict[str, Any]]:
        return []

    @property
    def rowcount(self) -> int:
        return 0


def definition(model: ReadModel, kind: str) -> str:
    """A fingerprint of a read model's tables and indexes on this kind of database."""
    recorder = _DefinitionRecorder()
    model.create_tables(recorder, kind)
    return hashlib.sha256("\n".join(recorder.statements).encode()).hexdigest()


class Projector:
    """Keeps a set of read models caught up with one application's log."""

    def __init__(
        self,
        app: Application,
        db: Database,
        models: Iterable[ReadModel],
        batch_size: int = 1000,
        bulk_threshold: int = 20_000,
    ) -> None:
        self.app = app
        self.db = db
        self.models = {model.name: model for model in models}
        self.batch_size = batch_size
        self.bulk_threshold = bulk_threshold  # a fresh model behind a log this long is folded in bulk
        self._set_up = False
        self._batch_lock = threading.Lock()  # one batch at a time in this process; processes use the database lock
        self._classes: dict[str, type | None] = {}
        self._wanting: dict[tuple[str, tuple[str, ...]], list[ReadModel]] = {}
        self._after_batch: list[Callable[[int], None]] = []
        self.stop_at: int | None = None  # fold no further than this position (a check's rebuild)

    # Set-up and positions ----------------------------------------------------------------------

    def set_up(self) -> None:
        """Creates the tracking table and every model's tables, once per definition, under the schema lock.

        Each model's definition (the statements its ``create_tables`` issues) is kept as a fingerprint in
        ``projection_schema``; a process that finds every fingerprint current issues no DDL at all. That
        matters on PostgreSQL: ``CREATE INDEX IF NOT EXISTS`` locks its table even when the index exists,
        and a second worker starting while the first one's follower writes would deadlock with it."""
        if self._set_up:
            return
        wanted = {name: definition(model, self.db.kind) for name, model in self.models.items()}
        with self.db.transaction() as cursor:
            current = self._defined(cursor) == wanted and self._tracked(cursor) >= set(wanted)
        if not current:
            with self.db.transaction(exclusive=True) as cursor:
                self.db.lock_schema(cursor)
                for table, statement in ((TRACKING, TRACKING_TABLE), (SCHEMA, SCHEMA_TABLE)):
                    if not self.db.table_exists(cursor, table):
                        cursor.execute(statement)
                defined = self._defined(cursor)
                for name, model in self.models.items():
                    if defined.get(name) != wanted[name]:
                        refold = model.refold_when_changed and name in defined
                        if refold:
                            model.forget()
                            for table in model.tables:
                                cursor.execute(f"DROP TABLE IF EXISTS {table}")
                            cursor.execute("UPDATE projection_tracking SET position = 0 WHERE projection = ?", (name,))
                        model.create_tables(cursor, self.db.kind)
                        cursor.execute(
                            "INSERT INTO projection_schema (projection, fingerprint) VALUES (?, ?) "
                            "ON CONFLICT (projection) DO UPDATE SET fingerprint = excluded.fingerprint",
                            (name, wanted[name]),
                        )
                    cursor.execute(
                        "INSERT INTO projection_tracking (projection, position) VALUES (?, 0) "
                        "ON CONFLICT (projection) DO NOTHING",
                        (name,),
                    )
        self._set_up = True

    def _defined(self, cursor: Cursor) -> dict[str, str]:
        if not self.db.table_exists(cursor, SCHEMA):
            return {}
        cursor.execute("SELECT projection, fingerprint FROM projection_schema")
        return {row["projection"]: row["fingerprint"] for row in cursor.fetchall()}

    def _tracked(self, cursor: Cursor) -> set[str]:
        if not self.db.table_exists(cursor, TRACKING):
            return set()
        cursor.execute("SELECT projection FROM projection_tracking")
        return {row["projection"] for row in cursor.fetchall()}

    def positions(self) -> dict[str, int]:
        """Every model's position (reads only, once the tables exist)."""
        self.set_up()
        with self.db.transaction() as cursor:
            return self._positions(cursor, list(self.models))

    def position(self, name: str) -> int:
        return self.positions().get(name, 0)

    def follower_position(self) -> int:
        """The log position that every read model has seen: what a page shows is at least this current."""
        self.set_up()
        with self.db.transaction() as cursor:
            marks = ",".join("?" * len(self.models))
            cursor.execute(
                f"SELECT MIN(position) AS p, COUNT(*) AS n FROM projection_tracking WHERE projection IN ({marks})",
                list(self.models),
            )
            row = cursor.fetchone()
        if row is None or int(row["n"] or 0) < len(self.models):
            return 0
        return int(row["p"] or 0)

    def log_head(self) -> int:
        """The newest log position (or ``stop_at``, for a projector that folds only up to there)."""
        head = int(self.app.recorder.max_notification_id() or 0)
        return head if self.stop_at is None else min(head, self.stop_at)

    def pending(self, name: str, after: int | None = None) -> int:
        """How many events of the log this read model still has to apply (or would, from ``after`` on)."""
        model, count = self.models[name], 0
        last: int | None = self.position(name) if after is None else after
        while True:
            notifications = self.app.recorder.select_notifications(start=last, limit=1000, inclusive_of_start=False)
            count += sum(1 for n in notifications if self._wants(model, n.topic))
            if len(notifications) < 1000:
                return count
            last = notifications[-1].id

    def after_batch(self, listener: Callable[[int], None]) -> None:
        """Calls ``listener(position)`` after every committed batch (a follower wakes its waiting readers)."""
        self._after_batch.append(listener)

    # Catching up -------------------------------------------------------------------------------

    def catch_up(self, names: Iterable[str] | None = None, progress: Progress | None = None) -> int:
        """Applies every event not yet applied to the named models (all by default); returns how many
        events were read from the log."""
        self.set_up()
        models = [self.models[name] for name in (list(names) if names is not None else list(self.models))]
        done = self._fold_fresh_in_bulk(models, progress)
        while True:
            report = self._batch(models)
            if report is None:  # another process moved first: look again
                continue
            if report.events == 0 and not report.applied:
                return done
            done += report.events
            if progress is not None:
                progress(report)

    def _fold_fresh_in_bulk(self, models: Sequence[ReadModel], progress: Progress | None) -> int:
        """Models that have seen nothing of a long log (a new or restored database, a new read model) are
        folded like a rebuild — in a scratch file, loaded in one go — rather than batch by batch here."""
        if not self.db.supports_scratch or self.bulk_threshold <= 0:
            return 0
        head = self.log_head()
        if head < self.bulk_threshold:
            return 0
        positions = self.positions()
        fresh = [model for model in models if positions.get(model.name, 0) == 0]
        if not fresh:
            return 0
        return self.rebuild([model.name for model in fresh], progress)

    def _batch(self, models: Sequence[ReadModel]) -> BatchReport | None:
        with self._batch_lock:
            head = self.log_head()
            names = [model.name for model in models]
            with self.db.transaction() as cursor:
                seen = self._positions(cursor, names)
            start = min(seen.values(), default=head)
            if start >= head:
                return BatchReport(head, 0)
            notifications = self.app.recorder.select_notifications(
                start=start, limit=self.batch_size, stop=head, inclusive_of_start=False
            )
            end = notifications[-1].id if len(notifications) >= self.batch_size else head
            targets = [self._targets(models, seen, n) for n in notifications]
            events = [
                self._decode(n) if wanting and not all(m.reads_stored_bytes for m in wanting) else None
                for n, wanting in zip(notifications, targets, strict=True)
            ]
            applied = dict.fromkeys(names, 0)
            try:
                with self.db.transaction(exclusive=True, bulk=True) as cursor:
                    if self._positions(cursor, names, lock=True) != seen:
                        return None
                    for model in models:  # model by model: each one's rows go out in runs (read models share no table)
                        held = HeldInserts(cursor)
                        model.begin_batch(held)
                        position = start
                        try:
                            for notification, event, wanting in zip(notifications, events, targets, strict=True):
                                if model in wanting:
                                    position = notification.id
                                    model.receive(held, notification, event)
                                    applied[model.name] += 1
                            model.end_batch(held)
                            held.flush()
                        except Exception as error:
                            raise ProjectionError(model.name, position, error) from error
                    for name in names:
                        if end > seen[name]:
                            cursor.execute(
                                "UPDATE projection_tracking SET position = ? WHERE projection = ?", (end, name)
                            )
            except BaseException:
                for model in models:  # nothing of the batch was kept: neither is what the models remembered
                    model.forget()
                raise
        for listener in self._after_batch:
            listener(end)
        return BatchReport(end, len(notifications), {k: v for k, v in applied.items() if v})

    def _positions(self, cursor: Cursor, names: Sequence[str], lock: bool = False) -> dict[str, int]:
        if not names:
            return {}
        marks = ",".join("?" * len(names))
        suffix = " FOR UPDATE" if lock and self.db.kind == "postgres" else ""
        cursor.execute(
            f"SELECT projection, position FROM projection_tracking WHERE projection IN ({marks}){suffix}", list(names)
        )
        found = {row["projection"]: int(row["position"]) for row in cursor.fetchall()}
        return {name: found.get(name, 0) for name in names}

    def _event_class(self, topic: str) -> type | None:
        if topic not in self._classes:
            try:
                self._classes[topic] = resolve_topic(topic)
            except Exception:  # a topic no class answers to: no model can handle it
                self._classes[topic] = None
        return self._classes[topic]

    def _wants(self, model: ReadModel, topic: str) -> bool:
        if model.reads_stored_bytes:
            return True
        cls = self._event_class(topic)
        return cls is not None and cls in model.handlers

    def _targets(
        self, models: Sequence[ReadModel], seen: dict[str, int], notification: Notification
    ) -> list[ReadModel]:
        """The models that have not seen this event yet and handle its kind, in catalogue order."""
        key = (notification.topic, tuple(model.name for model in models))
        wanting = self._wanting.get(key)
        if wanting is None:
            wanting = self._wanting[key] = [model for model in models if self._wants(model, notification.topic)]
        return [model for model in wanting if seen[model.name] < notification.id]

    def _decode(self, notification: Notification) -> Any:
        """The domain event, decoded once for every model that folds it."""
        return self.app.mapper.to_domain_event(notification)

    # Rebuilding --------------------------------------------------------------------------------

    def rebuild(self, names: str | Iterable[str], progress: Progress | None = None) -> int:
        """Folds the whole log again for these models: into fresh tables in a scratch SQLite file while the
        old ones keep serving, then loads them into the live database in one transaction (on PostgreSQL
        with ``COPY``). An in-memory store is rebuilt in place."""
        names = [names] if isinstance(names, str) else list(names)
        self.set_up()
        models = [self.models[name] for name in names]
        if not self.db.supports_scratch:
            return self._rebuild_in_place(models, progress)
        with self.db.scratch() as scratch:
            shadow = Projector(
                self.app, scratch, [model.fresh() for model in models], batch_size=5000, bulk_threshold=0
            )
            done = shadow.catch_up(progress=progress)
            self._swap(models, shadow)
        return done

    def _swap(self, models: Sequence[ReadModel], shadow: Projector) -> None:
        names = [model.name for model in models]
        fresh = shadow.positions()
        assert isinstance(shadow.db, SQLiteDatabase)
        with (
            self.db.loading(shadow.db) as load,
            self._batch_lock,
            self.db.transaction(exclusive=True) as cursor,
        ):
            self._positions(cursor, names, lock=True)
            for model in models:
                model.forget()
                for table in model.tables:
                    cursor.execute(f"DROP TABLE IF EXISTS {table}")
                model.create_tables(cursor, self.db.kind)
                for table in model.tables:
                    load(cursor, table)
                cursor.execute(
                    "UPDATE projection_tracking SET position = ? WHERE projection = ?",
                    (fresh.get(model.name, 0), model.name),
                )

    def _rebuild_in_place(self, models: Sequence[ReadModel], progress: Progress | None) -> int:
        with self._batch_lock, self.db.transaction(exclusive=True) as cursor:
            for model in models:
                model.forget()
                for table in model.tables:
                    cursor.execute(f"DROP TABLE IF EXISTS {table}")
                model.create_tables(cursor, self.db.kind)
                cursor.execute("UPDATE projection_tracking SET position = 0 WHERE projection = ?", (model.name,))
        return self.catch_up([model.name for model in models], progress)
