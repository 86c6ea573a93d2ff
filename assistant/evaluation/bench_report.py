"""Run `coopguide bench` and write evaluation/reports/bench.md, bench.json and plots."""

from __future__ import annotations

import json
import platform
from pathlib import Path
from typing import Any

from assistant.api.running import running_server
from assistant.evaluation.bench import bench_questions, measure_ingest, measure_size
from assistant.evaluation.loadtest import run_clients


def run_bench(assistant, sizes: list[int], clients: list[int], per_client: int, n_questions: int,
              question_files: list[Path], log=print) -> dict[str, Any]:  # fmt: skip
    questions = bench_questions(question_files, n_questions)
    result: dict[str, Any] = {"machine": f"{platform.machine()}, {_cpus()} CPU cores", "questions": len(questions),
                              "sizes": [], "concurrency": []}  # fmt: skip
    log("ingest throughput …")
    result["ingest"] = measure_ingest(assistant, assistant.settings.ingest.corpus[0])
    for size in sizes:
        log(f"size {size} …")
        result["sizes"].append(measure_size(assistant, questions, size))
    if clients:
        from assistant.api import create_app
        from assistant.service import Assistant

        settings = assistant.settings.model_copy(deep=True)
        settings.server.rate_limit_per_minute = 10**9  # all clients share 127.0.0.1: measure, do not throttle
        loaded = Assistant(settings=settings, embedder=assistant.embedder, index=assistant.index)
        with running_server(create_app(loaded)) as base:
            for n in clients:
                log(f"{n} concurrent clients …")
                result["concurrency"].append(run_clients(base, questions, n, per_client))
    return result


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


def size_table(result: dict[str, Any]) -> str:
    lines = [
        "| chunks | embed p50/p95 | Chroma p50/p95 | floor p95 | search p50/p95/p99 | ask p50/p95/p99 "
        "| ask p95 / floor | LangChain p95 | ask p95 / LangChain p95 | peak RSS MB |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in result["sizes"]:
        e, c, s, a, lc = r["embed_ms"], r["chroma_ms"], r["search_ms"], r["ask_ms"], r["langchain_ms"]
        lines.append(f"| {r['size']:,} | {e['p50']}/{e['p95']} | {c['p50']}/{c['p95']} | {r['floor_p95_ms']} | "
                     f"{s['p50']}/{s['p95']}/{s['p99']} | {a['p50']}/{a['p95']}/{a['p99']} | "
                     f"{r['ask_p95_over_floor']} | {lc['p95']} | {r['ask_p95_over_langchain_p95']} | "
                     f"{r['peak_rss_mb']} |")  # fmt: skip
    return "\n".join(lines)


def write_bench(result: dict[str, Any], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "bench.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    latency_plot(result, folder)
    ing = result["ingest"]
    blocks = [
        "# coopguide bench",
        f"Measured on {result['machine']} with `coopguide bench`; {result['questions']} questions per size. "
        "Synthetic chunks for the larger sizes copy real chunks' texts and take their vectors plus Gaussian "
        "noise (σ 0.02, re-normalised).",
        "## Latency by index size (ms)",
    ]
    blocks.append(size_table(result))
    blocks += [
        "Targets: ask p95 ≤ 2× the floor at 10k chunks; search p95 ≤ 100 ms at 100k chunks (search includes the "
        "query embedding).",
        "## Ingest",
        f"End to end: {ing['files']} notes, {ing['sections']} sections, {ing['chunks']} chunks in {ing['seconds']} s = "
        f"{ing['chunks_per_s']} chunks/s, {ing['sections_per_s']} sections (pages)/s; the embedder alone: "
        f"{ing['embedder_raw_chunks_per_s']} chunks/s. Re-index of the unchanged notes: {ing['reindex_unchanged_s']} s "
        f"= {ing['reindex_share'] * 100:.2f} % of the full build (target ≤ 5 %).",
    ]
    if result["concurrency"]:
        table = [
            "| clients | requests | errors | p50 ms | p95 ms | throughput req/s |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        table += [f"| {c['clients']} | {c['requests']} | {c['errors']} | {c['p50_ms']} | {c['p95_ms']} | "
                  f"{c['throughput_rps']} |" for c in result["concurrency"]]  # fmt: skip
        blocks += ["## Concurrent clients against the real server (POST /api/ask)", "\n".join(table)]
    blocks.append("![latency](bench_latency.png)")
    path = folder / "bench.md"
    path.write_text("\n\n".join(blocks) + "\n", encoding="utf-8")
    return path
