"""Folding the notification log into read models, exactly once.

Each read model has a tracking row (``projection_tracking``: its name and the last log position it
applied) that is updated in the same transaction as the model's rows. A catch-up takes that row
under a lock (PostgreSQL ``SELECT … FOR UPDATE``, SQLite ``BEGIN IMMEDIATE``), applies the events
after it and moves it forward, so two web workers catching up at once apply each event once, and a
process killed half-way leaves either the whole batch or none of it. Positions may have gaps; we only
ever ask for "after the last one".

Why our own tracking table rather than the library's tracking recorders: the SQLite recorder has one
fixed ``tracking`` table per file, and we keep every read model in the events' own database, next to
the events, on both backends, with one code path.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from eventsourcing.application import Application
from eventsourcing.domain import DomainEvent
from eventsourcing.persistence import Mapper, Notification
from eventsourcing.utils import get_topic

from projections.db import Cursor, Database

Handler = Callable[[Any, Cursor, Any, int], None]


class ReadModel:
    """A question answered from the log: its tables, and what each event changes in them."""

    name: ClassVar[str]
    tables: ClassVar[tuple[str, ...]] = ()  # table names, dropped on rebuild
    handlers: ClassVar[dict[type, Handler]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.handlers = {}
        for value in list(vars(cls).values()):
            for event_class in getattr(value, "_handles", ()):
                cls.handlers[event_class] = value

    def create_tables(self, cursor: Cursor, kind: str) -> None:
        raise NotImplementedError

    @property
    def topics(self) -> list[str]:
        return [get_topic(cls) for cls in self.handlers]

    def receive(self, cursor: Cursor, notification: Notification, mapper: Mapper[Any]) -> None:
        """One stored event: most models fold the domain event; the seal reads the stored bytes."""
        self.apply(cursor, mapper.to_domain_event(notification), notification.id)

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


class Projector:
    """Keeps a set of read models caught up with one application's log."""

    def __init__(self, app: Application, db: Database, models: Iterable[ReadModel], batch_size: int = 500) -> None:
        self.app = app
        self.db = db
        self.models = {model.name: model for model in models}
        self.batch_size = batch_size
        self._set_up = False

    def set_up(self) -> None:
        if self._set_up:
            return
        with self.db.transaction(exclusive=True) as cursor:
            cursor.execute(
                "CREATE TABLE IF NOT EXISTS projection_tracking (projection TEXT PRIMARY KEY, position BIGINT NOT NULL)"
            )
            for model in self.models.values():
                model.create_tables(cursor, self.db.kind)
                cursor.execute(
                    "INSERT INTO projection_tracking (projection, position) VALUES (?, 0) "
                    "ON CONFLICT (projection) DO NOTHING",
                    (model.name,),
                )
        self._set_up = True

    def position(self, name: str) -> int:
        self.set_up()
        with self.db.transaction() as cursor:
            cursor.execute("SELECT position FROM projection_tracking WHERE projection = ?", (name,))
            row = cursor.fetchone()
        return int(row["position"]) if row else 0

    def log_head(self) -> int:
        return int(self.app.recorder.max_notification_id() or 0)

    def pending(self, name: str, after: int | None = None) -> int:
        """How many events of the log this read model still has to apply (or would, from ``after`` on)."""
        model, count = self.models[name], 0
        last: int | None = self.position(name) if after is None else after
        while True:
            notifications = self.app.recorder.select_notifications(
                start=last, limit=1000, topics=model.topics, inclusive_of_start=False
            )
            count += len(notifications)
            if len(notifications) < 1000:
                return count
            last = notifications[-1].id

    def catch_up(self, names: Iterable[str] | None = None, progress: Callable[[str, int], None] | None = None) -> int:
        """Applies every event not yet applied; returns how many events were applied."""
        self.set_up()
        applied = 0
        for name in list(names) if names is not None else list(self.models):
            model = self.models[name]
            while True:
                done = self._batch(model)
                if not done:
                    break
                applied += done
                if progress is not None:
                    progress(name, done)
        return applied

    def _batch(self, model: ReadModel) -> int:
        with self.db.transaction(exclusive=True) as cursor:
            lock = " FOR UPDATE" if self.db.kind == "postgres" else ""
            cursor.execute(f"SELECT position FROM projection_tracking WHERE projection = ?{lock}", (model.name,))
            row = cursor.fetchone()
            last = int(row["position"]) if row else 0
            notifications = self.app.recorder.select_notifications(
                start=last, limit=self.batch_size, topics=model.topics, inclusive_of_start=False
            )
            if not notifications:
                return 0
            for notification in notifications:
                try:
                    model.receive(cursor, notification, self.app.mapper)
                except Exception as error:
                    raise ProjectionError(model.name, notification.id, error) from error
            cursor.execute(
                "UPDATE projection_tracking SET position = ? WHERE projection = ? AND position = ?",
                (notifications[-1].id, model.name, last),
            )
            if cursor.rowcount != 1:
                raise RuntimeError(f"read model {model.name}: tracking moved underneath us at {last}")
            return len(notifications)

    def rebuild(self, name: str, progress: Callable[[str, int], None] | None = None) -> int:
        """Drops a read model's rows and folds the whole log again."""
        self.set_up()
        model = self.models[name]
        with self.db.transaction(exclusive=True) as cursor:
            for table in model.tables:
                cursor.execute(f"DROP TABLE IF EXISTS {table}")
            model.create_tables(cursor, self.db.kind)
            cursor.execute("UPDATE projection_tracking SET position = 0 WHERE projection = ?", (name,))
        return self.catch_up([name], progress)
