"""One embedder runtime measured in its own process (so its peak RSS is its own): `coopguide bench --embedder`
starts `python -m assistant.evaluation.embedder_worker JOB.json` once per runtime.

The job names the settings, the chunk texts and questions to time, and whether to measure quality. The worker
writes `<out>/<runtime>.json` (timings, memory, quality) and `<out>/<runtime>-docs.npy` / `-queries.npy` (the
vectors the parent compares with torch-fp32). With `"prepare": true` it only loads the runtime once, so a
first-time ONNX export happens outside the measured process.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from assistant.evaluation.bench import _timed
from assistant.evaluation.memory import peak_rss_mb  # VmHWM: this process's peak, not its parent's

QUALITY_KEYS = ("recall@5", "mrr", "coverage", "doc_recall@5", "ndcg@10", "refusal_accuracy", "latency_p50",
                "latency_p95")  # fmt: skip


def _settings(job: dict[str, Any]):
    from assistant.settings import Settings

    return Settings(**job["settings"])


def measure_speed(embedder, docs: list[str], queries: list[str], batch: int = 8) -> dict[str, Any]:
    """Documents/s over `docs`, one-by-one query latency, and the per-text cost of batches of `batch` queries."""
    import numpy as np

    from assistant.evaluation import metrics as M

    embedder.embed_queries(queries[:1])  # warm-up: first-call allocations are not what a server pays
    embedder.embed_documents(docs[:2])
    started = time.perf_counter()
    doc_vectors = embedder.embed_documents(docs)
    doc_s = time.perf_counter() - started
    latencies, query_vectors = [], []
    for q in queries:
        started = time.perf_counter()
        query_vectors.append(embedder.embed_queries([q])[0])
        latencies.append((time.perf_counter() - started) * 1000)
    groups = [queries[i : i + batch] for i in range(0, len(queries) - batch + 1, batch)] or [queries]
    batched = [_timed(embedder.embed_queries, g) / len(g) for g in groups]
    return {
        "docs": len(docs), "docs_per_s": round(len(docs) / doc_s, 2), "queries": len(queries),
        "query_p50_ms": round(M.percentile(latencies, 50), 1), "query_p95_ms": round(M.percentile(latencies, 95), 1),
        "batch": batch, "batched_ms_per_query": round(float(np.mean(batched)), 1),
        "vectors": (np.asarray(doc_vectors, dtype=np.float32), np.asarray(query_vectors, dtype=np.float32)),
    }  # fmt: skip


def measure_quality(settings, embedder, question_files: list[Path]) -> dict[str, Any]:
    """Index a copy of the corpus notes with this embedder, then `run_eval` (coopguide only) on it."""
    from assistant.evaluation import run_eval
    from assistant.service import build_assistant

    with tempfile.TemporaryDirectory(prefix="bench-embedder-") as tmp:
        copies = []
        for i, src in enumerate(settings.ingest.corpus):
            dest = Path(tmp) / "corpus" / f"{i}-{src.name}"
            (shutil.copytree if src.is_dir() else shutil.copy2)(src, dest)
            copies.append(dest)
        local = settings.model_copy(deep=True)
        local.index.path, local.index.chroma_url, local.ingest.corpus = Path(tmp) / "index", None, copies
        local.institutions.imported_dir = Path(tmp) / "imported"
        assistant = build_assistant(local, embedder=embedder, log=lambda m: None)
        started = time.perf_counter()
        report = assistant.ingest(progress=False)
        ingest_s = time.perf_counter() - started
        overall = run_eval(assistant, question_files, systems=["coopguide"])["systems"]["coopguide"]["summary"]
        assistant.close()
    overall = overall["overall"]
    return {"ingest_chunks": report.chunks_embedded, "ingest_s": round(ingest_s, 1),
            "ingest_chunks_per_s": round(report.chunks_embedded / ingest_s, 2), "failed": len(report.failed),
            **{k: overall.get(k) for k in QUALITY_KEYS}}  # fmt: skip


def run_job(job: dict[str, Any]) -> dict[str, Any]:
    import numpy as np

    from assistant.store.embedding import load_embedder

    settings = _settings(job)
    started = time.perf_counter()
    embedder = load_embedder(settings.models)
    result: dict[str, Any] = {"runtime": settings.models.runtime, "model_id": embedder.model_id,
                              "threads": settings.models.threads, "batch_size": settings.models.batch_size,
                              "load_s": round(time.perf_counter() - started, 1)}  # fmt: skip
    if job.get("prepare"):
        return result
    speed = measure_speed(embedder, job["docs"], job["queries"])
    docs, queries = speed.pop("vectors")
    out = Path(job["out"])
    np.save(out / f"{job['name']}-docs.npy", docs)
    np.save(out / f"{job['name']}-queries.npy", queries)
    result.update(speed, peak_rss_mb=peak_rss_mb())  # before the quality run adds Chroma and the eval
    if job.get("quality"):
        result["quality"] = measure_quality(settings, embedder, [Path(p) for p in job["question_files"]])
    return result


def main(argv: list[str]) -> int:
    job = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    result = run_job(job)
    Path(job["out"], f"{job['name']}.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
