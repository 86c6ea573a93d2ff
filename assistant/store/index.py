"""The index: manifest (committed truth) + vector store + keyword index, opened together."""

from __future__ import annotations

import hashlib
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

from assistant.settings import IndexSettings
from assistant.store.keywords import BM25Index
from assistant.store.manifest import Manifest
from assistant.store.vectors import ChromaStore, IndexModelMismatch, VectorStore


class IndexNotBuilt(RuntimeError):
    """No documents are indexed yet."""


@dataclass
class Index:
    folder: Path
    store: VectorStore
    manifest: Manifest
    _keywords: dict[str, BM25Index] = field(default_factory=dict, repr=False)
    _keyword_generation: int = field(default=-1, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def keyword_dir(self) -> Path:
        return self.folder / "keyword"

    def keywords(self, visibility: str = "public") -> BM25Index:
        """The BM25 index over the chunks of one visibility for the current manifest generation.

        One index per visibility, so a caller's keyword scores (IDF, normalisation) are computed only over
        documents that caller may see: hidden text never shifts public rankings.
        """
        generation = self.manifest.generation()
        with self._lock:
            if generation != self._keyword_generation:
                self._keywords, self._keyword_generation = {}, generation
            if visibility not in self._keywords:
                index = BM25Index.load(self._keyword_folder(visibility), generation)
                self._keywords[visibility] = index if index is not None else self._build(visibility, generation)
            return self._keywords[visibility]

    def build_keywords(self) -> None:
        """Build and persist the keyword index of every visibility for the new generation (after ingest)."""
        generation = self.manifest.generation()
        groups = self._chunks_by_visibility()
        built = {v: self._save(BM25Index.build(chunks), v, generation) for v, chunks in groups.items()}
        with self._lock:
            self._keywords, self._keyword_generation = built, generation

    def _chunks_by_visibility(self) -> dict[str, list]:
        groups: dict[str, list] = {"public": []}
        for chunk in self.manifest.all_chunks():
            groups.setdefault(chunk.meta.get("visibility") or "public", []).append(chunk)
        return groups

    def _keyword_folder(self, visibility: str) -> Path:
        digest = hashlib.sha1(visibility.encode()).hexdigest()[:8]
        return self.keyword_dir / f"{re.sub(r'[^a-z0-9]+', '-', visibility.lower())[:40]}-{digest}"

    def _save(self, index: BM25Index, visibility: str, generation: int) -> BM25Index:
        index.save(self._keyword_folder(visibility), generation)
        return index

    def _build(self, visibility: str, generation: int) -> BM25Index:
        chunks = self._chunks_by_visibility().get(visibility, [])
        return self._save(BM25Index.build(chunks), visibility, generation)

    def collect_orphans(self) -> int:
        """Delete vectors the manifest does not know (left by an interrupted ingest)."""
        orphans = sorted(self.store.ids() - self.manifest.chunk_ids())
        self.store.delete(orphans)
        return len(orphans)

    def is_empty(self) -> bool:
        return self.manifest.count_chunks() == 0


def open_index(settings: IndexSettings, model_id: str, dimension: int, *, rebuild_on_mismatch: bool = False,
               log=print) -> Index:  # fmt: skip
    """Open (or create) the index for this embedding model.

    A different model in an existing index raises IndexModelMismatch, unless
    `rebuild_on_mismatch`: then the index is emptied, with a message, so ingest rebuilds it.
    """
    folder = settings.path
    folder.mkdir(parents=True, exist_ok=True)
    manifest = Manifest(folder / "manifest.sqlite")
    recorded = manifest.get("model_id")
    chroma_kwargs = {"url": settings.chroma_url} if settings.chroma_url else {"path": folder / "chroma"}
    try:
        if recorded and recorded != model_id:
            raise IndexModelMismatch(f"index was built with {recorded}; the configured model is {model_id}")
        store = ChromaStore(model_id, dimension, collection=settings.collection, **chroma_kwargs)
    except IndexModelMismatch as exc:
        if not rebuild_on_mismatch:
            manifest.close()
            raise IndexModelMismatch(f"{exc}: run `coopguide ingest --rebuild`") from exc
        log(f"embedding model changed ({exc}); rebuilding the whole index")
        store = ChromaStore(model_id, dimension, collection=settings.collection, fresh=True, **chroma_kwargs)
        manifest.clear()
    manifest.set("model_id", model_id)
    manifest.set("dimension", str(dimension))
    return Index(folder=folder, store=store, manifest=manifest)
