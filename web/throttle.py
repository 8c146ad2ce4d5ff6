"""Slows down and limits failed sign-ins, per account and per address.

Each failure within the window adds a growing delay before the answer; after ``limit`` failures the
account (or the address) is refused until the window has passed. A success clears the account's
count. Kept in memory per worker process: with several workers each counts on its own, which still
bounds guessing to ``limit × workers`` attempts per window.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class SignInThrottle:
    def __init__(
        self,
        limit: int = 5,
        window_seconds: float = 900.0,
        max_delay: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.limit = limit
        self.window = window_seconds
        self.max_delay = max_delay
        self.clock = clock
        self.sleep = sleep
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str) -> list[float]:
        cutoff = self.clock() - self.window
        recent = [t for t in self._failures.get(key, []) if t > cutoff]
        if recent:
            self._failures[key] = recent
        else:
            self._failures.pop(key, None)
        return recent

    def blocked(self, *keys: str) -> bool:
        with self._lock:
            return any(len(self._recent(key)) >= self.limit for key in keys)

    def failed(self, *keys: str) -> None:
        with self._lock:
            now = self.clock()
            counts = []
            for key in keys:
                self._failures.setdefault(key, []).append(now)
                counts.append(len(self._recent(key)))
        self.sleep(min(self.max_delay, 0.25 * max(counts)))

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)
