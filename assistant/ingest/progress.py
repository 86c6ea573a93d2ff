"""What a person sees while ingest embeds, and what `coopguide status` shows meanwhile.

Embedding is the slow part (a few chunks per second on a laptop CPU), so progress counts chunks, not files:
on a terminal a bar with rate and time left; in a log (no terminal) one line every `interval` seconds. The
same figures are recorded in the manifest (`ingest_progress`), so `coopguide status` — from another terminal,
or with PostgreSQL from another machine — shows an index being built, and notices one that was interrupted.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sys
import time
from collections.abc import Callable
from typing import Any

KEY = "ingest_progress"
STALE_S = 600  # no update for this long: the ingest is not running any more


def _minutes(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.0f} min"


class IngestProgress:
    def __init__(self, manifest, total: int, files: int, *, show: bool = True, log: Callable[[str], None] = print,
                 interval: float = 30.0, clock: Callable[[], float] = time.monotonic) -> None:  # fmt: skip
        self.manifest, self.total, self.files, self.log = manifest, total, files, log
        self.done, self.interval, self.clock = 0, interval, clock
        self.started = self.last_line = self.last_record = clock()
        self.bar = None
        if show and total and sys.stderr.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="chunk", desc="embedding", smoothing=0.1, dynamic_ncols=True)
        self.lines = show and total > 0 and self.bar is None
        if self.lines:
            log(f"embedding {total} chunks from {files} file(s) …")
        self._record("running")

    def rate(self) -> float:
        elapsed = self.clock() - self.started
        return self.done / elapsed if elapsed > 0 else 0.0

    def eta_s(self) -> float | None:
        rate = self.rate()
        return (self.total - self.done) / rate if rate > 0 else None

    def line(self) -> str:
        eta = self.eta_s()
        left = f", about {_minutes(eta)} left" if eta is not None else ""
        share = self.done * 100 // self.total if self.total else 100
        return f"embedding: {self.done}/{self.total} chunks ({share} %), {self.rate():.1f} chunks/s{left}"

    def advance(self, chunks: int) -> None:
        self.done += chunks
        if self.bar is not None:
            self.bar.update(chunks)
        now = self.clock()
        if self.lines and now - self.last_line >= self.interval:
            self.last_line = now
            self.log(self.line())
        if now - self.last_record >= 2.0:
            self._record("running")

    def close(self, state: str = "finished") -> None:
        if self.bar is not None:
            self.bar.close()
        self._record(state)

    def _record(self, state: str) -> None:
        self.last_record = self.clock()
        record = {"state": state, "done": self.done, "total": self.total, "files": self.files,
                  "rate": round(self.rate(), 3), "eta_s": self.eta_s(), "pid": os.getpid(),
                  "host": socket.gethostname(), "updated": time.time()}  # fmt: skip
        with contextlib.suppress(Exception):  # progress must never break an ingest
            self.manifest.set(KEY, json.dumps(record))


def _alive(record: dict[str, Any]) -> bool:
    if record.get("host") != socket.gethostname():
        return True  # another machine: only the age of the record tells
    try:
        os.kill(int(record["pid"]), 0)
        return True
    except ProcessLookupError:
        return False
    except (PermissionError, KeyError, ValueError, TypeError):
        return True


def describe(raw: str | None, now: float | None = None) -> str | None:
    """A line for `coopguide status` about the current or last ingest; None if there is nothing to say."""
    try:
        record = json.loads(raw) if raw else None
    except ValueError:
        return None
    if not isinstance(record, dict):
        return None
    age = (now or time.time()) - float(record.get("updated") or 0)
    done, total = record.get("done", 0), record.get("total", 0)
    if record.get("state") == "running":
        if age > STALE_S or not _alive(record):
            return f"interrupted at {done}/{total} chunks (run `coopguide ingest` again; it resumes by document)"
        eta = record.get("eta_s")
        left = f", about {_minutes(eta)} left" if eta is not None else ""
        return (f"being built: {done}/{total} chunks embedded, {record.get('rate', 0):.1f} chunks/s{left} "
                f"(pid {record.get('pid')} on {record.get('host')})")  # fmt: skip
    return f"last ingest {record.get('state')}: {done} chunks embedded"
