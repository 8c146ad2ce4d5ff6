"""What a read model looks up again and again and that never changes once written.

A payment names its grant; to book it, the journal needs the grant's programme and file number, the
notifications the grant's association. Those facts are fixed when the application is received, so a
model may remember them instead of asking its table for every event. The memory is bounded (the least
recently used fact is forgotten first), and the projector makes a model forget everything when a batch
fails or its tables are replaced — what is remembered was always written in a committed batch.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

Key = TypeVar("Key")
Value = TypeVar("Value")


class Recall(Generic[Key, Value]):
    def __init__(self, size: int = 50_000) -> None:
        self.size = size
        self._facts: OrderedDict[Key, Value] = OrderedDict()

    def get(self, key: Key, look_up: Callable[[], Value | None]) -> Value | None:
        """The remembered fact, else ``look_up()`` (remembered unless it found nothing)."""
        try:
            self._facts.move_to_end(key)
            return self._facts[key]
        except KeyError:
            value = look_up()
            if value is not None:
                self.put(key, value)
            return value

    def put(self, key: Key, value: Value) -> None:
        self._facts[key] = value
        self._facts.move_to_end(key)
        if len(self._facts) > self.size:
            self._facts.popitem(last=False)

    def __contains__(self, key: object) -> bool:
        return key in self._facts

    def clear(self) -> None:
        self._facts.clear()
