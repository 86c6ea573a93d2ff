"""Advisor workspace: a structured, sourced assessment of a planned cooperation.

The mapping tables (fields → Annex I categories, countries → regimes, types → questions, measures and
contacts) are data in corpus/assessment/*.yaml. Every statement cites a retrieved corpus passage [n]
from the notes the table row names. Attention levels, never "allowed" or "forbidden".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from assistant.advisor.texts import TEXT
from assistant.retrieve.retrieval import Filters
from assistant.text.language import fold
from assistant.types import Citation, Passage

LEVELS = ["low", "elevated", "high"]
TYPES = ["joint-research", "hosting", "student-exchange", "city-partnership", "mou", "event-visit",
         "procurement-donation", "data-sharing"]  # fmt: skip
REQUESTERS = ["senate-department", "district-office", "university", "research-institute"]
MILITARY = ("military", "seven sons", "defence", "defense", "security", "conglomerate")
SCREENING_NOTES = ["aspi-china-defence-universities-tracker-en", "aspi-tracker-chinesische-hochschulen-de",
                   "entity-list-csl-screening-en", "sanktionslisten-pruefen-de"]  # fmt: skip


@dataclass(frozen=True)
class AssessmentRequest:
    partner: str
    country: str
    field: str
    type: str
    funding: str | None = None
    data: str | None = None
    requester: str | None = None
    lang: str = "de"


@dataclass
class Point:
    text: str
    label: str | None = None  # "law" | "guidance" | None
    cites: list[int] = field(default_factory=list)
    source: str | None = None
    url: str | None = None


@dataclass
class Section:
    key: str
    title: str
    level: str
    points: list[Point]


@dataclass
class Assessment:
    request: AssessmentRequest
    created: str
    sections: list[Section]
    citations: list[Citation]
    institutions: list[dict[str, Any]]

    @property
    def overall(self) -> str:
        return max((s.level for s in self.sections if s.key != "measures"), key=LEVELS.index, default="low")

    def to_dict(self) -> dict[str, Any]:
        from dataclasses import asdict

        return {"request": asdict(self.request), "created": self.created, "overall": self.overall,
                "sections": [asdict(s) for s in self.sections], "citations": [c.to_dict() for c in self.citations],
                "institutions": self.institutions}  # fmt: skip


def load_tables(folder: Path) -> dict[str, Any]:
    names = ("fields", "countries", "cooperation_types", "measures")
    return {n: yaml.safe_load((folder / f"{n}.yaml").read_text(encoding="utf-8")) for n in names}


def field_ids(tables: dict[str, Any], text: str) -> list[str]:
    """The fields whose keywords occur in `text` (substrings: German compounds hide them)."""
    low = fold(text)
    return [f["id"] for f in tables["fields"]["fields"] if any(fold(k) in low for k in f.get("keywords") or [])]


class Assessor:
    """Builds assessments from the tables; every point cites the best passage of the notes its row names.

    The chat's situation answers use the same dimensions (`sections`), so chat and advisor agree."""

    def __init__(self, assistant, tables_dir: Path | None = None, filters: Filters | None = None):
        self.assistant, self.filters = assistant, filters or Filters()
        self.tables = assistant.tables if tables_dir in (None, assistant.settings.assessment.tables_dir) else \
            load_tables(tables_dir)  # fmt: skip
        self._cites: dict[str, Citation] = {}
        self.passages: dict[int, Passage] = {}

    def _cite(self, query: str, note_ids: list[str], lang: str) -> list[int]:
        """The best passage for `query` among the named notes (preferring the requested language)."""
        passage = self.assistant.point_citer.cite(query, note_ids, lang, self.filters) if note_ids else None
        if passage is None:
            return []
        chunk_id = passage.chunk.chunk_id
        if chunk_id not in self._cites:
            n = len(self._cites) + 1
            self._cites[chunk_id], self.passages[n] = Citation.from_passage(n, passage), passage
        return [self._cites[chunk_id].n]

    def _point(self, row: dict[str, Any], lang: str, text_key: str = "text") -> Point:
        text = row[text_key][lang] if isinstance(row[text_key], dict) else str(row[text_key])
        return Point(text=text, label=row.get("kind"), cites=self._cite(text, row.get("notes") or [], lang),
                     source=row.get("source"), url=row.get("url"))  # fmt: skip

    def sections(self, partner: str, matches: list, country: str | None, fields: list[str], field_text: str,
                 kind: str | None, lang: str) -> list[Section]:  # fmt: skip
        """The dimensions of the due-diligence checklist; a missing country or type is left out."""
        t = TEXT[lang]
        out = [self._partner(partner, matches, lang, t)]
        out += [self._country(country, lang, t)] if country else []
        out.append(self._field(fields, field_text, lang, t))
        out += [self._type(kind, lang, t)] if kind else []
        return out + [self._measures(lang, t)]

    def assess(self, req: AssessmentRequest) -> Assessment:
        self._cites, self.passages = {}, {}
        lang = req.lang if req.lang in ("de", "en") else "de"
        matches = self.assistant.recognise(req.partner)
        sections = self.sections(req.partner, matches, req.country, field_ids(self.tables, req.field), req.field,
                                 req.type, lang)  # fmt: skip
        return Assessment(req, dt.date.today().isoformat(), sections, sorted(self._cites.values(), key=lambda c: c.n),
                          [m.to_dict() for m in matches])  # fmt: skip

    def _partner(self, partner, matches, lang, t) -> Section:
        points, level = [], "low"
        for m in matches:
            inst = m.institution
            cats = [c for c in inst.categories]
            if inst.tracker_url:
                text = t["tracker"].format(name=inst.name, cats=", ".join(cats) or "–")
                military = any(k in " ".join(cats).lower() for k in MILITARY)
                level = max(level, "high" if military else "elevated", key=LEVELS.index)
                cites = self._cite(t["tracker_query"], SCREENING_NOTES, lang)  # one fixed query for every entry
                points.append(Point(text, None, cites, "ASPI China Defence Universities Tracker (pymispgalaxies)",
                                    inst.tracker_url))  # fmt: skip
            for f in inst.flags:
                certainty = t.get(f.certainty, f.certainty)
                label, detail, conflict = f.texts(lang)
                text = t["flag"].format(label=label, as_of=f.as_of or "–", certainty=certainty, detail=detail)
                if conflict:
                    text += " " + t["conflict"].format(c=conflict)
                if f.raises_attention:  # a record of measures against the institution is no risk signal
                    level = max(level, "high" if f.certainty == "confirmed" else "elevated", key=LEVELS.index)
                points.append(
                    Point(text, None, self._cite(f"{label}: {detail}", SCREENING_NOTES, lang), f.source, f.url)
                )
        if not matches:
            text = t["no_signals"]
            points.append(Point(text, None, self._cite(text, SCREENING_NOTES, lang)))
        return Section("partner", t["partner"].format(p=partner), level, points)

    def _country(self, code: str, lang, t) -> Section:
        rows = self.tables["countries"]["countries"]
        entry = next((c for c in rows if c["code"].upper() == code.upper()), None)
        default = next(c for c in rows if c["code"] == "*")
        points = [self._point(p, lang) for p in (entry or default)["points"]]
        if entry:
            points += [self._point(p, lang) for p in default["points"] if p.get("kind") == "law"][:2]
        name = entry["name"][lang] if entry else code.upper()
        return Section("country", t["country"].format(c=name), (entry or default)["attention"], points)

    def _field(self, ids: list[str], field_text: str, lang, t) -> Section:
        hits = [f for f in self.tables["fields"]["fields"] if f["id"] in ids]
        points = []
        for f in hits:
            cats = ", ".join(str(c) for c in f.get("annex_categories") or []) or "–"
            p = self._point(f, lang, "note")
            p.text = t["field"].format(label=f["label"][lang], cats=cats) + " " + p.text
            points.append(p)
        if not hits:
            points.append(Point(t["no_field"], None, self._cite(t["no_field"], [
                "export-control-academia-en", "exportkontrolle-wissenschaft-de"], lang)))  # fmt: skip
        level = max((f["attention"] for f in hits), key=LEVELS.index, default="low")
        label = field_text or ", ".join(f["label"][lang] for f in hits)
        return Section("field", t["field_title"].format(f=label), level, points)

    def _type(self, kind: str, lang, t) -> Section:
        entry = next(x for x in self.tables["cooperation_types"]["types"] if x["id"] == kind)
        points = [self._point(q, lang) for q in entry["questions"]]
        return Section("type", t["type"].format(l=entry["label"][lang]), entry["attention"], points)

    def _measures(self, lang, t) -> Section:
        m = self.tables["measures"]
        points = [self._point(x, lang) for x in m["measures"]]
        for contact in m["contacts"]:
            p = self._point(contact, lang)
            p.text = f"{contact['name'][lang]}: {p.text}"
            points.append(p)
        return Section("measures", t["measures"], "low", points)


def table_texts(tables: dict[str, Any], flags: list, known_notes: set[str]) -> list[str]:
    """Every fixed text an assessment cites (both languages), for warming the vector cache after ingest;
    rows whose notes are not in the index are left out (they cannot be cited)."""
    rows = [p for c in tables["countries"]["countries"] for p in c["points"]]
    rows += [{**f, "text": f["note"]} for f in tables["fields"]["fields"]]
    rows += [q for x in tables["cooperation_types"]["types"] for q in x["questions"]]
    rows += tables["measures"]["measures"] + tables["measures"]["contacts"]
    out = []
    for lang in ("de", "en"):
        out += [r["text"][lang] if isinstance(r["text"], dict) else str(r["text"]) for r in rows
                if set(r.get("notes") or ()) & known_notes]  # fmt: skip
        if set(SCREENING_NOTES) & known_notes:
            out += [TEXT[lang]["tracker_query"], TEXT[lang]["no_signals"]]
            out += [f"{label}: {detail}" for f in flags for label, detail, _ in [f.texts(lang)]]
        out.append(TEXT[lang]["no_field"])
    return list(dict.fromkeys(out))
