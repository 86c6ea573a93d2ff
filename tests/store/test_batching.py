"""The query micro-batcher: concurrent callers share model calls, each gets its own vectors or its own error,
a lone caller waits one window at most, the idle worker sleeps, and close() drains then refuses."""

from __future__ import annotations

import threading
import time

import pytest

from assistant.settings import ModelSettings
from assistant.store.batching import BatchingEmbedder, batched_query_embedder


class FakeEmbedder:
    """Deterministic vectors from the text; records every model call's texts; can be slow or fail."""

    model_id, dimension = "fake", 3

    def __init__(self, delay: float = 0.0, fail_on: str | None = None):
        self.delay, self.fail_on, self.calls = delay, fail_on, []
        self.documents_embedded = 0

    @staticmethod
    def vector(text: str) -> list[float]:
        return [float(len(text)), float(sum(map(ord, text)) % 97), float(text.count("a"))]

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        self.calls.append(list(texts))
        time.sleep(self.delay)
        if self.fail_on and any(self.fail_on in t for t in texts):
            raise ValueError(f"cannot embed {self.fail_on!r}")
        return [self.vector(t) for t in texts]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.documents_embedded += len(texts)
        return [self.vector(t) for t in texts]


def concurrently(batcher: BatchingEmbedder, requests: list[list[str]]) -> list:
    """Start all callers together; each result is its vectors or the exception it got."""
    results: list = [None] * len(requests)
    start = threading.Barrier(len(requests))

    def call(i: int) -> None:
        start.wait()
        try:
            results[i] = batcher.embed_queries(requests[i])
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            results[i] = exc

    threads = [threading.Thread(target=call, args=(i,)) for i in range(len(requests))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    return results


def test_concurrent_callers_share_a_batch_and_each_gets_its_own_vectors():
    fake = FakeEmbedder(delay=0.01)
    with BatchingEmbedder(fake, wait_ms=100, max_batch=16) as batcher:
        requests = [[f"question number {i} about export control"] for i in range(8)]
        results = concurrently(batcher, requests)
    assert results == [[FakeEmbedder.vector(r[0])] for r in requests]
    assert sum(batcher.batch_sizes) == 8
    assert len(fake.calls) <= 2, fake.calls  # 8 callers, one window: one model call (two if a thread was late)


def test_no_batch_exceeds_max_batch():
    fake = FakeEmbedder(delay=0.01)
    with BatchingEmbedder(fake, wait_ms=50, max_batch=4) as batcher:
        requests = [[f"q{i}"] for i in range(20)]
        results = concurrently(batcher, requests)
    assert results == [[FakeEmbedder.vector(r[0])] for r in requests]
    assert max(batcher.batch_sizes) <= 4 and sum(batcher.batch_sizes) == 20


def test_a_full_batch_runs_without_waiting_for_the_window():
    with BatchingEmbedder(FakeEmbedder(), wait_ms=5000, max_batch=4) as batcher:
        started = time.monotonic()
        concurrently(batcher, [[f"q{i}"] for i in range(4)])
        assert time.monotonic() - started < 2.0


def test_a_lone_caller_waits_at_most_one_window():
    with BatchingEmbedder(FakeEmbedder(), wait_ms=100, max_batch=16) as batcher:
        batcher.embed_queries(["warm"])
        started = time.monotonic()
        assert batcher.embed_queries(["alone"]) == [FakeEmbedder.vector("alone")]
        assert time.monotonic() - started < 0.1 + 0.15  # the window plus scheduling slack


def test_requests_with_several_texts_are_split_back_in_order():
    with BatchingEmbedder(FakeEmbedder(), wait_ms=50, max_batch=16) as batcher:
        requests = [["a", "bb", "ccc"], ["dddd"], ["eeeee", "ffffff"]]
        results = concurrently(batcher, requests)
    assert results == [[FakeEmbedder.vector(t) for t in r] for r in requests]


def test_an_error_reaches_its_caller_only():
    fake = FakeEmbedder(fail_on="boom")
    with BatchingEmbedder(fake, wait_ms=50, max_batch=16) as batcher:
        results = concurrently(batcher, [["fine one"], ["boom"], ["fine two"]])
    assert isinstance(results[1], ValueError) and "boom" in str(results[1])
    assert results[0] == [FakeEmbedder.vector("fine one")] and results[2] == [FakeEmbedder.vector("fine two")]


def test_close_embeds_what_waits_then_refuses():
    batcher = BatchingEmbedder(FakeEmbedder(), wait_ms=200, max_batch=16)
    got: list = []
    caller = threading.Thread(target=lambda: got.append(batcher.embed_queries(["waiting"])))
    caller.start()
    time.sleep(0.05)
    batcher.close()
    caller.join(5)
    assert got == [[FakeEmbedder.vector("waiting")]]
    assert not batcher._worker.is_alive()
    with pytest.raises(RuntimeError, match="closed"):
        batcher.embed_queries(["late"])


def test_the_idle_worker_does_not_spin():
    with BatchingEmbedder(FakeEmbedder(), wait_ms=5, max_batch=16) as batcher:
        batcher.embed_queries(["x"])
        cpu = time.process_time()
        time.sleep(0.5)
        assert time.process_time() - cpu < 0.1


def test_documents_pass_through_and_settings_configure_the_batcher():
    fake = FakeEmbedder()
    batcher = batched_query_embedder(fake, ModelSettings(batch_wait_ms=7, max_query_batch=3))
    try:
        assert (batcher.wait_s, batcher.max_batch) == (0.007, 3)
        assert (batcher.model_id, batcher.dimension) == ("fake", 3)
        assert batcher.embed_documents(["doc"]) == [FakeEmbedder.vector("doc")] and fake.calls == []
        assert batcher.embed_queries([]) == []
    finally:
        batcher.close()


@pytest.mark.slow
def test_real_model_concurrent_callers_get_their_one_by_one_vectors(fp32_embedder):
    import numpy as np

    questions = ["Brauche ich eine Genehmigung für einen Vortrag in Shanghai?", "Is NUAA on the US Entity List?",
                 "Was ist technische Unterstützung?", "Who decides on an export licence at a university?",
                 "Darf ich Daten an ein Institut in Teheran übermitteln?", "What is the Seven Sons list?",
                 "Welche Pflichten habe ich bei Dual-Use-Gütern?", "How do I screen a partner institution?"]  # fmt: skip
    alone = [fp32_embedder.embed_queries([q])[0] for q in questions]
    with BatchingEmbedder(fp32_embedder, wait_ms=200, max_batch=16) as batcher:
        together = concurrently(batcher, [[q] for q in questions])
    assert len(batcher.batch_sizes) < len(questions)  # they were embedded together
    for one, got in zip(alone, together):
        assert float(np.dot(one, got[0])) > 0.9999


@pytest.mark.slow
def test_an_int8_runtime_embeds_each_query_alone(built):
    """Dynamic int8 quantises activations per batch, so a batch-mate changes a query's vector; the served
    Assistant therefore does not batch an int8 runtime: the same question, the same vector."""
    import numpy as np

    from assistant.service import Assistant, with_query_batching
    from assistant.store.embedding import load_embedder
    from tests.conftest import MODELS_DIR

    int8 = load_embedder(ModelSettings(models_dir=MODELS_DIR, runtime="onnx-int8"))
    question = ["Brauche ich eine Genehmigung für einen Vortrag in Shanghai?"]
    mates = ["Is NUAA on the US Entity List?", "Was ist technische Unterstützung?"]
    alone = np.asarray(int8.embed_queries(question)[0])
    together = np.asarray(int8.embed_queries(question + mates)[0])
    assert int8.batch_invariant is False and float(alone @ together) < 0.99999  # why it is not batched
    served = Assistant(settings=built.settings, embedder=int8, index=built.index)
    assert with_query_batching(served) is served
    assert with_query_batching(built) is built  # off by default (models.max_query_batch = 1)
    settings = built.settings.model_copy(deep=True)
    settings.models.max_query_batch = 16
    batched = with_query_batching(Assistant(settings=settings, embedder=built.embedder, index=built.index))
    assert batched.embedder.inner is built.embedder  # an fp32 runtime is batched when asked to
    batched.embedder.close()
