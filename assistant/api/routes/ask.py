"""POST /api/ask and /api/ask/stream (Server-Sent Events)."""

from __future__ import annotations

import json

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import iterate_in_threadpool, run_in_threadpool

from assistant.api.access import Principal
from assistant.api.deps import answer_for, history_of, issue_id, principal, question_of
from assistant.api.models import AskIn

router = APIRouter()


def sse(event: str, data: dict) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


@router.post("/api/ask", summary="Answer a question (the JSON contract of `ask --json`)")
async def api_ask(request: Request, body: AskIn, who: Principal = Depends(principal)) -> dict:
    return (await run_in_threadpool(answer_for, request, who, body)).to_dict()


@router.post("/api/ask/stream", summary="Answer as Server-Sent Events: progress, partial, answer")
async def api_ask_stream(request: Request, body: AskIn, who: Principal = Depends(principal)) -> StreamingResponse:
    question, history = question_of(request, body.question), history_of(request, body)
    slot = request.app.state.work.slot()
    await run_in_threadpool(slot.__enter__)  # a 503 comes before the stream starts, never inside it

    def steps():
        try:
            for event, value in request.app.state.assistant.ask_stream(question, history=history,
                                                                       language=body.language,
                                                                       filters=who.filters()):  # fmt: skip
                yield (event, value) if event == "partial" else (event, issue_id(request, value))
        finally:
            slot.__exit__(None, None, None)

    async def events():
        yield sse("progress", {"stage": "retrieving"})
        async for event, value in iterate_in_threadpool(steps()):
            yield sse("partial", {"text": value}) if event == "partial" else sse("answer", value.to_dict())

    return StreamingResponse(events(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"})
