"""Every citation of the shipped corpus leads to the sources of its section, never to another source."""

from assistant.types import Citation, Passage


def test_no_citation_shows_a_source_its_section_does_not_rest_on(full):
    chunks = full.index.manifest.all_chunks()
    assert len(chunks) > 300
    for chunk in chunks:
        declared = {s["id"]: s for s in chunk.meta.get("sources") or ()}
        assert chunk.source_ids and set(chunk.source_ids) <= set(declared), chunk.chunk_id
        section = [{k: declared[i][k] for k in ("publisher", "title", "date", "url")} for i in chunk.source_ids]
        citation = Citation.from_passage(1, Passage(chunk, 0.5))
        assert list(citation.sources) == section, chunk.chunk_id
        assert citation.publisher in {s["publisher"] for s in section}
        assert citation.published in {s["date"] for s in section}
        assert citation.source_url in {s["url"] for s in section}
        if any(s["url"] for s in section):
            assert citation.source_url  # a section with a URL always offers it to the reader
