"""The index: manifest (committed truth) + vector store + keyword index, opened together."""

from __future__ import annotations

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
    _keyword: BM25Index | None = field(default=None, repr=False)

    @property
    def keyword_dir(self) -> Path:
        return self.folder / "keyword"

    def keyword(self) -> BM25Index:
        """The BM25 index for the current manifest generation (loaded, or rebuilt and saved)."""
        generation = self.manifest.generation()
        if self._keyword is None or getattr(self._keyword, "generation", None) != generation:
            index = BM25Index.load(self.keyword_dir, generation)
            if index is None:
                index = BM25Index.build(self.manifest.all_chunks())
                index.save(self.keyword_dir, generation)
            index.generation = generation  # type: ignore[attr-defined]
            self._keyword = index
        return self._keyword

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
