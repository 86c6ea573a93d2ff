"""The vector-store seam and its Chroma adapter (embedded or client/server)."""

from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlparse

from assistant.types import Chunk


class IndexModelMismatch(RuntimeError):
    """The index was built with a different embedding model."""


@dataclass(frozen=True)
class Hit:
    chunk_id: str
    similarity: float  # cosine similarity in [-1, 1]


class VectorStore(Protocol):
    """Stores chunk vectors; answers nearest-neighbour queries with a metadata filter."""

    def add(self, chunks: list[Chunk], vectors: list[list[float]]) -> None: ...

    def delete(self, chunk_ids: list[str]) -> None: ...

    def query(self, vector: list[float], k: int, where: dict[str, Any] | None = None) -> list[Hit]: ...

    def ids(self) -> set[str]: ...

    def vectors(self, chunk_ids: list[str]) -> dict[str, list[float]]: ...

    def count(self) -> int: ...

    def model_info(self) -> dict[str, Any]: ...


def _scalar_meta(chunk: Chunk) -> dict[str, Any]:
    keep = ("doc_id", "language", "jurisdiction", "visibility", "title")
    meta = {k: chunk.meta.get(k) for k in keep if chunk.meta.get(k) is not None}
    meta.update(doc_id=chunk.doc_id, ordinal=chunk.ordinal)
    return meta


def chroma_client(path: Path | None = None, url: str | None = None):
    """Chroma as embedded PersistentClient (path) or HttpClient (url), without telemetry."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if url:
        parsed = urlparse(url)
        return chromadb.HttpClient(host=parsed.hostname or "127.0.0.1", port=parsed.port or 8000,
                                   ssl=parsed.scheme == "https", settings=chroma_settings)  # fmt: skip
    assert path is not None
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings)


class ChromaStore:
    """Chroma as embedded PersistentClient (path) or HttpClient (url); our own embeddings."""

    def __init__(self, model_id: str, dimension: int, *, path: Path | None = None,
                 url: str | None = None, collection: str = "coopguide", fresh: bool = False):  # fmt: skip
        """Open (or create) the collection; `fresh` drops an existing one first (a rebuild)."""
        self._client = chroma_client(path=path, url=url)
        self._name = collection
        if fresh:
            with contextlib.suppress(Exception):  # an absent collection: nothing to drop
                self._client.delete_collection(collection)
        self._col = self._client.get_or_create_collection(
            collection,
            metadata={"model_id": model_id, "dimension": dimension},
            configuration={"hnsw": {"space": "cosine"}},
            embedding_function=None,
        )
        info = self.model_info()
        if info.get("model_id") != model_id or int(info.get("dimension", 0)) != dimension:
            raise IndexModelMismatch(
                f"index was built with {info.get('model_id')} ({info.get('dimension')}-d); "
                f"the configured model is {model_id} ({dimension}-d)"
            )

    def add(self, chunks: list[Chunk], vectors: list[list[float]]) -> None:
        for i in range(0, len(chunks), 1000):
            part = chunks[i : i + 1000]
            self._col.upsert(
                ids=[c.chunk_id for c in part],
                embeddings=vectors[i : i + 1000],
                documents=[c.text for c in part],  # so plain Chroma/langchain clients can read it
                metadatas=[_scalar_meta(c) for c in part],
            )

    def delete(self, chunk_ids: list[str]) -> None:
        for i in range(0, len(chunk_ids), 1000):
            self._col.delete(ids=chunk_ids[i : i + 1000])

    def query(self, vector: list[float], k: int, where: dict[str, Any] | None = None) -> list[Hit]:
        n = min(k, self.count())
        if n <= 0:
            return []
        res = self._col.query(query_embeddings=[vector], n_results=n, where=where or None,
                              include=["distances"])  # fmt: skip
        return [Hit(i, 1.0 - float(d)) for i, d in zip(res["ids"][0], res["distances"][0])]

    def vectors(self, chunk_ids: list[str]) -> dict[str, list[float]]:
        if not chunk_ids:
            return {}
        got = self._col.get(ids=chunk_ids, include=["embeddings"])
        return {i: [float(x) for x in v] for i, v in zip(got["ids"], got["embeddings"])}

    def ids(self) -> set[str]:
        out: set[str] = set()
        total, offset = self.count(), 0
        while offset < total:
            got = self._col.get(include=[], limit=5000, offset=offset)["ids"]
            if not got:
                break
            out.update(got)
            offset += len(got)
        return out

    def count(self) -> int:
        return int(self._col.count())

    def model_info(self) -> dict[str, Any]:
        return dict(self._col.metadata or {})


class MemoryStore:
    """An exact in-memory store: the fast fake for unit tests, held to the same contract."""

    def __init__(self, model_id: str = "fake", dimension: int = 0):
        self._vectors: dict[str, tuple[list[float], dict[str, Any]]] = {}
        self._info = {"model_id": model_id, "dimension": dimension}

    def add(self, chunks: list[Chunk], vectors: list[list[float]]) -> None:
        for c, v in zip(chunks, vectors):
            self._vectors[c.chunk_id] = (list(v), _scalar_meta(c))

    def delete(self, chunk_ids: list[str]) -> None:
        for cid in chunk_ids:
            self._vectors.pop(cid, None)

    def query(self, vector: list[float], k: int, where: dict[str, Any] | None = None) -> list[Hit]:
        def cos(a: list[float], b: list[float]) -> float:
            na, nb = math.sqrt(sum(x * x for x in a)), math.sqrt(sum(x * x for x in b))
            return sum(x * y for x, y in zip(a, b)) / ((na * nb) or 1.0)

        hits = [Hit(cid, cos(vector, v)) for cid, (v, m) in self._vectors.items()
                if matches_where(m, where)]  # fmt: skip
        return sorted(hits, key=lambda h: -h.similarity)[:k]

    def vectors(self, chunk_ids: list[str]) -> dict[str, list[float]]:
        return {i: list(self._vectors[i][0]) for i in chunk_ids if i in self._vectors}

    def ids(self) -> set[str]:
        return set(self._vectors)

    def count(self) -> int:
        return len(self._vectors)

    def model_info(self) -> dict[str, Any]:
        return dict(self._info)


def matches_where(meta: dict[str, Any], where: dict[str, Any] | None) -> bool:
    """Evaluate the subset of Chroma's filter language we use: {field: {"$in": [...]}}, $and."""
    if not where:
        return True
    if "$and" in where:
        return all(matches_where(meta, w) for w in where["$and"])
    for field, cond in where.items():
        value = meta.get(field)
        if isinstance(cond, dict) and "$in" in cond:
            if value not in cond["$in"]:
                return False
        elif value != cond:
            return False
    return True
