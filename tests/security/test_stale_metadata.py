"""Stale metadata: a document re-ingested as internal stops being public in a running server at once."""

import json
import os
import subprocess
import sys
import time

import httpx

from assistant.api.running import free_port
from assistant.store.manifest import Manifest
from assistant.types import Chunk
from tests.conftest import MODELS_DIR

NOTE = "---\nid: canary\ntitle: Canary note\nvisibility: {visibility}\n---\n# Canary note\n\n## Finch\n{text}\n"
TEXT = "The zebra finch protocol ZX-4711 governs laboratory visits by external guests on Tuesdays."


def test_two_manifests_on_one_file_never_serve_stale_visibility(tmp_path):
    server, ingest = Manifest(tmp_path / "m.sqlite"), Manifest(tmp_path / "m.sqlite")
    chunk = Chunk("c::1::0", "c", "text", None, None, 0, 4, 0, {})
    ingest.commit_document({"doc_id": "c", "source_path": "p", "content_hash": "1", "visibility": "public"}, [chunk])
    assert server.chunks(["c::1::0"])["c::1::0"].meta["visibility"] == "public"
    assert server.document_meta("c")["visibility"] == "public"
    ingest.commit_document({"doc_id": "c", "source_path": "p", "content_hash": "2", "visibility": "internal"},
                           [Chunk("c::2::0", "c", "text", None, None, 0, 4, 0, {})])  # fmt: skip
    assert server.document_meta("c")["visibility"] == "internal"
    assert server.chunks(["c::2::0"])["c::2::0"].meta["visibility"] == "internal"


def _env(tmp_path):
    return {**os.environ, "COOPGUIDE_MODELS__MODELS_DIR": str(MODELS_DIR), "COOPGUIDE_INDEX__PATH": str(tmp_path / "index"),
            "COOPGUIDE_INGEST__CORPUS": json.dumps([str(tmp_path / "corpus")]), "GRADIO_ANALYTICS_ENABLED": "False"}  # fmt: skip


def _cli(tmp_path, *args):
    out = subprocess.run([sys.executable, "-m", "assistant.cli", *args], env=_env(tmp_path), cwd=tmp_path,
                         capture_output=True, text=True, timeout=600)  # fmt: skip
    assert out.returncode == 0, out.stderr
    return out


def test_real_server_stops_serving_a_document_made_internal(tmp_path):
    (tmp_path / "corpus").mkdir()
    note = tmp_path / "corpus" / "canary.md"
    note.write_text(NOTE.format(visibility="public", text=TEXT), encoding="utf-8")
    _cli(tmp_path, "ingest", "--quiet")
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "assistant.cli", "serve", "--port", str(port)], env=_env(tmp_path),
                              cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                if httpx.get(base + "/api/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        question = {"question": "What governs laboratory visits by external guests on Tuesdays?"}
        assert "ZX-4711" in httpx.post(base + "/api/ask", json=question, timeout=60).text
        note.write_text(NOTE.format(visibility="internal", text=TEXT), encoding="utf-8")
        _cli(tmp_path, "ingest", "--quiet")
        # the very next requests: nothing of the document reaches a public caller
        assert "ZX-4711" not in httpx.post(base + "/api/ask", json=question, timeout=60).text
        found = httpx.get(base + "/api/search", params={"q": "zebra finch ZX-4711"}, timeout=60).json()["passages"]
        assert not any("ZX-4711" in p["passage"] for p in found)
        docs = httpx.get(base + "/api/documents", headers={"X-API-Key": "nobody"}, timeout=60)
        assert docs.status_code in (401, 403) and "canary" not in docs.text
    finally:
        server.terminate()
        server.wait(timeout=30)
