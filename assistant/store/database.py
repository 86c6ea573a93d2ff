"""PostgreSQL for several instances: one connection pool per URL, and the schema coopguide migrates itself.

Empty `index.database_url` = the single-machine default (SQLite files beside the index); with a URL the
manifest, keyword indexes, feedback, imported screening lists, rate limits and the server secret live here.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

# Each migration is applied once, in order, in one transaction; `schema_version` records how far we are.
MIGRATIONS = [
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE documents (
        doc_id TEXT PRIMARY KEY, source_path TEXT NOT NULL, content_hash TEXT NOT NULL,
        metadata JSONB NOT NULL, committed_at TIMESTAMPTZ NOT NULL DEFAULT now());
    CREATE TABLE chunks (
        chunk_id TEXT PRIMARY KEY, doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
        ordinal INTEGER NOT NULL, text TEXT NOT NULL, section TEXT, page INTEGER,
        start INTEGER NOT NULL, "end" INTEGER NOT NULL, source_ids JSONB NOT NULL DEFAULT '[]');
    CREATE INDEX chunks_doc ON chunks(doc_id, ordinal);
    CREATE TABLE keyword_indexes (
        generation BIGINT NOT NULL, visibility TEXT NOT NULL, data BYTEA NOT NULL,
        PRIMARY KEY (generation, visibility));
    CREATE TABLE feedback (
        id BIGSERIAL PRIMARY KEY, created TIMESTAMPTZ NOT NULL DEFAULT now(), answer_id TEXT NOT NULL,
        rating TEXT NOT NULL, comment TEXT, question TEXT, principal TEXT);
    CREATE TABLE imported_lists (
        name TEXT PRIMARY KEY, format TEXT NOT NULL, entries JSONB NOT NULL,
        imported_at TIMESTAMPTZ NOT NULL DEFAULT now());
    CREATE TABLE rate_hits (
        bucket TEXT NOT NULL, window_start BIGINT NOT NULL, hits INTEGER NOT NULL,
        PRIMARY KEY (bucket, window_start));
    """,
]
LOCK_INGEST = 715_001  # pg advisory lock key: one ingest at a time across all machines


class Database:
    """A psycopg connection pool for one URL; `upgrade()` brings the schema to the newest version."""

    def __init__(self, url: str, max_size: int = 8):
        from psycopg_pool import ConnectionPool

        self.url = url
        self.pool = ConnectionPool(url, min_size=1, max_size=max_size, open=True, kwargs={"autocommit": True})

    @contextmanager
    def connection(self) -> Iterator:
        with self.pool.connection() as conn:
            yield conn

    def execute(self, sql: str, params: tuple | list = ()) -> list[tuple]:
        """One statement in autocommit; the rows it returns (empty for statements without rows)."""
        with self.connection() as conn:
            cur = conn.execute(sql, params)
            return cur.fetchall() if cur.description else []

    def version(self) -> int:
        with self.connection() as conn:
            conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            row = conn.execute("SELECT max(version) FROM schema_version").fetchone()
        return int(row[0] or 0)

    def upgrade(self) -> tuple[int, int]:
        """Apply the missing migrations (under a lock, so instances starting together do it once)."""
        with self.connection() as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(715000)")
            conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            before = int(conn.execute("SELECT max(version) FROM schema_version").fetchone()[0] or 0)
            for number, script in enumerate(MIGRATIONS[before:], before + 1):
                conn.execute(script)
                conn.execute("INSERT INTO schema_version VALUES (%s)", (number,))
        return before, len(MIGRATIONS)

    @contextmanager
    def exclusive(self, key: int = LOCK_INGEST) -> Iterator[bool]:
        """Hold a session advisory lock on its own connection for the block; yields whether it was free."""
        with self.connection() as conn:
            got = bool(conn.execute("SELECT pg_try_advisory_lock(%s)", (key,)).fetchone()[0])
            try:
                yield got
            finally:
                if got:
                    conn.execute("SELECT pg_advisory_unlock(%s)", (key,))

    def close(self) -> None:
        self.pool.close()


_OPEN: dict[str, Database] = {}
_LOCK = threading.Lock()


def open_database(url: str) -> Database:
    """One pool per URL and process, with the schema upgraded on first use."""
    with _LOCK:
        if url not in _OPEN or _OPEN[url].pool.closed:
            db = Database(url)
            db.upgrade()
            _OPEN[url] = db
        return _OPEN[url]
