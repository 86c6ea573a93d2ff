"""Structure-aware chunking and sentence splitting — pure functions."""

from __future__ import annotations

import re

from assistant.types import Chunk, Document

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


def _pack(spans: list[tuple[int, int]], limit: int, overlap: int) -> list[tuple[int, int]]:
    """Greedily group sentence spans into windows of at most `limit` chars (one long sentence
    stays whole)."""
    windows, i = [], 0
    while i < len(spans):
        j = i + 1
        while j < len(spans) and spans[j][1] - spans[i][0] <= limit:
            j += 1
        windows.append((spans[i][0], spans[j - 1][1]))
        i = max(j - overlap, i + 1) if j < len(spans) else j
    return windows


def chunk_document(doc: Document, chunk_chars: int = 900, overlap: int = 0) -> list[Chunk]:
    """Chunks that never cross a section (a heading's body or a PDF page)."""
    chunks: list[Chunk] = []
    base = doc.metadata()
    for section in doc.sections:
        label = " > ".join(section.path) or None
        for start, end in _pack(split_sentences(section.text), chunk_chars, overlap):
            ordinal = len(chunks)
            chunks.append(
                Chunk(
                    chunk_id=f"{doc.doc_id}::{doc.content_hash[:12]}::{ordinal}",
                    doc_id=doc.doc_id,
                    text=section.text[start:end],
                    section=label,
                    page=section.page,
                    start=section.start + start,
                    end=section.start + end,
                    ordinal=ordinal,
                    meta=base,
                )
            )
    return chunks


def embedding_text(chunk: Chunk) -> str:
    """What is embedded and keyword-indexed: the passage with its title and section as context."""
    title = chunk.meta.get("title") or ""
    head = f"{title} — {chunk.section}" if chunk.section else title
    return f"{head}\n{chunk.text}" if head else chunk.text
