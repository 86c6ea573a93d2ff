"""Structure-aware chunking and sentence splitting — pure functions."""

from __future__ import annotations

from assistant.text.sentences import split_sentences
from assistant.types import Chunk, Document


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
                    source_ids=section.source_ids,
                )
            )
    return chunks
