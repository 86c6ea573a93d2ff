"""Sentence splitting for German and English text — a pure function."""

from __future__ import annotations

import re

# Abbreviations after which a period does not end a sentence (de and en).
_ABBREV = {
    "z", "b", "bzw", "ca", "vgl", "ggf", "usw", "u", "a", "s", "nr", "art", "abs", "dr", "prof",
    "e", "g", "i", "etc", "vs", "no", "sec", "para", "fig", "st", "mr", "ms", "inc", "ltd", "co",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "okt", "nov", "dec",
    "dez", "bspw", "d", "h", "o", "v", "reg", "ff", "lit", "gem", "insb", "al", "cf", "resp",
}  # fmt: skip
_BOUNDARY = re.compile(r"(?<=[.!?…])[\"”»)]*\s+(?=[\"„“«(]?[A-ZÄÖÜ0-9§])|\n\s*\n|\n(?=\s*[-*•]\s)")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans (start, end) in `text`; paragraph breaks and list items also end one."""
    spans, start = [], 0
    for match in _BOUNDARY.finditer(text):
        before = text[start : match.start()].rstrip()
        last_word = re.search(r"([A-Za-zÄÖÜäöü]+)\.$", before)
        if last_word and last_word.group(1).lower() in _ABBREV and "\n" not in match.group(0):
            continue
        if re.search(r"\b\d{1,2}\.$", before) and "\n" not in match.group(0):
            continue  # a German date or ordinal: "25. Februar"
        if before.strip():
            spans.append((start, start + len(before)))
        start = match.end()
    tail = text[start:].rstrip()
    if tail.strip():
        spans.append((start, start + len(tail)))
    return [(s + len(text[s:e]) - len(text[s:e].lstrip()), e) for s, e in spans]
