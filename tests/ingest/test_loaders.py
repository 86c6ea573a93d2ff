"""Loaders on real generated files, and every kind of bad input."""

from pathlib import Path

import pytest

from assistant.ingest.loaders import LoadError, load_document
from tests.corpus_factory import PDF_PAGES, write_docx, write_pdf

MB = 1_000_000


def test_pdf_one_section_per_page_with_umlauts(tmp_path):
    write_pdf(tmp_path / "a.pdf", PDF_PAGES)
    doc = load_document(tmp_path / "a.pdf", 10 * MB)
    assert [s.page for s in doc.sections] == [1, 2, 3]
    assert "Übersee" in doc.sections[0].text and "Güterlisten" in doc.sections[1].text
    assert doc.title == "Leitfaden Partnerprüfung"
    assert doc.language == "de"


def test_pdf_with_wrong_suffix_is_loaded_by_content(tmp_path):
    write_pdf(tmp_path / "a.pdf", PDF_PAGES)
    (tmp_path / "mislabelled.txt").write_bytes((tmp_path / "a.pdf").read_bytes())
    assert len(load_document(tmp_path / "mislabelled.txt", 10 * MB).sections) == 3


def test_markdown_front_matter_and_heading_paths(tmp_path):
    (tmp_path / "n.md").write_text(
        "---\nid: n1\ntitle: T\nsource_urls: [https://a, https://b]\ntopics: [sanctions]\n---\n"
        "# T\n\nIntro text here.\n\n## One\n\nBody one.\n\n### Sub\n\nBody sub.\n",
        encoding="utf-8",
    )
    doc = load_document(tmp_path / "n.md", MB)
    assert doc.doc_id == "n1" and doc.source_url == "https://a" and doc.topics == ("sanctions",)
    assert [s.path for s in doc.sections] == [(), ("One",), ("One", "Sub")]
    assert doc.visibility == "public"


def test_html_drops_scripts_and_keeps_headings(tmp_path):
    html = "<html lang='de'><head><title>X</title><script>evil()</script></head><body><h2>Teil</h2><p>Text <b>fett</b>.</p></body></html>"
    (tmp_path / "p.html").write_text(html, encoding="utf-8")
    doc = load_document(tmp_path / "p.html", MB)
    assert doc.title == "X" and doc.language == "de"
    assert doc.sections[0].path == ("Teil",) and "evil" not in doc.sections[0].text
    assert "Text fett ." in doc.sections[0].text or "Text fett." in doc.sections[0].text


def test_docx_headings_become_sections(tmp_path):
    write_docx(tmp_path / "d.docx")
    doc = load_document(tmp_path / "d.docx", MB)
    assert doc.title == "Datenaustausch mit Partnern"
    assert [s.path for s in doc.sections] == [("Datenschutz",), ("Chinesische Datengesetze",)]


def _truncated_pdf(path: Path) -> None:
    write_pdf(path, PDF_PAGES)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])


BAD_INPUTS = {
    "empty.md": (lambda p: p.write_bytes(b""), "empty file"),
    "encrypted.pdf": (lambda p: write_pdf(p, PDF_PAGES, encrypt="secret"), "encrypted"),
    "truncated.pdf": (_truncated_pdf, "PDF"),
    "scanned.pdf": (lambda p: write_pdf(p, ["", ""]), "no extractable text"),
    "binary.md": (lambda p: p.write_bytes(b"# Title\n\x00\x01\x02\xff" * 50), "binary"),
    "latin1.txt": (lambda p: p.write_bytes("Prüfung der Güter".encode("latin-1")), "not valid UTF-8"),
    "fake.pdf": (lambda p: p.write_text("just text", encoding="utf-8"), "not a PDF"),
    "fake.docx": (lambda p: p.write_bytes(b"PK\x03\x04garbage"), "corrupt"),
    "big.txt": (lambda p: p.write_text("word " * 300_000, encoding="utf-8"), "over the limit"),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_gives_a_one_line_reason(tmp_path, name):
    make, reason = BAD_INPUTS[name]
    make(tmp_path / name)
    with pytest.raises(LoadError) as err:
        load_document(tmp_path / name, MB)
    assert reason in str(err.value)
    assert "\n" not in str(err.value)


SOURCED = """---
id: sourced
title: Sourced note
sources:
  - {id: a, publisher: Pub A, title: Title A, date: "2023-03", url: "https://a.example/x"}
  - {id: b, publisher: Pub B, title: Title B, date: null, url: null}
---
# Sourced note

## First
<!-- sources: a -->
Statement one rests on source A alone.

### Detail
A subsection inherits the sources of its section.

## Second
<!-- sources: b, a -->
Statement two synthesises both sources.
"""


def test_sections_name_their_sources_and_citations_show_them(tmp_path):
    from assistant.ingest.chunking import chunk_document
    from assistant.types import Citation, Passage

    path = tmp_path / "sourced.md"
    path.write_text(SOURCED, encoding="utf-8")
    doc = load_document(path, 10**6)
    assert [s.source_ids for s in doc.sections] == [("a",), ("a",), ("b", "a")]
    assert all("<!--" not in s.text for s in doc.sections)
    chunks = chunk_document(doc)
    first, second = (Citation.from_passage(1, Passage(c, 0.5)) for c in (chunks[0], chunks[-1]))
    assert (first.publisher, first.published, first.source_url) == ("Pub A", "2023-03", "https://a.example/x")
    assert [s["publisher"] for s in second.sources] == ["Pub B", "Pub A"]
    assert second.source_url == "https://a.example/x"  # the lead source is the first with a URL


@pytest.mark.parametrize("broken,reason", [
    ("<!-- sources: a -->\nStatement one", "names no sources"),  # the marker of "Second" removed below
    ("<!-- sources: zzz -->", "undeclared sources"),
])  # fmt: skip
def test_bad_source_markers_fail_the_file(tmp_path, broken, reason):
    text = (
        SOURCED.replace("<!-- sources: b, a -->\n", "")
        if reason == "names no sources"
        else SOURCED.replace("<!-- sources: a -->", broken)
    )
    path = tmp_path / "broken.md"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LoadError, match=reason):
        load_document(path, 10**6)


def test_a_document_without_declared_sources_is_cited_with_its_own_metadata(tmp_path):
    from assistant.ingest.chunking import chunk_document
    from assistant.types import Citation, Passage

    path = tmp_path / "plain.md"
    path.write_text("---\nid: p\ntitle: P\npublisher: Office\npublished: '2020'\nsource_urls: [https://o.example]\n"
                    "---\n# P\n\n## S\nA plain note without sources per section.\n", encoding="utf-8")  # fmt: skip
    citation = Citation.from_passage(1, Passage(chunk_document(load_document(path, 10**6))[0], 0.5))
    assert (citation.publisher, citation.published, citation.source_url) == ("Office", "2020", "https://o.example")
    assert citation.sources == ({"publisher": "Office", "title": "P", "date": "2020", "url": "https://o.example"},)
