"""Hybrid retrieval: dense similarity first, BM25 as a boost for exact terms; filters; merging."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Any

from assistant.settings import RetrievalSettings
from assistant.store.embedding import Embedder
from assistant.store.index import Index
from assistant.types import Chunk, Passage


@dataclass(frozen=True)
class Filters:
    """Metadata filters applied inside retrieval (never after the answer is built)."""

    languages: tuple[str, ...] | None = None
    topics: tuple[str, ...] | None = None
    jurisdictions: tuple[str, ...] | None = None
    visibility: tuple[str, ...] = ("public",)
    doc_ids: tuple[str, ...] | None = None

    def where(self) -> dict[str, Any]:
        clauses: list[dict[str, Any]] = [{"visibility": {"$in": list(self.visibility)}}]
        if self.languages:
            clauses.append({"language": {"$in": list(self.languages)}})
        if self.jurisdictions:
            clauses.append({"jurisdiction": {"$in": list(self.jurisdictions)}})
        if self.doc_ids:
            clauses.append({"doc_id": {"$in": list(self.doc_ids)}})
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def admits(self, chunk: Chunk) -> bool:
        m = chunk.meta
        if (m.get("visibility") or "public") not in self.visibility:
            return False
        if self.languages and m.get("language") not in self.languages:
            return False
        if self.jurisdictions and m.get("jurisdiction") not in self.jurisdictions:
            return False
        if self.doc_ids and chunk.doc_id not in self.doc_ids:
            return False
        return not self.topics or bool(set(self.topics) & set(m.get("topics") or ()))


def fuse_rankings(dense: dict[str, float], keyword: dict[str, float], weight: float) -> dict[str, float]:
    """Dense cosine plus `weight` × BM25 score normalised by the query's best BM25 score."""
    top = max(keyword.values(), default=0.0) or 1.0
    return {cid: sim + weight * keyword.get(cid, 0.0) / top for cid, sim in dense.items()}


def merge_neighbours(passages: list[Passage]) -> list[Passage]:
    """Merge passages that are adjacent chunks of one section of one document."""
    out: list[Passage] = []
    for p in passages:
        for i, q in enumerate(out):
            a, b = q.chunk, p.chunk
            if a.doc_id == b.doc_id and a.section == b.section and abs(a.ordinal - b.ordinal) == 1:
                first, second = (a, b) if a.ordinal < b.ordinal else (b, a)
                merged = replace(first, text=f"{first.text} {second.text}", end=second.end)
                out[i] = replace(q, chunk=merged, score=max(q.score, p.score))
                break
        else:
            out.append(p)
    return out


def _dot(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b))


class Retriever:
    """Retrieves passages for a query from an Index with one Embedder."""

    def __init__(self, index: Index, embedder: Embedder, settings: RetrievalSettings):
        self.index, self.embedder, self.settings = index, embedder, settings
        self.last_timings: dict[str, float] = {}

    def keyword_scores(self, query: str, filters: Filters) -> dict[str, float]:
        """BM25 scores from the index of each visibility the caller may see, each normalised by its own best
        score (1.0), so no hidden document takes part in a visible one's score."""
        scores: dict[str, float] = {}
        for visibility in filters.visibility:
            hits = self.index.keywords(visibility).search(query, self.settings.keyword_candidates)
            top = max((score for _, score in hits), default=0.0) or 1.0
            scores.update({cid: score / top for cid, score in hits})
        return scores

    def retrieve(self, query: str, k: int | None = None, filters: Filters | None = None,
                 language: str | None = None, keyword_weight: float | None = None,
                 vector: list[float] | None = None) -> list[Passage]:  # fmt: skip
        """Passages for `query` (its vector may be given when the caller already embedded it)."""
        s, filters = self.settings, filters or Filters()
        k = k or s.k
        weight = s.keyword_weight if keyword_weight is None else keyword_weight
        t0 = time.perf_counter()
        qvec = vector if vector is not None else self.embedder.embed_queries([query])[0]
        t1 = time.perf_counter()
        # Unfiltered nearest neighbours are the fast path (a Chroma `where` scans metadata); the filter is
        # applied below to every candidate, and Chroma filters only when too few candidates pass.
        dense = {h.chunk_id: h.similarity for h in self.index.store.query(qvec, s.dense_candidates)}
        keyword = self.keyword_scores(query, filters) if weight else {}
        chunks = self.index.manifest.chunks(list(dense.keys() | keyword.keys()))
        chunks = {cid: c for cid, c in chunks.items() if filters.admits(c)}
        if sum(cid in chunks for cid in dense) < k:
            hits = self.index.store.query(qvec, s.dense_candidates, filters.where())
            dense = {h.chunk_id: h.similarity for h in hits}
            more = self.index.manifest.chunks([cid for cid in dense if cid not in chunks])
            chunks.update({cid: c for cid, c in more.items() if filters.admits(c)})
        t2 = time.perf_counter()
        missing = [cid for cid in keyword if cid in chunks and cid not in dense]
        for cid, vec in self.index.store.vectors(missing).items():
            dense[cid] = _dot(qvec, vec)
        fused = fuse_rankings({c: v for c, v in dense.items() if c in chunks}, keyword, weight)
        if language:
            for cid in fused:
                if chunks[cid].meta.get("language") == language:
                    fused[cid] += s.prefer_question_language
        ranked = sorted(fused, key=lambda c: -fused[c])[: k + 4]
        passages = [Passage(chunks[c], fused[c], dense.get(c, 0.0), keyword.get(c, 0.0)) for c in ranked]
        self.last_timings = {"embed": (t1 - t0) * 1000, "search": (t2 - t1) * 1000,
                             "fuse": (time.perf_counter() - t2) * 1000}  # fmt: skip
        return merge_neighbours(passages)[:k]
