"""`coopguide eval`: coopguide and two baselines on the same index and questions, in one run."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from assistant.evaluation import metrics as M
from assistant.evaluation.baselines import BM25Baseline, LangchainBaseline
from assistant.evaluation.questions import Question, Run, load_questions


class Coopguide:
    name = "coopguide"

    def __init__(self, assistant):
        self.assistant = assistant

    def run(self, q: Question) -> Run:
        started = time.perf_counter()
        answer = self.assistant.ask(q.question)
        latency = (time.perf_counter() - started) * 1000
        ranked = self.assistant.retriever.retrieve(q.question, k=10, language=answer.language)
        return Run(
            answer.answer,
            answer.refused,
            {c.n for c in answer.citations},
            [c.passage for c in answer.citations],
            [(p.chunk.doc_id, p.chunk.text) for p in ranked],
            latency,
        )


def score(q: Question, run: Run, cross_lingual: bool) -> dict[str, Any]:
    texts = [t for _, t in run.ranked]
    docs = [d for d, _ in run.ranked]
    rel = [M.relevance(t, d, q.key_terms, q.expected_doc_ids) for d, t in run.ranked]
    answer_and_cited = run.answer + "\n" + "\n".join(run.cited_passages)
    row: dict[str, Any] = {
        "id": q.id, "set": q.source, "language": q.language, "type": q.type, "must_refuse": q.must_refuse,
        "cross_lingual": cross_lingual, "refused": run.refused, "latency_ms": round(run.latency_ms, 1),
        "refusal_correct": run.refused == q.must_refuse,
        "coverage": None if q.must_refuse else M.coverage(answer_and_cited, q.key_terms),
        "citation_valid": (
            M.citation_valid(run.answer, run.citation_numbers, run.refused)
            if run.citation_numbers or run.refused
            else None
        ),
        "mrr": None if q.must_refuse else M.mrr(rel), "ndcg@10": None if q.must_refuse else M.ndcg_at_k(rel, 10),
    }  # fmt: skip
    for k in (1, 3, 5, 10):
        row[f"recall@{k}"] = None if q.must_refuse else M.term_recall_at_k(texts, q.key_terms, k)
        row[f"doc_recall@{k}"] = None if q.must_refuse else M.doc_recall_at_k(docs, q.expected_doc_ids, k)
    return row


METRICS = ["coverage", "recall@1", "recall@3", "recall@5", "recall@10", "doc_recall@5", "mrr", "ndcg@10",
           "refusal_accuracy", "refusal_recall", "false_refusal_rate", "citation_validity", "latency_p50",
           "latency_p95"]  # fmt: skip


def aggregate(rows: list[dict[str, Any]]) -> dict[str, Any]:
    answerable = [r for r in rows if not r["must_refuse"]]
    out: dict[str, Any] = {"n": len(rows)}
    for key in ["coverage", "recall@1", "recall@3", "recall@5", "recall@10", "doc_recall@5", "mrr", "ndcg@10"]:
        out[key] = M.mean([r[key] for r in rows])
    out["refusal_accuracy"] = M.mean([float(r["refusal_correct"]) for r in rows])
    out["false_refusal_rate"] = M.mean([float(r["refused"]) for r in answerable])
    out["refusal_recall"] = M.mean([float(r["refused"]) for r in rows if r["must_refuse"]])
    validity = [float(r["citation_valid"]) for r in rows if r["citation_valid"] is not None]
    out["citation_validity"] = M.mean(validity)
    latencies = [r["latency_ms"] for r in rows]
    out["latency_p50"], out["latency_p95"] = M.percentile(latencies, 50), M.percentile(latencies, 95)
    return out


def cross_lingual_flags(
    questions: list[Question], doc_languages: dict[str, str], doc_texts: dict[str, str]
) -> dict[str, bool]:
    """A question is cross-lingual when its evidence exists only in the other language."""
    flags = {}
    for q in questions:
        if q.expected_doc_ids:
            langs = {doc_languages.get(d) for d in q.expected_doc_ids}
        else:
            langs = {doc_languages[d] for d, text in doc_texts.items()
                     if q.key_terms and (M.coverage(text, q.key_terms) or 0) >= 0.5}  # fmt: skip
        flags[q.id] = bool(langs) and q.language not in langs
    return flags


def breakdowns(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Aggregates overall and per set, language, same/cross-lingual and question type."""
    groups: dict[str, list[dict[str, Any]]] = {"overall": rows}
    for r in rows:
        groups.setdefault(f"set:{r['set']}", []).append(r)
        groups.setdefault(f"language:{r['language']}", []).append(r)
        groups.setdefault("cross-lingual" if r["cross_lingual"] else "same-lingual", []).append(r)
        groups.setdefault(f"type:{r['type']}", []).append(r)
    return {name: aggregate(group) for name, group in groups.items()}


def run_eval(assistant, question_paths: list[Path], systems: list[str] | None = None) -> dict[str, Any]:
    """Run every system on every question; returns {"systems": {name: {"rows", "summary"}}, …}."""
    questions = load_questions(question_paths)
    manifest = assistant.index.manifest
    doc_languages = {d: (manifest.document_meta(d) or {}).get("language", "") for d in manifest.documents()}
    doc_texts: dict[str, str] = {}
    for chunk in manifest.all_chunks():
        doc_texts[chunk.doc_id] = doc_texts.get(chunk.doc_id, "") + "\n" + chunk.text
    cross = cross_lingual_flags(questions, doc_languages, doc_texts)
    factories = {"coopguide": Coopguide, "langchain": LangchainBaseline, "bm25": BM25Baseline}
    result: dict[str, Any] = {"questions": len(question_paths and questions), "files": [str(p) for p in question_paths],
                              "index": assistant.status(), "systems": {}}  # fmt: skip
    for name in systems or list(factories):
        system = factories[name](assistant)
        system.run(questions[0])  # warm-up (caches, lazy loads) outside the measurement
        rows = [score(q, system.run(q), cross[q.id]) for q in questions]
        result["systems"][name] = {"rows": rows, "summary": breakdowns(rows)}
    return result
