"""The rate limit counted across instances in PostgreSQL (per key, proxy user or IP; fixed one-minute windows).

The same interface as access.RateLimiter; a request over the limit is not counted, so a refused client is
not locked out for longer than the window. Old windows are removed now and then.
"""

from __future__ import annotations

import random
import time


class PgRateLimiter:
    def __init__(self, db, per_minute: int, prefix: str = "req", window: int = 60):
        self.db, self.per_minute, self.prefix, self.window = db, per_minute, prefix, window

    def _window(self, now: float | None) -> tuple[int, float]:
        now = time.time() if now is None else now
        return int(now // self.window), self.window - now % self.window

    def check(self, client: str, cost: int = 1, now: float | None = None) -> float | None:
        """None when allowed (and counted `cost` times); otherwise the seconds to wait."""
        start, left = self._window(now)
        if cost > self.per_minute:
            return max(left, 1.0)
        rows = self.db.execute(
            "INSERT INTO rate_hits VALUES (%s, %s, %s) ON CONFLICT (bucket, window_start) DO UPDATE "
            "SET hits = rate_hits.hits + EXCLUDED.hits WHERE rate_hits.hits + EXCLUDED.hits <= %s RETURNING hits",
            (f"{self.prefix}:{client}", start, cost, self.per_minute),
        )
        if random.random() < 0.01:
            self.db.execute("DELETE FROM rate_hits WHERE window_start < %s", (start - 1,))
        return None if rows else max(left, 1.0)

    def blocked(self, client: str, now: float | None = None) -> float | None:
        """Seconds to wait if `client` is at its limit, without counting a request."""
        start, left = self._window(now)
        rows = self.db.execute("SELECT hits FROM rate_hits WHERE bucket=%s AND window_start=%s",
                               (f"{self.prefix}:{client}", start))  # fmt: skip
        return max(left, 1.0) if rows and rows[0][0] >= self.per_minute else None
