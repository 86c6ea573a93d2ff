"""ASGI middleware in front of every route, the web UI included: the gate, the body limit, security headers.

Pure ASGI (no BaseHTTPMiddleware) so that a chunked body is counted as it arrives and every response —
JSON, the gradio page, the widget script — gets the same headers.
"""

from __future__ import annotations

import json
from http.cookies import SimpleCookie

from assistant.api.access import AccessDenied, Gate

# Paths anyone may load even when a key is required: the login page and the widget script itself.
OPEN_PATHS = ("/login", "/logout", "/widget.js")
# gradio routes the UI never needs: uploads (disk filling) and server-side fetching of URLs.
BLOCKED = ("/gradio_api/upload", "/upload", "/gradio_api/file=http", "/file=http", "/gradio_api/proxy=",
           "/proxy=")  # fmt: skip


async def send_json(send, status: int, message: str, headers: list[tuple[bytes, bytes]] | None = None) -> None:
    body = json.dumps({"error": {"status": status, "message": message}}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            *(headers or [])]})  # fmt: skip
    await send({"type": "http.response.body", "body": body})


def _headers(scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


class BodyTooLarge(Exception):
    pass


class BodyLimit:
    """413 once more than `limit` body bytes arrive, whether or not Content-Length was sent."""

    def __init__(self, app, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = _headers(scope).get("content-length", "")
        if length.isdigit() and int(length) > self.limit:
            return await send_json(send, 413, f"request body over {self.limit} bytes")
        seen, exceeded, replaced = 0, False, False

        async def counted():
            nonlocal seen, exceeded
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                exceeded = True
                raise BodyTooLarge  # stops the app reading; frameworks may turn it into their own 400 …
            return message

        async def checked(message):
            nonlocal replaced
            if exceeded and message["type"] == "http.response.start":  # … which becomes our 413
                replaced = True
                return await send_json(send, 413, f"request body over {self.limit} bytes")
            if not replaced:
                await send(message)

        try:
            await self.app(scope, counted, checked)
        except BodyTooLarge:
            if not replaced:
                await send_json(send, 413, f"request body over {self.limit} bytes")


class GateMiddleware:
    """Decides who is calling before any route runs; refuses blocked paths and unauthenticated callers."""

    def __init__(self, app, gate: Gate):
        self.app, self.gate = app, gate

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket":  # nothing of ours uses websockets; gradio's UI works over HTTP
            return await send({"type": "websocket.close", "code": 1008})
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = scope.get("path", "")
        if any(path.startswith(b) for b in BLOCKED) or "/file=http" in path:
            return await send_json(send, 403, "not available")
        headers = _headers(scope)
        cookies = {k: v.value for k, v in SimpleCookie(headers.get("cookie", "")).items()}
        peer = (scope.get("client") or (None,))[0]
        try:
            who = self.gate.identify(headers, cookies, peer)
        except AccessDenied as exc:
            extra = [(b"retry-after", str(int(exc.retry_after + 0.999)).encode())] if exc.retry_after else []
            return await send_json(send, exc.status, str(exc), extra)
        if who is None and not path.startswith(OPEN_PATHS):
            if scope.get("method") == "GET" and "text/html" in headers.get("accept", ""):
                await send({"type": "http.response.start", "status": 303, "headers": [(b"location", b"/login")]})
                return await send({"type": "http.response.body", "body": b""})
            return await send_json(send, 401, "an API key is required (Authorization: Bearer … or X-API-Key)")
        scope.setdefault("state", {})["principal"] = who
        await self.app(scope, receive, send)


# Our own routes get a strict policy; the gradio UI evaluates its component templates at run time and
# needs 'unsafe-eval' (scripts still only from this origin, images never remote).
OWN_ROUTES = ("/api/", "/v1/", "/widget", "/login", "/logout", "/docs", "/openapi.json", "/redoc")


def security_headers(frame_ancestors: list[str], gradio: bool = False) -> list[tuple[bytes, bytes]]:
    ancestors = " ".join(["'self'", *frame_ancestors])
    script = "'self' 'unsafe-inline' 'unsafe-eval'" if gradio else "'self' 'unsafe-inline'"
    csp = (f"default-src 'self'; script-src {script}; style-src 'self' 'unsafe-inline'; "
           "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
           f"base-uri 'self'; form-action 'self'; frame-ancestors {ancestors}")  # fmt: skip
    headers = [(b"content-security-policy", csp.encode()), (b"x-content-type-options", b"nosniff"),
               (b"referrer-policy", b"no-referrer")]  # fmt: skip
    if not frame_ancestors:
        headers.append((b"x-frame-options", b"SAMEORIGIN"))
    return headers


class SecurityHeaders:
    """CSP (no remote images or scripts; frame-ancestors configurable), nosniff, no referrer — on every response."""

    def __init__(self, app, frame_ancestors: list[str]):
        self.app = app
        self.strict, self.ui = security_headers(frame_ancestors), security_headers(frame_ancestors, gradio=True)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        extra = self.strict if scope.get("path", "").startswith(OWN_ROUTES) else self.ui
        names = {name for name, _ in extra}

        async def with_headers(message):
            if message["type"] == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                message = {**message, "headers": kept + extra}
            await send(message)

        await self.app(scope, receive, with_headers)
