"""Vectors of fixed texts (facet queries, assessment-table points), computed once per model and kept on disk.

On a 2-core CPU a batch of short texts costs about as much per text as one query, so texts that do not depend
on the question must never be embedded per question: they are embedded the first time and read afterwards.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from pathlib import Path

import numpy as np

from assistant.store.embedding import Embedder


class VectorCache:
    """Query-role vectors by (model, text), in a small SQLite file beside the index."""

    def __init__(self, path: Path, embedder: Embedder):
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS vectors (model TEXT, digest TEXT, vector BLOB, "
                         "PRIMARY KEY (model, digest))")  # fmt: skip
        self._embedder, self._lock = embedder, threading.Lock()
        self._memory: dict[str, np.ndarray] = {}

    def _key(self, text: str) -> str:
        return hashlib.sha256(text.encode()).hexdigest()

    def vectors(self, texts: list[str]) -> dict[str, np.ndarray]:
        """text → unit vector; missing ones are embedded in one batch and stored."""
        wanted = list(dict.fromkeys(texts))
        with self._lock:
            missing = [t for t in wanted if t not in self._memory]
            if missing:
                self._load(missing)
                missing = [t for t in missing if t not in self._memory]
            if missing:
                fresh = self._embedder.embed_queries(missing)
                model = self._embedder.model_id
                rows = [
                    (model, self._key(t), np.asarray(v, dtype=np.float32).tobytes()) for t, v in zip(missing, fresh)
                ]
                self._db.executemany("INSERT OR REPLACE INTO vectors VALUES (?,?,?)", rows)
                self._memory.update({t: np.asarray(v, dtype=np.float32) for t, v in zip(missing, fresh)})
            return {t: self._memory[t] for t in wanted}

    def _load(self, texts: list[str]) -> None:
        keys = {self._key(t): t for t in texts}
        for i in range(0, len(texts), 500):
            part = list(keys)[i : i + 500]
            marks = ",".join("?" * len(part))
            rows = self._db.execute(f"SELECT digest, vector FROM vectors WHERE model=? AND digest IN ({marks})",
                                    (self._embedder.model_id, *part)).fetchall()  # fmt: skip
            self._memory.update({keys[d]: np.frombuffer(v, dtype=np.float32) for d, v in rows})
