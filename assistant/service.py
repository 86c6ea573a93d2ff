"""The one wiring point: build_assistant(settings) → Assistant; every front end is a client of it."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.answer import extractive_answer
from assistant.embedding import Embedder, load_embedder
from assistant.followup import expand_question
from assistant.index import Index, IndexNotBuilt, open_index
from assistant.ingest import IngestReport, ingest
from assistant.language import detect_language
from assistant.retrieval import Filters, Retriever
from assistant.settings import Settings
from assistant.types import Answer, Passage, Turn


@dataclass
class Assistant:
    settings: Settings
    embedder: Embedder
    index: Index
    retriever: Retriever = field(init=False)

    def __post_init__(self) -> None:
        self.retriever = Retriever(self.index, self.embedder, self.settings.retrieval)

    def ingest(self, paths: list[Path] | None = None, **kwargs: Any) -> IngestReport:
        paths = paths or list(self.settings.ingest.corpus)
        batch = self.settings.models.batch_size
        return ingest(paths, self.index, self.embedder, self.settings.ingest, batch_size=batch, **kwargs)

    def _require_index(self) -> None:
        if self.index.is_empty():
            raise IndexNotBuilt("the index is empty: run `coopguide ingest` first")

    def search(self, query: str, k: int | None = None, filters: Filters | None = None) -> list[Passage]:
        self._require_index()
        return self.retriever.retrieve(query, k=k, filters=filters, language=detect_language(query))

    def ask(self, question: str, history: list[Turn] | None = None, language: str | None = None,
            filters: Filters | None = None) -> Answer:  # fmt: skip
        """Answer from the index: grounded sentences with [n] citations, or a refusal."""
        self._require_index()
        started = time.perf_counter()
        language = language if language in ("de", "en") else detect_language(question)
        query = expand_question(question, history or [])
        passages = self.retriever.retrieve(query, filters=filters, language=language)
        retrieved = time.perf_counter()
        text, citations, refused = extractive_answer(question, language, passages, self.settings.answer)
        done = time.perf_counter()
        return Answer(
            question=question,
            language=language,
            answer=text,
            refused=refused,
            citations=tuple(citations),
            timings_ms={
                "retrieve": (retrieved - started) * 1000,
                "answer": (done - retrieved) * 1000,
                "total": (done - started) * 1000,
            },
        )

    def status(self) -> dict[str, Any]:
        m = self.index.manifest
        return {
            "model_id": self.embedder.model_id,
            "dimension": self.embedder.dimension,
            "index_path": str(self.index.folder),
            "chroma_url": self.settings.index.chroma_url,
            "documents": len(m.documents()),
            "chunks": m.count_chunks(),
            "vectors": self.index.store.count(),
            "generation": m.generation(),
        }

    def close(self) -> None:
        self.index.manifest.close()


def build_assistant(settings: Settings, *, embedder: Embedder | None = None, fetch: bool = False,
                    rebuild_on_mismatch: bool = False, log=print) -> Assistant:  # fmt: skip
    """Wire the embedder and the index from settings (a given embedder replaces the configured one)."""
    embedder = embedder or load_embedder(settings.models, fetch=fetch)
    index = open_index(settings.index, embedder.model_id, embedder.dimension,
                       rebuild_on_mismatch=rebuild_on_mismatch, log=log)  # fmt: skip
    return Assistant(settings=settings, embedder=embedder, index=index)
