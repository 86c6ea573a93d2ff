"""Ingest: load files by content (PDF, Markdown, HTML, DOCX, text), chunk them along their structure, and
commit each document atomically to the store (vectors first, then the manifest, then old vectors removed)."""

from assistant.ingest.chunking import chunk_document
from assistant.ingest.loaders import LoadError, load_document
from assistant.ingest.pipeline import IngestReport, discover, ingest

__all__ = ["IngestReport", "LoadError", "chunk_document", "discover", "ingest", "load_document"]
