"""Ingest on the real model and real Chroma: incremental counts, bad files, removal, model change."""

import shutil

from assistant.service import build_assistant
from tests.conftest import make_settings
from tests.corpus_factory import NOTES, write_pdf


def _fresh(tmp_path, embedder, corpus_dir):
    shutil.copytree(corpus_dir, tmp_path / "corpus")
    return build_assistant(make_settings(tmp_path), embedder=embedder)


def test_incremental_reindex_costs_only_what_changed(tmp_path, embedder, corpus_dir):
    a = _fresh(tmp_path, embedder, corpus_dir)
    first = a.ingest()
    assert len(first.ingested) == 8 and not first.failed
    total = a.index.manifest.count_chunks()
    assert first.chunks_embedded == total == a.index.store.count()

    before = embedder.documents_embedded
    again = a.ingest()
    assert embedder.documents_embedded == before  # unchanged documents cost 0 embeddings
    assert len(again.unchanged) == 8 and again.chunks_embedded == 0

    note = tmp_path / "corpus" / "dfg-de.md"
    note.write_text(
        NOTES["dfg-de.md"] + "\n## Neu\nDie DFG prüft auch neue Kooperationsformen sorgfältig.\n",
        encoding="utf-8",
    )
    (tmp_path / "corpus" / "hosting.html").unlink()
    changed = a.ingest()
    assert changed.ingested == ["t-dfg-de"] and len(changed.removed) == 1
    dfg_chunks = a.index.manifest.doc_chunks("t-dfg-de")
    assert embedder.documents_embedded - before == len(dfg_chunks)  # only the changed document
    assert a.index.store.ids() == a.index.manifest.chunk_ids()  # old versions' vectors are gone
    hits = a.search("Kooperationsformen sorgfältig DFG", k=3)
    assert any("neue Kooperationsformen" in p.chunk.text for p in hits)
    assert not any(p.chunk.doc_id.startswith("hosting") for p in a.search("visa guest researcher", k=6))
    a.close()


def test_bad_files_are_reported_and_the_rest_is_ingested(tmp_path, embedder, corpus_dir):
    a = _fresh(tmp_path, embedder, corpus_dir)
    a.ingest()
    chunks_before = a.index.manifest.chunk_ids()
    bad = tmp_path / "corpus"
    (bad / "empty.md").write_bytes(b"")
    write_pdf(bad / "locked.pdf", ["Geheim"], encrypt="pw")
    (bad / "latin1.txt").write_bytes("Prüfung".encode("latin-1"))
    # a known document turns corrupt: its previous version must stay indexed
    (bad / "leitfaden.pdf").write_bytes(b"%PDF-1.4\n garbage")
    report = a.ingest()
    reasons = dict(report.failed)
    assert set(reasons) == {str(bad / n) for n in ["empty.md", "locked.pdf", "latin1.txt", "leitfaden.pdf"]}
    assert "encrypted" in reasons[str(bad / "locked.pdf")]
    assert len(report.unchanged) == 7 and not report.removed
    assert a.index.manifest.chunk_ids() == chunks_before  # nothing lost
    a.close()


def test_changed_model_forces_a_rebuild_with_a_message(tmp_path, embedder, corpus_dir):
    from assistant.store.embedding import HashingEmbedder
    from assistant.store.vectors import IndexModelMismatch

    a = _fresh(tmp_path, HashingEmbedder(), corpus_dir)
    a.ingest()
    a.close()
    settings = make_settings(tmp_path)
    try:
        build_assistant(settings, embedder=embedder)
        raise AssertionError("a different model must not open the index silently")
    except IndexModelMismatch as exc:
        assert "coopguide ingest --rebuild" in str(exc)
    messages = []
    b = build_assistant(settings, embedder=embedder, rebuild_on_mismatch=True, log=messages.append)
    assert "embedding model changed" in messages[0]
    assert b.index.is_empty()
    report = b.ingest()
    assert len(report.ingested) == 8
    assert b.index.store.model_info()["model_id"] == embedder.model_id
    b.close()


def test_documents_are_embedded_in_length_sorted_batches_across_documents(tmp_path, corpus_dir, monkeypatch):
    """Batches are formed over a group of documents, longest texts first (little padding), every document is
    committed with all its vectors, and small groups keep a commit at most GROUP_CHUNKS chunks away."""
    from assistant.ingest import pipeline
    from assistant.store.embedding import HashingEmbedder

    class Recording(HashingEmbedder):
        def __init__(self):
            super().__init__()
            self.batches: list[list[int]] = []

        def embed_documents(self, texts):
            self.batches.append([len(t) for t in texts])
            return super().embed_documents(texts)

    monkeypatch.setattr(pipeline, "GROUP_CHUNKS", 10)
    recording = Recording()
    a = _fresh(tmp_path, recording, corpus_dir)
    report = a.ingest(progress=False)
    assert len(report.ingested) == 8 and not report.failed
    assert sum(map(len, recording.batches)) == report.chunks_embedded == a.index.manifest.count_chunks()
    assert all(batch == sorted(batch, reverse=True) for batch in recording.batches)
    groups = pipeline._groups([(d, [None] * n) for d, n in zip("abcdef", [4, 5, 3, 30, 2, 9])])
    assert [[d for d, _ in g] for g in groups] == [["a", "b"], ["c"], ["d"], ["e"], ["f"]]
    assert a.index.store.ids() == a.index.manifest.chunk_ids()
    a.close()
