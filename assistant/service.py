"""The one wiring point: build_assistant(settings) → Assistant; every front end is a client of it."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from assistant.advisor.assessment import load_tables, table_texts
from assistant.advisor.points import PointCiter
from assistant.answer.engine import AnswerEngine
from assistant.ingest.pipeline import IngestReport, ingest
from assistant.ingest.progress import describe as describe_progress
from assistant.retrieve.followup import expand_question
from assistant.retrieve.retrieval import Filters, Retriever
from assistant.screening.block import screening_block
from assistant.screening.institutions import InstitutionRegistry
from assistant.screening.matching import InstitutionMatch, InstitutionMatcher
from assistant.settings import Settings
from assistant.situation.recognise import Recogniser, Situation
from assistant.situation.rules import Rules, load_yaml
from assistant.store.embedding import Embedder, load_embedder
from assistant.store.index import Index, IndexNotBuilt, open_index
from assistant.store.lists import PgListStore
from assistant.store.vector_cache import VectorCache
from assistant.text.language import detect_language
from assistant.types import Answer, Passage, Turn

INSTITUTION_TOPICS = ("institutions", "screening", "due-diligence", "dual-use", "us-export-control", "sanctions")


_CONTEXT = {
    "de": {"tracker": "chinesische Hochschule mit Verbindungen zu Militär und Verteidigung (ASPI-Tracker)"},
    "en": {"tracker": "Chinese university with military and defence links (ASPI tracker)"},
}


def describe_institutions(query: str, matches: list[InstitutionMatch], language: str) -> str:
    """Add what is known about a named institution, so retrieval finds the guidance that applies to
    such institutions (an unknown proper name otherwise only dilutes the query embedding)."""
    context = []
    for m in matches:
        inst = m.institution
        if inst.tracker_url:
            context.append(_CONTEXT.get(language, _CONTEXT["en"])["tracker"])
        context += [f.texts(language)[0] for f in inst.flags]
    return f"{query} ({'; '.join(dict.fromkeys(context))})" if context else query


@dataclass
class Assistant:
    settings: Settings
    embedder: Embedder
    index: Index
    retriever: Retriever = field(init=False)

    _matcher: InstitutionMatcher | None = field(default=None, init=False, repr=False)
    _llm: Any = field(default=None, init=False, repr=False)
    _lazy: dict[str, Any] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self.retriever = Retriever(self.index, self.embedder, self.settings.retrieval)

    @property
    def matcher(self) -> InstitutionMatcher:
        if self._matcher is None:
            s = self.settings.institutions
            lists = PgListStore(self.index.database).lists() if self.index.database is not None else None
            registry = InstitutionRegistry.load(s.register_file, s.imported_dir, tracker=s.use_tracker, lists=lists)
            self._matcher = InstitutionMatcher(registry.institutions, s.fuzzy_threshold)
        return self._matcher

    def reload_institutions(self) -> None:
        self._matcher = None

    def _once(self, name: str, make):
        if name not in self._lazy:
            self._lazy[name] = make()
        return self._lazy[name]

    @property
    def tables(self) -> dict[str, Any]:
        """The advisor's mapping tables (corpus/assessment), read once."""
        return self._once("tables", lambda: load_tables(self.settings.assessment.tables_dir))

    @property
    def situation_rules(self) -> Rules:
        s = self.settings.assessment
        return self._once("rules", lambda: Rules(s.situation_dir, s.tables_dir))

    @property
    def situation_steps(self) -> dict[str, Any]:
        return self._once("steps", lambda: load_yaml(self.settings.assessment.situation_dir, "steps"))

    @property
    def point_citer(self) -> PointCiter:
        cache = self._once("vectors", lambda: VectorCache(self.index.folder / "vector_cache.sqlite", self.embedder))
        return self._once("citer", lambda: PointCiter(self.index, cache))

    @property
    def has_tables(self) -> bool:
        """The advisor's tables and the situation rules are there (they ship in corpus/; a working folder
        elsewhere may not have them, and then every answer is a direct one)."""
        s = self.settings.assessment
        return (s.tables_dir / "fields.yaml").is_file() and (s.situation_dir / "countries.yaml").is_file()

    def situation(self, question: str, query: str, matches: list[InstitutionMatch]) -> Situation:
        """What the question is about (partner, country, field, activity) and what it asks for."""
        if not self.has_tables:
            return Situation("definition", partners=tuple(matches))
        return Recogniser(self.situation_rules).recognise(question, query, matches)

    def recognise(self, text: str) -> list[InstitutionMatch]:
        """Institutions named in `text` (the first `max_question_chars` characters: matching costs per character)."""
        return self.matcher.find(text[: self.settings.server.max_question_chars])

    def _retrieve(self, query: str, language: str, filters: Filters | None, matches: list[InstitutionMatch]):
        query = describe_institutions(query, matches, language)
        vector = self.embedder.embed_queries([query])[0]  # once: both retrievals below use it
        passages = self.retriever.retrieve(query, filters=filters, language=language, vector=vector)
        if matches:  # also pull the notes on screening, dual use and due diligence
            topical = replace(filters or Filters(), topics=INSTITUTION_TOPICS)
            seen = {p.chunk.chunk_id for p in passages}
            extra = [p for p in self.retriever.retrieve(query, k=3, filters=topical, language=language, vector=vector)
                     if p.chunk.chunk_id not in seen]  # fmt: skip
            passages = sorted(passages + extra, key=lambda p: -p.score)
        return passages

    def ingest(self, paths: list[Path] | None = None, **kwargs: Any) -> IngestReport:
        paths = paths or list(self.settings.ingest.corpus)
        batch = self.settings.models.batch_size
        report = ingest(paths, self.index, self.embedder, self.settings.ingest, batch_size=batch, **kwargs)
        self.warm()
        return report

    def warm(self) -> int:
        """Embed the fixed texts answers cite (table points) once, so no question pays for them; returns how
        many texts the cache holds for this index."""
        if not self.has_tables:
            return 0
        flags = [f for inst in self.matcher.institutions if not inst.origin.startswith("import:") for f in inst.flags]
        texts = table_texts(self.tables, flags, set(self.index.manifest.documents()))
        if texts:  # the shipped notes are indexed: the situation answers' facet queries will be asked too
            texts += [q for lang in ("de", "en") for q in AnswerEngine(self).facet_queries(None, lang)]
        self.point_citer.prime(texts)
        return len(texts)

    def _require_index(self) -> None:
        if self.index.is_empty():
            raise IndexNotBuilt("the index is empty: run `coopguide ingest` first")

    def search(self, query: str, k: int | None = None, filters: Filters | None = None) -> list[Passage]:
        self._require_index()
        return self.retriever.retrieve(query, k=k, filters=filters, language=detect_language(query))

    @property
    def llm(self):
        """The optional LLM answerer (None for llm.backend = none), created on first use."""
        if self._llm is None and self.settings.llm.backend != "none":
            from assistant.answer.llm.answerer import LLMAnswerer
            from assistant.answer.llm.backends import make_backend

            self._llm = LLMAnswerer(make_backend(self.settings), self.settings.llm)
        return self._llm

    def ask(self, question: str, history: list[Turn] | None = None, language: str | None = None,
            filters: Filters | None = None) -> Answer:  # fmt: skip
        """Answer from the index: grounded sentences with [n] citations, or a refusal."""
        answer = None
        for event, value in self.ask_stream(question, history, language, filters):
            if event == "answer":
                answer = value
        assert answer is not None
        return answer

    def ask_stream(self, question: str, history: list[Turn] | None = None, language: str | None = None,
                   filters: Filters | None = None) -> Iterator[tuple[str, Any]]:  # fmt: skip
        """Events: ("partial", text) as checked text becomes available, then ("answer", Answer)."""
        self._require_index()
        started = time.perf_counter()
        language = language if language in ("de", "en") else detect_language(question)
        query = expand_question(question, history or [], self.settings.server.max_question_chars)
        matches = self.recognise(query)
        situation = self.situation(question, query, matches)
        passages = self._retrieve(query, language, filters, matches)
        retrieved = time.perf_counter()
        block = screening_block(matches, language)
        if block:
            yield "partial", block + "\n\n"
        composition = AnswerEngine(self).answer(question, situation, passages, language, filters, query)
        text, citations, refused, mode = composition.text, composition.citations, composition.refused, "extractive"
        if composition.form == "direct" and self.llm is not None:  # the gate ran first: no evidence, no LLM call
            sentences: list[str] = []
            result = self.llm.generate(question, language, passages, on_sentence=sentences.append)
            yield from (("partial", s + " ") for s in sentences)
            if result is None:
                mode = "extractive-fallback"
            else:
                text, citations, mode = result.text, result.citations, result.mode
        if mode != "llm" and mode != "llm-partial":
            yield from (("partial", line + "\n") for line in text.split("\n"))
        done = time.perf_counter()
        yield (
            "answer",
            Answer(
                question=question,
                language=language,
                answer=(block + "\n\n" + text) if block else text,
                refused=refused,
                citations=tuple(citations),
                answer_mode=mode,
                institutions=tuple(m.to_dict() for m in matches),
                timings_ms={
                    "retrieve": (retrieved - started) * 1000,
                    "answer": (done - retrieved) * 1000,
                    "total": (done - started) * 1000,
                },
            ),
        )

    def status(self) -> dict[str, Any]:
        return status_of(self.index, self.settings.index.chroma_url) | {
            "model_id": self.embedder.model_id,
            "dimension": self.embedder.dimension,
        }

    def close(self) -> None:
        if callable(close := getattr(self.embedder, "close", None)):
            close()  # the query batcher's worker, when serving
        self.index.manifest.close()


