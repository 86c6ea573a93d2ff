"""GET /api/search (retrieved passages) and /api/institutions (screening signals)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from starlette.concurrency import run_in_threadpool

from assistant.api.access import Principal
from assistant.api.deps import principal, question_of
from assistant.retrieve.retrieval import Filters
from assistant.types import Citation

router = APIRouter()


@router.get("/api/search", summary="Retrieved passages for a query")
async def api_search(request: Request, q: str = Query(min_length=1), k: int = Query(6, ge=1, le=50),
                     language: str | None = None, who: Principal = Depends(principal)) -> dict:  # fmt: skip
    filters = who.filters(Filters(languages=(language,) if language else None))
    query = question_of(request, q)

    def search():
        with request.app.state.work.slot():
            return request.app.state.assistant.search(query, k, filters)

    passages = await run_in_threadpool(search)
    return {"query": q, "passages": [Citation.from_passage(n, p).to_dict() for n, p in enumerate(passages, 1)]}


@router.get("/api/institutions", summary="Institutions recognised in a text, with screening signals")
async def api_institutions(request: Request, q: str = Query(min_length=1, max_length=2000),
                           who: Principal = Depends(principal)) -> dict:  # fmt: skip
    return {"query": q, "institutions": [m.to_dict() for m in request.app.state.assistant.recognise(q)]}
