"""The baselines measured in the same run: plain LangChain RAG (langchain-chroma) and BM25 alone.

langchain types stay in this module."""

from __future__ import annotations

import time

from assistant.evaluation.questions import Question, Run


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
        hits = self.index.keywords("public").search(q.question, 10)
        chunks = self.index.manifest.chunks([cid for cid, _ in hits])
        latency = (time.perf_counter() - started) * 1000
        ranked = [(chunks[cid].doc_id, chunks[cid].text) for cid, _ in hits if cid in chunks]
        top = [t for _, t in ranked[: self.answer_passages]]
        return Run("\n\n".join(top), False, set(), top, ranked, latency)
