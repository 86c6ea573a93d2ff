"""Ingestion: discover files, load, chunk, embed, and commit each document atomically."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from assistant.ingest.chunking import chunk_document
from assistant.ingest.loaders import LoadError, load_document
from assistant.ingest.progress import IngestProgress
from assistant.settings import IngestSettings
from assistant.store.embedding import Embedder, embedding_text
from assistant.store.index import Index
from assistant.types import Document


@dataclass
class IngestReport:
    ingested: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    chunks_embedded: int = 0
    orphans_collected: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        return (f"ingested {len(self.ingested)}, unchanged {len(self.unchanged)}, "
                f"removed {len(self.removed)}, failed {len(self.failed)} "
                f"({self.chunks_embedded} chunks embedded in {self.seconds:.1f} s)")  # fmt: skip


def discover(paths: list[Path]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Files under the given paths (hidden files and metadata sidecars skipped)."""
    files, missing = [], []
    for root in paths:
        if root.is_file():
            files.append(root)
        elif root.is_dir():
            files += sorted(
                p for p in root.rglob("*")
                if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)
                and not p.name.endswith(".meta.yaml")
            )  # fmt: skip
        else:
            missing.append((str(root), "no such file or folder"))
    return files, missing


def _under(path: str, roots: list[Path]) -> bool:
    resolved = Path(path).resolve()
    return any(resolved == r.resolve() or r.resolve() in resolved.parents for r in roots)


def index_document(index: Index, embedder: Embedder, doc: Document, settings: IngestSettings,
                   batch_size: int = 16, log: Callable[[str], None] | None = None, chunks: list | None = None,
                   on_batch: Callable[[int], None] | None = None) -> int:  # fmt: skip
    """Embed and store one document's chunks, then commit it (the commit point), then drop its old vectors."""
    chunks = chunks if chunks is not None else chunk_document(doc, settings.chunk_chars,
                                                              settings.chunk_overlap_sentences)  # fmt: skip
    old_ids = index.manifest.chunk_ids(doc.doc_id)
    for i in range(0, len(chunks), batch_size):
        batch = chunks[i : i + batch_size]
        vectors = embedder.embed_documents([embedding_text(c) for c in batch])
        index.store.add(batch, vectors)
        if log:
            log(f"vectors written: {doc.doc_id} {i + len(batch)}/{len(chunks)}")
        if on_batch:
            on_batch(len(batch))
    index.manifest.commit_document(doc.metadata(), chunks)  # the commit point
    index.store.delete(sorted(old_ids - {c.chunk_id for c in chunks}))
    return len(chunks)


def ingest(paths: list[Path], index: Index, embedder: Embedder, settings: IngestSettings, *,
           batch_size: int = 16, progress: bool = False, verbose: bool = False,
           log: Callable[[str], None] = print) -> IngestReport:  # fmt: skip
    """Bring the index in line with the files under `paths`; bad files are reported, not fatal. One ingest at a
    time (the writer lock is held for the whole run, orphan collection included)."""
    with index.ingest_lock():
        return _ingest(paths, index, embedder, settings, batch_size, progress, verbose, log)


def _ingest(paths, index, embedder, settings, batch_size, progress, verbose, log) -> IngestReport:
    started = time.perf_counter()
    report = IngestReport(orphans_collected=index.collect_orphans())
    files, report.failed = discover(paths)
    known = index.manifest.documents()
    todo, seen, failed_paths = _load_changed(files, known, settings, report)
    bar = IngestProgress(index.manifest, sum(len(chunks) for _, chunks in todo), len(todo), show=progress, log=log)
    try:
        for doc, chunks in todo:
            if verbose:
                log(f"{doc.doc_id}: visibility {doc.visibility}")
            report.chunks_embedded += index_document(index, embedder, doc, settings, batch_size,
                                                     log if verbose else None, chunks, bar.advance)  # fmt: skip
            report.ingested.append(doc.doc_id)
    except BaseException:
        bar.close("interrupted")
        raise
    bar.close()
    for doc_id, (source_path, _) in known.items():
        if doc_id not in seen and source_path not in failed_paths and _under(source_path, paths):
            stale = sorted(index.manifest.chunk_ids(doc_id))
            index.manifest.remove_document(doc_id)  # first: a crash here leaves only orphans
            index.store.delete(stale)
            report.removed.append(doc_id)
    index.build_keywords()  # rebuild and persist the keyword indexes for the new generation
    report.seconds = time.perf_counter() - started
    return report


def _load_changed(files, known, settings, report) -> tuple[list, dict[str, str], set[str]]:
    """Load every file; bad ones go to the report, unchanged ones are skipped; the rest is chunked, so the
    progress bar knows the number of chunks to embed before the first one is."""
    todo, seen, failed_paths = [], {}, set()
    for path in files:
        try:
            doc = load_document(path, int(settings.max_file_mb * 1_000_000),
                                default_visibility=settings.default_visibility,
                                groups=tuple(settings.visibility_groups))  # fmt: skip
            if doc.doc_id in seen:
                raise LoadError(f"duplicate document id {doc.doc_id!r} (also {seen[doc.doc_id]})")
        except LoadError as exc:
            report.failed.append((str(path), str(exc)))
            failed_paths.add(str(path))
            continue
        seen[doc.doc_id] = str(path)
        if known.get(doc.doc_id, ("", ""))[1] == doc.content_hash:
            report.unchanged.append(doc.doc_id)
            continue
        todo.append((doc, chunk_document(doc, settings.chunk_chars, settings.chunk_overlap_sentences)))
    return todo, seen, failed_paths
