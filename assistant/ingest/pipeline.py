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


# Documents are embedded in groups of about this many chunks, sorted by length across the group, so a batch pads
# little: on the shipped corpus one batch per document pads 47 % extra tokens, sorting over 128 chunks 12 %.
GROUP_CHUNKS = 128


def index_documents(index: Index, embedder: Embedder, docs: list[tuple[Document, list]], batch_size: int = 16,
                    log: Callable[[str], None] | None = None,
                    on_batch: Callable[[int], None] | None = None) -> int:  # fmt: skip
    """Embed and store the chunks of a few documents (batches of similar length), then commit each document
    (the commit point), then drop its old vectors. A crash before a commit leaves only orphan vectors."""
    old_ids = {doc.doc_id: index.manifest.chunk_ids(doc.doc_id) for doc, _ in docs}
    texts = [(embedding_text(c), c) for _, chunks in docs for c in chunks]
    texts.sort(key=lambda tc: -len(tc[0]))
    written: dict[str, int] = {}
    for i in range(0, len(texts), batch_size):
        batch = texts[i : i + batch_size]
        vectors = embedder.embed_documents([text for text, _ in batch])
        index.store.add([c for _, c in batch], vectors)
        for _, c in batch:
            written[c.doc_id] = written.get(c.doc_id, 0) + 1
        if log:
            for doc, chunks in docs:
                if any(c.doc_id == doc.doc_id for _, c in batch):
                    log(f"vectors written: {doc.doc_id} {written[doc.doc_id]}/{len(chunks)}")
        if on_batch:
            on_batch(len(batch))
    for doc, chunks in docs:
        index.manifest.commit_document(doc.metadata(), chunks)  # the commit point
        index.store.delete(sorted(old_ids[doc.doc_id] - {c.chunk_id for c in chunks}))
    return len(texts)


def _groups(todo: list[tuple[Document, list]]) -> list[list[tuple[Document, list]]]:
    """Consecutive documents in groups of about GROUP_CHUNKS chunks (a large document forms its own group)."""
    groups: list[list] = [[]]
    for doc, chunks in todo:
        if groups[-1] and sum(len(c) for _, c in groups[-1]) + len(chunks) > GROUP_CHUNKS:
            groups.append([])
        groups[-1].append((doc, chunks))
    return [g for g in groups if g]


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
        for group in _groups(todo):
            if verbose:
                for doc, _ in group:
                    log(f"{doc.doc_id}: visibility {doc.visibility}")
            report.chunks_embedded += index_documents(index, embedder, group, batch_size, log if verbose else None,
                                                      bar.advance)  # fmt: skip
            report.ingested += [doc.doc_id for doc, _ in group]
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
