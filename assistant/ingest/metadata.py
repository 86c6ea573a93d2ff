"""Document metadata: known keys, visibility, topics, sidecars, and the sources each section rests on.

A note may declare its sources once in front matter (`sources: [{id, publisher, title, date, url}]`) and
name, in a marker line right under each `##` heading, the ids that section rests on:
`<!-- sources: kharon-2023, reedsmith-2020 -->` (invisible when the Markdown is rendered). `###`
subsections inherit their section's sources. A document without `sources` (a user's PDF) is cited with
its own metadata.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from assistant.ingest.errors import LoadError
from assistant.types import Section

KNOWN_KEYS = ("id", "title", "language", "publisher", "source_urls", "source_url", "published", "as_of",
              "jurisdiction", "topics", "visibility", "original_title", "binding", "reliability", "reviewed",
              "dossier_sections", "sources")  # fmt: skip
MARKER = re.compile(r"^\s*<!--\s*sources:\s*(?P<ids>[^>]*?)\s*-->\s*$")
SOURCE_KEYS = ("id", "publisher", "title", "date", "url")


def as_str(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def sidecar_meta(path: Path) -> dict[str, Any]:
    sidecar = path.with_name(path.name + ".meta.yaml")
    if not sidecar.is_file():
        return {}
    meta = yaml.safe_load(sidecar.read_text(encoding="utf-8")) or {}
    return meta if isinstance(meta, dict) else {}


def check_keys(meta: dict[str, Any]) -> None:
    """A misspelt metadata key ('visiblity') fails the file instead of being silently ignored."""
    for key in meta:
        if key not in KNOWN_KEYS and (close := difflib.get_close_matches(str(key), KNOWN_KEYS, n=1, cutoff=0.8)):
            raise LoadError(f"unknown metadata key {key!r} (did you mean {close[0]!r}?)")


def visibility_of(meta: dict[str, Any], default: str, groups: tuple[str, ...]) -> str:
    """`public` or a configured group; a missing key takes the default, anything else fails the file."""
    if "visibility" not in meta:
        return default
    value = meta["visibility"]
    if not isinstance(value, str) or not value.strip():
        raise LoadError(f"visibility must be 'public' or one of the configured groups {list(groups)}, got {value!r}")
    if value.strip() not in ("public", *groups):
        raise LoadError(f"unknown visibility {value.strip()!r}: use 'public' or one of {list(groups)}")
    return value.strip()


def topics_of(meta: dict[str, Any]) -> tuple[str, ...]:
    value = meta.get("topics")
    if not value:
        return ()
    return tuple(str(t) for t in value) if isinstance(value, list) else (str(value),)


def declared_sources(meta: dict[str, Any]) -> tuple[dict[str, Any], ...]:
    """The note's `sources`, each {id, publisher, title, date, url}; a malformed list fails the file."""
    raw = meta.get("sources")
    if raw is None:
        return ()
    if not isinstance(raw, list) or not raw:
        raise LoadError("sources must be a non-empty list of {id, publisher, title, date, url}")
    out, seen = [], set()
    for entry in raw:
        if not isinstance(entry, dict) or any(k not in entry for k in SOURCE_KEYS) or not entry.get("id"):
            raise LoadError(f"every source needs {', '.join(SOURCE_KEYS)} (null when unknown): {entry!r}"[:200])
        if entry["id"] in seen:
            raise LoadError(f"source id {entry['id']!r} is declared twice")
        url = as_str(entry["url"])
        if url and not re.match(r"^https?://\S+$", url):
            raise LoadError(f"source {entry['id']!r}: url is not an http(s) URL: {url[:80]!r}")
        seen.add(entry["id"])
        out.append({"id": str(entry["id"]), "publisher": as_str(entry["publisher"]), "title": as_str(entry["title"]),
                    "date": as_str(entry["date"]), "url": url})  # fmt: skip
    return tuple(out)


def attach_sources(sections: list[Section], sources: tuple[dict[str, Any], ...]) -> list[Section]:
    """Strip each section's marker line and record its source ids; every section must name known sources."""
    if not sources:
        return sections
    known, out, inherited = {s["id"] for s in sources}, [], {}
    for section in sections:
        first, _, rest = section.text.partition("\n")
        marker = MARKER.match(first)
        top = section.path[:1]
        if marker:
            ids = tuple(i.strip() for i in marker.group("ids").split(",") if i.strip())
            if unknown := [i for i in ids if i not in known]:
                raise LoadError(f"section {' > '.join(section.path)!r} names undeclared sources {unknown}")
            inherited[top] = ids
            section = replace(section, text=rest.strip())
        ids = inherited.get(top, ()) if not marker else ids
        if not ids:
            raise LoadError(f"section {' > '.join(section.path) or '(before the first heading)'!r} names no sources")
        if section.text:
            out.append(replace(section, source_ids=ids))
    return out
