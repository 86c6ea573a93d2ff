"""The index: manifest (committed truth) + vector store + keyword index, opened together."""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from assistant.settings import IndexSettings
from assistant.store.keyword_sets import FileKeywordStore, KeywordSets
from assistant.store.keywords import BM25Index
from assistant.store.manifest import Manifest
from assistant.store.vectors import ChromaStore, IndexModelMismatch, MemoryStore, VectorStore


class IndexNotBuilt(RuntimeError):
    """No documents are indexed yet."""


class IngestRunning(RuntimeError):
    """Another ingest holds the writer lock."""


@dataclass
class Index:
    folder: Path
    store: VectorStore
    manifest: Manifest
    keyword_store: object | None = None  # FileKeywordStore (default) or PgKeywordStore
    database: object | None = field(default=None, repr=False)  # the PostgreSQL pool, when configured
    _keywords: KeywordSets | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.keyword_store = self.keyword_store or FileKeywordStore(self.folder / "keyword")
        self._keywords = KeywordSets(self.keyword_store, self.manifest)

    def keywords(self, visibility: str = "public") -> BM25Index:
        """The BM25 index over the chunks of one visibility for the current manifest generation.

        One index per visibility, so a caller's keyword scores (IDF, normalisation) are computed only over
        documents that caller may see: hidden text never shifts public rankings.
        """
        return self._keywords.get(visibility)

    def build_keywords(self) -> None:
        """Build and publish the keyword index of every visibility for the new generation (after ingest)."""
        self._keywords.build()

    @property
    def keyword_swap_ms(self) -> float | None:
        return self._keywords.last_swap_ms

    @property
    def keyword_generation(self) -> int | None:
        return self._keywords.ready_generation

    @contextlib.contextmanager
    def ingest_lock(self) -> Iterator[None]:
        """One writer at a time: a PostgreSQL advisory lock across machines, else a lock file beside the index."""
        if self.database is not None:
            with self.database.exclusive() as free:
                if not free:
                    raise IngestRunning("another ingest is running")
                yield
            return
        with (self.folder / "ingest.lock").open("w") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as exc:
                raise IngestRunning("another ingest is running") from exc
            yield

    def collect_orphans(self) -> int:
        """Delete vectors the manifest does not know (left by an interrupted ingest)."""
        orphans = sorted(self.store.ids() - self.manifest.chunk_ids())
        self.store.delete(orphans)
        return len(orphans)

    def is_empty(self) -> bool:
        return self.manifest.count_chunks() == 0

    def facts(self) -> dict:
        """What the index holds (for status pages); `ingest_progress` is the raw record of the last ingest."""
        m = self.manifest
        return {"model_id": m.get("model_id"), "dimension": int(m.get("dimension") or 0),
                "index_path": str(self.folder), "database": "postgresql" if self.database is not None else "sqlite",
                "documents": len(m.documents()), "chunks": m.count_chunks(), "vectors": self.store.count(),
                "generation": m.generation(), "ingest_progress": m.get("ingest_progress")}  # fmt: skip


def peek_index(settings: IndexSettings) -> Index:
    """Open the index as recorded, without the embedding model (`coopguide status` while ingest runs)."""
    manifest, database, keyword_store = _open_manifest(settings)
    model_id, dimension = manifest.get("model_id"), int(manifest.get("dimension") or 0)
    chroma_kwargs = {"url": settings.chroma_url} if settings.chroma_url else {"path": settings.path / "chroma"}
    if model_id:
        store: VectorStore = ChromaStore(model_id, dimension, collection=settings.collection, **chroma_kwargs)
    else:  # never built: do not create a collection for an unknown model
        store = MemoryStore("none", 0)
    return Index(folder=settings.path, store=store, manifest=manifest, keyword_store=keyword_store, database=database)


def _open_manifest(settings: IndexSettings):
    settings.path.mkdir(parents=True, exist_ok=True)
    if not settings.database_url:
        return Manifest(settings.path / "manifest.sqlite"), None, None
    # several instances: manifest and keyword indexes in PostgreSQL
    from assistant.store.database import open_database
    from assistant.store.keyword_sets import PgKeywordStore
    from assistant.store.pg_manifest import PgManifest

    database = open_database(settings.database_url)
    return PgManifest(database), database, PgKeywordStore(database)


def open_index(settings: IndexSettings, model_id: str, dimension: int, *, rebuild_on_mismatch: bool = False,
               log=print) -> Index:  # fmt: skip
    """Open (or create) the index for this embedding model.

    A different model in an existing index raises IndexModelMismatch, unless
    `rebuild_on_mismatch`: then the index is emptied, with a message, so ingest rebuilds it.
    """
    folder = settings.path
    manifest, database, keyword_store = _open_manifest(settings)
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
    if recorded != model_id:
        manifest.set("model_id", model_id)
        manifest.set("dimension", str(dimension))
    return Index(folder=folder, store=store, manifest=manifest, keyword_store=keyword_store, database=database)
