"""One contract for the state several instances share, run against the SQLite default and PostgreSQL:
manifest, keyword indexes, feedback, rate limits, the writer lock."""

import threading
import time
import uuid

import psycopg
import pytest

from assistant.api.access import RateLimiter
from assistant.api.shared_limits import PgRateLimiter
from assistant.store.database import open_database
from assistant.store.feedback import FeedbackStore, PgFeedbackStore
from assistant.store.index import Index, IngestRunning
from assistant.store.keyword_sets import FileKeywordStore, KeywordSets, PgKeywordStore
from assistant.store.keywords import BM25Index
from assistant.store.manifest import Manifest
from assistant.store.pg_manifest import PgManifest
from assistant.store.vectors import MemoryStore
from assistant.types import Chunk


def fresh_database(url: str):
    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return open_database(url.rsplit("/", 1)[0] + f"/{name}")


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request, tmp_path):
    """(kind, make_manifest, database): make_manifest() opens a second handle on the same state."""
    if request.param == "sqlite":
        return "sqlite", lambda: Manifest(tmp_path / "manifest.sqlite"), None
    db = fresh_database(request.getfixturevalue("postgres_url"))
    return "postgres", lambda: PgManifest(db), db


def meta(doc, visibility="public", content="1"):
    return {"doc_id": doc, "source_path": f"{doc}.md", "content_hash": content, "visibility": visibility,
            "title": doc.upper(), "sources": [{"id": "a", "publisher": "P", "title": "T", "date": None, "url": None}]}  # fmt: skip


def chunk(doc, i, text="text", content="1"):
    return Chunk(f"{doc}::{content}::{i}", doc, f"{text} {i}", "S", None, 0, 5, i, {}, ("a",))


def test_commit_read_remove_and_generation(backend):
    _, manifest, _ = backend
    m = manifest()
    g0 = m.generation()
    m.commit_document(meta("d"), [chunk("d", 0), chunk("d", 1)])
    assert m.generation() == g0 + 1 and m.documents() == {"d": ("d.md", "1")}
    got = m.chunks(["d::1::0", "d::1::1", "missing"])
    assert set(got) == {"d::1::0", "d::1::1"} and got["d::1::0"].source_ids == ("a",)
    assert got["d::1::0"].meta["title"] == "D" and [c.ordinal for c in m.doc_chunks("d")] == [0, 1]
    m.commit_document(meta("d", content="2"), [chunk("d", 0, content="2")])  # a new version replaces the old
    assert m.chunk_ids() == {"d::2::0"} and m.count_chunks() == 1 and m.generation() == g0 + 2
    m.remove_document("d")
    assert m.documents() == {} and m.chunk_ids() == set() and m.generation() == g0 + 3
    m.set("model_id", "x")
    assert m.get("model_id") == "x" and m.get("nothing") is None


def test_a_second_handle_never_serves_stale_visibility(backend):
    _, manifest, _ = backend
    server, ingest = manifest(), manifest()
    ingest.commit_document(meta("d"), [chunk("d", 0)])
    assert server.chunks(["d::1::0"])["d::1::0"].meta["visibility"] == "public"
    ingest.commit_document(meta("d", "internal", "2"), [chunk("d", 0, content="2")])
    assert server.document_meta("d")["visibility"] == "internal"
    assert server.chunks(["d::2::0"])["d::2::0"].meta["visibility"] == "internal"
    assert server.generation() == ingest.generation()


def test_keyword_store_round_trip(backend, tmp_path):
    kind, manifest, db = backend
    store = FileKeywordStore(tmp_path / "kw") if kind == "sqlite" else PgKeywordStore(db)
    index = BM25Index.build([chunk("d", 0, "export licence laser"), chunk("d", 1, "guest researcher")])
    store.save("public", 7, index)
    loaded = store.load("public", 7)
    assert loaded.search("laser licence", 2) == index.search("laser licence", 2)
    assert store.load("public", 6) is None and store.visibilities(7) == ["public"]


def test_keyword_sets_swap_whole_sets_in_the_background(backend, tmp_path):
    kind, manifest, db = backend
    writer, reader = manifest(), manifest()
    store = FileKeywordStore(tmp_path / "kw") if kind == "sqlite" else PgKeywordStore(db)
    writer.commit_document(meta("d"), [chunk("d", 0, "alpha bravo")])
    KeywordSets(store, writer).build()
    serving = KeywordSets(store, reader)
    assert serving.get("public").search("alpha", 3)  # a cold instance loads before answering
    writer.commit_document(meta("d", content="2"), [chunk("d", 0, "charlie delta", "2")])
    KeywordSets(store, writer).build()  # the ingest job publishes the new generation
    first = serving.get("public")  # the complete previous set while the new one loads, never a half one
    assert first.search("alpha", 3) or first.search("charlie", 3)
    deadline = time.time() + 30
    while not serving.get("public").search("charlie", 3):
        assert time.time() < deadline, "the new generation was never swapped in"
        time.sleep(0.05)
    assert serving.last_swap_ms is not None and not serving.get("public").search("alpha", 3)


def test_feedback_written_through_one_handle_is_exported_through_another(backend, tmp_path):
    kind, _, db = backend
    make = (lambda: FeedbackStore(tmp_path / "f.sqlite")) if kind == "sqlite" else (lambda: PgFeedbackStore(db))
    first, second = make(), make()
    row = first.add("answer.1", "up", "=1+1", "question?", "widget")
    assert row >= 1 and second.rows()[-1][2:7] == ("answer.1", "up", "=1+1", "question?", "widget")
    assert "'=1+1" in second.export_csv()
    with pytest.raises(ValueError):
        second.add("x", "sideways")


def test_rate_limit_counted_across_handles(backend):
    kind, _, db = backend
    if kind == "sqlite":
        shared = RateLimiter(3)
        first = second = shared  # one process: one limiter
    else:
        first, second = PgRateLimiter(db, 3), PgRateLimiter(db, 3)
    now = 1_000_020.0
    assert [first.check("key:a", now=now) is None for _ in range(2)] == [True, True]
    assert second.check("key:a", now=now) is None
    assert second.check("key:a", now=now) is not None and first.blocked("key:a", now=now) is not None
    assert first.check("key:b", now=now) is None  # buckets are separate
    assert first.check("key:a", cost=10, now=now) is not None


def test_one_ingest_at_a_time(backend, tmp_path):
    _, manifest, db = backend
    index = Index(folder=tmp_path, store=MemoryStore(), manifest=manifest(), database=db)
    other = Index(folder=tmp_path, store=MemoryStore(), manifest=manifest(), database=db)
    with index.ingest_lock(), pytest.raises(IngestRunning, match="another ingest is running"), other.ingest_lock():
        pass
    with other.ingest_lock():  # released after the first run
        pass


def test_commits_from_two_threads_keep_a_consistent_generation(backend):
    _, manifest, _ = backend
    m = manifest()
    g0 = m.generation()
    threads = [threading.Thread(target=lambda d=d: m.commit_document(meta(d), [chunk(d, 0)])) for d in "abcdef"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert m.generation() == g0 + 6 and len(m.documents()) == 6
