"""`coopguide bench --embedder` parts that need no model: drift, the decision rule, the report, question subsets."""

from __future__ import annotations

import numpy as np

from assistant.evaluation.embedder_bench import drift, question_subset
from assistant.evaluation.embedder_report import verdict, write_embedder_report


def _unit(a):
    return a / np.linalg.norm(a, axis=1, keepdims=True)


def test_drift_is_perfect_for_identical_vectors_and_drops_for_noise():
    rng = np.random.default_rng(1)
    docs, queries = _unit(rng.normal(size=(30, 8))), _unit(rng.normal(size=(6, 8)))
    assert drift((docs, queries), (docs, queries)) == {"cosine_mean": 1.0, "cosine_min": 1.0, "top5_overlap": 1.0}
    noisy = drift((docs, queries), (_unit(docs + rng.normal(0, 0.5, docs.shape)), queries))
    assert noisy["cosine_mean"] < 0.99 and noisy["top5_overlap"] < 1.0


def _row(runtime, recall, coverage):
    return {"runtime": runtime, "model_id": f"m+{runtime}", "load_s": 1.0, "docs_per_s": 2.0, "query_p50_ms": 80,
            "query_p95_ms": 90, "batched_ms_per_query": 50, "peak_rss_mb": 1400.0,
            "quality": {"recall@5": recall, "coverage": coverage, "mrr": 0.8, "doc_recall@5": 0.9,
                        "ingest_chunks_per_s": 2.5}}  # fmt: skip


def test_the_decision_rule_allows_a_drop_of_at_most_0_01():
    ref = _row("torch-fp32", 0.812, 0.803)
    assert verdict(ref, ref) == "reference"
    assert verdict(_row("onnx-int8", 0.803, 0.800), ref) == "meets the rule"
    assert verdict(_row("torch-int8", 0.80, 0.79), ref) == "fails the rule"  # coverage −0.013
    assert verdict({**_row("x", 0, 0), "quality": None}, ref) == "–"


def test_report_has_both_tables_and_the_failures(tmp_path):
    result = {"cpus": 2, "chunks": 10, "questions": 5, "eval_files": ["q.jsonl"],
              "runtimes": [_row("torch-fp32", 0.81, 0.80),
                           {**_row("onnx-int8", 0.81, 0.80), "drift": {"cosine_mean": 0.996, "cosine_min": 0.993,
                                                                       "top5_overlap": 0.95}},
                           {"runtime": "onnx-fp32", "error": "RuntimeError: no onnx"}]}  # fmt: skip
    text = write_embedder_report(result, tmp_path).read_text(encoding="utf-8")
    assert "| onnx-int8 | `m+onnx-int8` |" in text and "0.9960 / 0.9930" in text
    assert "meets the rule" in text and "onnx-fp32: RuntimeError: no onnx" in text
    assert (tmp_path / "embedder.json").is_file()


def test_question_subset_samples_lines_across_files(tmp_path):
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    a.write_text("\n".join(f'{{"id": "A{i}"}}' for i in range(5)) + "\n")
    b.write_text("\n".join(f'{{"id": "B{i}"}}' for i in range(5)) + "\n")
    assert question_subset([a, b], None, tmp_path) == [a, b]
    (subset,) = question_subset([a, b], 4, tmp_path)
    assert len(subset.read_text().splitlines()) == 4
