"""`coopguide bench --shared`: the single-machine default against the shared engines, in the same run.

- **search/ask at 10k and 100k chunks**: one set of synthetic chunks and vectors (see bench.py) in one Chroma
  collection, committed to a SQLite manifest with keyword files *and* to a PostgreSQL manifest with keyword
  sets in the database; questions interleaved between the two back ends, so a busy machine slows both alike.
- **generation swap**: an ingest job commits one document and publishes the keyword sets; a warm serving
  instance on the same state notices the new generation, loads the new set in the background and swaps it
  in. Measured: publish time (job), load-and-swap time (instance), wall time from commit to the swap being
  visible, and the slowest keyword lookup a request made meanwhile (it must not wait for the load).
- **ingest throughput** of a corpus sample into either back end.
- **one vs two `coopguide serve` processes** on PostgreSQL + `chroma run` under N concurrent clients.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from assistant.evaluation import metrics as M
from assistant.evaluation.bench import _timed, dimension, measure_ingest, percentiles, synthetic_batches
from assistant.store.index import Index
from assistant.store.keyword_sets import PgKeywordStore
from assistant.store.manifest import Manifest
from assistant.store.pg_manifest import PgManifest
from assistant.store.vectors import ChromaStore


def _twin(name: str, folder: Path, store, db) -> Index:
    """A second handle on the same state: what another instance (or the ingest job) would open."""
    if name == "sqlite":
        return Index(folder=folder / "sqlite", store=store, manifest=Manifest(folder / "sqlite" / "manifest.sqlite"))
    return Index(folder=folder / "postgres", store=store, manifest=PgManifest(db), keyword_store=PgKeywordStore(db),
                 database=db)  # fmt: skip


def _fill(assistant, size: int, folder: Path, db) -> tuple[dict[str, Index], dict[str, float]]:
    store = ChromaStore("bench", dimension(assistant.index), path=folder / "chroma", collection="bench")
    indexes = {name: _twin(name, folder, store, db) for name in ("sqlite", "postgres")}
    commit_s = dict.fromkeys(indexes, 0.0)
    for meta, batch, vecs in synthetic_batches(assistant.index, size):
        store.add(batch, vecs)
        for name, index in indexes.items():
            commit_s[name] += _timed(index.manifest.commit_document, meta, batch) / 1000
    return indexes, {name: round(size / s) for name, s in commit_s.items()}


def measure_swap(job: Index, serving: Index) -> dict[str, float]:
    """One new document committed and published by `job`; `serving` (warm) swaps to it in the background."""
    cold_ms = _timed(serving.keywords)  # a cold instance loads the published set before its first answer
    doc = next(iter(job.manifest.doc_chunks(next(iter(job.manifest.documents())))))
    chunk = replace(doc, chunk_id="swap::1::0", doc_id="swap")
    job.store.add([chunk], list(job.store.vectors([doc.chunk_id]).values()))
    committed = time.perf_counter()
    job.manifest.commit_document({**doc.meta, "doc_id": "swap", "source_path": "swap", "content_hash": "1"},
                                 [chunk])  # fmt: skip
    publish_ms = _timed(job.build_keywords)
    target, slowest = job.manifest.generation(), 0.0
    while serving.keyword_generation != target:
        slowest = max(slowest, _timed(serving.keywords))
        time.sleep(0.002)
        if time.perf_counter() - committed > 600:
            raise RuntimeError("the serving instance did not swap within 10 minutes")
    visible_ms = (time.perf_counter() - committed) * 1000
    return {"cold_load_ms": round(cold_ms, 1), "publish_ms": round(publish_ms, 1),
            "load_swap_ms": round(serving.keyword_swap_ms or 0, 1), "commit_to_visible_ms": round(visible_ms, 1),
            "slowest_lookup_during_swap_ms": round(slowest, 2)}  # fmt: skip


def measure_backends(assistant, questions: list[str], size: int, pg_url: str) -> dict[str, Any]:
    from assistant.evaluation.pg import new_database
    from assistant.service import Assistant

    with tempfile.TemporaryDirectory(prefix=f"bench-shared-{size}-") as tmp:
        folder, db = Path(tmp), new_database(pg_url, f"bench_{size}")
        started = time.perf_counter()
        indexes, commit_rate = _fill(assistant, size, folder, db)
        for index in indexes.values():
            index.build_keywords()
        bots = {}
        for name, index in indexes.items():
            bots[name] = Assistant(settings=assistant.settings, embedder=assistant.embedder, index=index)
            bots[name]._matcher = assistant.matcher
        times: dict[str, dict[str, list[float]]] = {name: {"search": [], "ask": []} for name in bots}
        for q in questions:
            for kind in ("search", "ask"):
                for name, bot in bots.items():
                    times[name][kind].append(_timed(getattr(bot, kind), q))
        rows = {}
        for name, index in indexes.items():
            swap = measure_swap(_twin(name, folder, index.store, db), _twin(name, folder, index.store, db))
            rows[name] = {"search_ms": percentiles(times[name]["search"]), "ask_ms": percentiles(times[name]["ask"]),
                          "manifest_commit_chunks_per_s": commit_rate[name], "swap": swap}  # fmt: skip
        for index in indexes.values():
            index.manifest.close()
        db.close()
    added = {k: round(M.percentile(times["postgres"][k], 95) - M.percentile(times["sqlite"][k], 95), 1)
             for k in ("search", "ask")}  # fmt: skip
    return {"size": size, "build_s": round(time.perf_counter() - started, 1), "backends": rows,
            "postgres_adds_p95_ms": added}  # fmt: skip


def measure_ingest_backends(assistant, pg_url: str) -> dict[str, Any]:
    from assistant.evaluation.pg import new_database

    corpus = assistant.settings.ingest.corpus[0]
    out = {"sqlite": measure_ingest(assistant, corpus)}
    db = new_database(pg_url, "bench_ingest")
    out["postgres"] = measure_ingest(assistant, corpus, database_url=db.url)
    db.close()
    return out


def copy_index(source: Index, target: Index) -> int:
    """Copy documents, chunks and vectors (no re-embedding) and publish the keyword sets; chunks copied."""
    copied = 0
    for doc_id, (path, digest) in sorted(source.manifest.documents().items()):
        chunks = source.manifest.doc_chunks(doc_id)
        vectors = source.store.vectors([c.chunk_id for c in chunks])
        target.store.add(chunks, [vectors[c.chunk_id] for c in chunks])
        meta = {**(source.manifest.document_meta(doc_id) or {}), "source_path": path, "content_hash": digest}
        target.manifest.commit_document(meta, chunks)
        copied += len(chunks)
    target.build_keywords()
    return copied


def _serve(env: dict, folder: Path, cache: Path) -> tuple[subprocess.Popen, str]:
    from assistant.api.running import free_port

    folder.mkdir(parents=True)
    if cache.exists():  # fixed-text vectors: a per-machine cache, copied so start-up does not re-embed them
        shutil.copy(cache, folder / cache.name)
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "assistant.cli", "serve", "--port", str(port)],
                            env={**env, "COOPGUIDE_INDEX__PATH": str(folder)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    return proc, f"http://127.0.0.1:{port}"


def measure_instances(assistant, questions: list[str], clients: int, per_client: int, pg_url: str) -> list[dict]:
    """The same load against one and against two serve processes sharing PostgreSQL + `chroma run`."""
    from assistant.api.running import wait_ready
    from assistant.evaluation.chroma_server import start_chroma
    from assistant.evaluation.loadtest import run_clients
    from assistant.evaluation.pg import new_database
    from assistant.store.index import open_index

    with tempfile.TemporaryDirectory(prefix="bench-instances-") as tmp:
        folder, db = Path(tmp), new_database(pg_url, "bench_instances")
        chroma, chroma_url = start_chroma(folder / "chroma")
        procs = []
        try:
            update = {"path": folder / "job", "database_url": db.url, "chroma_url": chroma_url}
            job = open_index(assistant.settings.index.model_copy(update=update), assistant.embedder.model_id,
                             assistant.embedder.dimension)  # fmt: skip
            copy_index(assistant.index, job)
            env = {**os.environ, "COOPGUIDE_INDEX__DATABASE_URL": db.url, "COOPGUIDE_INDEX__CHROMA_URL": chroma_url,
                   "COOPGUIDE_MODELS__MODELS_DIR": str(Path(assistant.settings.models.models_dir).resolve()),
                   "COOPGUIDE_SERVER__RATE_LIMIT_PER_MINUTE": str(10**9),
                   "GRADIO_ANALYTICS_ENABLED": "False"}  # fmt: skip
            cache = assistant.index.folder / "vector_cache.sqlite"
            procs = [_serve(env, folder / name, cache) for name in ("a", "b")]
            for proc, base in procs:
                wait_ready(base, proc)
            bases = [base for _, base in procs]
            run_clients(bases, questions, 2, 3)  # warm both
            return [run_clients(bases[:n], questions, clients, per_client) for n in (1, 2)]
        finally:
            for proc, _ in procs:
                proc.kill()
                proc.wait(timeout=30)
            chroma.terminate()
            chroma.wait(timeout=30)
            db.close()
