"""Question sets (JSON lines) and what a system produced for one question."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol


@dataclass(frozen=True)
class Question:
    id: str
    language: str
    question: str
    type: str
    must_refuse: bool
    key_terms: list[list[str]]
    key_points: list[str] = field(default_factory=list)
    expected_doc_ids: list[str] = field(default_factory=list)
    source: str = ""


def load_questions(paths: list[Path]) -> list[Question]:
    out = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                d = json.loads(line)
                out.append(Question(d["id"], d["language"], d["question"], d.get("type", ""),
                                    bool(d.get("must_refuse")), d.get("key_terms") or [], d.get("key_points") or [],
                                    d.get("expected_doc_ids") or [], path.stem))  # fmt: skip
    return out


@dataclass
class Run:
    """What one system produced for one question."""

    answer: str
    refused: bool
    citation_numbers: set[int]
    cited_passages: list[str]
    ranked: list[tuple[str, str]]  # (doc_id, passage text), best first, up to 10
    latency_ms: float


class System(Protocol):
    name: str

    def run(self, q: Question) -> Run: ...
