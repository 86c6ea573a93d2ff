"""The keyword indexes of the current generation, one per visibility, stored beside the index or in PostgreSQL.

The ingest job builds them once per generation and publishes them. A serving instance that sees a newer
generation loads the new set in the background and swaps it in whole: a request uses either the complete
previous set or the complete new one, never a half-loaded index, and never waits for the load (only a cold
instance, which has no set yet, loads before answering).
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from pathlib import Path

from assistant.store.keywords import BM25Index


class FileKeywordStore:
    """One folder per visibility under index/keyword (the single-machine default)."""

    def __init__(self, folder: Path):
        self.folder = folder

    def _path(self, visibility: str) -> Path:
        digest = hashlib.sha1(visibility.encode()).hexdigest()[:8]
        return self.folder / f"{re.sub(r'[^a-z0-9]+', '-', visibility.lower())[:40]}-{digest}"

    def save(self, visibility: str, generation: int, index: BM25Index) -> None:
        index.save(self._path(visibility), generation)
        (self._path(visibility) / "visibility.txt").write_text(visibility, encoding="utf-8")

    def load(self, visibility: str, generation: int) -> BM25Index | None:
        return BM25Index.load(self._path(visibility), generation)

    def visibilities(self, generation: int) -> list[str]:
        """The visibilities whose index was published for `generation`."""
        out = []
        for marker in sorted(self.folder.glob("*/visibility.txt")):
            if BM25Index.saved_generation(marker.parent) == generation:
                out.append(marker.read_text(encoding="utf-8"))
        return out


class PgKeywordStore:
    """Keyword indexes as bytea rows (generation, visibility) in PostgreSQL; two generations are kept."""

    def __init__(self, db):
        self.db = db

    def save(self, visibility: str, generation: int, index: BM25Index) -> None:
        self.db.execute("INSERT INTO keyword_indexes VALUES (%s, %s, %s) ON CONFLICT (generation, visibility) "
                        "DO UPDATE SET data = EXCLUDED.data", (generation, visibility, index.to_bytes()))  # fmt: skip
        self.db.execute("DELETE FROM keyword_indexes WHERE generation < %s", (generation - 1,))

    def load(self, visibility: str, generation: int) -> BM25Index | None:
        rows = self.db.execute("SELECT data FROM keyword_indexes WHERE generation=%s AND visibility=%s",
                               (generation, visibility))  # fmt: skip
        return BM25Index.from_bytes(bytes(rows[0][0])) if rows else None

    def visibilities(self, generation: int) -> list[str]:
        rows = self.db.execute("SELECT visibility FROM keyword_indexes WHERE generation=%s", (generation,))
        return sorted(r[0] for r in rows)


class KeywordSets:
    def __init__(self, store, manifest):
        self.store, self.manifest = store, manifest
        self._ready: tuple[int, dict[str, BM25Index]] | None = None
        self._loading: int | None = None
        self._lock = threading.Lock()
        self.last_swap_ms: float | None = None

    @property
    def ready_generation(self) -> int | None:
        """The generation of the set requests use now (None before the first load)."""
        ready = self._ready
        return ready[0] if ready else None

    def get(self, visibility: str) -> BM25Index:
        generation = self.manifest.generation()
        with self._lock:
            ready = self._ready
            if ready is not None and ready[0] != generation and self._loading != generation:
                self._loading = generation
                threading.Thread(target=self._swap, args=(generation,), daemon=True).start()
        if ready is None:  # cold: nothing to answer with yet, so load now
            self._swap(generation)
            ready = self._ready
        return ready[1].get(visibility) or BM25Index([], None)

    def _swap(self, generation: int) -> None:
        started = time.perf_counter()
        published = self.store.visibilities(generation)
        loaded = {v: self.store.load(v, generation) for v in published}
        if not published or any(index is None for index in loaded.values()):  # not published: build it here
            loaded = {v: BM25Index.build(chunks) for v, chunks in self._chunks_by_visibility().items()}
        with self._lock:
            if self._ready is None or self._ready[0] < generation:
                self._ready = (generation, loaded)
            self._loading = None
        self.last_swap_ms = (time.perf_counter() - started) * 1000

    def _chunks_by_visibility(self) -> dict[str, list]:
        groups: dict[str, list] = {"public": []}
        for chunk in self.manifest.all_chunks():
            groups.setdefault(chunk.meta.get("visibility") or "public", []).append(chunk)
        return groups

    def build(self) -> None:
        """Build, publish and use the set for the current generation (the ingest job, once per generation)."""
        generation = self.manifest.generation()
        built = {}
        for visibility, chunks in self._chunks_by_visibility().items():
            built[visibility] = BM25Index.build(chunks)
            self.store.save(visibility, generation, built[visibility])
        with self._lock:
            self._ready = (generation, built)
