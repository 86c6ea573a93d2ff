"""The retriever as a langchain BaseRetriever (langchain types stay in this module)."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document as LCDocument
from langchain_core.retrievers import BaseRetriever


class CoopguideRetriever(BaseRetriever):
    """`CoopguideRetriever(assistant=build_assistant(settings), k=6).invoke("question")`."""

    assistant: Any
    k: int = 6

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[LCDocument]:
        out = []
        for p in self.assistant.search(query, k=self.k):
            c = p.chunk
            meta = {"doc_id": c.doc_id, "chunk_id": c.chunk_id, "section": c.section, "page": c.page, "score": p.score}
            meta.update({k: c.meta.get(k) for k in ("title", "source_url", "language", "publisher")})
            out.append(LCDocument(page_content=c.text, metadata=meta))
        return out
