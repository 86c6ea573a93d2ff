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
    source_ids: tuple[str, ...] = ()  # the document's declared sources this section rests on


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
    sources: tuple[dict[str, Any], ...] = ()  # declared sources {id, publisher, title, date, url}
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
            "sources": [dict(s) for s in self.sources],
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
    source_ids: tuple[str, ...] = ()  # the sources of this chunk's section (empty: the document's own metadata)

    def sources(self) -> list[dict[str, Any]]:
        """The sources a reader should open for this chunk: its section's, else the document's own."""
        declared = {s["id"]: s for s in self.meta.get("sources") or ()}
        found = [declared[i] for i in self.source_ids if i in declared]
        if found:
            return [{k: s.get(k) for k in ("publisher", "title", "date", "url")} for s in found]
        m = self.meta
        return [{"publisher": m.get("publisher"), "title": m.get("title"), "date": m.get("published"),
                 "url": m.get("source_url")}]  # fmt: skip


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
    sources: tuple[dict[str, Any], ...] = ()  # every source of the cited section: {publisher, title, date, url}

    @classmethod
    def from_passage(cls, n: int, passage: Passage) -> Citation:
        """source_url/publisher/published are those of the section's first source with a URL (else its first
        source), so the reader who opens the link finds the statement there; `sources` lists them all."""
        c, m = passage.chunk, passage.chunk.meta
        sources = c.sources()
        lead = next((s for s in sources if s.get("url")), sources[0])
        return cls(
            n=n,
            doc_id=c.doc_id,
            title=str(m.get("title") or c.doc_id),
            section=c.section,
            page=c.page,
            source_url=lead.get("url"),
            publisher=lead.get("publisher"),
            published=lead.get("date"),
            language=str(m.get("language") or "en"),
            passage=c.text,
            score=round(float(passage.score), 4),
            sources=tuple(sources),
        )

    def to_dict(self) -> dict[str, Any]:
        """The citation as in the JSON contract (sources as a list)."""
        from dataclasses import asdict

        return {**asdict(self), "sources": [dict(s) for s in self.sources]}


def describe_source(source: dict[str, Any], note_title: str | None = None) -> str:
    """'Publisher, date: title. URL' for one source (the title left out when it is the note's own)."""
    head = ", ".join(x for x in [source.get("publisher"), source.get("date")] if x)
    title = source.get("title") if source.get("title") and source.get("title") != note_title else None
    text = f"{head}: {title}" if head and title else head or title or ""
    url = source.get("url")
    return f"{text}. {url}" if text and url else text or url or ""


def describe_sources(citation: Citation) -> str:
    """Every source of a citation, '; '-separated (a section that synthesises several names them all)."""
    return "; ".join(d for d in (describe_source(s, citation.title) for s in citation.sources) if d)


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

        return {
            "question": self.question,
            "language": self.language,
            "answer": self.answer,
            "refused": self.refused,
            "answer_mode": self.answer_mode,
            "citations": [c.to_dict() for c in self.citations],
            "institutions": [dict(i) for i in self.institutions],
            "timings_ms": {k: round(v, 2) for k, v in self.timings_ms.items()},
            "answer_id": self.answer_id,
        }
