"""The FastAPI app factory: middleware, JSON errors and the routers; routes live in api/routes/."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.api.access import AccessDenied, RateLimiter
from assistant.api.deps import RateLimited
from assistant.api.routes import ROUTERS
from assistant.store.feedback import FeedbackStore
from assistant.store.index import IndexNotBuilt


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"status": status, "message": message}}, status_code=status, headers=headers)


def create_app(assistant, feedback: FeedbackStore | None = None) -> FastAPI:
    """The API under /api and /v1, the widget at /widget.js and /widget-demo."""
    settings = assistant.settings.server
    app = FastAPI(title="coopguide", version="0.1.0", description="Cited answers on cooperating safely.")
    app.state.assistant = assistant
    app.state.feedback = feedback or FeedbackStore(assistant.index.folder / "feedback.sqlite")
    app.state.limiter = RateLimiter(settings.rate_limit_per_minute)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["GET", "POST"],
                           allow_headers=["Authorization", "X-API-Key", "Content-Type"])  # fmt: skip

    @app.middleware("http")
    async def limit_body(request: Request, call_next):
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > settings.max_body_bytes:
            return error_response(413, f"request body over {settings.max_body_bytes} bytes")
        return await call_next(request)

    add_error_handlers(app)
    for router in ROUTERS:
        app.include_router(router)
    return app


def add_error_handlers(app: FastAPI) -> None:
    """Every error is JSON (`{"error": {"status", "message"}}`), never a stack trace."""

    @app.exception_handler(RateLimited)
    async def _limited(request, exc: RateLimited):
        return error_response(429, str(exc), {"Retry-After": str(int(exc.wait + 0.999))})

    @app.exception_handler(AccessDenied)
    async def _denied(request, exc: AccessDenied):
        return error_response(exc.status, str(exc))

    @app.exception_handler(IndexNotBuilt)
    async def _not_built(request, exc):
        return error_response(503, "the index is not built yet: run `coopguide ingest`")

    @app.exception_handler(RequestValidationError)
    async def _invalid(request, exc: RequestValidationError):
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(x) for x in first.get("loc", ()) if x != "body")
        return error_response(400, f"invalid request: {where}: {first.get('msg', 'bad input')}")

    @app.exception_handler(StarletteHTTPException)
    async def _http(request, exc: StarletteHTTPException):
        return error_response(exc.status_code, str(exc.detail))

    @app.exception_handler(Exception)
    async def _crash(request, exc: Exception):
        return error_response(500, "internal error")
