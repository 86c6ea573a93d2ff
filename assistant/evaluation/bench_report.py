"""Run `coopguide bench` and write evaluation/reports/bench.md, bench.json and plots."""

from __future__ import annotations

import json
import platform
from pathlib import Path
from typing import Any

from assistant.api.running import running_server
from assistant.evaluation.bench import bench_questions, measure_ingest, measure_size
from assistant.evaluation.bench_tables import clients_table, ingest_line, memory_table, shared_blocks, size_table
from assistant.evaluation.loadtest import run_clients


def run_bench(assistant, sizes: list[int], clients: list[int], per_client: int, n_questions: int,
              question_files: list[Path], log=print, skip=(), shared=None) -> dict[str, Any]:  # fmt: skip
    """Latency by size, ingest, concurrent clients; with `shared` also the shared-engine rows (bench_shared.py)."""
    questions = bench_questions(question_files, n_questions)
    result: dict[str, Any] = {"machine": f"{platform.machine()}, {_cpus()} CPU cores", "questions": len(questions),
                              "sizes": [], "concurrency": []}  # fmt: skip
    if assistant.settings.ingest.corpus and "ingest" not in skip:
        log("ingest throughput …")
        result["ingest"] = measure_ingest(assistant, assistant.settings.ingest.corpus[0])
    for size in sizes:
        log(f"size {size} …")
        result["sizes"].append(measure_size(assistant, questions, size))
    if clients:
        result["concurrency"] = _concurrency(assistant, questions, clients, per_client, log)
    if shared is not None:
        result["shared"] = run_shared(assistant, questions, shared, log)
    return result


def _concurrency(assistant, questions, clients, per_client, log) -> list[dict]:
    """The real server under 1/10/50 clients, with one embedding call per query, then with the query batcher
    (`models.max_query_batch`; skipped for an int8 runtime, which is never batched); throughput also as a
    multiple of the single-client run."""
    from assistant.api import create_app
    from assistant.service import Assistant, with_query_batching

    settings = assistant.settings.model_copy(deep=True)
    settings.server.rate_limit_per_minute = 10**9  # all clients share 127.0.0.1: measure, do not throttle
    out = []
    for batching in (False, True):
        mode = settings.model_copy(deep=True)
        mode.models.max_query_batch = max(mode.models.max_query_batch, 16) if batching else 1
        loaded = with_query_batching(Assistant(settings=mode, embedder=assistant.embedder, index=assistant.index))
        rows, used = [], loaded.embedder is not assistant.embedder  # an int8 runtime is never batched
        if batching and not used:
            continue
        with running_server(create_app(loaded)) as base:
            for n in clients:
                log(f"{n} concurrent clients, query batching {'on' if used else 'off'} …")
                rows.append(run_clients(base, questions, n, per_client) | {"batching": used})
        if used:
            loaded.embedder.close()
        single = next((r["throughput_rps"] for r in rows if r["clients"] == 1), None)
        for r in rows:
            r["x_single"] = round(r["throughput_rps"] / single, 2) if single else None
        out += rows
    return out


def run_shared(assistant, questions: list[str], options: dict, log=print) -> dict[str, Any]:
    """SQLite vs PostgreSQL by size, ingest into both, one vs two instances (a throwaway cluster if no URL)."""
    import contextlib

    from assistant.evaluation import bench_shared as S
    from assistant.evaluation.pg import throwaway_postgres

    url = options.get("database_url")
    with contextlib.nullcontext(url) if url else throwaway_postgres() as pg_url:
        out: dict[str, Any] = {"sizes": []}
        for size in options.get("sizes", []):
            log(f"SQLite vs PostgreSQL at {size} chunks …")
            out["sizes"].append(S.measure_backends(assistant, questions, size, pg_url))
        if assistant.settings.ingest.corpus and "ingest" not in options.get("skip", []):
            log("ingest into SQLite and PostgreSQL …")
            out["ingest"] = S.measure_ingest_backends(assistant, pg_url)
        if options.get("clients"):
            log(f"one vs two instances under {options['clients']} clients …")
            out["instances"] = S.measure_instances(assistant, questions, options["clients"], options["per_client"],
                                                   pg_url)  # fmt: skip
    return out


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 0


def latency_plot(result: dict[str, Any], folder: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = [r["size"] for r in result["sizes"]]
    fig, ax = plt.subplots(figsize=(7, 4))
    for key, label in [("embed_ms", "query embedding"), ("chroma_ms", "Chroma query"), ("search_ms", "search"),
                       ("ask_ms", "ask"), ("langchain_ms", "plain LangChain")]:  # fmt: skip
        ax.plot(sizes, [r[key]["p95"] for r in result["sizes"]], marker="o", label=label)
    ax.set_xscale("log")
    ax.set_xlabel("chunks in the index")
    ax.set_ylabel("p95 latency (ms)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(folder / "bench_latency.png", dpi=110)
    plt.close(fig)


def write_bench(result: dict[str, Any], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "bench.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    blocks = [
        "# coopguide bench",
        f"Measured on {result['machine']} with `coopguide bench`; {result['questions']} questions per size. "
        "Synthetic chunks for the larger sizes copy real chunks' texts and take their vectors plus Gaussian "
        "noise (σ 0.02, re-normalised).",
    ]
    if result["sizes"]:
        latency_plot(result, folder)
        blocks += ["## Latency by index size (ms)", size_table(result),
                   "Targets: ask p95 ≤ 2× the floor at 10k chunks; search p95 ≤ 100 ms at 100k chunks (search "
                   "includes the query embedding).", "![latency](bench_latency.png)",
                   "## Memory of a serving process (RSS, MiB, measured in a fresh process per size)",
                   memory_table(result),
                   "The bench process itself peaks higher while it builds the synthetic indexes; that is the "
                   "ingest job's cost, not the server's."]  # fmt: skip
    if result.get("ingest"):
        blocks += ["## Ingest", "End to end: " + ingest_line(result["ingest"])]
    if result["concurrency"]:
        blocks += [
            "## Concurrent clients against the real server (POST /api/ask)",
            clients_table(result["concurrency"]),
        ]
    if result.get("shared"):
        blocks += shared_blocks(result["shared"])
    path = folder / "bench.md"
    path.write_text("\n\n".join(blocks) + "\n", encoding="utf-8")
    return path
