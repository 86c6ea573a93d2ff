"""Load files into Documents, choosing the loader by content (magic bytes), not only the suffix."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from assistant.ingest.errors import LoadError
from assistant.ingest.metadata import (
    as_str,
    attach_sources,
    check_keys,
    declared_sources,
    sidecar_meta,
    topics_of,
    visibility_of,
)
from assistant.ingest.pdftext import clean_pdf_text, pypdf_messages_logged
from assistant.text.language import detect_language
from assistant.types import Document, Section

TEXT_SUFFIXES = {".md", ".markdown", ".txt", ".text", ".html", ".htm", ""}


def sniff_kind(data: bytes, suffix: str) -> str:
    """'pdf' | 'docx' | 'html' | 'markdown' | 'text' decided from the bytes first."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                if "word/document.xml" in zf.namelist():
                    return "docx"
        except zipfile.BadZipFile as exc:
            raise LoadError(f"corrupt zip/DOCX container: {exc}") from exc
        raise LoadError("zip archive that is not a DOCX document")
    if suffix in {".pdf", ".docx"}:
        raise LoadError(f"named {suffix} but the content is not a {suffix[1:].upper()} file")
    head = data[:2048].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")) or suffix in {".html", ".htm"}:
        return "html"
    return "markdown" if suffix in {".md", ".markdown"} else "text"


def decode_text(data: bytes) -> str:
    if b"\x00" in data[:8192]:
        raise LoadError("binary data, not text (NUL bytes)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LoadError(f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})") from exc
    controls = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > max(8, len(text[:8192]) // 50):
        raise LoadError("binary data, not text (control characters)")
    return text


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "doc"


def default_doc_id(path: Path) -> str:
    digest = hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:8]
    return f"{slugify(path.stem)}-{digest}"


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    if not text.startswith("---"):
        return {}, text
    match = re.match(r"---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(\r?\n|$)", text, re.S)
    if not match:
        return {}, text
    try:
        meta = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as exc:
        raise LoadError(f"invalid YAML front matter: {str(exc).splitlines()[0]}") from exc
    if not isinstance(meta, dict):
        raise LoadError("front matter is not a mapping")
    return meta, text[match.end() :]


_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$")


def markdown_sections(body: str) -> tuple[str | None, list[tuple[tuple[str, ...], str]]]:
    """(first H1 title, [(heading path, text)]); fenced code is kept as text."""
    title, path, buf, out = None, [], [], []
    in_fence = False

    def flush() -> None:
        text = "\n".join(buf).strip()
        if text:
            out.append((tuple(path), text))
        buf.clear()

    for line in body.splitlines():
        if line.lstrip().startswith("```"):
            in_fence = not in_fence
        match = None if in_fence else _HEADING.match(line)
        if not match:
            buf.append(line)
            continue
        flush()
        level, heading = len(match.group(1)), match.group(2).strip()
        if level == 1 and title is None:
            title, path = heading, []
            continue
        depth = max(level - 2, 0) if title else level - 1
        path = path[:depth] + [heading]
    flush()
    return title, out


