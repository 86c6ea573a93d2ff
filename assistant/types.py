"""The project's own value types. No vendor type appears in these signatures."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Section:
    """A structural unit of a document: a heading's body or one PDF page."""

    text: str
    path: tuple[str, ...] = ()
    page: int | None = None
    start: int = 0  # char offset of the section text within the document's full text


@dataclass(frozen=True)
class Document:
    """A loaded source document with metadata and its sections."""

    doc_id: str
    title: str
    sections: tuple[Section, ...]
    source_path: str
    content_hash: str
    language: str = "en"
    publisher: str | None = None
    source_url: str | None = None
    published: str | None = None
    as_of: str | None = None
    jurisdiction: str | None = None
    topics: tuple[str, ...] = ()
    visibility: str = "public"
    extra: dict[str, Any] = field(default_factory=dict)

    def metadata(self) -> dict[str, Any]:
        """Flat metadata shared by every chunk of this document."""
        return {
            "doc_id": self.doc_id,
            "title": self.title,
            "language": self.language,
            "publisher": self.publisher,
            "source_url": self.source_url,
            "published": self.published,
            "as_of": self.as_of,
            "jurisdiction": self.jurisdiction,
            "topics": list(self.topics),
            "visibility": self.visibility,
            "content_hash": self.content_hash,
            "source_path": self.source_path,
        }


@dataclass(frozen=True)
class Chunk:
    """A retrievable piece of one section of one document."""

    chunk_id: str
    doc_id: str
    text: str
    section: str | None
    page: int | None
    start: int
    end: int
    ordinal: int
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with its score (what retrieval returns)."""

    chunk: Chunk
    score: float
    dense: float = 0.0
    keyword: float = 0.0

    @property
    def language(self) -> str:
        return str(self.chunk.meta.get("language") or "en")


@dataclass(frozen=True)
class Citation:
    """A numbered source of an answer, as in the JSON contract."""

    n: int
    doc_id: str
    title: str
    section: str | None
    page: int | None
    source_url: str | None
    publisher: str | None
    published: str | None
    language: str
    passage: str
    score: float

    @classmethod
    def from_passage(cls, n: int, passage: Passage) -> Citation:
        c, m = passage.chunk, passage.chunk.meta
        return cls(
            n=n,
            doc_id=c.doc_id,
            title=str(m.get("title") or c.doc_id),
            section=c.section,
            page=c.page,
            source_url=m.get("source_url"),
            publisher=m.get("publisher"),
            published=m.get("published"),
            language=str(m.get("language") or "en"),
            passage=c.text,
            score=round(float(passage.score), 4),
        )


@dataclass(frozen=True)
class Turn:
    """One turn of a conversation."""

    role: str  # "user" | "assistant"
    content: str


@dataclass(frozen=True)
class Answer:
    """The result of `ask`: the JSON contract as a value object."""

    question: str
    language: str
    answer: str
    refused: bool
    citations: tuple[Citation, ...]
    answer_mode: str = "extractive"
    institutions: tuple[dict[str, Any], ...] = ()
    timings_ms: dict[str, float] = field(default_factory=dict)
    answer_id: str = field(default_factory=lambda: __import__("uuid").uuid4().hex)

    def to_dict(self) -> dict[str, Any]:
        from dataclasses import asdict

        return {
            "question": self.question,
            "language": self.language,
            "answer": self.answer,
            "refused": self.refused,
            "answer_mode": self.answer_mode,
            "citations": [asdict(c) for c in self.citations],
            "institutions": [dict(i) for i in self.institutions],
            "timings_ms": {k: round(v, 2) for k, v in self.timings_ms.items()},
            "answer_id": self.answer_id,
        }
