"""Extractive answers: evidence gate, sentence selection, rendering with [n] citations — pure logic."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from assistant.answer.guard import INJECTION
from assistant.settings import AnswerSettings
from assistant.text.language import keyword_tokens
from assistant.text.sentences import split_sentences
from assistant.types import Citation, Passage, describe_sources

SOURCES_HEADING = {"de": "Quellen:", "en": "Sources:"}
OTHER_LANGUAGE = {
    "de": {"en": "aus einer englischsprachigen Quelle"},
    "en": {"de": "from a German-language source"},
}
REFUSAL = {
    "de": (
        "Die Leitfäden und Quellen in coopguide decken diese Frage nicht ausreichend ab, daher gebe "
        "ich keine Antwort. Bitte wenden Sie sich an die Exportkontrollbeauftragte oder den "
        "Exportkontrollbeauftragten Ihrer Einrichtung oder an das Bundesamt für Wirtschaft und "
        "Ausfuhrkontrolle (BAFA)."
    ),
    "en": (
        "The guidance and sources in coopguide do not cover this question well enough, so I give no "
        "answer. Please ask your institution's export-control officer or Germany's Federal Office "
        "for Economic Affairs and Export Control (BAFA)."
    ),
}
CLOSEST = {"de": "Am nächsten kommen diese Quellen:", "en": "The closest sources are:"}
_NOISE = re.compile(r"^(stand|as of|quellen|sources)\b|https?://|^\W*$", re.I)


@dataclass(frozen=True)
class Evidence:
    passage_index: int  # index into the passages list
    doc_id: str
    start: int
    text: str
    score: float
    tokens: frozenset[str] = frozenset()


def passes_gate(passages: list[Passage], settings: AnswerSettings) -> bool:
    """Enough evidence to answer: the best passage is semantically close enough."""
    return bool(passages) and max(p.dense for p in passages) >= settings.min_evidence


def clean_sentence(text: str) -> str:
    text = re.sub(r"^\s*(?:[-*•]|\d+\.)\s+", "", text.strip())
    text = text.replace("**", "").replace("__", "")
    return " ".join(text.split())


def candidate_sentences(passages: list[Passage], question: str, max_passages: int,
                        bonus: Callable[[str], float] | None = None) -> list[Evidence]:  # fmt: skip
    """Score every sentence of the top passages by passage score plus overlap with the question, plus the
    bonus its role earns for this kind of question (an obligation for "may I", a definition for "what is")."""
    q_tokens = set(keyword_tokens(question))
    out = []
    for pi, passage in enumerate(passages[:max_passages]):
        text = passage.chunk.text
        for position, (s, e) in enumerate(split_sentences(text)):
            sentence = clean_sentence(text[s:e])
            if len(sentence) < 25 or _NOISE.search(sentence) or sentence.startswith("#"):
                continue
            if sentence.endswith(":"):
                continue  # it announces a list; alone, without the list, it says nothing
            if INJECTION.search(sentence):
                continue  # text addressed to an AI is data, never part of an answer
            tokens = frozenset(keyword_tokens(sentence))
            overlap = len(q_tokens & tokens) / (len(q_tokens) or 1)
            score = passage.score + 0.35 * overlap - 0.01 * position - 0.03 * pi + (bonus(sentence) if bonus else 0.0)
            out.append(Evidence(pi, passage.chunk.doc_id, s, sentence, score, tokens))
    return out


def _similar(a: Evidence, b: Evidence) -> bool:
    ta = a.tokens or frozenset(keyword_tokens(a.text))
    tb = b.tokens or frozenset(keyword_tokens(b.text))
    return bool(ta and tb) and len(ta & tb) / len(ta | tb) > 0.5


def select_evidence(
    candidates: list[Evidence], max_sentences: int, per_passage: int = 2, per_document: int = 3
) -> list[Evidence]:
    """Best sentences first, skipping near-duplicates and capping each passage's and document's share, so an
    answer draws on several sources rather than one long passage: first the best sentence of each passage (in
    score order), then further sentences up to `per_passage` each."""
    chosen: list[Evidence] = []
    ranked = sorted(candidates, key=lambda e: -e.score)
    for share in (1, per_passage):
        for ev in ranked:
            if len(chosen) >= max_sentences:
                return chosen
            if ev in chosen or sum(c.passage_index == ev.passage_index for c in chosen) >= share:
                continue
            if sum(c.doc_id == ev.doc_id for c in chosen) >= per_document:
                continue
            if any(_similar(ev, c) for c in chosen):
                continue
            chosen.append(ev)
    return chosen


def source_line(c: Citation, language: str) -> str:
    where = [c.section] if c.section and c.section != f"Page {c.page}" else []
    if c.page is not None:
        where.append(f"{'S.' if language == 'de' else 'p.'} {c.page}")
    sources = describe_sources(c)
    parts = [f"[{c.n}] {c.title}"] + ([" — " + ", ".join(where)] if where else [])
    return "".join(parts + ([f". {sources}"] if sources else []))


def render_answer(language: str, passages: list[Passage], chosen: list[Evidence]) -> tuple[str, list[Citation]]:
    """Group sentences by document (best first), number each passage, append the source list."""
    best = {}
    for e in chosen:
        best[e.passage_index] = max(best.get(e.passage_index, -1e9), e.score)
    doc_rank: dict[str, float] = {}
    for pi, score in best.items():
        doc = passages[pi].chunk.doc_id
        doc_rank[doc] = max(doc_rank.get(doc, -1e9), score)
    order = sorted(best, key=lambda pi: (-doc_rank[passages[pi].chunk.doc_id], -best[pi]))
    numbers = {pi: n for n, pi in enumerate(order, 1)}
    citations = [Citation.from_passage(numbers[pi], passages[pi]) for pi in order]
    blocks: dict[str, list[str]] = {}
    for pi in order:
        c = citations[numbers[pi] - 1]
        if c.doc_id not in blocks:
            note = OTHER_LANGUAGE.get(language, {}).get(c.language)
            blocks[c.doc_id] = [f"### {c.title}" + (f" ({note})" if note else "")]
        mine = sorted((e for e in chosen if e.passage_index == pi), key=lambda e: e.start)
        blocks[c.doc_id] += [f"- {e.text} [{numbers[pi]}]" for e in mine]
    sources = [SOURCES_HEADING[language]] + [source_line(c, language) for c in citations]
    return "\n\n".join("\n".join(b) for b in blocks.values()) + "\n\n" + "\n".join(sources), citations


def render_refusal(language: str, passages: list[Passage], reason: str | None = None) -> tuple[str, list[Citation]]:
    """The refusal (or the given reason) and the closest sources, for a reader who wants to look further."""
    citations = [Citation.from_passage(n, p) for n, p in enumerate(passages[:3], 1)]
    text = reason or REFUSAL[language]
    if citations:
        text += "\n\n" + CLOSEST[language] + "\n" + "\n".join(source_line(c, language) for c in citations)
    return text, citations


def extractive_answer(question: str, language: str, passages: list[Passage], settings: AnswerSettings,
                      bonus: Callable[[str], float] | None = None) -> tuple[str, list[Citation], bool]:  # fmt: skip
    """(answer text, citations, refused)."""
    if not passes_gate(passages, settings):
        text, citations = render_refusal(language, passages)
        return text, citations, True
    candidates = candidate_sentences(passages, question, settings.max_passages, bonus)
    chosen = select_evidence(candidates, settings.max_sentences)
    if not chosen:
        text, citations = render_refusal(language, passages)
        return text, citations, True
    text, citations = render_answer(language, passages, chosen)
    return text, citations, False