def status_of(index: Index, chroma_url: str | None) -> dict[str, Any]:
    facts = index.facts()
    progress = describe_progress(facts.pop("ingest_progress"))
    return facts | {"chroma_url": chroma_url, "ingest": progress or "idle"}


def with_query_batching(assistant: Assistant) -> Assistant:
    """The server's Assistant: the query embeddings of concurrent requests (and the vector cache's misses) share
    one model call (models.batch_wait_ms, models.max_query_batch; a max of 1 keeps one call per query).

    Only for a runtime whose vectors do not depend on the batch: an int8 runtime quantises activations per batch,
    so a question would get a slightly different vector (cosine ≈ 0.996) depending on who asked at the same
    moment; there each query is embedded alone, and the same question always gets the same answer."""
    from assistant.store.batching import BatchingEmbedder, batched_query_embedder

    embedder = assistant.embedder
    if (
        assistant.settings.models.max_query_batch <= 1
        or isinstance(embedder, BatchingEmbedder)
        or not getattr(embedder, "batch_invariant", True)
    ):
        return assistant
    batched = batched_query_embedder(embedder, assistant.settings.models)
    return Assistant(settings=assistant.settings, embedder=batched, index=assistant.index)


def build_assistant(settings: Settings, *, embedder: Embedder | None = None, fetch: bool = False,
                    rebuild_on_mismatch: bool = False, log=print) -> Assistant:  # fmt: skip
    """Wire the embedder and the index from settings (a given embedder replaces the configured one)."""
    embedder = embedder or load_embedder(settings.models, fetch=fetch)
    index = open_index(settings.index, embedder.model_id, embedder.dimension,
                       rebuild_on_mismatch=rebuild_on_mismatch, log=log)  # fmt: skip
    return Assistant(settings=settings, embedder=embedder, index=index)
