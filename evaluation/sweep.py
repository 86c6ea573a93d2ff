"""Measure the retrieval choices on question sets: fusion weight, language bonus, evidence gate.

Usage: .venv/bin/python evaluation/sweep.py evaluation/questions/dev.jsonl [more.jsonl …]
Prints tables (Markdown) to stdout; the chosen values go into assistant/settings.py by hand.
"""

from __future__ import annotations

import sys
from pathlib import Path

from assistant.evaluation import metrics as M
from assistant.evaluation.questions import load_questions
from assistant.service import build_assistant
from assistant.settings import load_settings


def retrieval_scores(assistant, questions, weight: float, bonus: float) -> dict[str, float]:
    assistant.retriever.settings.prefer_question_language = bonus
    r5, mrr, d5 = [], [], []
    for q in questions:
        if q.must_refuse:
            continue
        ranked = assistant.retriever.retrieve(q.question, k=10, language=q.language, keyword_weight=weight)
        texts = [p.chunk.text for p in ranked]
        rel = [M.relevance(p.chunk.text, p.chunk.doc_id, q.key_terms, q.expected_doc_ids) for p in ranked]
        r5.append(M.term_recall_at_k(texts, q.key_terms, 5))
        mrr.append(M.mrr(rel))
        d5.append(M.doc_recall_at_k([p.chunk.doc_id for p in ranked], q.expected_doc_ids, 5))
    return {"recall@5": M.mean(r5) or 0.0, "mrr": M.mean(mrr) or 0.0, "doc_recall@5": M.mean(d5) or 0.0}


def gate_table(assistant, questions) -> list[tuple[float, float, float]]:
    """(threshold, refusal accuracy, false-refusal rate) over the best dense similarity."""
    best = []
    for q in questions:
        ranked = assistant.retriever.retrieve(q.question, k=5, language=q.language)
        best.append((max((p.dense for p in ranked), default=0.0), q.must_refuse))
    rows = []
    for t in [x / 100 for x in range(30, 62, 2)]:
        acc = sum((s < t) == refuse for s, refuse in best) / len(best)
        answerable = [s for s, refuse in best if not refuse]
        fr = sum(s < t for s in answerable) / max(len(answerable), 1)
        rows.append((t, acc, fr))
    return rows


def main(paths: list[str]) -> None:
    assistant = build_assistant(load_settings())
    questions = load_questions([Path(p) for p in paths])
    print(f"{len(questions)} questions from {', '.join(paths)}\n")
    print("| keyword weight | language bonus | term recall@5 | doc recall@5 | MRR |\n| --- | --- | --- | --- | --- |")
    for weight in [0.0, 0.05, 0.1, 0.2, 0.3]:
        for bonus in [0.0, 0.02, 0.05]:
            s = retrieval_scores(assistant, questions, weight, bonus)
            print(f"| {weight} | {bonus} | {s['recall@5']:.3f} | {s['doc_recall@5']:.3f} | {s['mrr']:.3f} |")
    print("\n| gate threshold | refusal accuracy | false-refusal rate |\n| --- | --- | --- |")
    for t, acc, fr in gate_table(assistant, questions):
        print(f"| {t:.2f} | {acc:.3f} | {fr:.3f} |")


if __name__ == "__main__":
    main(sys.argv[1:])
