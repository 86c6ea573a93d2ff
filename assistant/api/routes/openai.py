"""OpenAI-compatible endpoints: GET /v1/models and POST /v1/chat/completions (stream or not)."""

from __future__ import annotations

import json
import time
import uuid

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from assistant.api.access import AccessDenied, Principal
from assistant.api.deps import answer_for, principal
from assistant.api.models import AskIn, ChatIn, TurnIn

router = APIRouter()


def message_text(content) -> str:
    if isinstance(content, list):
        return " ".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
    return content or ""


@router.get("/v1/models", summary="OpenAI-compatible model list")
async def models(who: Principal = Depends(principal)) -> dict:
    return {"object": "list", "data": [{"id": "coopguide", "object": "model", "owned_by": "coopguide"}]}


@router.post("/v1/chat/completions", summary="OpenAI-compatible chat completions (stream or not)")
async def chat(request: Request, body: ChatIn, who: Principal = Depends(principal)):
    """The message content is the cited answer with its source list."""
    texts = [(m.role, message_text(m.content)) for m in body.messages if m.role in ("user", "assistant")]
    if not texts or texts[-1][0] != "user":
        raise AccessDenied(400, "the last message must be from the user")
    if not texts[-1][1].strip():
        raise AccessDenied(400, "the last message must contain text")
    # a ValidationError here (too many or too long turns) becomes a 400 like every other bad input
    ask = AskIn(question=texts[-1][1], history=[TurnIn(role=r, content=c) for r, c in texts[:-1]])
    answer = await run_in_threadpool(answer_for, request, who, ask)
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
