"""HTTP API (FastAPI): thin routes over the Assistant; errors are JSON, never a stack trace."""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import asdict
from html import escape
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, Field
from starlette.concurrency import iterate_in_threadpool, run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.access import AccessDenied, Principal, RateLimiter, authenticate
from assistant.feedback import FeedbackStore
from assistant.index import IndexNotBuilt
from assistant.retrieval import Filters
from assistant.types import Citation, Turn

STATIC = Path(__file__).parent / "static"


class TurnIn(BaseModel):
    role: str = Field(pattern="^(user|assistant)$")
    content: str = Field(max_length=20_000)


class AskIn(BaseModel):
    question: str = Field(min_length=1, description="The question, German or English.")
    history: list[TurnIn] = Field(default_factory=list, max_length=50, description="The conversation so far.")
    language: str | None = Field(None, pattern="^(de|en)$", description="Answer language (default: detected).")


class FeedbackIn(BaseModel):
    answer_id: str = Field(min_length=1, max_length=100)
    rating: str = Field(pattern="^(up|down)$")
    comment: str | None = Field(None, max_length=2_000)
    question: str | None = Field(None, max_length=2_000)


class AssessmentIn(BaseModel):
    partner: str = Field(min_length=1, max_length=300)
    country: str = Field(min_length=1, max_length=3)
    field: str = Field(min_length=1, max_length=500)
    type: str
    funding: str | None = Field(None, max_length=500)
    data: str | None = Field(None, max_length=500)
    requester: str | None = None
    lang: str = Field("de", pattern="^(de|en)$")
    format: str = Field("json", pattern="^(json|md|docx)$")


class ChatMessage(BaseModel):
    role: str
    content: str | list[dict[str, Any]] | None = None


class ChatIn(BaseModel):
    model: str = "coopguide"
    messages: list[ChatMessage] = Field(min_length=1, max_length=100)
    stream: bool = False


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"status": status, "message": message}}, status_code=status, headers=headers)


