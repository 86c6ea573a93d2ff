"""Chunk boundaries against golden files; chunks never cross a section or a page."""

import json
import os
from pathlib import Path

from assistant.ingest.chunking import chunk_document
from assistant.ingest.loaders import load_document
from tests.corpus_factory import NOTES, PDF_PAGES, write_pdf

GOLDEN = Path(__file__).parent / "golden"


def _summary(chunks):
    return [{"section": c.section, "page": c.page, "start": c.start, "end": c.end, "text": c.text} for c in chunks]


def _check_golden(name, chunks):
    path = GOLDEN / name
    actual = _summary(chunks)
    if os.environ.get("UPDATE_GOLDEN") or not path.exists():
        path.write_text(json.dumps(actual, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    assert actual == json.loads(path.read_text(encoding="utf-8"))


def _full_text(doc):
    return "\n\n".join(s.text for s in doc.sections)


def test_markdown_chunks_match_golden_and_offsets(tmp_path):
    (tmp_path / "n.md").write_text(NOTES["export-control-en.md"], encoding="utf-8")
    doc = load_document(tmp_path / "n.md", 10**6)
    chunks = chunk_document(doc, chunk_chars=200)
    _check_golden("chunks_markdown.json", chunks)
    full = _full_text(doc)
    for c in chunks:
        assert full[c.start : c.end] == c.text  # char offsets point into the document text
        assert len(c.text) <= 200 or "." not in c.text[:-1]  # only a single long sentence may exceed
    sections = {c.section for c in chunks}
    assert sections == {"Listed items", "Catch-all clause", "Who decides"}


def test_pdf_chunks_never_cross_pages(tmp_path):
    write_pdf(tmp_path / "a.pdf", PDF_PAGES)
    doc = load_document(tmp_path / "a.pdf", 10**6)
    chunks = chunk_document(doc, chunk_chars=10_000)
    assert [c.page for c in chunks] == [1, 2, 3]  # one page never merges with the next
    _check_golden("chunks_pdf.json", chunks)


def test_chunk_ids_are_stable_and_versioned(tmp_path):
    (tmp_path / "n.md").write_text(NOTES["dfg-de.md"], encoding="utf-8")
    a = chunk_document(load_document(tmp_path / "n.md", 10**6))
    b = chunk_document(load_document(tmp_path / "n.md", 10**6))
    assert [c.chunk_id for c in a] == [c.chunk_id for c in b]
    (tmp_path / "n.md").write_text(NOTES["dfg-de.md"] + "\nNeuer Satz am Ende.\n", encoding="utf-8")
    c = chunk_document(load_document(tmp_path / "n.md", 10**6))
    assert not set(x.chunk_id for x in a) & set(x.chunk_id for x in c)  # a new version, new ids
