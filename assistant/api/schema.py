"""JSON Schemas of the public contract (`ask --json`, `search --json`, the HTTP API)."""

from __future__ import annotations

_NULLABLE_STR = {"type": ["string", "null"]}

CITATION_SCHEMA = {
    "type": "object",
    "required": [
        "n",
        "doc_id",
        "title",
        "section",
        "page",
        "source_url",
        "publisher",
        "published",
        "language",
        "passage",
        "score",
        "sources",
    ],  # fmt: skip
    "additionalProperties": False,
    "properties": {
        "n": {"type": "integer", "minimum": 1},
        "doc_id": {"type": "string", "minLength": 1},
        "title": {"type": "string"},
        "section": _NULLABLE_STR,
        "page": {"type": ["integer", "null"], "minimum": 1},
        "source_url": _NULLABLE_STR,
        "publisher": _NULLABLE_STR,
        "published": _NULLABLE_STR,
        "language": {"type": "string"},
        "passage": {"type": "string"},
        "score": {"type": "number"},
        "sources": {  # every source the cited section rests on; source_url/publisher/published are the lead one
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["publisher", "title", "date", "url"],
                "additionalProperties": False,
                "properties": {
                    "publisher": _NULLABLE_STR,
                    "title": _NULLABLE_STR,
                    "date": _NULLABLE_STR,
                    "url": _NULLABLE_STR,
                },  # fmt: skip
            },
        },
    },
}

ANSWER_SCHEMA = {
    "type": "object",
    "required": [
        "question",
        "language",
        "answer",
        "refused",
        "answer_mode",
        "citations",
        "institutions",
        "timings_ms",
    ],  # fmt: skip
    "properties": {
        "question": {"type": "string"},
        "language": {"enum": ["de", "en"]},
        "answer": {"type": "string"},
        "refused": {"type": "boolean"},
        "answer_mode": {"enum": ["extractive", "llm", "llm-partial", "extractive-fallback"]},
        "answer_id": {"type": "string"},
        "citations": {"type": "array", "items": CITATION_SCHEMA},
        "institutions": {"type": "array", "items": {"type": "object"}},
        "timings_ms": {
            "type": "object",
            "required": ["retrieve", "answer", "total"],
            "additionalProperties": {"type": "number"},
        },
    },
}

SEARCH_SCHEMA = {
    "type": "object",
    "required": ["query", "passages"],
    "properties": {"query": {"type": "string"}, "passages": {"type": "array", "items": CITATION_SCHEMA}},
}
