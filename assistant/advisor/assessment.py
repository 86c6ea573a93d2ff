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

from assistant.retrieve.retrieval import Filters
from assistant.types import Citation

LEVELS = ["low", "elevated", "high"]
TYPES = ["joint-research", "hosting", "student-exchange", "city-partnership", "mou", "event-visit",
         "procurement-donation", "data-sharing"]  # fmt: skip
REQUESTERS = ["senate-department", "district-office", "university", "research-institute"]
MILITARY = ("military", "seven sons", "defence", "defense", "security", "conglomerate")


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
                "sections": [asdict(s) for s in self.sections], "citations": [asdict(c) for c in self.citations],
                "institutions": self.institutions}  # fmt: skip


def load_tables(folder: Path) -> dict[str, Any]:
    names = ("fields", "countries", "cooperation_types", "measures")
    return {n: yaml.safe_load((folder / f"{n}.yaml").read_text(encoding="utf-8")) for n in names}


class Assessor:
    """Builds assessments with an Assistant (retrieval, institution recognition) and the tables."""

    def __init__(self, assistant, tables_dir: Path, filters: Filters | None = None):
        self.assistant, self.tables, self.filters = assistant, load_tables(tables_dir), filters or Filters()
        self._cites: dict[str, Citation] = {}

    def _cite(self, query: str, note_ids: list[str], lang: str) -> list[int]:
        """The best passage for `query` among the named notes (preferring the requested language)."""
        if not note_ids:
            return []
        known = {d for d in note_ids if self.assistant.index.manifest.document_meta(d)}
        if not known:
            return []
        same = [d for d in known if (self.assistant.index.manifest.document_meta(d) or {}).get("language") == lang]
        scope = Filters(visibility=self.filters.visibility, doc_ids=tuple(sorted(same or known)))
        passages = self.assistant.retriever.retrieve(query, k=1, filters=scope, language=lang)
        if not passages:
            return []
        chunk_id = passages[0].chunk.chunk_id
        if chunk_id not in self._cites:
            self._cites[chunk_id] = Citation.from_passage(len(self._cites) + 1, passages[0])
        return [self._cites[chunk_id].n]

    def _point(self, row: dict[str, Any], lang: str, text_key: str = "text") -> Point:
        text = row[text_key][lang] if isinstance(row[text_key], dict) else str(row[text_key])
        return Point(text=text, label=row.get("kind"), cites=self._cite(text, row.get("notes") or [], lang),
                     source=row.get("source"), url=row.get("url"))  # fmt: skip

    def assess(self, req: AssessmentRequest) -> Assessment:
        self._cites = {}
        lang = req.lang if req.lang in ("de", "en") else "de"
        from assistant.advisor.texts import TEXT

        t = TEXT[lang]
        matches = self.assistant.recognise(req.partner)
        sections = [self._partner(req, matches, lang, t), self._country(req, lang, t), self._field(req, lang, t),
                    self._type(req, lang, t), self._measures(req, lang, t)]  # fmt: skip
        return Assessment(req, dt.date.today().isoformat(), sections, sorted(self._cites.values(), key=lambda c: c.n),
                          [m.to_dict() for m in matches])  # fmt: skip

    def _partner(self, req, matches, lang, t) -> Section:
        screening_notes = ["aspi-china-defence-universities-tracker-en", "aspi-tracker-chinesische-hochschulen-de",
                           "entity-list-csl-screening-en", "sanktionslisten-pruefen-de"]  # fmt: skip
        points, level = [], "low"
        for m in matches:
            inst = m.institution
            cats = [c for c in inst.categories]
            if inst.tracker_url:
                text = t["tracker"].format(name=inst.name, cats=", ".join(cats) or "–")
                military = any(k in " ".join(cats).lower() for k in MILITARY)
                level = max(level, "high" if military else "elevated", key=LEVELS.index)
                points.append(Point(text, None, self._cite(text, screening_notes, lang), "ASPI China Defence "
                                    "Universities Tracker (pymispgalaxies)", inst.tracker_url))  # fmt: skip
            for f in inst.flags:
                certainty = t.get(f.certainty, f.certainty)
                text = t["flag"].format(label=f.label, as_of=f.as_of or "–", certainty=certainty, detail=f.detail)
                if f.conflict:
                    text += " " + t["conflict"].format(c=f.conflict)
                level = max(level, "high" if f.certainty == "confirmed" else "elevated", key=LEVELS.index)
                points.append(Point(text, None, self._cite(text, screening_notes, lang), f.source, f.url))
        if not matches:
            text = t["no_signals"]
            points.append(Point(text, None, self._cite(text, screening_notes, lang)))
        return Section("partner", t["partner"].format(p=req.partner), level, points)

    def _country(self, req, lang, t) -> Section:
        rows = self.tables["countries"]["countries"]
        entry = next((c for c in rows if c["code"].upper() == req.country.upper()), None)
        default = next(c for c in rows if c["code"] == "*")
        points = [self._point(p, lang) for p in (entry or default)["points"]]
        if entry:
            points += [self._point(p, lang) for p in default["points"] if p.get("kind") == "law"][:2]
        name = entry["name"][lang] if entry else req.country.upper()
        return Section("country", t["country"].format(c=name), (entry or default)["attention"], points)

    def _field(self, req, lang, t) -> Section:
        text = req.field.lower()
        hits = [f for f in self.tables["fields"]["fields"] if any(k.lower() in text for k in f.get("keywords") or [])]
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
        return Section("field", t["field_title"].format(f=req.field), level, points)

    def _type(self, req, lang, t) -> Section:
        entry = next(x for x in self.tables["cooperation_types"]["types"] if x["id"] == req.type)
        points = [self._point(q, lang) for q in entry["questions"]]
        return Section("type", t["type"].format(l=entry["label"][lang]), entry["attention"], points)

    def _measures(self, req, lang, t) -> Section:
        m = self.tables["measures"]
        points = [self._point(x, lang) for x in m["measures"]]
        for contact in m["contacts"]:
            p = self._point(contact, lang)
            p.text = f"{contact['name'][lang]}: {p.text}"
            points.append(p)
        return Section("measures", t["measures"], "low", points)
