"""Ingest progress: counted in chunks, with rate and time left; recorded for `coopguide status`."""

import json
import os
import time

from assistant.ingest.progress import KEY, IngestProgress, describe


class Record:
    """The manifest's key/value seam, in memory."""

    def __init__(self):
        self.values = {}

    def set(self, key, value):
        self.values[key] = value

    def get(self, key):
        return self.values.get(key)


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_lines_with_rate_and_time_left_when_not_a_terminal():
    lines, clock, manifest = [], Clock(), Record()
    bar = IngestProgress(manifest, total=100, files=4, log=lines.append, interval=30, clock=clock)
    assert lines == ["embedding 100 chunks from 4 file(s) …"]
    clock.now += 10
    bar.advance(20)  # 2 chunks/s; not yet 30 s since the last line
    assert len(lines) == 1
    clock.now += 20
    bar.advance(40)  # 60 chunks in 30 s
    assert lines[-1] == "embedding: 60/100 chunks (60 %), 2.0 chunks/s, about 20 s left"
    record = json.loads(manifest.get(KEY))
    assert record["state"] == "running" and record["done"] == 60 and record["total"] == 100
    assert record["pid"] == os.getpid() and round(record["eta_s"]) == 20
    bar.close()
    assert json.loads(manifest.get(KEY))["state"] == "finished"


def test_quiet_shows_nothing_but_still_records():
    lines, manifest = [], Record()
    bar = IngestProgress(manifest, total=10, files=1, show=False, log=lines.append)
    bar.advance(10)
    bar.close()
    assert lines == [] and json.loads(manifest.get(KEY))["done"] == 10


def test_status_line_running_interrupted_and_finished():
    manifest = Record()
    clock = Clock()
    bar = IngestProgress(manifest, total=448, files=47, show=False, clock=clock)
    clock.now += 60
    bar.advance(150)
    bar._record("running")
    assert describe(manifest.get(KEY)).startswith(
        "being built: 150/448 chunks embedded, 2.5 chunks/s, about 2 min left"
    )
    dead = json.loads(manifest.get(KEY)) | {"pid": 2**22 + 7}  # beyond pid_max: no such process
    assert describe(json.dumps(dead)).startswith("interrupted at 150/448 chunks")
    assert describe(manifest.get(KEY), now=time.time() + 3600).startswith("interrupted")  # no update for an hour
    bar.close()
    assert describe(manifest.get(KEY)) == "last ingest finished: 150 chunks embedded"
    assert describe(None) is None and describe("not json") is None
