"""The keyword seam: BM25 (bm25s) over the committed chunks, persisted beside the vector store."""

from __future__ import annotations

import io
import json
import shutil
import tarfile
import tempfile
from pathlib import Path
from typing import Protocol

from assistant.store.embedding import embedding_text
from assistant.text.language import keyword_tokens
from assistant.types import Chunk


class KeywordIndex(Protocol):
    def search(self, query: str, k: int) -> list[tuple[str, float]]: ...


class BM25Index:
    """BM25 with German/English-aware tokens; `search` returns (chunk_id, score) best first."""

    def __init__(self, chunk_ids: list[str], retriever=None):
        self.chunk_ids = chunk_ids
        self._retriever = retriever

    @classmethod
    def build(cls, chunks: list[Chunk]) -> BM25Index:
        import bm25s

        if not chunks:
            return cls([], None)
        retriever = bm25s.BM25()
        retriever.index([keyword_tokens(embedding_text(c)) or ["∅"] for c in chunks], show_progress=False)
        return cls([c.chunk_id for c in chunks], retriever)

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        tokens = keyword_tokens(query)
        if not tokens or self._retriever is None:
            return []
        k = min(k, len(self.chunk_ids))
        docs, scores = self._retriever.retrieve([tokens], k=k, show_progress=False)
        return [(self.chunk_ids[int(d)], float(s)) for d, s in zip(docs[0], scores[0]) if s > 0]

    def save(self, folder: Path, generation: int) -> None:
        """Write to a temporary folder and swap it in, so a crash never leaves half a file."""
        tmp = folder.with_name(folder.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        if self._retriever is not None:
            self._retriever.save(str(tmp / "bm25"))
        (tmp / "ids.json").write_text(json.dumps({"generation": generation, "ids": self.chunk_ids}))
        old = folder.with_name(folder.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if folder.exists():
            folder.rename(old)
        tmp.rename(folder)
        shutil.rmtree(old, ignore_errors=True)

    @staticmethod
    def saved_generation(folder: Path) -> int | None:
        try:
            return int(json.loads((folder / "ids.json").read_text())["generation"])
        except (OSError, ValueError, KeyError):
            return None

    @classmethod
    def load(cls, folder: Path, generation: int) -> BM25Index | None:
        """The saved index if it matches the manifest generation, else None."""
        import bm25s

        try:
            saved = json.loads((folder / "ids.json").read_text())
        except (OSError, ValueError):
            return None
        if saved.get("generation") != generation:
            return None
        if not saved["ids"]:
            return cls([], None)
        return cls(saved["ids"], bm25s.BM25.load(str(folder / "bm25")))

    def to_bytes(self) -> bytes:
        """The saved index as one tar archive (for a database column)."""
        with tempfile.TemporaryDirectory() as tmp:
            self.save(Path(tmp) / "index", generation=0)
            buffer = io.BytesIO()
            with tarfile.open(fileobj=buffer, mode="w") as tar:
                tar.add(Path(tmp) / "index", arcname="index")
            return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> BM25Index:
        with tempfile.TemporaryDirectory() as tmp:
            with tarfile.open(fileobj=io.BytesIO(data), mode="r") as tar:
                tar.extractall(tmp, filter="data")
            index = cls.load(Path(tmp) / "index", generation=0)
        assert index is not None
        return index
