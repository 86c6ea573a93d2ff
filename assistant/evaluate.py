"""`coopguide eval`: coopguide and two baselines on the same index and questions, in one run."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from assistant import metrics as M


@dataclass(frozen=True)
class Question:
    id: str
    language: str
    question: str
    type: str
    must_refuse: bool
    key_terms: list[list[str]]
    key_points: list[str] = field(default_factory=list)
    expected_doc_ids: list[str] = field(default_factory=list)
    source: str = ""


def load_questions(paths: list[Path]) -> list[Question]:
    out = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                d = json.loads(line)
                out.append(Question(d["id"], d["language"], d["question"], d.get("type", ""),
                                    bool(d.get("must_refuse")), d.get("key_terms") or [], d.get("key_points") or [],
                                    d.get("expected_doc_ids") or [], path.stem))  # fmt: skip
    return out


@dataclass
class Run:
    """What one system produced for one question."""

    answer: str
    refused: bool
    citation_numbers: set[int]
    cited_passages: list[str]
    ranked: list[tuple[str, str]]  # (doc_id, passage text), best first, up to 10
    latency_ms: float


class System(Protocol):
    name: str

    def run(self, q: Question) -> Run: ...


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


class LangchainBaseline:
    """'Plain LangChain RAG': langchain-chroma similarity_search over the same collection and model."""

    name = "langchain"

    def __init__(self, assistant, answer_passages: int = 4):
        from langchain_chroma import Chroma
        from langchain_core.embeddings import Embeddings

        embedder = assistant.embedder

        class _Embeddings(Embeddings):
            def embed_documents(self, texts: list[str]) -> list[list[float]]:
                return embedder.embed_documents(texts)

            def embed_query(self, text: str) -> list[float]:
                return embedder.embed_queries([text])[0]

        store = assistant.index.store
        self._db = Chroma(client=store._client, collection_name=store._name, embedding_function=_Embeddings())
        self.answer_passages = answer_passages

    def run(self, q: Question) -> Run:
        started = time.perf_counter()
        docs = self._db.similarity_search(q.question, k=10)
        latency = (time.perf_counter() - started) * 1000
        ranked = [(d.metadata.get("doc_id", ""), d.page_content) for d in docs]
        top = [t for _, t in ranked[: self.answer_passages]]
        return Run("\n\n".join(top), False, set(), top, ranked, latency)


class BM25Baseline:
    name = "bm25"

    def __init__(self, assistant, answer_passages: int = 4):
        self.index = assistant.index
        self.answer_passages = answer_passages

    def run(self, q: Question) -> Run:
        started = time.perf_counter()
        hits = self.index.keyword().search(q.question, 10)
        chunks = self.index.manifest.chunks([cid for cid, _ in hits])
        latency = (time.perf_counter() - started) * 1000
        ranked = [(chunks[cid].doc_id, chunks[cid].text) for cid, _ in hits if cid in chunks]
        top = [t for _, t in ranked[: self.answer_passages]]
        return Run("\n\n".join(top), False, set(), top, ranked, latency)


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
