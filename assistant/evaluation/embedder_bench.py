"""`coopguide bench --embedder`: every embedder runtime on the same texts in one run.

Each runtime runs in a fresh subprocess (assistant/evaluation/embedder_worker.py), so its load time and peak RSS
are its own; an ONNX export that is not cached yet happens in a preparatory subprocess first. Measured per
runtime: documents/s on `embedding_text` of real corpus chunks, query p50/p95 one by one, the per-text cost of
batches of 8 queries, peak RSS, drift against torch-fp32 (mean/min cosine over documents and queries, top-5
neighbour overlap of each question among the chunks), and — unless skipped — quality: a temporary index of a
copy of the corpus notes built with that runtime and `run_eval` (coopguide only) on the eval sets.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from assistant.store.runtimes import REFERENCE_RUNTIME, RUNTIMES

REFERENCE = REFERENCE_RUNTIME


def corpus_chunk_texts(settings, n: int | None, seed: int = 5) -> list[str]:
    """`embedding_text` of the corpus's chunks as ingest makes them; a fixed sample of `n` when given."""
    from assistant.ingest.chunking import chunk_document
    from assistant.ingest.loaders import load_document
    from assistant.ingest.pipeline import discover
    from assistant.store.embedding import embedding_text

    files, _ = discover(list(settings.ingest.corpus))
    texts = []
    for f in files:
        doc = load_document(f, int(settings.ingest.max_file_mb * 2**20))
        chunks = chunk_document(doc, settings.ingest.chunk_chars, settings.ingest.chunk_overlap_sentences)
        texts += [embedding_text(c) for c in chunks]
    if n and n < len(texts):
        texts = [texts[i] for i in sorted(random.Random(seed).sample(range(len(texts)), n))]
    return texts


def question_subset(files: list[Path], n: int | None, folder: Path, seed: int = 5) -> list[Path]:
    """The eval files, or one file with a fixed sample of `n` of their questions (a quick run)."""
    lines = [(f, line) for f in files for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
    if not n or n >= len(lines):
        return files
    chosen = sorted(random.Random(seed).sample(range(len(lines)), n))
    path = folder / "questions.jsonl"
    path.write_text("\n".join(lines[i][1] for i in chosen) + "\n", encoding="utf-8")
    return [path]


def _child_env() -> dict[str, str]:
    root = str(Path(__file__).resolve().parents[2])  # the checkout whose code runs this bench
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([root, *([env["PYTHONPATH"]] if env.get("PYTHONPATH") else [])])
    return env


def run_worker(job: dict[str, Any], folder: Path, log=print) -> dict[str, Any]:
    path = folder / f"{job['name']}{'-prepare' if job.get('prepare') else ''}.job.json"
    path.write_text(json.dumps(job), encoding="utf-8")
    cmd = [sys.executable, "-m", "assistant.evaluation.embedder_worker", str(path)]
    done = subprocess.run(cmd, env=_child_env(), capture_output=True, text=True)
    if done.returncode != 0:
        tail = done.stderr.strip().splitlines()[-1:] or ["no output"]
        log(f"  {job['name']} failed: {tail[0]}")
        return {"runtime": job["settings"]["models"]["runtime"], "error": tail[0]}
    return json.loads((folder / f"{job['name']}.json").read_text(encoding="utf-8")) if not job.get("prepare") else {}


def drift(ref: tuple, got: tuple, k: int = 5) -> dict[str, float]:
    """Cosine of each vector to its fp32 twin (mean, min) and the top-k overlap of each query's neighbours."""
    import numpy as np

    (ref_docs, ref_queries), (docs, queries) = ref, got
    cos = np.concatenate([(ref_docs * docs).sum(1), (ref_queries * queries).sum(1)])
    k = min(k, len(ref_docs))

    def top(q, d):
        return [set(np.argsort(-row)[:k].tolist()) for row in q @ d.T]

    overlap = [len(a & b) / k for a, b in zip(top(ref_queries, ref_docs), top(queries, docs))]
    return {"cosine_mean": round(float(cos.mean()), 4), "cosine_min": round(float(cos.min()), 4),
            "top5_overlap": round(float(np.mean(overlap)), 3)}  # fmt: skip


def _load_vectors(folder: Path, name: str):
    import numpy as np

    return np.load(folder / f"{name}-docs.npy"), np.load(folder / f"{name}-queries.npy")


def run_embedder_bench(settings, question_files: list[Path], runtimes: list[str] | None = None,
                       n_chunks: int | None = 128, n_questions: int | None = None, quality: bool = True,
                       log=print) -> dict[str, Any]:  # fmt: skip
    """Measure each runtime (torch-fp32 always, as the reference) and compare with torch-fp32."""
    from assistant.evaluation.bench import bench_questions

    runtimes = [REFERENCE] + [r for r in dict.fromkeys(runtimes or RUNTIMES) if r != REFERENCE]
    docs = corpus_chunk_texts(settings, n_chunks)
    queries = bench_questions(question_files, n_questions or 10**6)
    base = settings.model_dump(mode="json", include={"models", "ingest", "retrieval", "answer", "institutions",
                                                     "assessment", "index"})  # fmt: skip
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    result: dict[str, Any] = {"cpus": cpus, "chunks": len(docs), "questions": len(queries), "runtimes": []}
    with tempfile.TemporaryDirectory(prefix="bench-embedder-") as tmp:
        folder = Path(tmp)
        evals = [str(p) for p in question_subset(question_files, n_questions, folder)]
        result["eval_files"] = [str(p) for p in question_files] if len(evals) == len(question_files) else evals
        for runtime in runtimes:
            models = {**base["models"], "runtime": runtime}
            job = {"name": runtime, "out": tmp, "docs": docs, "queries": queries, "quality": quality,
                   "question_files": evals, "settings": {**base, "models": models}}  # fmt: skip
            if runtime.startswith("onnx-"):
                log(f"{runtime}: preparing (a first run exports the ONNX graph once) …")
                run_worker({**job, "prepare": True}, folder, log)
            log(f"{runtime}: measuring …")
            measured = run_worker(job, folder, log)
            if "error" not in measured and runtime != REFERENCE and (folder / f"{REFERENCE}-docs.npy").exists():
                measured["drift"] = drift(_load_vectors(folder, REFERENCE), _load_vectors(folder, runtime))
            result["runtimes"].append(measured)
    return result
