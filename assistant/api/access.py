"""API keys, scopes, document groups and a per-key rate limit — no web framework types here."""

from __future__ import annotations

import hmac
import threading
import time
from collections import deque
from dataclasses import dataclass, replace

from assistant.retrieve.retrieval import Filters
from assistant.settings import ServerSettings

SCOPES = {"widget": 0, "advisor": 1, "admin": 2}


class AccessDenied(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Principal:
    """Who is asking: a key (scope, groups) or anonymous (public documents, widget scope)."""

    name: str
    scope: str
    groups: tuple[str, ...]

    def filters(self, base: Filters | None = None) -> Filters:
        return replace(base or Filters(), visibility=("public", *self.groups))

    def require(self, scope: str) -> None:
        if SCOPES[self.scope] < SCOPES[scope]:
            raise AccessDenied(403, f"this key's scope '{self.scope}' does not allow this (needs '{scope}')")

    def may_see(self, visibility: str | None) -> bool:
        return (visibility or "public") in ("public", *self.groups)


# Without require_key the server is open: an anonymous caller may read public documents like an advisor.
ANONYMOUS = Principal("anonymous", "advisor", ())


def authenticate(settings: ServerSettings, presented: str | None) -> Principal:
    if not presented:
        if settings.require_key:
            raise AccessDenied(401, "an API key is required (Authorization: Bearer … or X-API-Key)")
        return ANONYMOUS
    for key in settings.api_keys:
        if hmac.compare_digest(key.key.encode(), presented.encode()):
            return Principal(key.name or f"key-{key.scope}", key.scope, tuple(key.groups))
    raise AccessDenied(401, "unknown API key")


class RateLimiter:
    """A sliding one-minute window per client id."""

    def __init__(self, per_minute: int):
        self.per_minute = per_minute
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def check(self, client: str, now: float | None = None) -> float | None:
        """None when allowed; otherwise the seconds to wait."""
        now = time.monotonic() if now is None else now
        with self._lock:
            hits = self._hits.setdefault(client, deque())
            while hits and now - hits[0] >= 60:
                hits.popleft()
            if len(hits) >= self.per_minute:
                return max(60 - (now - hits[0]), 1.0)
            hits.append(now)
            return None
