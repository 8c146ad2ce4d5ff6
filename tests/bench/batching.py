"""Batched saves for the FundingOffice: its real commands, recorded a thousand events at a time.

Every FundingOffice command is "get, decide, save". ``BatchedSaves`` leaves the get and the decision
exactly as they are and only holds the save: the events a command's save would record are collected at
once (so their order in the log is the order of the commands, as if each had been saved by itself), the
aggregates it touched are kept in memory (so the next command sees them, as the log would show them),
and every ``events_per_transaction`` events the held events are recorded in one transaction through the
application's own ``save`` — which also takes the snapshots the application's intervals ask for.

Only a single writer may use this (nothing else may write to the store meanwhile), and a command that is
refused must not be retried on the held aggregates: the generator never issues one, and any refusal
stops it (``BatchError``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from domain.application import FundingOffice

KEEP_AFTER_FLUSH = ("Programme", "User", "Project", "BaseRateTable")


class BatchError(RuntimeError):
    """A command failed while saves were held; what was held is not recorded."""


class _HoldingRepository:
    """The office's repository, answering from the held aggregates first (the newest state of each)."""

    def __init__(self, real: Any, held: dict[UUID, Aggregate]) -> None:
        self._real = real
        self._held = held

    def get(self, aggregate_id: UUID, *, version: int | None = None, **kwargs: Any) -> Any:
        if version is None:
            held = self._held.get(aggregate_id)
            if held is not None:
                return held
            aggregate = self._real.get(aggregate_id, **kwargs)
            self._held[aggregate_id] = aggregate
            return aggregate
        return self._real.get(aggregate_id, version=version, **kwargs)

    def __contains__(self, aggregate_id: object) -> bool:
        return aggregate_id in self._held or aggregate_id in self._real

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


class _HeldEvents:
    """Hands the held events to ``Application.save`` in one piece, in command order.

    ``save`` accepts aggregates and events; passing thousands of events one by one costs a protocol
    check each, so they travel as one object with ``collect_events`` (the library's duck type for an
    aggregate) whose id matches no aggregate.
    """

    def __init__(self, events: list[Any]) -> None:
        self.id = uuid4()
        self._events = events

    def collect_events(self) -> list[Any]:
        events, self._events = self._events, []
        return events


class BatchedSaves:
    """Wraps a FundingOffice so that its commands' saves are recorded in batches (see the module docstring)."""

    def __init__(
        self,
        office: FundingOffice,
        events_per_transaction: int = 1000,
        on_flush: Callable[[int], None] | None = None,
    ) -> None:
        if not hasattr(office, "_repository"):
            raise BatchError("this eventsourcing version keeps its repository elsewhere; batching is not possible")
        self.office = office
        self.events_per_transaction = events_per_transaction
        self.on_flush = on_flush
        self.held: dict[UUID, Aggregate] = {}
        self.events: list[Any] = []
        self.touched: dict[UUID, Aggregate] = {}
        self.recorded = 0
        self.transactions = 0
        self._real_save = office.save
        self._real_repository = office._repository
        office.save = self._save  # type: ignore[method-assign]
        office._repository = _HoldingRepository(self._real_repository, self.held)  # type: ignore[assignment]

    def _save(self, *aggregates: Any, **kwargs: Any) -> list[Any]:
        if kwargs:
            raise BatchError(f"save() with {sorted(kwargs)} cannot be batched")
        for aggregate in aggregates:
            if aggregate is None:
                continue
            self.events.extend(aggregate.collect_events())
            self.touched[aggregate.id] = aggregate
            self.held[aggregate.id] = aggregate
        if len(self.events) >= self.events_per_transaction:
            self.flush()
        return []

    def flush(self) -> None:
        """Records everything held in one transaction, then forgets all but the long-lived aggregates."""
        if not self.events:
            return
        count = len(self.events)
        self._real_save(_HeldEvents(self.events), *self.touched.values())
        self.recorded += count
        self.transactions += 1
        self.events = []
        self.touched = {}
        for aggregate_id in [k for k, v in self.held.items() if type(v).__name__ not in KEEP_AFTER_FLUSH]:
            del self.held[aggregate_id]
        if self.on_flush is not None:
            self.on_flush(count)

    def discard(self) -> None:
        """Forgets what is held (after a failed command) and gives the office its own save back."""
        self.events = []
        self.touched = {}
        self.held.clear()
        self.close()

    def close(self) -> None:
        """Records what is still held and gives the office its own save and repository back."""
        if self.events:
            self.flush()
        self.office.__dict__.pop("save", None)
        self.office._repository = self._real_repository  # type: ignore[assignment]
