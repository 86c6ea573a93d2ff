"""One contract for the vector-store seam, run against every implementation."""

import pytest

from assistant.evaluation.chroma_server import start_chroma
from assistant.store.vectors import ChromaStore, IndexModelMismatch, MemoryStore
from assistant.types import Chunk

DIM = 4


def chunk(i, lang="en", vis="public"):
    meta = {"title": "T", "language": lang, "visibility": vis, "jurisdiction": "EU"}
    return Chunk(f"d{i}::v::{i}", f"d{i}", f"text {i}", None, None, 0, 6, i, meta)


VECS = [[1, 0, 0, 0], [0, 1, 0, 0], [0.9, 0.1, 0, 0], [0, 0, 1, 0]]


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory):
    proc, url = start_chroma(tmp_path_factory.mktemp("chroma-server"))
    yield url
    proc.terminate()
    proc.wait(timeout=20)


_counter = iter(range(10_000))


@pytest.fixture(params=["memory", "chroma-embedded", "chroma-server"])
def store(request, tmp_path):
    if request.param == "memory":
        return MemoryStore("m", DIM)
    if request.param == "chroma-embedded":
        return ChromaStore("m", DIM, path=tmp_path / "chroma")
    url = request.getfixturevalue("chroma_server")
    return ChromaStore("m", DIM, url=url, collection=f"contract{next(_counter)}")


def _norm(v):
    n = sum(x * x for x in v) ** 0.5
    return [x / n for x in v]


def test_add_query_orders_by_similarity(store):
    store.add([chunk(i) for i in range(4)], [_norm(v) for v in VECS])
    hits = store.query(_norm([1, 0, 0, 0]), 3)
    assert [h.chunk_id for h in hits][:2] == ["d0::v::0", "d2::v::2"]
    assert hits[0].similarity == pytest.approx(1.0, abs=1e-4)
    assert store.count() == 4 and store.ids() == {f"d{i}::v::{i}" for i in range(4)}


def test_filter_and_delete(store):
    store.add([chunk(0, "de"), chunk(1, "en", "internal"), chunk(2, "en")], [_norm(v) for v in VECS[:3]])
    where = {"$and": [{"visibility": {"$in": ["public"]}}, {"language": {"$in": ["en"]}}]}
    assert [h.chunk_id for h in store.query(_norm([1, 0, 0, 0]), 5, where)] == ["d2::v::2"]
    store.delete(["d2::v::2"])
    assert store.query(_norm([1, 0, 0, 0]), 5, where) == []
    assert store.count() == 2


def test_vectors_round_trip(store):
    store.add([chunk(0)], [_norm(VECS[0])])
    got = store.vectors(["d0::v::0", "missing"])
    assert list(got) == ["d0::v::0"] and got["d0::v::0"] == pytest.approx(_norm(VECS[0]), abs=1e-6)


def test_model_is_recorded_and_checked(store, tmp_path):
    assert store.model_info()["model_id"] == "m"
    if isinstance(store, ChromaStore):
        store.add([chunk(0)], [_norm(VECS[0])])
        with pytest.raises(IndexModelMismatch):
            ChromaStore("other-model", DIM, **_same_location(store, tmp_path))


def _same_location(store, tmp_path):
    settings = store._client.get_settings()
    if settings.chroma_server_host:
        return {"url": f"http://{settings.chroma_server_host}:{settings.chroma_server_http_port}",
                "collection": store._name}  # fmt: skip
    return {"path": tmp_path / "chroma", "collection": store._name}
