"""Two `coopguide serve` processes on shared engines — PostgreSQL and a `chroma run` server — with ingest as a
one-off CLI job: both answer from new documents, hide re-classified ones, survive the other's death, and share
feedback, answer ids and the secret."""

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from assistant.api.running import free_port, wait_ready
from assistant.evaluation.chroma_server import start_chroma
from assistant.evaluation.loadtest import run_clients
from tests.conftest import MODELS_DIR
from tests.store.test_shared_state import fresh_database

NOTE = "---\nid: {id}\ntitle: {title}\nvisibility: {visibility}\n---\n# {title}\n\n## Rule\n{text}\n"
QUESTION = {"question": "What governs laboratory visits by external guests on Tuesdays?"}


@pytest.fixture
def shared(tmp_path, postgres_url):
    db = fresh_database(postgres_url)
    chroma, chroma_url = start_chroma(tmp_path / "chroma")
    env = {**os.environ, "COOPGUIDE_MODELS__MODELS_DIR": str(MODELS_DIR), "COOPGUIDE_INDEX__DATABASE_URL": db.url,
           "COOPGUIDE_INDEX__CHROMA_URL": chroma_url, "COOPGUIDE_INGEST__CORPUS": json.dumps([str(tmp_path / "corpus")]),
           "GRADIO_ANALYTICS_ENABLED": "False"}  # fmt: skip
    (tmp_path / "corpus").mkdir()
    yield tmp_path, env
    chroma.terminate()
    chroma.wait(timeout=20)


def write(folder: Path, doc: str, text: str, visibility: str = "public") -> None:
    note = NOTE.format(id=doc, title=doc.replace("-", " ").title(), visibility=visibility, text=text)
    (folder / "corpus" / f"{doc}.md").write_text(note, encoding="utf-8")


def cli(folder: Path, env: dict, *args: str) -> str:
    out = subprocess.run([sys.executable, "-m", "assistant.cli", *args], env={**env, "COOPGUIDE_INDEX__PATH":
                         str(folder / "job")}, cwd=folder, capture_output=True, text=True, timeout=600)  # fmt: skip
    assert out.returncode == 0, out.stderr
    return out.stdout


def serve(folder: Path, env: dict, name: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "assistant.cli", "serve", "--port", str(port)], cwd=folder,
                            env={**env, "COOPGUIDE_INDEX__PATH": str(folder / name)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    return proc, f"http://127.0.0.1:{port}"


def eventually(check, seconds: float = 15.0) -> float:
    started = time.perf_counter()
    while not check():
        assert time.perf_counter() - started < seconds, "not within the time allowed"
        time.sleep(0.3)
    return time.perf_counter() - started


def test_two_instances_on_shared_engines(shared):
    folder, env = shared
    write(
        folder, "visits", "The zebra finch protocol ZX-4711 governs laboratory visits by external guests on Tuesdays."
    )
    cli(folder, env, "ingest", "--quiet")
    (a, base_a), (b, base_b) = serve(folder, env, "a"), serve(folder, env, "b")
    try:
        wait_ready(base_a, a, 180)
        wait_ready(base_b, b, 180)
        for base in (base_a, base_b):
            assert "ZX-4711" in httpx.post(base + "/api/ask", json=QUESTION, timeout=60).text

        # a new document, ingested by the one-off job, reaches both instances within seconds
        write(
            folder,
            "tuesday-desk",
            "The green desk procedure GD-88 governs laboratory visits by external guests on Tuesdays.",
        )
        cli(folder, env, "ingest", "--quiet")
        for base in (base_a, base_b):
            eventually(lambda base=base: "GD-88" in httpx.post(base + "/api/ask", json=QUESTION, timeout=60).text)

        # made internal: gone from public answers and search on both, at once
        write(folder, "visits", "The zebra finch protocol ZX-4711 governs laboratory visits by external guests on "
              "Tuesdays.", visibility="internal")  # fmt: skip
        cli(folder, env, "ingest", "--quiet")
        for base in (base_a, base_b):
            assert "ZX-4711" not in httpx.post(base + "/api/ask", json=QUESTION, timeout=60).text
            found = httpx.get(base + "/api/search", params={"q": "zebra finch ZX-4711"}, timeout=60).json()["passages"]
            assert not any("ZX-4711" in p["passage"] for p in found)

        # an answer issued by A is rated through B; the feedback is exported by the CLI job
        answer_id = httpx.post(base_a + "/api/ask", json=QUESTION, timeout=60).json()["answer_id"]
        assert httpx.post(base_b + "/api/feedback", json={"answer_id": answer_id, "rating": "up",
                                                          "comment": "via B"}).status_code == 200  # fmt: skip
        exported = cli(folder, env, "feedback", "export", "--csv")
        assert answer_id in exported and "via B" in exported

        # A dies under load; B keeps answering with no errors
        result = {}
        load = threading.Thread(target=lambda: result.update(run_clients(base_b, [QUESTION["question"]], 4, 5)))
        load.start()
        time.sleep(1.0)
        a.send_signal(signal.SIGKILL)
        load.join(timeout=300)
        assert result["requests"] == 20 and result["errors"] == 0, result
    finally:
        for proc in (a, b):
            proc.kill()
            proc.wait(timeout=30)
