"""POST /api/ask and /api/ask/stream (Server-Sent Events)."""

from __future__ import annotations

import json

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import iterate_in_threadpool, run_in_threadpool

from assistant.api.access import Principal
from assistant.api.deps import answer_for, check_question, history_of, principal
from assistant.api.models import AskIn

router = APIRouter()


def sse(event: str, data: dict) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


@router.post("/api/ask", summary="Answer a question (the JSON contract of `ask --json`)")
async def api_ask(request: Request, body: AskIn, who: Principal = Depends(principal)) -> dict:
    return (await run_in_threadpool(answer_for, request, who, body)).to_dict()


@router.post("/api/ask/stream", summary="Answer as Server-Sent Events: progress, partial, answer")
async def api_ask_stream(request: Request, body: AskIn, who: Principal = Depends(principal)) -> StreamingResponse:
    question = check_question(request, body.question)
    steps = request.app.state.assistant.ask_stream(question, history=history_of(body), language=body.language,
                                                   filters=who.filters())  # fmt: skip

    async def events():
        yield sse("progress", {"stage": "retrieving"})
        async for event, value in iterate_in_threadpool(steps):
            yield sse("partial", {"text": value}) if event == "partial" else sse("answer", value.to_dict())

    return StreamingResponse(events(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"})
