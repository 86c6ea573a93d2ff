"""Cite a table point to the passage of the notes its row names that supports it best.

The point texts are fixed, so their vectors come from the vector cache (embedded once), and the named notes'
chunk vectors are read once per index generation: citing a whole assessment costs no embedding at all
after the first time, and metadata is never older than the current generation.
"""

from __future__ import annotations

import threading

import numpy as np

from assistant.retrieve.retrieval import Filters
from assistant.store.index import Index
from assistant.store.vector_cache import VectorCache
from assistant.types import Chunk, Passage


class PointCiter:
    def __init__(self, index: Index, cache: VectorCache):
        self.index, self.cache = index, cache
        self._generation = -1
        self._notes: dict[str, tuple[list[Chunk], np.ndarray]] = {}
        self._lock = threading.Lock()

    def _note(self, doc_id: str) -> tuple[list[Chunk], np.ndarray]:
        generation = self.index.manifest.generation()
        with self._lock:
            if generation != self._generation:
                self._notes, self._generation = {}, generation
            if doc_id not in self._notes:
                chunks = self.index.manifest.doc_chunks(doc_id)
                vectors = self.index.store.vectors([c.chunk_id for c in chunks])
                kept = [c for c in chunks if c.chunk_id in vectors]
                matrix = np.asarray([vectors[c.chunk_id] for c in kept], dtype=np.float32)
                self._notes[doc_id] = (kept, matrix)
            return self._notes[doc_id]

    def prime(self, texts: list[str]) -> None:
        """Embed the texts not cached yet, in one batch."""
        self.cache.vectors(texts)

    def cite(self, text: str, note_ids: list[str], language: str, filters: Filters | None = None) -> Passage | None:
        """The best passage for `text` among the named notes the caller may see, notes in `language` first."""
        filters = filters or Filters()
        notes = [self._note(d) for d in note_ids]
        notes = [(chunks, m) for chunks, m in notes if chunks and filters.admits(chunks[0])]  # no chunks: not indexed
        same = [(chunks, m) for chunks, m in notes if chunks[0].meta.get("language") == language]
        pool = same or notes
        if not pool:
            return None
        vector = self.cache.vectors([text])[text]
        best: tuple[float, Chunk] | None = None
        for chunks, matrix in pool:
            scores = matrix @ vector
            i = int(np.argmax(scores))
            if best is None or float(scores[i]) > best[0]:
                best = (float(scores[i]), chunks[i])
        score, chunk = best
        return Passage(chunk, score, dense=score)
