"""The FastAPI app factory: the gate, limits and headers in front of everything, JSON errors, the routers."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.api.access import AccessDenied, Gate, RateLimiter, Signer, WorkLimiter
from assistant.api.guards import BodyLimit, GateMiddleware, SecurityHeaders
from assistant.api.routes import ROUTERS
from assistant.settings import ServerSettings
from assistant.store.feedback import FeedbackStore, open_feedback
from assistant.store.index import IndexNotBuilt


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"status": status, "message": message}}, status_code=status, headers=headers)


def server_secret(settings: ServerSettings, folder: Path, database=None) -> bytes:
    """The configured secret, or a random one kept (0600) beside the index so restarts keep sessions — in
    PostgreSQL when instances share it, so a cookie or answer id from one instance is valid on the others."""
    if settings.secret:
        return settings.secret.encode()
    if database is not None:
        database.execute("INSERT INTO meta VALUES ('server_secret', %s) ON CONFLICT (key) DO NOTHING",
                         (secrets.token_hex(32),))  # fmt: skip
        return database.execute("SELECT value FROM meta WHERE key = 'server_secret'")[0][0].encode()
    path = folder / "server.secret"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    return path.read_text().strip().encode()


def limiters(settings: ServerSettings, database) -> tuple:
    """(requests, wrong keys): counted in this process, or across instances in PostgreSQL."""
    if database is None:
        return RateLimiter(settings.rate_limit_per_minute), RateLimiter(settings.failed_keys_per_minute)
    from assistant.api.shared_limits import PgRateLimiter

    return (PgRateLimiter(database, settings.rate_limit_per_minute),
            PgRateLimiter(database, settings.failed_keys_per_minute, prefix="fail"))  # fmt: skip


def create_app(assistant, feedback: FeedbackStore | None = None) -> FastAPI:
    """The API under /api and /v1, the login page, the widget; every request passes the gate first."""
    settings = assistant.settings.server
    app = FastAPI(title="coopguide", version="0.1.0", description="Cited answers on cooperating safely.")
    database = assistant.index.database  # shared state of several instances, when configured
    signer = Signer(server_secret(settings, assistant.index.folder, database))
    app.state.assistant = assistant
    app.state.feedback = feedback or open_feedback(assistant.index.folder, database)
    app.state.limiter, failures = limiters(settings, database)
    app.state.work = WorkLimiter(settings.max_concurrent, settings.busy_timeout_s)
    app.state.gate = Gate(settings, signer, failures)
    app.state.signer = signer
    # Added last = outermost: headers on every response, the body limit, CORS (preflights need no key),
    # then the gate.
    app.add_middleware(GateMiddleware, gate=app.state.gate)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["GET", "POST"],
                           allow_headers=["Authorization", "X-API-Key", "Content-Type"])  # fmt: skip
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    app.add_middleware(SecurityHeaders, frame_ancestors=settings.frame_ancestors)
    add_error_handlers(app)
    for router in ROUTERS:
        app.include_router(router)
    return app


def add_error_handlers(app: FastAPI) -> None:
    """Every error is JSON (`{"error": {"status", "message"}}`), never a stack trace."""

    @app.exception_handler(AccessDenied)
    async def _denied(request, exc: AccessDenied):
        retry = {"Retry-After": str(int(exc.retry_after + 0.999))} if exc.retry_after else None
        return error_response(exc.status, str(exc), retry)

    @app.exception_handler(IndexNotBuilt)
    async def _not_built(request, exc):
        return error_response(503, "the index is not built yet: run `coopguide ingest`")

    @app.exception_handler(RequestValidationError)
    async def _invalid(request, exc: RequestValidationError):
        return error_response(400, _first_problem(exc.errors()))

    @app.exception_handler(ValidationError)
    async def _invalid_model(request, exc: ValidationError):
        return error_response(400, _first_problem(exc.errors()))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request, exc: StarletteHTTPException):
        return error_response(exc.status_code, str(exc.detail))

    @app.exception_handler(Exception)
    async def _crash(request, exc: Exception):
        return error_response(500, "internal error")


def _first_problem(errors) -> str:
    first = errors[0] if errors else {}
    where = ".".join(str(x) for x in first.get("loc", ()) if x != "body")
    return f"invalid request: {where}: {first.get('msg', 'bad input')}"
