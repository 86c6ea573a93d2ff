"""Imported screening lists (US CSL, MISP galaxies) in PostgreSQL, so every instance screens against them."""

from __future__ import annotations

import json
from typing import Any


class PgListStore:
    def __init__(self, db):
        self.db = db

    def save(self, name: str, fmt: str, entries: list[dict[str, Any]]) -> None:
        self.db.execute("INSERT INTO imported_lists(name, format, entries) VALUES (%s, %s, %s) ON CONFLICT (name) "
                        "DO UPDATE SET format = EXCLUDED.format, entries = EXCLUDED.entries, imported_at = now()",
                        (name, fmt, json.dumps(entries, ensure_ascii=False)))  # fmt: skip

    def lists(self) -> list[tuple[str, list[dict[str, Any]]]]:
        return [(name, list(entries)) for name, entries in
                self.db.execute("SELECT name, entries FROM imported_lists ORDER BY name")]  # fmt: skip
