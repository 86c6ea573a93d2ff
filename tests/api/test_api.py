"""HTTP API in-process (TestClient) and on a real uvicorn server; one permission suite for every entry point."""

import json

import httpx
import pytest
from fastapi.testclient import TestClient

from assistant.api.app import create_app
from assistant.api.running import running_server
from assistant.service import Assistant
from assistant.store.feedback import FeedbackStore

KEYS = [
    {"key": "widget-key", "scope": "widget", "groups": [], "name": "widget"},
    {"key": "advisor-key", "scope": "advisor", "groups": ["internal"], "name": "advisor"},
]
SECRET = "Beratungsstelle"  # only in the internal document, never in the question
W = {"X-API-Key": "widget-key"}
A = {"Authorization": "Bearer advisor-key"}


def _assistant(built, **server):
    settings = built.settings.model_copy(deep=True)
    settings.server = settings.server.model_validate({"api_keys": KEYS, **server})
    return Assistant(settings=settings, embedder=built.embedder, index=built.index)


@pytest.fixture(scope="module")
def client(built, tmp_path_factory):
    app = create_app(_assistant(built), FeedbackStore(tmp_path_factory.mktemp("fb") / "feedback.sqlite"))
    return TestClient(app)


QUESTION = "Was empfiehlt der interne Vermerk zum Projekt Nordlicht?"


def _sse_final(text):
    blocks = [b for b in text.split("\n\n") if b.startswith("event: answer")]
    return json.loads(blocks[-1].split("data: ", 1)[1])


def entry_points(client, headers):
    """Everything any entry point returns for the secret's question, as one string."""
    out = [client.post("/api/ask", json={"question": QUESTION}, headers=headers).text,
           client.post("/api/ask/stream", json={"question": QUESTION}, headers=headers).text,
           client.get("/api/search", params={"q": QUESTION, "k": 10}, headers=headers).text,
           client.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": QUESTION}]}, headers=headers).text,
           client.post("/v1/chat/completions", json={"stream": True, "messages": [{"role": "user", "content": QUESTION}]}, headers=headers).text,
           client.get("/api/documents", headers=headers).text,
           client.get("/api/documents/t-internal-de", headers=headers).text]  # fmt: skip
    return "\n".join(out)


@pytest.mark.parametrize("headers", [{}, W], ids=["anonymous", "widget-key"])
def test_internal_documents_never_reach_callers_without_the_group(client, headers):
    assert SECRET not in entry_points(client, headers)
    assert client.get("/api/documents/t-internal-de", headers={**headers}).status_code in (403, 404)


def test_advisor_with_the_group_sees_internal_documents(client):
    everything = entry_points(client, A)
    assert SECRET in everything
    assert client.get("/api/documents/t-internal-de", headers=A).json()["visibility"] == "internal"


def test_ask_contract_and_sse_stream(client):
    import jsonschema

    from assistant.api.schema import ANSWER_SCHEMA

    data = client.post("/api/ask", json={"question": "Who decides on export licences in Germany?"}).json()
    jsonschema.validate(data, ANSWER_SCHEMA)
    stream = client.post("/api/ask/stream", json={"question": "Who decides on export licences in Germany?"}).text
    assert stream.startswith("event: progress") and "event: partial" in stream
    final = _sse_final(stream)
    assert final["answer"] == data["answer"] and final["citations"] == data["citations"]


def test_documents_search_institutions_health_feedback(client):
    doc = client.get("/api/documents/leitfaden-" + "x", headers=A).status_code
    assert doc == 404
    listing = client.get("/api/documents", headers=A).json()["documents"]
    pdf = next(d for d in listing if d["title"] == "Leitfaden Partnerprüfung")
    page2 = client.get(f"/api/documents/{pdf['doc_id']}", params={"page": 2}, headers=A).json()
    assert [c["page"] for s in page2["sections"] for c in s["chunks"]] == [2]
    assert client.get("/api/search", params={"q": "5A002"}).json()["passages"][0]["passage"].count("5A002")
    inst = client.get("/api/institutions", params={"q": "Ist die HIT gelistet?"}).json()["institutions"]
    assert inst[0]["name"] == "Harbin Institute of Technology"
    assert client.get("/api/health").json()["status"] == "ok"
    answer_id = client.post("/api/ask", json={"question": "Wer erteilt Genehmigungen?"}).json()["answer_id"]
    assert (
        client.post("/api/feedback", json={"answer_id": answer_id, "rating": "up", "comment": "gut"}).status_code == 200
    )
    store = client.app.state.feedback
    assert store.rows()[-1][2:5] == (answer_id, "up", "gut")
    assert "answer_id,rating" in store.export_csv().splitlines()[0]


def test_widget_scope_may_not_list_documents(client):
    assert client.get("/api/documents", headers=W).status_code == 403
    assert client.post("/api/ask", json={"question": "Who grants licences?"}, headers=W).status_code == 200


@pytest.mark.parametrize(
    "method,path,kwargs,status",
    [
        ("post", "/api/ask", {"json": {"question": ""}}, 400),
        ("post", "/api/ask", {"json": {"nope": 1}}, 400),
        ("post", "/api/ask", {"json": {"question": "x" * 2001}}, 400),
        (
            "post",
            "/api/ask",
            {"content": "{" + " " * 40_000 + "}", "headers": {"content-type": "application/json"}},
            413,
        ),
        ("post", "/api/ask", {"json": {"question": "hi"}, "headers": {"X-API-Key": "wrong"}}, 401),
        ("get", "/api/documents/does-not-exist", {"headers": A}, 404),
        ("post", "/v1/chat/completions", {"json": {"messages": [{"role": "assistant", "content": "x"}]}}, 400),
    ],
)
def test_clear_json_errors(client, method, path, kwargs, status):
    res = getattr(client, method)(path, **kwargs)
    assert res.status_code == status
    body = res.json()
    assert body["error"]["status"] == status and "Traceback" not in res.text


