"""Who is asking, what they may see and how much they may ask — no web framework types here.

One `Gate` identifies the caller of every front end (API, `/v1`, widget, web UI) from an API key, a login
cookie or a trusted reverse proxy's user header; anonymous callers get widget scope and public documents.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace

from assistant.retrieve.retrieval import Filters
from assistant.settings import ApiKey, ServerSettings
from assistant.types import Turn

SCOPES = {"widget": 0, "advisor": 1, "admin": 2}
SESSION_COOKIE = "coopguide_session"
SESSION_SECONDS = 8 * 3600


class AccessDenied(Exception):
    def __init__(self, status: int, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


@dataclass(frozen=True)
class Principal:
    """Who is asking: name, scope, document groups, and the bucket their requests are counted in."""

    name: str
    scope: str
    groups: tuple[str, ...]
    client: str  # rate-limit bucket: the key's digest, the proxy user, or the client IP

    def filters(self, base: Filters | None = None) -> Filters:
        return replace(base or Filters(), visibility=("public", *self.groups))

    def require(self, scope: str) -> None:
        if SCOPES[self.scope] < SCOPES[scope]:
            raise AccessDenied(403, f"this key's scope '{self.scope}' does not allow this (needs '{scope}')")

    def may_see(self, visibility: str | None) -> bool:
        return (visibility or "public") in ("public", *self.groups)

    def token(self) -> str:
        """A string form handed through the web UI's auth hook (computed per request, never from the client)."""
        return json.dumps([self.name, self.scope, list(self.groups), self.client])

    @classmethod
    def from_token(cls, token: str | None) -> Principal:
        name, scope, groups, client = json.loads(token or "") if token else ("anonymous", "widget", [], "ip:?")
        return cls(name, scope, tuple(groups), client)


def anonymous(ip: str) -> Principal:
    """No credentials: widget scope, public documents only (never more than a widget key)."""
    return Principal("anonymous", "widget", (), f"ip:{ip}")


class Signer:
    """HMAC-signed tokens (login cookies, answer ids) with the server secret."""

    def __init__(self, secret: bytes):
        self._secret = secret

    def sign(self, payload: str) -> str:
        mac = hmac.new(self._secret, payload.encode(), hashlib.sha256).hexdigest()[:32]
        return f"{payload}.{mac}"

    def verify(self, token: str | None) -> str | None:
        """The payload of a token this server signed, else None."""
        payload, dot, _ = (token or "").rpartition(".")
        if not dot or not payload:
            return None
        return payload if hmac.compare_digest(self.sign(payload), token or "") else None


class RateLimiter:
    """A sliding window per client id, bounded in memory (idle and oldest clients are dropped)."""

    def __init__(self, per_minute: int, max_clients: int = 10_000, window: float = 60.0):
        self.per_minute, self.max_clients, self.window = per_minute, max_clients, window
        self._hits: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def check(self, client: str, cost: int = 1, now: float | None = None) -> float | None:
        """None when allowed (and counted `cost` times); otherwise the seconds to wait."""
        now = time.monotonic() if now is None else now
        with self._lock:
            hits = self._hits.pop(client, None) or deque()
            while hits and now - hits[0] >= self.window:
                hits.popleft()
            self._hits[client] = hits  # most recently used last
            if len(hits) + cost > self.per_minute:
                return max(self.window - (now - hits[0]), 1.0) if hits else self.window
            hits.extend([now] * cost)
            while len(self._hits) > self.max_clients:
                self._hits.popitem(last=False)
            return None

    def blocked(self, client: str, now: float | None = None) -> float | None:
        """Seconds to wait if `client` is at its limit, without counting a request."""
        now = time.monotonic() if now is None else now
        with self._lock:
            hits = self._hits.get(client)
            live = [t for t in hits or () if now - t < self.window]
            return max(self.window - (now - live[0]), 1.0) if len(live) >= self.per_minute else None

    def __len__(self) -> int:
        return len(self._hits)


class WorkLimiter:
    """At most `slots` expensive requests at once in this process; the rest wait, then get a 503."""

    def __init__(self, slots: int, timeout_s: float):
        self._slots, self._timeout = threading.BoundedSemaphore(max(slots, 1)), timeout_s

    @contextmanager
    def slot(self) -> Iterator[None]:
        if not self._slots.acquire(timeout=self._timeout):
            raise AccessDenied(503, "the server is busy; try again in a moment", retry_after=5)
        try:
            yield
        finally:
            self._slots.release()


