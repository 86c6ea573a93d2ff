"""`coopguide bench`: latency floors, search/ask at 1k/10k/100k chunks, ingest throughput, memory.

Synthetic chunks for the larger sizes are derived from the real index: each synthetic chunk copies a
real chunk's text (with a numbered suffix) and takes its vector plus small Gaussian noise
(σ = 0.02 per dimension, then re-normalised), so neighbourhoods look like real data without hours
of embedding. Documents are grouped 500 chunks per synthetic document.
"""

from __future__ import annotations

import random
import resource
import tempfile
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from assistant.evaluation import metrics as M
from assistant.evaluation.memory import measure_memory
from assistant.evaluation.questions import load_questions
from assistant.store.index import Index
from assistant.store.manifest import Manifest
from assistant.store.vectors import ChromaStore


def _timed(fn, *args, **kwargs) -> float:
    t = time.perf_counter()
    fn(*args, **kwargs)
    return (time.perf_counter() - t) * 1000


def percentiles(values: list[float]) -> dict[str, float]:
    return {f"p{p}": round(M.percentile(values, p), 1) for p in (50, 95, 99)}


def dimension(index) -> int:
    return int(index.store.model_info()["dimension"])


def synthetic_batches(source, size: int, seed: int = 7) -> Iterator[tuple[dict, list, list]]:
    """(document metadata, chunks, vectors) per synthetic document of 500 chunks (see module docstring)."""
    import numpy as np

    real = source.manifest.all_chunks()
    vectors = source.store.vectors([c.chunk_id for c in real])
    rng = np.random.default_rng(seed)
    for start in range(0, size, 500):
        doc_id = f"synthetic-{start // 500:04d}"
        batch, vecs = [], []
        for i in range(start, min(start + 500, size)):
            base = real[i % len(real)]
            meta = {**base.meta, "doc_id": doc_id, "title": f"{base.meta.get('title')} #{i // len(real)}"}
            batch.append(replace(base, chunk_id=f"{doc_id}::s::{i}", doc_id=doc_id, ordinal=i - start, meta=meta,
                                 text=f"{base.text} (variant {i // len(real)})"))  # fmt: skip
            v = np.asarray(vectors[base.chunk_id]) + rng.normal(0, 0.02, len(vectors[base.chunk_id]))
            vecs.append((v / np.linalg.norm(v)).tolist())
        yield {**batch[0].meta, "source_path": doc_id, "content_hash": doc_id}, batch, vecs


def synthetic_index(source, size: int, folder: Path, seed: int = 7) -> Index:
    """An index of `size` chunks derived from the real index `source` (see module docstring)."""
    store = ChromaStore("bench", dimension(source), path=folder / "chroma", collection="bench")
    manifest = Manifest(folder / "manifest.sqlite")
    for meta, batch, vecs in synthetic_batches(source, size, seed):
        store.add(batch, vecs)
        manifest.commit_document(meta, batch)
    index = Index(folder=folder, store=store, manifest=manifest)
    index.build_keywords()
    return index


def measure_size(assistant, questions: list[str], size: int, repeats: int = 1) -> dict[str, Any]:
    from assistant.service import Assistant

    with tempfile.TemporaryDirectory(prefix=f"bench-{size}-") as tmp:
        started = time.perf_counter()
        index = synthetic_index(assistant.index, size, Path(tmp))
        build_s = time.perf_counter() - started
        bench = Assistant(settings=assistant.settings, embedder=assistant.embedder, index=index)
        bench._matcher = assistant.matcher
        qvecs = {q: assistant.embedder.embed_queries([q])[0] for q in questions}
        embed = [_timed(assistant.embedder.embed_queries, [q]) for q in questions for _ in range(repeats)]
        chroma = [_timed(index.store.query, qvecs[q], 30) for q in questions for _ in range(repeats)]
        search = [_timed(bench.search, q) for q in questions for _ in range(repeats)]
        ask = [_timed(bench.ask, q) for q in questions for _ in range(repeats)]
        langchain = _langchain_latency(bench, questions)
        floor_p95 = M.percentile(embed, 95) + M.percentile(chroma, 95)
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        index.manifest.close()
        memory = measure_memory(Path(tmp), questions[:20])
        result = {"size": size, "build_s": round(build_s, 1), "embed_ms": percentiles(embed),
                  "chroma_ms": percentiles(chroma), "search_ms": percentiles(search), "ask_ms": percentiles(ask),
                  "langchain_ms": percentiles(langchain), "floor_p95_ms": round(floor_p95, 1),
                  "ask_p95_over_floor": round(M.percentile(ask, 95) / floor_p95, 2),
                  "ask_p95_over_langchain_p95": round(M.percentile(ask, 95) / M.percentile(langchain, 95), 2),
                  "bench_peak_rss_mb": round(rss_mb), "serving_rss_mb": memory["peak_mb"],
                  "memory": memory}  # fmt: skip
        return result


def _langchain_latency(bench, questions: list[str]) -> list[float]:
    from assistant.evaluation.baselines import LangchainBaseline
    from assistant.evaluation.questions import Question

    baseline = LangchainBaseline(bench)
    return [baseline.run(Question(q, "en", q, "", False, [])).latency_ms for q in questions]


def measure_ingest(assistant, corpus: Path, sample: int = 8, database_url: str | None = None) -> dict[str, Any]:
    """End-to-end ingest of a sample of the corpus into a fresh index, the embedder's raw speed, and
    the re-index time of the unchanged sample."""
    from assistant.ingest.chunking import chunk_document
    from assistant.ingest.loaders import load_document
    from assistant.ingest.pipeline import ingest
    from assistant.store.embedding import embedding_text
    from assistant.store.index import open_index

    files = sorted(corpus.glob("*.md"))
    files = random.Random(3).sample(files, min(sample, len(files)))
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        for f in files:
            (Path(tmp) / "src").mkdir(exist_ok=True)
            (Path(tmp) / "src" / f.name).write_bytes(f.read_bytes())
        settings = assistant.settings.index.model_copy(
            update={"path": Path(tmp) / "index", "chroma_url": None, "database_url": database_url}
        )
        index = open_index(settings, assistant.embedder.model_id, assistant.embedder.dimension)
        first = ingest([Path(tmp) / "src"], index, assistant.embedder, assistant.settings.ingest)
        again = ingest([Path(tmp) / "src"], index, assistant.embedder, assistant.settings.ingest)
        index.manifest.close()
    texts = [embedding_text(c) for f in files[:3] for c in chunk_document(load_document(f, 10**7))]
    t = time.perf_counter()
    assistant.embedder.embed_documents(texts)
    raw = len(texts) / (time.perf_counter() - t)
    sections = sum(len(load_document(f, 10**7).sections) for f in files)
    return {"files": len(files), "sections": sections, "chunks": first.chunks_embedded,
            "seconds": round(first.seconds, 1), "chunks_per_s": round(first.chunks_embedded / first.seconds, 2),
            "sections_per_s": round(sections / first.seconds, 2), "embedder_raw_chunks_per_s": round(raw, 2),
            "reindex_unchanged_s": round(again.seconds, 2),
            "reindex_share": round(again.seconds / first.seconds, 4)}  # fmt: skip


def bench_questions(paths: list[Path], n: int) -> list[str]:
    return [q.question for q in load_questions(paths)][:n]
