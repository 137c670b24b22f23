"""A small in-process sliding-window rate limiter (per client address or other key), thread-safe.

Each web process counts on its own; behind several gunicorn workers the effective limit is the
configured one times the number of workers, which is acceptable for a public complaint form.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable


class SlidingWindow:
    """At most `limit` hits per key within the last `window` seconds."""

    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str) -> bool:
        """Count one hit for the key; False when the key is over its limit (the hit is not counted)."""
        now = self.clock()
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return False
            hits.append(now)
            if len(self._hits) > 10_000:
                self._prune(now)
            return True

    def wait(self, key: str) -> int:
        """Seconds until the key may hit again, 0 when it is under its limit now (nothing is counted)."""
        now = self.clock()
        with self._lock:
            hits = self._hits.get(key)
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if not hits or len(hits) < self.limit:
                return 0
            return max(1, math.ceil(hits[-self.limit] + self.window - now))

    def add(self, key: str) -> None:
        """Count one hit for the key, whatever its count (e.g. a failure after the check passed)."""
        now = self.clock()
        with self._lock:
            self._hits.setdefault(key, deque()).append(now)
            if len(self._hits) > 10_000:
                self._prune(now)

    def retry_after(self, key: str) -> int:
        """Seconds until the key may hit again (at least 1)."""
        with self._lock:
            hits = self._hits.get(key)
            if not hits:
                return 1
            return max(1, int(hits[0] + self.window - self.clock()) + 1)

    def _prune(self, now: float) -> None:
        for key in [k for k, hits in self._hits.items() if not hits or hits[-1] <= now - self.window]:
            del self._hits[key]