def _in_networks(ip: str | None, networks: list[str]) -> bool:
    try:
        address = ipaddress.ip_address(ip or "")
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(n, strict=False) for n in networks)


class Gate:
    """Identifies the caller of every front end: key header, login cookie, proxy user, or anonymous."""

    def __init__(self, settings: ServerSettings, signer: Signer, failures=None):
        self.settings, self.signer = settings, signer
        self._keys: dict[str, ApiKey] = {k.digest(): k for k in settings.api_keys}
        self.failures = failures or RateLimiter(settings.failed_keys_per_minute)

    def client_ip(self, headers: Mapping[str, str], peer: str | None) -> str:
        """The peer address; X-Forwarded-For is believed only from a configured trusted proxy."""
        ip = peer or "?"
        if _in_networks(ip, self.settings.trusted_proxies):
            hops = [h.strip() for h in headers.get("x-forwarded-for", "").split(",") if h.strip()]
            for hop in reversed(hops):  # the last address a trusted proxy did not add
                if not _in_networks(hop, self.settings.trusted_proxies):
                    return hop
        return ip

    def identify(self, headers: Mapping[str, str], cookies: Mapping[str, str], peer: str | None) -> Principal | None:
        """The caller, or None when a key is required and none was given. Raises 401/403/429 for bad keys."""
        ip = self.client_ip(headers, peer)
        auth = headers.get("authorization", "")
        presented = auth[7:].strip() if auth.lower().startswith("bearer ") else headers.get("x-api-key")
        if presented:
            return self._by_key(presented, ip, headers.get("origin"))
        session = self.signer.verify(cookies.get(SESSION_COOKIE))
        if session:
            digest, _, expires = session.partition("|")
            if expires.isdigit() and int(expires) > time.time() and digest in self._keys:
                return self._principal(self._keys[digest])
        user = self.settings.user_header and headers.get(self.settings.user_header.lower())
        if user and _in_networks(peer, self.settings.trusted_proxies):
            raw = headers.get((self.settings.groups_header or "").lower(), "") if self.settings.groups_header else ""
            groups = tuple(g.strip() for g in raw.split(",") if g.strip())
            return Principal(f"user:{user}", self.settings.user_scope, groups, f"user:{user}")
        return None if self.settings.require_key else anonymous(ip)

    def key_for(self, presented: str, ip: str) -> ApiKey:
        """The configured key; wrong keys are counted per IP and lock the IP out for a while (429)."""
        if (wait := self.failures.blocked(f"ip:{ip}")) is not None:
            raise AccessDenied(429, "too many wrong keys from this address", retry_after=wait)
        key = self._keys.get(hashlib.sha256(presented.encode()).hexdigest())
        if key is None:
            self.failures.check(f"ip:{ip}")
            raise AccessDenied(401, "unknown API key")
        return key

    def _by_key(self, presented: str, ip: str, origin: str | None) -> Principal:
        key = self.key_for(presented, ip)
        if key.origins and origin and origin not in key.origins:
            raise AccessDenied(403, "this key may not be used from this origin")
        return self._principal(key)

    @staticmethod
    def _principal(key: ApiKey) -> Principal:
        return Principal(key.name or f"key-{key.scope}", key.scope, tuple(key.groups), f"key:{key.digest()[:16]}")

    def login(self, presented: str, ip: str) -> str:
        """A signed session cookie value for a valid key (the key itself is never stored in the cookie)."""
        key = self.key_for(presented, ip)
        return self.signer.sign(f"{key.digest()}|{int(time.time()) + SESSION_SECONDS}")


def check_question(settings: ServerSettings, text: str) -> str:
    """The stripped question, or a 400 for an empty, over-long or malformed one."""
    text = (text or "").strip()
    if not text:
        raise AccessDenied(400, "the question is empty")
    if len(text) > settings.max_question_chars:
        raise AccessDenied(400, f"the question is over {settings.max_question_chars} characters")
    _check_encodable(text)
    return text


def check_history(settings: ServerSettings, turns: list[Turn]) -> list[Turn]:
    """The conversation so far, or a 400 when a turn or the whole history is too long."""
    for turn in turns:
        if len(turn.content) > settings.max_turn_chars:
            raise AccessDenied(400, f"a conversation turn is over {settings.max_turn_chars} characters")
        _check_encodable(turn.content)
    if sum(len(t.content) for t in turns) > settings.max_history_chars:
        raise AccessDenied(400, f"the conversation is over {settings.max_history_chars} characters")
    return turns


def _check_encodable(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise AccessDenied(400, "the text is not valid Unicode (lone surrogate)") from exc
