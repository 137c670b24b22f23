"""Rate limits every web process shares: counted in the database, or in Redis where one is configured.

`DatabaseWindow` counts in the `rate_counts` table (see `engine.rate_counts`): at most `limit`
attempts within `window` seconds of the first one, each counted attempt one upsert in its own short
transaction, so the count survives the request failing afterwards. `RedisWindow` counts with
Flask-Limiter's moving window on Redis (SENAPAS_REDIS_URL), for deployments that already run one.
Either way every `senapas serve` process and gunicorn worker sees the same counts.
"""

from __future__ import annotations

import math
import time
from typing import Protocol

from flask_limiter import Limiter
from limits import RateLimitItemPerSecond
from sqlalchemy.orm import Session, sessionmaker

from engine import rate_counts
from engine.db import run_in_transaction


class Window(Protocol):
    """At most `limit` counted attempts per key within `window` seconds."""

    def hit(self, key: str) -> int:
        """Count one attempt while under the limit: 0 when counted, else the seconds to wait (nothing counted)."""

    def wait(self, key: str) -> int:
        """Seconds until the key may make an attempt again, 0 when it is under its limit now (nothing counted)."""

    def add(self, key: str) -> None:
        """Count one attempt for the key, whatever its count (e.g. a failure after the check passed)."""


class DatabaseWindow:
    """A limit counted in the database every process of the deployment uses."""

    def __init__(self, name: str, limit: int, window: float, factory: sessionmaker[Session]) -> None:
        self.name = name
        self.limit = limit
        self.window = window
        self.factory = factory

    def hit(self, key: str) -> int:
        """Count one attempt while under the limit: 0 when counted, else the seconds to wait."""
        return run_in_transaction(self.factory, lambda s: rate_counts.hit(s, self._key(key), self.limit, self.window))

    def wait(self, key: str) -> int:
        """Seconds until the key may make an attempt again, 0 when it is under its limit now."""
        with self.factory() as session:
            return rate_counts.wait(session, self._key(key), self.limit, self.window)

    def add(self, key: str) -> None:
        """Count one attempt for the key, whatever its count."""
        run_in_transaction(self.factory, lambda s: rate_counts.add(s, self._key(key), self.window))

    def _key(self, key: str) -> str:
        return f"{self.name}:{key}"[:200]


class RedisWindow:
    """A limit counted by Flask-Limiter's moving window on Redis."""

    def __init__(self, name: str, limit: int, window: float, limiter: Limiter) -> None:
        self.name = name
        self.item = RateLimitItemPerSecond(limit, max(1, math.ceil(window)))
        self.limiter = limiter

    def hit(self, key: str) -> int:
        """Count one attempt while under the limit: 0 when counted, else the seconds to wait."""
        if self.limiter.limiter.hit(self.item, self.name, key):
            return 0
        return self._reset(key) or 1

    def wait(self, key: str) -> int:
        """Seconds until the key may make an attempt again, 0 when it is under its limit now."""
        if self.limiter.limiter.test(self.item, self.name, key):
            return 0
        return self._reset(key) or 1

    def add(self, key: str) -> None:
        """Count one attempt for the key (a moving window over its limit already refuses it)."""
        self.limiter.limiter.hit(self.item, self.name, key)

    def _reset(self, key: str) -> int:
        stats = self.limiter.limiter.get_window_stats(self.item, self.name, key)
        return max(0, math.ceil(stats.reset_time - time.time()))


def redis_limiter(url: str) -> Limiter:
    """A Flask-Limiter on Redis with a moving window, used only through `RedisWindow` (no route limits)."""
    return Limiter(key_func=lambda: "", storage_uri=url, strategy="moving-window", default_limits=[])
