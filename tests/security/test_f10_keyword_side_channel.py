"""F10: keyword scores seen by a caller are computed only over documents that caller may see."""

from assistant.retrieve.retrieval import Filters, Retriever
from assistant.settings import RetrievalSettings
from assistant.store.embedding import HashingEmbedder, embedding_text
from assistant.store.index import Index
from assistant.store.manifest import Manifest
from assistant.store.vectors import MemoryStore
from assistant.types import Chunk

PUBLIC = "Export licences for laser devices are granted by BAFA."
HIDDEN = "Nightjar budget code laser devices export licence Nightjar Nightjar."


def _index(tmp_path, texts):
    embedder, store = HashingEmbedder(), MemoryStore("hashing-64", 64)
    manifest = Manifest(tmp_path / "manifest.sqlite")
    for i, (text, visibility) in enumerate(texts):
        meta = {"doc_id": f"d{i}", "title": f"T{i}", "visibility": visibility, "source_path": f"d{i}",
                "content_hash": f"h{i}"}  # fmt: skip
        chunk = Chunk(f"d{i}::h::0", f"d{i}", text, None, None, 0, len(text), 0, meta)
        store.add([chunk], embedder.embed_documents([embedding_text(chunk)]))
        manifest.commit_document(meta, [chunk])
    index = Index(folder=tmp_path, store=store, manifest=manifest)
    index.build_keywords()
    return Retriever(index, embedder, RetrievalSettings())


def test_hidden_documents_do_not_shift_public_scores(tmp_path):
    with_hidden = _index(tmp_path / "a", [(PUBLIC, "public"), (HIDDEN, "internal")])
    without = _index(tmp_path / "b", [(PUBLIC, "public")])
    query = "laser devices export licence Nightjar"
    assert with_hidden.keyword_scores(query, Filters()) == without.keyword_scores(query, Filters())
    public = with_hidden.retrieve(query, filters=Filters())
    assert [p.chunk.doc_id for p in public] == ["d0"]
    assert {
        p.chunk.doc_id for p in with_hidden.retrieve(query, filters=Filters(visibility=("public", "internal")))
    } == {"d0", "d1"}
