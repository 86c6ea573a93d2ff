"""evaluation/reports/embedder.md and embedder.json from `coopguide bench --embedder`, with the decision rule:
a runtime may become the default only if recall@5 and coverage drop ≤ 0.01 against torch-fp32."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

MAX_DROP = 0.01


def _fmt(value, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _delta(value, ref) -> str:
    return "" if value is None or ref is None else f" ({value - ref:+.3f})"


def verdict(row: dict[str, Any], ref: dict[str, Any]) -> str:
    """'reference', 'meets the rule', 'fails the rule' or '–' (quality not measured)."""
    q, r = row.get("quality"), ref.get("quality")
    if row is ref:
        return "reference"
    if not q or not r or any(q.get(k) is None or r.get(k) is None for k in ("recall@5", "coverage")):
        return "–"
    ok = all(q[k] >= r[k] - MAX_DROP for k in ("recall@5", "coverage"))
    return "meets the rule" if ok else "fails the rule"


def speed_table(result: dict[str, Any]) -> str:
    rows = [r for r in result["runtimes"] if "error" not in r]
    ref = rows[0] if rows else {}
    lines = ["| runtime | model id | load s | docs/s (× fp32) | query p50 / p95 ms | batch of 8: ms/query "
             "| peak RSS MB | cosine mean / min | top-5 overlap |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]  # fmt: skip
    for r in rows:
        d = r.get("drift", {"cosine_mean": 1.0, "cosine_min": 1.0, "top5_overlap": 1.0})
        speedup = r["docs_per_s"] / ref["docs_per_s"] if ref.get("docs_per_s") else None
        lines.append(f"| {r['runtime']} | `{r['model_id']}` | {r['load_s']} | "
                     f"{r['docs_per_s']} (×{_fmt(speedup, 2)}) | {r['query_p50_ms']} / {r['query_p95_ms']} | "
                     f"{r['batched_ms_per_query']} | {r['peak_rss_mb']:.0f} | "
                     f"{_fmt(d['cosine_mean'], 4)} / {_fmt(d['cosine_min'], 4)} | "
                     f"{_fmt(d['top5_overlap'])} |")  # fmt: skip
    return "\n".join(lines)


def quality_table(result: dict[str, Any]) -> str:
    rows = [r for r in result["runtimes"] if "error" not in r and r.get("quality")]
    if not rows:
        return "Quality was not measured in this run."
    ref = rows[0]
    rq = ref["quality"]
    lines = ["| runtime | recall@5 (Δ) | coverage (Δ) | MRR (Δ) | doc recall@5 | ingest chunks/s | rule |",
             "| --- | --- | --- | --- | --- | --- | --- |"]  # fmt: skip
    for r in rows:
        q = r["quality"]
        lines.append(f"| {r['runtime']} | {_fmt(q['recall@5'])}{_delta(q['recall@5'], rq['recall@5'])} | "
                     f"{_fmt(q['coverage'])}{_delta(q['coverage'], rq['coverage'])} | "
                     f"{_fmt(q['mrr'])}{_delta(q['mrr'], rq['mrr'])} | {_fmt(q['doc_recall@5'])} | "
                     f"{q['ingest_chunks_per_s']} | {verdict(r, ref)} |")  # fmt: skip
    return "\n".join(lines)


def write_embedder_report(result: dict[str, Any], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "embedder.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    failed = [f"- {r['runtime']}: {r['error']}" for r in result["runtimes"] if "error" in r]
    blocks = [
        "# Embedder runtimes (`coopguide bench --embedder`)",
        f"Measured on {result['cpus']} CPU cores, each runtime in a fresh process, on the same {result['chunks']} "
        f"corpus chunks (`embedding_text`) and {result['questions']} eval questions. Drift is against torch-fp32 "
        "(cosine of each document and query vector to its fp32 twin; top-5 overlap of each question's nearest "
        "chunks). Peak RSS is taken after loading and the speed runs, before the quality run.",
        "## Speed, memory, drift",
        speed_table(result),
        "## Quality on the eval sets (a temporary index per runtime, `run_eval`, coopguide)",
        f"Question files: {', '.join(result.get('eval_files', []))}.",
        quality_table(result),
        f"Decision rule: a runtime may become the default only if recall@5 and coverage drop ≤ {MAX_DROP} against "
        "torch-fp32; torch-fp32 stays available as `models.runtime`.",
    ]
    if failed:
        blocks += ["## Runtimes that failed", "\n".join(failed)]
    path = folder / "embedder.md"
    path.write_text("\n\n".join(blocks) + "\n", encoding="utf-8")
    return path
