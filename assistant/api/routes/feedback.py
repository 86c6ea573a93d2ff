"""POST /api/feedback and GET /api/health."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from assistant.api.access import AccessDenied, Principal
from assistant.api.deps import principal
from assistant.api.models import FeedbackIn

router = APIRouter()


@router.post("/api/feedback", summary="Rate an answer this server issued (up/down) with an optional comment")
async def api_feedback(request: Request, body: FeedbackIn, who: Principal = Depends(principal)) -> dict:
    if request.app.state.signer.verify(body.answer_id) is None:
        raise AccessDenied(400, "unknown answer id")
    row = request.app.state.feedback.add(body.answer_id, body.rating, body.comment, body.question, who.name)
    return {"id": row, "stored": True}


@router.get("/api/health", summary="Liveness and index status")
async def api_health(request: Request) -> dict:
    status = request.app.state.assistant.status()
    return {"status": "ok" if status["chunks"] else "index-empty", "documents": status["documents"],
            "chunks": status["chunks"], "model_id": status["model_id"]}  # fmt: skip
