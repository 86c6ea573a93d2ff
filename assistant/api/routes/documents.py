"""GET /api/documents and /api/documents/{doc_id} (advisor scope; only documents the key may see)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from assistant.api.access import AccessDenied, Principal
from assistant.api.deps import principal

router = APIRouter()
SUMMARY_KEYS = ("doc_id", "title", "publisher", "source_url", "published", "as_of", "language", "jurisdiction",
                "topics", "visibility")  # fmt: skip


def doc_summary(meta: dict) -> dict:
    return {k: meta.get(k) for k in SUMMARY_KEYS}


@router.get("/api/documents", summary="Documents this key may see")
async def api_documents(request: Request, who: Principal = Depends(principal)) -> dict:
    who.require("advisor")  # a widget key may only ask and search
    manifest = request.app.state.assistant.index.manifest
    docs = [manifest.document_meta(d) for d in sorted(manifest.documents())]
    return {"documents": [doc_summary(d) for d in docs if d and who.may_see(d.get("visibility"))]}


@router.get("/api/documents/{doc_id}", summary="A document: metadata, sections, chunk text by page")
async def api_document(request: Request, doc_id: str, page: int | None = None,
                       who: Principal = Depends(principal)) -> dict:  # fmt: skip
    who.require("advisor")
    manifest = request.app.state.assistant.index.manifest
    meta = manifest.document_meta(doc_id)
    if not meta or not who.may_see(meta.get("visibility")):
        raise AccessDenied(404, "no such document")
    chunks = [c for c in manifest.doc_chunks(doc_id) if page is None or c.page == page]
    sections: dict[str, list[dict]] = {}
    for c in chunks:
        sections.setdefault(c.section or "", []).append({"page": c.page, "start": c.start, "end": c.end,
                                                         "text": c.text})  # fmt: skip
    return {**doc_summary(meta), "sections": [{"section": s or None, "chunks": v} for s, v in sections.items()]}