def create_app(assistant, feedback: FeedbackStore | None = None) -> FastAPI:
    """The API under /api and /v1, the widget at /widget.js and /widget-demo."""
    settings = assistant.settings.server
    limiter = RateLimiter(settings.rate_limit_per_minute)
    feedback = feedback or FeedbackStore(assistant.index.folder / "feedback.sqlite")
    app = FastAPI(title="coopguide", version="0.1.0", description="Cited answers on cooperating safely.")
    app.state.assistant, app.state.feedback = assistant, feedback
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["GET", "POST"],
                           allow_headers=["Authorization", "X-API-Key", "Content-Type"])  # fmt: skip

    @app.middleware("http")
    async def limit_body(request: Request, call_next):
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > settings.max_body_bytes:
            return _error(413, f"request body over {settings.max_body_bytes} bytes")
        return await call_next(request)

    @app.exception_handler(AccessDenied)
    async def _denied(request, exc: AccessDenied):
        return _error(exc.status, str(exc))

    @app.exception_handler(IndexNotBuilt)
    async def _not_built(request, exc):
        return _error(503, "the index is not built yet: run `coopguide ingest`")

    @app.exception_handler(RequestValidationError)
    async def _invalid(request, exc: RequestValidationError):
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(x) for x in first.get("loc", ()) if x != "body")
        return _error(400, f"invalid request: {where}: {first.get('msg', 'bad input')}")

    @app.exception_handler(StarletteHTTPException)
    async def _http(request, exc: StarletteHTTPException):
        return _error(exc.status_code, str(exc.detail))

    @app.exception_handler(Exception)
    async def _crash(request, exc: Exception):
        return _error(500, "internal error")

    def principal(request: Request) -> Principal:
        auth = request.headers.get("authorization", "")
        key = auth[7:].strip() if auth.lower().startswith("bearer ") else request.headers.get("x-api-key")
        who = authenticate(settings, key)
        client = f"key:{who.name}" if key else f"ip:{request.client.host if request.client else '?'}"
        wait = limiter.check(client)
        if wait is not None:
            raise RateLimited(wait)
        return who

    class RateLimited(AccessDenied):
        def __init__(self, wait: float):
            super().__init__(429, "rate limit exceeded")
            self.wait = wait

    @app.exception_handler(RateLimited)
    async def _limited(request, exc: RateLimited):
        return _error(429, str(exc), {"Retry-After": str(int(exc.wait + 0.999))})

    def check_question(text: str) -> str:
        text = text.strip()
        if not text:
            raise AccessDenied(400, "the question is empty")
        if len(text) > settings.max_question_chars:
            raise AccessDenied(400, f"the question is over {settings.max_question_chars} characters")
        return text

    def ask(who: Principal, body: AskIn):
        history = [Turn(t.role, t.content) for t in body.history]
        return assistant.ask(check_question(body.question), history=history, language=body.language,
                             filters=who.filters())  # fmt: skip

    @app.post("/api/ask", summary="Answer a question (the JSON contract of `ask --json`)")
    async def api_ask(body: AskIn, who: Principal = Depends(principal)) -> dict:
        return (await run_in_threadpool(ask, who, body)).to_dict()

    @app.post("/api/ask/stream", summary="Answer as Server-Sent Events: progress, partial, answer")
    async def api_ask_stream(body: AskIn, who: Principal = Depends(principal)) -> StreamingResponse:
        check_question(body.question)

        history = [Turn(t.role, t.content) for t in body.history]
        steps = assistant.ask_stream(body.question.strip(), history=history, language=body.language,
                                     filters=who.filters())  # fmt: skip

        async def events():
            yield _sse("progress", {"stage": "retrieving"})
            async for event, value in iterate_in_threadpool(steps):
                if event == "partial":
                    yield _sse("partial", {"text": value})
                else:
                    yield _sse("answer", value.to_dict())

        return StreamingResponse(events(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"})

    @app.get("/api/search", summary="Retrieved passages for a query")
    async def api_search(q: str = Query(min_length=1), k: int = Query(6, ge=1, le=50), language: str | None = None,
                         who: Principal = Depends(principal)) -> dict:  # fmt: skip
        filters = who.filters(Filters(languages=(language,) if language else None))
        passages = await run_in_threadpool(assistant.search, check_question(q), k, filters)
        return {"query": q, "passages": [asdict(Citation.from_passage(n, p)) for n, p in enumerate(passages, 1)]}

    @app.get("/api/institutions", summary="Institutions recognised in a text, with screening signals")
    async def api_institutions(q: str = Query(min_length=1, max_length=2000), who: Principal = Depends(principal)):
        return {"query": q, "institutions": [m.to_dict() for m in assistant.recognise(q)]}

    @app.get("/api/documents", summary="Documents this key may see")
    async def api_documents(who: Principal = Depends(principal)) -> dict:
        who.require("advisor")  # a widget key may only ask and search
        m = assistant.index.manifest
        docs = [m.document_meta(d) for d in sorted(m.documents())]
        return {"documents": [_doc_summary(d) for d in docs if d and who.may_see(d.get("visibility"))]}

    @app.get("/api/documents/{doc_id}", summary="A document: metadata, sections, chunk text by page")
    async def api_document(doc_id: str, page: int | None = None, who: Principal = Depends(principal)) -> dict:
        who.require("advisor")
        meta = assistant.index.manifest.document_meta(doc_id)
        if not meta or not who.may_see(meta.get("visibility")):
            raise AccessDenied(404, "no such document")
        chunks = assistant.index.manifest.doc_chunks(doc_id)
        if page is not None:
            chunks = [c for c in chunks if c.page == page]
        sections: dict[str, list[dict]] = {}
        for c in chunks:
            sections.setdefault(c.section or "", []).append({"page": c.page, "start": c.start, "end": c.end,
                                                             "text": c.text})  # fmt: skip
        return {**_doc_summary(meta), "sections": [{"section": s or None, "chunks": v} for s, v in sections.items()]}

    @app.post("/api/feedback", summary="Rate an answer (up/down) with an optional comment")
    async def api_feedback(body: FeedbackIn, who: Principal = Depends(principal)) -> dict:
        row = feedback.add(body.answer_id, body.rating, body.comment, body.question, who.name)
        return {"id": row, "stored": True}

    @app.get("/api/health", summary="Liveness and index status")
    async def api_health() -> dict:
        status = assistant.status()
        return {"status": "ok" if status["chunks"] else "index-empty", "documents": status["documents"],
                "chunks": status["chunks"], "model_id": status["model_id"]}  # fmt: skip

    register_openai(app, assistant, principal, ask)

    @app.post("/api/assessments", summary="Draft a sourced assessment of a planned cooperation (advisor scope)")
    async def api_assessments(body: AssessmentIn, who: Principal = Depends(principal)):
        from assistant.assessment import REQUESTERS, TYPES, AssessmentRequest, Assessor
        from assistant.assessment_render import to_docx, to_markdown

        who.require("advisor")
        if body.type not in TYPES or (body.requester and body.requester not in REQUESTERS):
            raise AccessDenied(400, f"type must be one of {TYPES}; requester one of {REQUESTERS}")
        fields = body.model_dump(exclude={"format"})
        assessor = Assessor(assistant, assistant.settings.assessment.tables_dir, who.filters())
        result = await run_in_threadpool(assessor.assess, AssessmentRequest(**fields))
        if body.format == "md":
            return Response(to_markdown(result), media_type="text/markdown; charset=utf-8")
        if body.format == "docx":
            import tempfile

            with tempfile.TemporaryDirectory() as tmp:
                data = to_docx(result, Path(tmp) / "assessment.docx").read_bytes()
            mime = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            return Response(
                data, media_type=mime, headers={"Content-Disposition": 'attachment; filename="assessment.docx"'}
            )
        return result.to_dict()

    @app.get("/widget.js", include_in_schema=False)
    async def widget_js() -> Response:
        return Response((STATIC / "widget.js").read_text(encoding="utf-8"), media_type="application/javascript")

    @app.get("/widget-demo", include_in_schema=False)
    async def widget_demo() -> HTMLResponse:
        key = next((k.key for k in settings.api_keys if k.scope == "widget"), "")
        html = (STATIC / "widget-demo.html").read_text(encoding="utf-8").replace("{{API_KEY}}", escape(key))
        return HTMLResponse(html)

    return app


def _doc_summary(meta: dict) -> dict:
    keys = ("doc_id", "title", "publisher", "source_url", "published", "as_of", "language", "jurisdiction",
            "topics", "visibility")  # fmt: skip
    return {k: meta.get(k) for k in keys}


def _sse(event: str, data: dict) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def register_openai(app: FastAPI, assistant, principal, ask) -> None:
    """POST /v1/chat/completions: the answer text with citations and sources as the message content."""

    @app.get("/v1/models", summary="OpenAI-compatible model list")
    async def models(who: Principal = Depends(principal)) -> dict:
        return {"object": "list", "data": [{"id": "coopguide", "object": "model", "owned_by": "coopguide"}]}

    @app.post("/v1/chat/completions", summary="OpenAI-compatible chat completions (stream or not)")
    async def chat(body: ChatIn, who: Principal = Depends(principal)):
        texts = [(m.role, _content(m.content)) for m in body.messages if m.role in ("user", "assistant")]
        if not texts or texts[-1][0] != "user":
            raise AccessDenied(400, "the last message must be from the user")
        request = AskIn(question=texts[-1][1], history=[TurnIn(role=r, content=c) for r, c in texts[:-1]])
        answer = await run_in_threadpool(ask, who, request)
        cid, created = f"chatcmpl-{uuid.uuid4().hex}", int(time.time())
        if not body.stream:
            return {"id": cid, "object": "chat.completion", "created": created, "model": body.model,
                    "choices": [{"index": 0, "message": {"role": "assistant", "content": answer.answer},
                                 "finish_reason": "stop"}],
                    "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}}  # fmt: skip

        def chunk(delta: dict, finish: str | None = None) -> str:
            data = {"id": cid, "object": "chat.completion.chunk", "created": created, "model": body.model,
                    "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}  # fmt: skip
            return f"data: {json.dumps(data, ensure_ascii=False)}\n\n"

        async def stream():
            yield chunk({"role": "assistant", "content": ""})
            for line in answer.answer.splitlines(keepends=True):
                yield chunk({"content": line})
            yield chunk({}, "stop")
            yield "data: [DONE]\n\n"

        return StreamingResponse(stream(), media_type="text/event-stream")


def _content(content) -> str:
    if isinstance(content, list):
        return " ".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
    return content or ""
