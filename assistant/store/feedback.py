"""Feedback on answers (👍/👎 and a comment): SQLite next to the index, or PostgreSQL for several instances."""

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


class CsvExport:
    """What both stores share: the CSV export of `rows()`."""

    def rows(self) -> list[tuple]:
        raise NotImplementedError

    def export_csv(self) -> str:
        """All feedback as CSV; cells a spreadsheet would run as a formula are prefixed with ' (text)."""
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["id", "created_utc", "answer_id", "rating", "comment", "question", "principal"])
        writer.writerows([[as_text_cell(v) for v in row] for row in self.rows()])
        return out.getvalue()


def check_rating(rating: str) -> None:
    if rating not in ("up", "down"):
        raise ValueError("rating must be 'up' or 'down'")


class FeedbackStore(CsvExport):
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute(SCHEMA)
        self._lock = threading.Lock()

    def add(self, answer_id: str, rating: str, comment: str | None = None, question: str | None = None,
            principal: str | None = None) -> int:  # fmt: skip
        check_rating(rating)
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


def as_text_cell(value):
    """Neutralise spreadsheet formulas (=, +, -, @, tab, CR at the start of a cell)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


class PgFeedbackStore(CsvExport):
    """The same store in PostgreSQL: any instance writes, any instance exports."""

    def __init__(self, db):
        self.db = db

    def add(self, answer_id: str, rating: str, comment: str | None = None, question: str | None = None,
            principal: str | None = None) -> int:  # fmt: skip
        check_rating(rating)
        sql = (
            "INSERT INTO feedback(answer_id, rating, comment, question, principal) VALUES (%s,%s,%s,%s,%s) RETURNING id"
        )
        rows = self.db.execute(sql, (answer_id, rating, comment, question, principal))
        return int(rows[0][0])

    def rows(self) -> list[tuple]:
        return self.db.execute("SELECT id, to_char(created AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'), answer_id, "
                               "rating, comment, question, principal FROM feedback ORDER BY id")  # fmt: skip


def open_feedback(index_folder: Path, database=None):
    """The feedback store for this setup: PostgreSQL when configured, else feedback.sqlite beside the index."""
    return PgFeedbackStore(database) if database is not None else FeedbackStore(index_folder / "feedback.sqlite")
