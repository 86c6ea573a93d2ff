"""LLM answers that are only shown sentence by sentence after the grounding check."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from assistant.answer.citations import MARKER
from assistant.answer.extractive import SOURCES_HEADING, source_line
from assistant.answer.llm.prompt import Checked, build_messages, check_sentence, complete_sentences, post_check
from assistant.settings import LLMSettings
from assistant.types import Citation, Passage


@dataclass(frozen=True)
class LLMResult:
    text: str
    citations: list[Citation]
    mode: str  # "llm" | "llm-partial"
    kept: int
    dropped: int
    first_token_ms: float
    tokens: int
    seconds: float


class LLMAnswerer:
    def __init__(self, backend, settings: LLMSettings):
        self.backend, self.settings = backend, settings

    def generate(self, question: str, language: str, passages: list[Passage],
                 on_sentence: Callable[[str], None] | None = None) -> LLMResult | None:  # fmt: skip
        """The checked answer, or None when the extractive answer must be used instead."""
        passages = passages[: self.settings.passages]
        messages = build_messages(question, language, passages)
        context = "\n".join(p.chunk.text for p in passages)
        started, first, tokens, buffer, raw = time.perf_counter(), None, 0, "", ""
        try:
            for token in self.backend.stream(messages, self.settings.max_tokens):
                first = first or time.perf_counter()
                tokens += 1
                raw += token
                buffer += token
                done, buffer = complete_sentences(buffer)
                for sentence in done:
                    sentence = " ".join(sentence.split())
                    if on_sentence and not check_sentence(sentence, len(passages), language, context):
                        on_sentence(sentence)
                if time.perf_counter() - started > self.settings.timeout_s:
                    return None
        except Exception:  # noqa: BLE001 - any backend failure means: show the extractive answer
            return None
        checked: Checked = post_check(raw, passages, language)
        total = len(checked.kept) + len(checked.dropped)
        if checked.insufficient or not checked.kept or len(checked.kept) / total < self.settings.min_kept_share:
            return None
        cited = sorted({int(n) for s in checked.kept for n in MARKER.findall(s)})
        citations = [Citation.from_passage(n, passages[n - 1]) for n in cited]
        text = " ".join(checked.kept) + "\n\n" + "\n".join([SOURCES_HEADING[language]] +
                                                             [source_line(c, language) for c in citations])  # fmt: skip
        end = time.perf_counter()
        return LLMResult(text, citations, "llm-partial" if checked.dropped else "llm", len(checked.kept),
                         len(checked.dropped), ((first or end) - started) * 1000, tokens, end - started)  # fmt: skip
