"""Write evaluation reports: Markdown tables, PNG plots, results.json, a short summary."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from assistant.evaluation.runner import METRICS

SHOWN = ["coverage", "recall@1", "recall@3", "recall@5", "recall@10", "doc_recall@5", "mrr", "ndcg@10",
         "refusal_accuracy", "refusal_recall", "false_refusal_rate", "citation_validity", "latency_p50",
           "latency_p95"]  # fmt: skip


def _fmt(value: Any, key: str) -> str:
    if value is None:
        return "–"
    return f"{value:.0f} ms" if key.startswith("latency") else f"{value:.3f}"


def comparison_table(result: dict[str, Any], group: str) -> str:
    systems = list(result["systems"])
    n = result["systems"][systems[0]]["summary"].get(group, {}).get("n", 0)
    lines = [f"| metric ({group}, n={n}) | " + " | ".join(systems) + " |", "| --- |" + " --- |" * len(systems)]
    for key in SHOWN:
        row = [_fmt(result["systems"][s]["summary"].get(group, {}).get(key), key) for s in systems]
        lines.append(f"| {key} | " + " | ".join(row) + " |")
    return "\n".join(lines)


def summary(result: dict[str, Any]) -> dict[str, Any]:
    return {name: {k: s["summary"]["overall"].get(k) for k in METRICS} for name, s in result["systems"].items()}


def question_table(result: dict[str, Any]) -> str:
    rows = result["systems"]["coopguide"]["rows"]
    lines = ["| id | lang | type | refused (should) | coverage | recall@5 | citations valid | ms |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]  # fmt: skip
    for r in rows:
        lines.append(
            f"| {r['id']} | {r['language']}{' ×' if r['cross_lingual'] else ''} | {r['type']} | "
            f"{'yes' if r['refused'] else 'no'} ({'yes' if r['must_refuse'] else 'no'}) | "
            f"{_fmt(r['coverage'], '')} | {_fmt(r['recall@5'], '')} | {r['citation_valid']} | {r['latency_ms']:.0f} |"
        )
    return "\n".join(lines)


def plots(result: dict[str, Any], folder: Path) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    systems = list(result["systems"])
    files = []

    def grouped_bars(name: str, title: str, labels: list[str], value) -> None:
        fig, ax = plt.subplots(figsize=(7, 4))
        for i, system in enumerate(systems):
            summary = result["systems"][system]["summary"]
            ax.bar([x + i * 0.27 for x in range(len(labels))], [value(summary, k) or 0 for k in labels],
                   width=0.27, label=system)  # fmt: skip
        ax.set_xticks([x + 0.27 for x in range(len(labels))], labels)
        ax.set_ylim(0, 1)
        ax.set_title(title)
        ax.legend()
        fig.tight_layout()
        fig.savefig(folder / name, dpi=110)
        files.append(name)
        plt.close(fig)

    grouped_bars("coverage_recall.png", "Key-term coverage and recall@k by system",
                 ["coverage", "recall@1", "recall@3", "recall@5", "recall@10"],
                 lambda summary, k: summary["overall"].get(k))  # fmt: skip
    grouped_bars("per_language.png", "recall@5 per language and same/cross-lingual",
                 ["language:de", "language:en", "same-lingual", "cross-lingual"],
                 lambda summary, g: (summary.get(g) or {}).get("recall@5"))  # fmt: skip

    fig, ax = plt.subplots(figsize=(7, 4))
    for s in systems:
        ax.hist([r["latency_ms"] for r in result["systems"][s]["rows"]], bins=20, alpha=0.6, label=s)
    ax.set_xlabel("latency per question (ms)")
    ax.set_title("Latency histogram")
    ax.legend()
    fig.tight_layout()
    fig.savefig(folder / "latency.png", dpi=110)
    files.append("latency.png")
    plt.close(fig)
    return files


def write_report(result: dict[str, Any], folder: Path, stamp: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "results.json").write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    images = plots(result, folder)
    groups = [g for g in result["systems"]["coopguide"]["summary"] if g != "overall"]
    parts = [
        f"# coopguide evaluation — {stamp}",
        f"Questions: {result['questions']} from {', '.join(result['files'])}. Index: {result['index']['documents']} "
        f"documents, {result['index']['chunks']} chunks, model {result['index']['model_id']}. All systems ran on "
        "the same index and questions in this run; baselines: plain LangChain RAG (langchain-chroma "
        "similarity_search, top 4 passages as the answer) and BM25 only.",
        "## Overall",
        comparison_table(result, "overall"),
        *[f"## {g}\n\n" + comparison_table(result, g) for g in sorted(groups)],
        "## coopguide per question",
        question_table(result),
        *[f"![{img}]({img})" for img in images],
    ]
    path = folder / "report.md"
    path.write_text("\n\n".join(parts) + "\n", encoding="utf-8")
    return path
