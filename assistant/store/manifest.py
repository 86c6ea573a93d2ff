"""The manifest: which document versions are committed, with their chunk texts (SQLite).

Committing a document is one SQLite transaction; vectors are written before it and old vectors
removed after it. A crash at any point leaves the previous version visible (retrieval only
resolves chunk ids the manifest knows) and the orphans are collected by the next ingest.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path
from typing import Any

from assistant.types import Chunk

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY, source_path TEXT NOT NULL, content_hash TEXT NOT NULL,
    metadata TEXT NOT NULL, committed_at REAL NOT NULL DEFAULT (julianday('now')));
CREATE TABLE IF NOT EXISTS chunks (
    chunk_id TEXT PRIMARY KEY, doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL, text TEXT NOT NULL, section TEXT, page INTEGER,
    start INTEGER NOT NULL, "end" INTEGER NOT NULL, source_ids TEXT NOT NULL DEFAULT '[]');
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_id, ordinal);
"""


class _LockedConnection:
    """One connection shared by server threads: each statement runs under a lock, and a transaction
    (BEGIN … COMMIT) holds the lock throughout, so statements of two threads never interleave."""

    def __init__(self, db: sqlite3.Connection):
        self._db, self._lock = db, threading.RLock()

    def execute(self, sql: str, params=()):
        head = sql.lstrip().split(None, 1)[0].upper()
        if head == "BEGIN":
            self._lock.acquire()
        try:
            with self._lock:
                cursor = self._db.execute(sql, params)
                return cursor.fetchall() if head == "SELECT" else cursor
        finally:
            if head in ("COMMIT", "ROLLBACK"):
                self._lock.release()

    def executemany(self, sql: str, rows):
        with self._lock:
            return self._db.executemany(sql, rows)

    def executescript(self, script: str):
        with self._lock:
            return self._db.executescript(script)

    def close(self) -> None:
        self._db.close()


class Manifest:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = _LockedConnection(sqlite3.connect(str(path), check_same_thread=False, isolation_level=None))
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._db.executescript(SCHEMA)
        columns = {row[1] for row in self._db.execute("SELECT * FROM pragma_table_info('chunks')")}
        if "source_ids" not in columns:  # a manifest written before sections had sources
            self._db.execute("ALTER TABLE chunks ADD COLUMN source_ids TEXT NOT NULL DEFAULT '[]'")

    def close(self) -> None:
        self._db.close()

    # -- meta ---------------------------------------------------------------------------------
    def get(self, key: str) -> str | None:
        row = next(iter(self._db.execute("SELECT value FROM meta WHERE key=?", (key,))), None)
        return row[0] if row else None

    def set(self, key: str, value: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def generation(self) -> int:
        return int(self.get("generation") or 0)

    # -- documents ----------------------------------------------------------------------------
    def documents(self) -> dict[str, tuple[str, str]]:
        """doc_id → (source_path, content_hash)."""
        rows = self._db.execute("SELECT doc_id, source_path, content_hash FROM documents")
        return {d: (p, h) for d, p, h in rows}

    def document_meta(self, doc_id: str) -> dict[str, Any] | None:
        """The committed metadata, read now: never a per-process copy another process's commit left stale."""
        row = next(iter(self._db.execute("SELECT metadata FROM documents WHERE doc_id=?", (doc_id,))), None)
        return json.loads(row[0]) if row else None

    def chunk_ids(self, doc_id: str | None = None) -> set[str]:
        if doc_id is None:
            return {r[0] for r in self._db.execute("SELECT chunk_id FROM chunks")}
        rows = self._db.execute("SELECT chunk_id FROM chunks WHERE doc_id=?", (doc_id,))
        return {r[0] for r in rows}

    def commit_document(self, meta: dict[str, Any], chunks: list[Chunk]) -> None:
        """Replace a document and its chunks atomically, and bump the generation."""
        doc_id = meta["doc_id"]
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute("DELETE FROM documents WHERE doc_id=?", (doc_id,))
            db.execute(
                "INSERT INTO documents(doc_id, source_path, content_hash, metadata) VALUES (?,?,?,?)",
                (doc_id, meta["source_path"], meta["content_hash"], json.dumps(meta, ensure_ascii=False)),
            )
            db.executemany(
                'INSERT INTO chunks(chunk_id, doc_id, ordinal, text, section, page, start, "end", source_ids) '
                "VALUES (?,?,?,?,?,?,?,?,?)",
                [
                    (c.chunk_id, doc_id, c.ordinal, c.text, c.section, c.page, c.start, c.end, json.dumps(c.source_ids))
                    for c in chunks
                ],
            )
            self._bump(db)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def remove_document(self, doc_id: str) -> None:
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        db.execute("DELETE FROM chunks WHERE doc_id=?", (doc_id,))
        db.execute("DELETE FROM documents WHERE doc_id=?", (doc_id,))
        self._bump(db)
        db.execute("COMMIT")

    def clear(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")
        self._db.execute("DELETE FROM chunks")
        self._db.execute("DELETE FROM documents")
        self._bump(self._db)
        self._db.execute("COMMIT")

    @staticmethod
    def _bump(db: sqlite3.Connection) -> None:
        db.execute(
            "INSERT INTO meta VALUES ('generation', '1') ON CONFLICT(key) "
            "DO UPDATE SET value = CAST(value AS INTEGER) + 1"
        )

    # -- chunks -------------------------------------------------------------------------------
    # Chunk rows are always read joined with their document's metadata in one statement, so a chunk and
    # the visibility it is served under come from the same committed version.
    _COLS = 'c.chunk_id, c.doc_id, c.ordinal, c.text, c.section, c.page, c.start, c."end", c.source_ids, d.metadata'
    _FROM = "FROM chunks c JOIN documents d ON d.doc_id = c.doc_id"

    @staticmethod
    def _row_to_chunk(row: tuple, parsed: dict[str, dict[str, Any]]) -> Chunk:
        chunk_id, doc_id, ordinal, text, section, page, start, end, source_ids, metadata = row
        meta = parsed.get(metadata)
        if meta is None:  # parse each document's metadata once per read, not once per chunk
            meta = parsed[metadata] = json.loads(metadata)
        return Chunk(chunk_id, doc_id, text, section, page, start, end, ordinal, meta, tuple(json.loads(source_ids)))

    def _select(self, where: str = "", params: tuple | list = ()) -> list[Chunk]:
        parsed: dict[str, dict[str, Any]] = {}
        rows = self._db.execute(f"SELECT {self._COLS} {self._FROM} {where}", params)
        return [self._row_to_chunk(r, parsed) for r in rows]

    def chunks(self, chunk_ids: list[str]) -> dict[str, Chunk]:
        """Committed chunks by id; unknown (uncommitted or stale) ids are simply absent."""
        out: dict[str, Chunk] = {}
        for i in range(0, len(chunk_ids), 500):
            part = chunk_ids[i : i + 500]
            marks = ",".join("?" * len(part))
            out.update((c.chunk_id, c) for c in self._select(f"WHERE c.chunk_id IN ({marks})", part))
        return out

    def all_chunks(self) -> list[Chunk]:
        return self._select("ORDER BY c.doc_id, c.ordinal")

    def doc_chunks(self, doc_id: str) -> list[Chunk]:
        return self._select("WHERE c.doc_id=? ORDER BY c.ordinal", (doc_id,))

    def count_chunks(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM chunks")[0][0])
