"""Feedback on answers (👍/👎 and a comment), stored in SQLite next to the index."""

from __future__ import annotations

import csv
import io
import sqlite3
import threading
import time
from pathlib import Path

SCHEMA = """CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY, created REAL NOT NULL, answer_id TEXT NOT NULL, rating TEXT NOT NULL,
    comment TEXT, question TEXT, principal TEXT)"""


class FeedbackStore:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute(SCHEMA)
        self._lock = threading.Lock()

    def add(self, answer_id: str, rating: str, comment: str | None = None, question: str | None = None,
            principal: str | None = None) -> int:  # fmt: skip
        if rating not in ("up", "down"):
            raise ValueError("rating must be 'up' or 'down'")
        with self._lock:
            cur = self._db.execute(
                "INSERT INTO feedback(created, answer_id, rating, comment, question, principal) VALUES (?,?,?,?,?,?)",
                (time.time(), answer_id, rating, comment, question, principal),
            )
            return int(cur.lastrowid)

    def rows(self) -> list[tuple]:
        return self._db.execute(
            "SELECT id, datetime(created, 'unixepoch'), answer_id, rating, comment, question, principal "
            "FROM feedback ORDER BY id"
        ).fetchall()

    def export_csv(self) -> str:
        """All feedback as CSV; cells a spreadsheet would run as a formula are prefixed with ' (text)."""
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["id", "created_utc", "answer_id", "rating", "comment", "question", "principal"])
        writer.writerows([[as_text_cell(v) for v in row] for row in self.rows()])
        return out.getvalue()


def as_text_cell(value):
    """Neutralise spreadsheet formulas (=, +, -, @, tab, CR at the start of a cell)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
