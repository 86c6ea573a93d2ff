"""Micro-batching of query embeddings for the server: concurrent callers' queries share one model call.

One worker thread takes the waiting requests and embeds them together when the oldest request has waited
`wait_ms`, or as soon as `max_batch` query texts are waiting. Each caller blocks on its own request and gets
its own vectors or its own error; a caller alone waits at most one batch window. The worker sleeps on a
condition variable (no polling). `close()` embeds what is already waiting, then stops; later calls raise.
Documents (ingest) pass straight through to the wrapped embedder.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass, field

from assistant.settings import ModelSettings
from assistant.store.embedding import Embedder


@dataclass
class _Request:
    texts: list[str]
    arrived: float = field(default_factory=time.monotonic)
    done: threading.Event = field(default_factory=threading.Event)
    vectors: list[list[float]] | None = None
    error: BaseException | None = None


class BatchingEmbedder:
    """An Embedder whose `embed_queries` batches concurrent callers (see the module docstring)."""

    def __init__(self, inner: Embedder, wait_ms: float = 5.0, max_batch: int = 16):
        if max_batch < 1 or wait_ms < 0:
            raise ValueError("max_batch must be ≥ 1 and wait_ms ≥ 0")
        self.inner = inner
        self.model_id, self.dimension = inner.model_id, inner.dimension
        self.wait_s, self.max_batch = wait_ms / 1000, max_batch
        self.batch_sizes: list[int] = []  # texts per model call, for tests and measurements
        self._pending: deque[_Request] = deque()
        self._cond = threading.Condition()
        self._closed = False
        self._worker = threading.Thread(target=self._run, name="query-batcher", daemon=True)
        self._worker.start()

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        request = _Request(list(texts))
        with self._cond:
            if self._closed:
                raise RuntimeError("the query batcher is closed")
            self._pending.append(request)
            self._cond.notify()
        request.done.wait()
        if request.error is not None:
            raise request.error
        assert request.vectors is not None
        return request.vectors

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.inner.embed_documents(texts)

    @property
    def documents_embedded(self) -> int:
        return getattr(self.inner, "documents_embedded", 0)

    def _waiting_texts(self) -> int:
        return sum(len(r.texts) for r in self._pending)

    def _next_batch(self) -> list[_Request] | None:
        """Block until a batch is due; None when closed and drained."""
        with self._cond:
            while not self._pending and not self._closed:
                self._cond.wait()
            if not self._pending:
                return None
            while not self._closed and self._waiting_texts() < self.max_batch:
                remaining = self._pending[0].arrived + self.wait_s - time.monotonic()
                if remaining <= 0:
                    break
                self._cond.wait(remaining)
            batch = [self._pending.popleft()]  # the oldest always goes, even with more than max_batch texts
            count = len(batch[0].texts)
            while self._pending and count + len(self._pending[0].texts) <= self.max_batch:
                count += len(self._pending[0].texts)
                batch.append(self._pending.popleft())
            return batch

    def _run(self) -> None:
        while (batch := self._next_batch()) is not None:
            try:
                self._embed(batch)
            except BaseException as exc:  # never leave a caller waiting: fail this batch and what waits, stop
                with self._cond:
                    self._closed = True
                    stranded = batch + list(self._pending)
                    self._pending.clear()
                for request in stranded:
                    if not request.done.is_set():
                        request.error = exc
                        request.done.set()
                raise

    def _embed(self, batch: list[_Request]) -> None:
        texts = [t for r in batch for t in r.texts]
        try:
            self.batch_sizes.append(len(texts))
            vectors = self.inner.embed_queries(texts)
        except Exception as exc:  # noqa: BLE001 - delivered to the callers
            if len(batch) > 1:  # one caller's bad input must not fail the others: retry each alone
                for request in batch:
                    self._embed([request])
                return
            batch[0].error = exc
            batch[0].done.set()
            return
        start = 0
        for request in batch:
            request.vectors = vectors[start : start + len(request.texts)]
            start += len(request.texts)
            request.done.set()

    def close(self, timeout: float | None = 10.0) -> None:
        """Embed what is waiting, then stop the worker; further calls raise RuntimeError."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        if threading.current_thread() is not self._worker:
            self._worker.join(timeout)

    def __enter__(self) -> BatchingEmbedder:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def batched_query_embedder(embedder: Embedder, settings: ModelSettings) -> BatchingEmbedder:
    """The server path's embedder: `embedder` behind a micro-batcher configured by `models.batch_wait_ms` and
    `models.max_query_batch` (service.with_query_batching wires it for `coopguide serve`); the caller owns
    `close()`."""
    return BatchingEmbedder(embedder, wait_ms=settings.batch_wait_ms, max_batch=settings.max_query_batch)
