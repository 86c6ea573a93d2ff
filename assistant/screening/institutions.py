"""The institution layer: the ASPI tracker (pymispgalaxies), the curated register, imported lists.

Signals, never verdicts: each flag names its source, date and certainty. The tracker data carries no
risk rating, so none is shown from it.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from assistant.screening.names import normalise

TRACKER_SOURCE = "ASPI China Defence Universities Tracker"
_VALUE = re.compile(r"^(?P<en>.*?)\s*\((?P<zh>[^()]*[\u4e00-\u9fff][^()]*)\)\s*$")


@dataclass(frozen=True)
class Flag:
    source: str
    label: str
    detail: str
    as_of: str | None
    url: str | None
    certainty: str = "confirmed"  # confirmed | uncertain
    conflict: str | None = None
    german: dict[str, str | None] | None = None  # {"label", "detail", "conflict"} in German, when the source has it
    raises_attention: bool = True  # False for records of measures taken against the institution, not risk signals

    def texts(self, language: str) -> tuple[str, str, str | None]:
        """(label, detail, conflict) in the language asked for (English when no German text exists)."""
        if language == "de" and self.german:
            return self.german["label"] or self.label, self.german["detail"] or self.detail, self.german["conflict"]
        return self.label, self.detail, self.conflict


@dataclass(frozen=True)
class Institution:
    name: str
    aliases: tuple[str, ...] = ()
    country: str | None = None
    categories: tuple[str, ...] = ()
    supervising_agencies: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    laboratories: tuple[str, ...] = ()
    tracker_url: str | None = None
    flags: tuple[Flag, ...] = ()
    origin: str = "register"  # tracker | register | import:<file>

    def all_names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "country": self.country,
            "categories": list(self.categories),
            "supervising_agencies": list(self.supervising_agencies),
            "topics": list(self.topics),
            "laboratories": list(self.laboratories),
            "flags": [asdict(f) for f in self.flags],
            "tracker_url": self.tracker_url,
            "aliases": list(self.aliases),
        }


def _list(value: Any) -> tuple[str, ...]:
    if not value:
        return ()
    return tuple(str(v).strip() for v in (value if isinstance(value, list) else [value]) if str(v).strip())


def split_value(value: str) -> tuple[str, str | None]:
    """'Harbin Institute of Technology (哈尔滨工业大学)' → (English name, Chinese name)."""
    match = _VALUE.match(value)
    return (match.group("en").strip(), match.group("zh").strip()) if match else (value.strip(), None)


def tracker_entries() -> list[dict[str, Any]]:
    """The tracker's cluster values, read from the data file the pymispgalaxies package ships."""
    import pymispgalaxies

    path = Path(pymispgalaxies.__file__).parent / "data/misp-galaxy/clusters/china-defence-universities.json"
    return json.loads(path.read_text(encoding="utf-8"))["values"]


def load_tracker() -> list[Institution]:
    """All tracker entries (offline)."""
    out = []
    for entry in tracker_entries():
        meta = entry.get("meta") or {}
        english, chinese = split_value(entry["value"])
        aliases = [a for a in (*_list(meta.get("aliases")), chinese) if a and a != english]
        refs = _list(meta.get("refs"))
        tracker_url = next((r for r in refs if "unitracker" in r), refs[0] if refs else None)
        out.append(Institution(
            name=english, aliases=tuple(dict.fromkeys(aliases)), country="CN",
            categories=_list(meta.get("categories")), supervising_agencies=_list(meta.get("supervising agencies")),
            topics=_list(meta.get("topics")), laboratories=_list(meta.get("major defence laboratories")),
            tracker_url=tracker_url, origin="tracker",
        ))  # fmt: skip
    return out


def _bilingual(value: Any, language: str) -> str | None:
    """A register text: either one string or {de: …, en: …}."""
    return _str(value.get(language) or value.get("en")) if isinstance(value, dict) else _str(value)


def _flag(d: dict[str, Any]) -> Flag:
    label = d.get("label") or d.get("source") or ""
    german = {k: _bilingual(d.get(k), "de") for k in ("label", "detail", "conflict")}
    return Flag(source=str(d.get("source") or ""), label=_bilingual(label, "en") or "",
                detail=_bilingual(d.get("detail"), "en") or "", as_of=_str(d.get("as_of")), url=_str(d.get("url")),
                certainty=str(d.get("certainty") or "confirmed"), conflict=_bilingual(d.get("conflict"), "en"),
                german=german, raises_attention=d.get("raises_attention", True) is not False)  # fmt: skip


def _str(v: Any) -> str | None:
    return None if v in (None, "") else str(v)


def load_register(path: Path) -> list[Institution]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [
        Institution(
            name=str(e["name"]),
            aliases=_list(e.get("aliases")),
            country=_str(e.get("country")),
            categories=_list(e.get("categories")),
            flags=tuple(_flag(f) for f in e.get("flags") or ()),
            origin="register",
        )  # fmt: skip
        for e in data.get("institutions") or []
    ]


def imported_lists(folder: Path) -> list[tuple[str, list[dict[str, Any]]]]:
    """(name, entries) of every list imported into `folder` (the single-machine default)."""
    return [(p.stem, json.loads(p.read_text(encoding="utf-8"))) for p in sorted(folder.glob("*.json"))
            if folder.is_dir()]  # fmt: skip


def from_lists(lists: list[tuple[str, list[dict[str, Any]]]]) -> list[Institution]:
    """Institutions from imported lists (entries as `importers` writes them)."""
    return [Institution(name=e["name"], aliases=tuple(e.get("aliases", ())), country=e.get("country"),
                        flags=tuple(Flag(**f) for f in e.get("flags", ())), origin=f"import:{name}")
            for name, entries in lists for e in entries]  # fmt: skip


def load_imported(folder: Path) -> list[Institution]:
    return from_lists(imported_lists(folder))


def merge(base: list[Institution], extra: list[Institution]) -> list[Institution]:
    """Attach flags and aliases of `extra` entries to base entries sharing a name or alias."""
    index = {normalise(n): i for i, inst in enumerate(base) for n in inst.all_names()}
    out = list(base)
    for inst in extra:
        hit = next((index[normalise(n)] for n in inst.all_names() if normalise(n) in index), None)
        if hit is None:
            out.append(inst)
            for n in inst.all_names():
                index[normalise(n)] = len(out) - 1
            continue
        cur = out[hit]
        aliases = tuple(dict.fromkeys(a for a in (*cur.aliases, *inst.all_names()) if a != cur.name))
        out[hit] = replace(
            cur,
            aliases=aliases,
            flags=cur.flags + inst.flags,
            country=cur.country or inst.country,
            categories=cur.categories or inst.categories,
        )
    return out


@dataclass
class InstitutionRegistry:
    institutions: list[Institution] = field(default_factory=list)

    @classmethod
    def load(cls, register: Path | None, imported: Path | None, tracker: bool = True,
             lists: list[tuple[str, list[dict[str, Any]]]] | None = None) -> InstitutionRegistry:  # fmt: skip
        """Tracker, register and imported lists — from `imported` (a folder) or `lists` (e.g. from PostgreSQL)."""
        items = load_tracker() if tracker else []
        if register and register.is_file():
            items = merge(items, load_register(register))
        if lists is not None:
            items = merge(items, from_lists(lists))
        elif imported:
            items = merge(items, load_imported(imported))
        return cls(items)
