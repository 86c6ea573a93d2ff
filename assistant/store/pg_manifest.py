"""The manifest on PostgreSQL, behind the same seam as the SQLite one (store/manifest.py).

The commit protocol is unchanged: vectors go to Chroma first, then one transaction here is the commit
point (replace the document and its chunks, bump the generation, NOTIFY), then old vectors are removed.
Chunks are always read joined with their document's metadata, so no instance serves stale visibility.
"""

from __future__ import annotations

import json
from typing import Any

from assistant.store.database import Database
from assistant.types import Chunk

CHANNEL = "coopguide_generation"
COLS = 'c.chunk_id, c.doc_id, c.ordinal, c.text, c.section, c.page, c.start, c."end", c.source_ids, d.metadata'
FROM = "FROM chunks c JOIN documents d ON d.doc_id = c.doc_id"


class PgManifest:
    def __init__(self, db: Database):
        self.db = db

    def close(self) -> None:
        """The pool is shared by the process (see open_database)."""

    # -- meta ---------------------------------------------------------------------------------
    def get(self, key: str) -> str | None:
        rows = self.db.execute("SELECT value FROM meta WHERE key=%s", (key,))
        return rows[0][0] if rows else None

    def set(self, key: str, value: str) -> None:
        self.db.execute("INSERT INTO meta VALUES (%s, %s) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                        (key, value))  # fmt: skip

    def generation(self) -> int:
        return int(self.get("generation") or 0)

    # -- documents ----------------------------------------------------------------------------
    def documents(self) -> dict[str, tuple[str, str]]:
        return {d: (p, h) for d, p, h in self.db.execute("SELECT doc_id, source_path, content_hash FROM documents")}

    def document_meta(self, doc_id: str) -> dict[str, Any] | None:
        rows = self.db.execute("SELECT metadata FROM documents WHERE doc_id=%s", (doc_id,))
        return dict(rows[0][0]) if rows else None

    def chunk_ids(self, doc_id: str | None = None) -> set[str]:
        if doc_id is None:
            return {r[0] for r in self.db.execute("SELECT chunk_id FROM chunks")}
        return {r[0] for r in self.db.execute("SELECT chunk_id FROM chunks WHERE doc_id=%s", (doc_id,))}

    def _bump(self, conn) -> None:
        value = conn.execute(
            "INSERT INTO meta VALUES ('generation', '1') ON CONFLICT (key) "
            "DO UPDATE SET value = (meta.value::bigint + 1)::text RETURNING value"
        ).fetchone()[0]
        conn.execute("SELECT pg_notify(%s, %s)", (CHANNEL, value))

    def commit_document(self, meta: dict[str, Any], chunks: list[Chunk]) -> None:
        """Replace a document and its chunks in one transaction, and bump the generation."""
        doc_id = meta["doc_id"]
        with self.db.connection() as conn, conn.transaction():
            conn.execute("DELETE FROM documents WHERE doc_id=%s", (doc_id,))
            row = (doc_id, meta["source_path"], meta["content_hash"], json.dumps(meta, ensure_ascii=False))
            conn.execute("INSERT INTO documents(doc_id, source_path, content_hash, metadata) VALUES (%s,%s,%s,%s)", row)
            with (
                conn.cursor() as cur,
                cur.copy(
                    'COPY chunks (chunk_id, doc_id, ordinal, text, section, page, start, "end", source_ids) FROM STDIN'
                ) as copy,
            ):
                for c in chunks:
                    copy.write_row((c.chunk_id, doc_id, c.ordinal, c.text, c.section, c.page, c.start, c.end,
                                    json.dumps(list(c.source_ids))))  # fmt: skip
            self._bump(conn)

    def remove_document(self, doc_id: str) -> None:
        with self.db.connection() as conn, conn.transaction():
            conn.execute("DELETE FROM documents WHERE doc_id=%s", (doc_id,))
            self._bump(conn)

    def clear(self) -> None:
        with self.db.connection() as conn, conn.transaction():
            conn.execute("DELETE FROM chunks")
            conn.execute("DELETE FROM documents")
            self._bump(conn)

    # -- chunks -------------------------------------------------------------------------------
    def _select(self, where: str = "", params: tuple | list = ()) -> list[Chunk]:
        parsed: dict[str, dict[str, Any]] = {}
        out = []
        for chunk_id, doc_id, ordinal, text, section, page, start, end, source_ids, metadata in self.db.execute(
            f"SELECT {COLS} {FROM} {where}", params
        ):
            meta = parsed.setdefault(doc_id, metadata)  # one metadata object per document and read
            out.append(Chunk(chunk_id, doc_id, text, section, page, start, end, ordinal, meta, tuple(source_ids)))
        return out

    def chunks(self, chunk_ids: list[str]) -> dict[str, Chunk]:
        """Committed chunks by id; unknown (uncommitted or stale) ids are simply absent."""
        if not chunk_ids:
            return {}
        return {c.chunk_id: c for c in self._select("WHERE c.chunk_id = ANY(%s)", (list(chunk_ids),))}

    def all_chunks(self) -> list[Chunk]:
        return self._select("ORDER BY c.doc_id, c.ordinal")

    def doc_chunks(self, doc_id: str) -> list[Chunk]:
        return self._select("WHERE c.doc_id=%s ORDER BY c.ordinal", (doc_id,))

    def count_chunks(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM chunks")[0][0])