def test_rate_limit_and_required_key(built, tmp_path):
    app = create_app(_assistant(built, rate_limit_per_minute=2, require_key=True), FeedbackStore(tmp_path / "f.sqlite"))
    c = TestClient(app)
    assert c.get("/api/search", params={"q": "BAFA"}).status_code == 401
    codes = [c.get("/api/search", params={"q": "BAFA"}, headers=W).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    res = c.get("/api/search", params={"q": "BAFA"}, headers=W)
    assert res.status_code == 429 and int(res.headers["Retry-After"]) >= 1


def test_index_not_built_is_503(embedder, tmp_path):
    from assistant.service import build_assistant
    from tests.conftest import make_settings

    empty = build_assistant(make_settings(tmp_path), embedder=embedder)
    res = TestClient(create_app(empty)).post("/api/ask", json={"question": "Wer erteilt Genehmigungen?"})
    assert res.status_code == 503 and "coopguide ingest" in res.json()["error"]["message"]


def test_real_server_and_the_openai_client(built, tmp_path):
    import openai

    app = create_app(_assistant(built), FeedbackStore(tmp_path / "f.sqlite"))
    with running_server(app) as base:
        assert httpx.get(f"{base}/api/health").json()["status"] == "ok"
        oa = openai.OpenAI(base_url=f"{base}/v1", api_key="advisor-key")
        reply = oa.chat.completions.create(
            model="coopguide", messages=[{"role": "user", "content": "Who decides on export licences in Germany?"}]
        )
        text = reply.choices[0].message.content
        assert "BAFA" in text and "[1]" in text and "Sources:" in text
        streamed = "".join(
            chunk.choices[0].delta.content or ""
            for chunk in oa.chat.completions.create(model="coopguide", stream=True, messages=[
                {"role": "user", "content": "Who decides on export licences in Germany?"}])
        )  # fmt: skip
        assert streamed == text
        follow = oa.chat.completions.create(model="coopguide", messages=[
            {"role": "user", "content": "Dürfen gelisteten russischen Organisationen Gelder zur Verfügung gestellt werden?"},
            {"role": "assistant", "content": "…"}, {"role": "user", "content": "und wirtschaftliche Ressourcen?"}])  # fmt: skip
        assert (
            "Vermögenssperre" in follow.choices[0].message.content
            or "wirtschaftliche Ressourcen" in follow.choices[0].message.content
        )
        with pytest.raises(openai.AuthenticationError):
            openai.OpenAI(base_url=f"{base}/v1", api_key="wrong").chat.completions.create(
                model="coopguide", messages=[{"role": "user", "content": "x"}]
            )


def test_concurrent_clients_against_the_real_server(built, tmp_path):
    """A bounded load test on loopback (the full 50 × 20 run is part of `coopguide bench`)."""
    from assistant.evaluation.loadtest import run_clients

    app = create_app(_assistant(built, rate_limit_per_minute=10**6), FeedbackStore(tmp_path / "f.sqlite"))
    questions = ["Who decides on export licences in Germany?", "Was empfiehlt die DFG bei Risiken?",
                 "Ist die HIT auf der Entity List?", "Dürfen gelisteten Personen Gelder zur Verfügung gestellt werden?"]  # fmt: skip
    with running_server(app) as base:
        result = run_clients(base, questions, clients=20, per_client=3)
    assert result["requests"] == 60 and result["errors"] == 0, result


def test_the_served_path_batches_concurrent_queries_and_answers_as_one_by_one(built, tmp_path):
    """`coopguide serve` puts the query batcher in front of a batch-invariant model (the default, fp32):
    concurrent requests share model calls (max_concurrent requests are worked on at once) and get the answers a
    lone request gets."""
    from concurrent.futures import ThreadPoolExecutor

    from assistant.service import with_query_batching

    questions = ["Who decides on export licences in Germany?", "Was ist technische Unterstützung?",
                 "What is the Seven Sons list?", "Wer erteilt Genehmigungen?"]  # fmt: skip

    def ask(base, q):
        return httpx.post(f"{base}/api/ask", json={"question": q}, headers={"X-API-Key": "advisor-key"},
                          timeout=120).json()["answer"]  # fmt: skip

    with running_server(create_app(_assistant(built), FeedbackStore(tmp_path / "a.sqlite"))) as base:
        alone = {q: ask(base, q) for q in questions}
    batching = _assistant(built, max_concurrent=4)
    batching.settings.models.max_query_batch = 16  # off by default (no gain on onnx-fp32), on for this test
    served = with_query_batching(batching)
    served.embedder.wait_s = 0.2  # a wide window, so that the four requests surely meet
    try:
        app = create_app(served, FeedbackStore(tmp_path / "b.sqlite"))
        with running_server(app) as base, ThreadPoolExecutor(4) as pool:
            answers = dict(zip(questions, pool.map(lambda q: ask(base, q), questions)))
        assert max(served.embedder.batch_sizes) > 1  # requests were embedded together
        assert answers == alone
    finally:
        served.embedder.close()
    assert with_query_batching(served) is served  # never wrapped twice
