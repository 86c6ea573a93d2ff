"""kill -9 a real ingest process mid-document: the previous version stays whole and visible."""

import json
import os
import signal
import subprocess
import sys
import time

from tests.conftest import MODELS_DIR

V1 = """---
id: crash-doc
title: Crash test note
---
# Crash test note

## Version
The first version of this note talks about harbour cranes and tidal locks.
"""


def v2() -> str:
    sections = "\n".join(
        f"## Part {i}\nThe second version describes observatory telescope number {i} in detail.\n" for i in range(40)
    )
    return "---\nid: crash-doc\ntitle: Crash test note\n---\n# Crash test note\n\n" + sections


def _cli(tmp, *args, **popen):
    env = {**os.environ, "COOPGUIDE_MODELS__MODELS_DIR": str(MODELS_DIR),
           "COOPGUIDE_INDEX__PATH": str(tmp / "index"), "COOPGUIDE_MODELS__BATCH_SIZE": "4"}  # fmt: skip
    cmd = [sys.executable, "-m", "assistant.cli", *args]
    if popen:
        return subprocess.Popen(cmd, env=env, cwd=tmp, **popen)
    return subprocess.run(cmd, env=env, cwd=tmp, capture_output=True, text=True, timeout=600)


def _search(tmp, query):
    out = _cli(tmp, "search", query, "--json", "--k", "3")
    assert out.returncode == 0, out.stderr
    return [p["passage"] for p in json.loads(out.stdout)["passages"]]


def test_kill_9_mid_ingest_keeps_previous_version(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    note = corpus / "crash.md"
    note.write_text(V1, encoding="utf-8")
    first = _cli(tmp_path, "ingest", "corpus", "--quiet")
    assert first.returncode == 0, first.stderr

    note.write_text(v2(), encoding="utf-8")
    proc = _cli(tmp_path, "ingest", "corpus", "--verbose", "--quiet", stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 300
    for line in proc.stderr:
        if "vectors written: crash-doc 8/" in line:  # two batches of new vectors are in the store
            os.kill(proc.pid, signal.SIGKILL)
            break
        assert time.time() < deadline
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    status = json.loads(_cli(tmp_path, "status", "--json").stdout)
    assert status["vectors"] > status["chunks"] == 1  # orphans exist, the manifest still has v1
    assert status["ingest"].startswith("interrupted at "), status["ingest"]  # the killed run is named as such
    passages = _search(tmp_path, "observatory telescope")
    assert passages and all("harbour cranes" in p for p in passages)  # only the old version is visible

    resumed = _cli(tmp_path, "ingest", "corpus", "--quiet")
    assert resumed.returncode == 0, resumed.stderr
    status = json.loads(_cli(tmp_path, "status", "--json").stdout)
    assert status["vectors"] == status["chunks"] == 40
    assert status["ingest"].startswith("last ingest finished"), status["ingest"]
    assert any("observatory telescope" in p for p in _search(tmp_path, "observatory telescope"))