def load_pdf(data: bytes, name: str = "PDF") -> tuple[dict[str, Any], list[tuple[tuple[str, ...], str, int]]]:
    """Pages as sections; what pypdf says about the file is logged under `name` (the path), not printed."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        with pypdf_messages_logged(name):
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted and not reader.decrypt(""):
                raise LoadError("encrypted PDF (a password is required)")
            pages = [clean_pdf_text(page.extract_text() or "") for page in reader.pages]
            info = reader.metadata or {}
    except LoadError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise LoadError(f"corrupt PDF: {type(exc).__name__}: {str(exc)[:120]}") from exc
    except Exception as exc:  # pypdf raises assorted errors on damaged files
        if "crypt" in type(exc).__name__.lower() or "decrypt" in str(exc).lower():
            raise LoadError(f"encrypted PDF: {exc}") from exc
        raise LoadError(f"corrupt PDF: {type(exc).__name__}: {str(exc)[:120]}") from exc
    if not pages:
        raise LoadError("PDF has no pages")
    if not any(p.strip() for p in pages):
        raise LoadError(f"no extractable text in {len(pages)} page(s) (scanned? run OCR first)")
    meta = {"title": info.get("/Title")} if info.get("/Title") else {}
    sections = [((f"Page {i}",), text.strip(), i) for i, text in enumerate(pages, 1) if text.strip()]
    return meta, sections


def load_docx(data: bytes) -> tuple[dict[str, Any], list[tuple[tuple[str, ...], str]]]:
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx wraps many parser errors
        raise LoadError(f"corrupt DOCX: {type(exc).__name__}: {str(exc)[:120]}") from exc
    lines = []
    for para in document.paragraphs:
        style = (para.style.name if para.style is not None else "") or ""
        level = re.match(r"(?:Heading|Überschrift)\s*(\d)", style)
        if style == "Title":
            lines.append(f"# {para.text}")
        elif level and para.text.strip():
            lines.append(f"{'#' * (int(level.group(1)) + 1)} {para.text}")
        else:
            lines.append(para.text)
    title, sections = markdown_sections("\n".join(lines))
    meta = {"title": document.core_properties.title or title}
    return meta, sections


def load_html(text: str) -> tuple[dict[str, Any], list[tuple[tuple[str, ...], str]]]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(text, "html.parser")
    for tag in soup(["script", "style", "noscript", "template", "iframe", "svg"]):
        tag.decompose()
    meta: dict[str, Any] = {}
    if soup.title and soup.title.string:
        meta["title"] = soup.title.string.strip()
    html_lang = soup.html.get("lang") if soup.html else None
    if html_lang:
        meta["language"] = str(html_lang)[:2].lower()
    lines = []
    for el in soup.find_all(["h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "td", "pre", "blockquote"]):
        if el.find(["p", "li", "h1", "h2", "h3", "h4", "h5", "h6"]):
            continue  # containers: their children are visited on their own
        content = " ".join(el.get_text(" ", strip=True).split())
        if content:
            lines.append(f"{'#' * int(el.name[1])} {content}" if el.name[0] == "h" else content + "\n")
    title, sections = markdown_sections("\n".join(lines))
    meta.setdefault("title", title)
    return meta, sections


def read_sections(data: bytes, suffix: str, name: str = "") -> tuple[dict[str, Any], list[Section]]:
    """Parse bytes into (metadata, sections) with the loader the content calls for; `name` labels log lines."""
    kind = sniff_kind(data, suffix)
    if kind == "pdf":
        meta, pages = load_pdf(data, name or "PDF")
        return meta, [Section(text=t, path=p, page=n) for p, t, n in pages]
    if kind == "docx":
        meta, parts = load_docx(data)
    else:
        text = decode_text(data)
        if kind == "html":
            meta, parts = load_html(text)
        else:
            meta, body = split_front_matter(text)
            title, parts = markdown_sections(body)
            if title:
                meta.setdefault("title", title)
    return meta, [Section(text=t, path=p) for p, t in parts]


def load_document(path: Path, max_bytes: int, *, default_visibility: str = "public",
                  groups: tuple[str, ...] = ("internal",)) -> Document:  # fmt: skip
    """Load one file; raise LoadError with a one-line reason for every kind of bad input."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise LoadError(f"cannot read: {exc.strerror}") from exc
    if size == 0:
        raise LoadError("empty file")
    if size > max_bytes:
        raise LoadError(f"file is {size / 1e6:.1f} MB, over the limit of {max_bytes / 1e6:.1f} MB")
    data = path.read_bytes()
    meta, sections = read_sections(data, path.suffix.lower(), str(path))
    meta = {**meta, **sidecar_meta(path)}
    check_keys(meta)
    visibility = visibility_of(meta, default_visibility, groups)
    sources = declared_sources(meta)
    sections = attach_sources(sections, sources)
    if not any(s.text.strip() for s in sections):
        raise LoadError("no text content")
    offset, placed = 0, []
    for s in sections:
        placed.append(replace(s, start=offset))
        offset += len(s.text) + 2  # sections are joined by a blank line in the full text
    urls = meta.get("source_urls") or ([meta["source_url"]] if meta.get("source_url") else [])
    urls = [urls] if isinstance(urls, str) else urls or [x["url"] for x in sources if x["url"]]
    full_text = "\n\n".join(s.text for s in placed)
    language = as_str(meta.get("language")) or detect_language(full_text[:5000])
    known = {"id", "title", "language", "publisher", "source_urls", "source_url", "published",
             "as_of", "jurisdiction", "topics", "visibility", "sources"}  # fmt: skip
    return Document(
        doc_id=as_str(meta.get("id")) or default_doc_id(path),
        title=as_str(meta.get("title")) or path.stem.replace("_", " "),
        sections=tuple(placed),
        source_path=str(path),
        content_hash=hashlib.sha256(data + repr(sorted(meta.items())).encode()).hexdigest(),
        language=language[:2].lower(),
        publisher=as_str(meta.get("publisher")),
        source_url=as_str(urls[0]) if urls else None,
        published=as_str(meta.get("published")),
        as_of=as_str(meta.get("as_of")),
        jurisdiction=as_str(meta.get("jurisdiction")),
        topics=topics_of(meta),
        visibility=visibility,
        sources=sources,
        extra={k: v for k, v in meta.items() if k not in known},
    )
