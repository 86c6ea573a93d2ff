"""Parse [n] markers back to citations and check an answer's citation validity — pure functions."""

from __future__ import annotations

import re

from assistant.text.sentences import split_sentences

MARKER = re.compile(r"\[(\d+)\]")
_SOURCE_HEADINGS = ("Quellen:", "Sources:", "Am nächsten kommen", "The closest sources")


def answer_body(answer: str) -> str:
    """The answer without its source list, heading lines and the screening block (a blockquote
    whose lines carry their own source URLs)."""
    cut = min((answer.find(h) for h in _SOURCE_HEADINGS if h in answer), default=len(answer))
    lines = [ln for ln in answer[:cut].splitlines() if ln.strip() and not ln.lstrip().startswith(("#", ">"))]
    return "\n\n".join(lines)


def cited_numbers(answer: str) -> list[int]:
    return [int(n) for n in MARKER.findall(answer_body(answer))]


def citation_problems(answer: str, citation_numbers: set[int]) -> list[str]:
    """Every [n] must resolve to a returned citation and every sentence must carry one."""
    problems = []
    body = answer_body(answer)
    for n in MARKER.findall(body):
        if int(n) not in citation_numbers:
            problems.append(f"[{n}] does not resolve to a returned passage")
    for s, e in split_sentences(body):
        sentence = body[s:e].strip()
        if sentence and not MARKER.search(sentence):
            problems.append(f"sentence without citation: {sentence[:80]!r}")
    return problems
