"""Situation answers: a compact version of the advisor's assessment for the chat.

First line: the attention level and the decisive reason. Then "What applies" (binding law first, labelled,
then guidance) and "What to do now" (steps, who decides) — each line cited, at most `max_citations` passages,
in the question's language. A decision coopguide cannot make gets the same material as a refusal: what cannot
be determined, how to find out, who decides.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.advisor.assessment import LEVELS, Assessor, Section
from assistant.answer.extractive import OTHER_LANGUAGE, SOURCES_HEADING, source_line
from assistant.situation.recognise import Situation
from assistant.text.sentences import split_sentences
from assistant.types import Citation, Passage

TEXT = {
    "de": {"attention": "Aufmerksamkeit", "applies": "Was gilt", "todo": "Was jetzt zu tun ist",
           "law": "Verbindliches Recht", "guidance": "Leitlinie", "levels": {"low": "gering", "elevated": "erhöht",
           "high": "hoch"}, "find_out": "So finden Sie es heraus", "who": "Wer entscheidet",
           "known": "Was die Quellen dazu sagen"},
    "en": {"attention": "Attention", "applies": "What applies", "todo": "What to do now", "law": "Binding law",
           "guidance": "Guidance", "levels": {"low": "low", "elevated": "elevated", "high": "high"},
           "find_out": "How to find out", "who": "Who decides", "known": "What the sources say"},
}  # fmt: skip
ORDER = ("partner", "country", "field", "type")


@dataclass
class Line:
    text: str
    passage: Passage
    label: str | None = None
    order: int = 0  # display position within its section (lines are added by priority, shown by order)


class Lines:
    """Lines in sections, citing at most `limit` distinct passages (lines whose passage is already cited are free)."""

    def __init__(self, limit: int):
        self.limit, self.cited, self.sections = limit, {}, {}

    def add(self, section: str, text: str, passage: Passage | None, label: str | None = None, order: int = 0) -> bool:
        if passage is None or any(line.text == text for lines in self.sections.values() for line in lines):
            return False
        cid = passage.chunk.chunk_id
        if cid not in self.cited and len(self.cited) >= self.limit:
            return False
        self.cited.setdefault(cid, passage)
        self.sections.setdefault(section, []).append(Line(text, passage, label, order))
        return True

    def render(self, heads: list[tuple[str, str]], language: str, t: dict) -> tuple[str, list[Citation]]:
        shown = [line for key, _ in heads for line in sorted(self.sections.get(key) or [], key=lambda x: x.order)]
        numbers: dict[str, int] = {}
        for line in shown:  # numbered in reading order
            numbers.setdefault(line.passage.chunk.chunk_id, len(numbers) + 1)
        citations = [Citation.from_passage(numbers[cid], self.cited[cid]) for cid in numbers]
        blocks = []
        for key, head in heads:
            lines = sorted(self.sections.get(key) or [], key=lambda x: x.order)
            if lines:
                blocks.append("\n".join([f"### {head}"] + [self._bullet(x, numbers, language, t) for x in lines]))
        sources = [SOURCES_HEADING[language]] + [source_line(c, language) for c in citations]
        return "\n\n".join(blocks) + "\n\n" + "\n".join(sources), citations

    @staticmethod
    def _bullet(line: Line, numbers: dict[str, int], language: str, t: dict) -> str:
        """One bullet; every sentence of it carries the marker of the passage that supports it."""
        label = f"{t[line.label]}: " if line.label in ("law", "guidance") else ""
        other = OTHER_LANGUAGE.get(language, {}).get(line.passage.language) if line.label == "evidence" else None
        marker = f"[{numbers[line.passage.chunk.chunk_id]}]"
        sentences = [line.text[s:e].strip() for s, e in split_sentences(line.text)]
        cited = [f"{_unpunctuated(x)} {marker}{_end(x)}" if x.endswith((".", "!", "?")) else f"{x} {marker}"
                 for x in sentences]  # fmt: skip
        return f"- {label}" + " ".join(cited) + (f" ({other})" if other else "")


def _unpunctuated(sentence: str) -> str:
    return sentence[:-1] if sentence.endswith((".", "!", "?")) else sentence


def _end(sentence: str) -> str:
    return sentence[-1] if sentence.endswith((".", "!", "?")) else ""


def _first_cited(section: Section, assessor: Assessor, label: str | None = None):
    for point in section.points:
        if point.cites and (label is None or point.label == label):
            return point, assessor.passages[point.cites[0]]
    return None, None


def decisive(sections: list[Section], assessor: Assessor):
    """(overall level, section, point, passage) of the highest-attention dimension (partner first on ties)."""
    scored = [s for s in sections if s.key in ORDER]
    level = max((s.level for s in scored), key=LEVELS.index, default="low")
    for key in ORDER:
        section = next((s for s in scored if s.key == key and s.level == level), None)
        if section:
            point, passage = _first_cited(section, assessor, "law") if key == "country" else (None, None)
            if point is None:
                point, passage = _first_cited(section, assessor)
            if point is not None:
                return level, section, point, passage
    return level, None, None, None


def steps_for(situation: Situation, rules: dict, organisation: bool) -> tuple[list[str], list[str]]:
    """Measure and contact ids for the situation (corpus/situation/steps.yaml)."""

    def applies(when) -> bool:
        if when == "always":
            return True
        for cond in when:
            if cond == "partner" and situation.partners or cond == "organisation" and organisation:
                return True
            if cond == "field" and situation.fields:
                return True
            if isinstance(cond, dict) and (set(cond.get("country", ())) & set(situation.countries)
                                           or set(cond.get("activity", ())) & set(situation.activities)):  # fmt: skip
                return True
        return False

    return ([m["id"] for m in rules["measures"] if applies(m["when"])],
            [c["id"] for c in rules["contacts"] if applies(c["when"])])  # fmt: skip


def measure_points(section: Section, tables: dict, ids: list[str]) -> list[tuple[int, object]]:
    """The measures section's points for the given ids, in the order of `ids`."""
    names = [m["id"] for m in tables["measures"]["measures"]] + [c["id"] for c in tables["measures"]["contacts"]]
    by_id = dict(zip(names, section.points))
    return [(i, by_id[i]) for i in ids if i in by_id]


DIMENSION = {
    "de": {"partner": "Partner", "country": "Land", "field": "Fachgebiet", "type": "Art der Kooperation"},
    "en": {"partner": "partner", "country": "country", "field": "field", "type": "type of cooperation"},
}


@dataclass
class Composer:
    """Builds situation answers and decision refusals from an Assessor and the situation rules."""

    assessor: Assessor
    steps: dict
    language: str
    max_citations: int = 8

    def _sections(self, situation: Situation, organisation: bool) -> list[Section]:
        partner = ", ".join(m.institution.name for m in situation.partners)
        country = situation.countries[0] if situation.countries else None
        kind = situation.activities[0] if situation.activities else None
        sections = self.assessor.sections(partner, list(situation.partners), country, list(situation.fields), "",
                                          kind, self.language)  # fmt: skip
        keep = {"partner"} if situation.partners or organisation else set()
        keep |= {"country"} | ({"field"} if situation.fields else set()) | {"type", "measures"}
        return [s for s in sections if s.key in keep]

    def _applies(self, lines: Lines, sections: list[Section], skip: object,
                 evidence: list[tuple[str, Passage]]) -> None:  # fmt: skip
        """Shown: binding law first (the country's law points), then what the question itself retrieved, then the
        partner's and the field's points, then guidance. Added (the citation limit decides): two passages the
        question retrieved, two law points, the rest of the evidence, then the other points."""
        by_key = {s.key: s for s in sections}
        country = by_key.get("country")
        law = [p for p in country.points if p.label == "law" and p is not skip] if country else []
        guidance = [p for p in country.points if p.label == "guidance"][:2] if country else []
        others = [p for key in ("partner", "field") if key in by_key for p in by_key[key].points[:2] if p is not skip]
        for i, (text, found) in enumerate(evidence[:2]):  # what the question itself retrieved (user documents too)
            lines.add("applies", text, found, "evidence", order=10 + i)
        for i, point in enumerate(law[:2]):
            self._add_point(lines, point, order=i)
        for i, (text, found) in enumerate(evidence[2:], 2):
            lines.add("applies", text, found, "evidence", order=10 + i)
        for i, point in enumerate(others + law[2:] + guidance):
            self._add_point(lines, point, order=20 + i)

    def _add_point(self, lines: Lines, point, order: int) -> None:
        if point.cites:
            lines.add("applies", point.text, self.assessor.passages[point.cites[0]], point.label, order)

    def _todo(self, lines: Lines, sections: list[Section], situation: Situation, organisation: bool,
              limit: int) -> None:  # fmt: skip
        """Steps and who decides: the first step and the first contact, then (space permitting) the rest."""
        measures = next((s for s in sections if s.key == "measures"), None)
        if measures is None:
            return
        step_ids, contact_ids = steps_for(situation, self.steps, organisation)
        ordered = [step_ids[0], contact_ids[0]] + step_ids[1:3] + contact_ids[1:3]
        for i, (_, point) in enumerate(measure_points(measures, self.assessor.tables, ordered[:limit])):
            if point.cites:
                lines.add("todo", point.text, self.assessor.passages[point.cites[0]], order=i)

    def situation(self, situation: Situation, evidence: list[tuple[str, Passage]],
                  organisation: bool) -> tuple[str, list[Citation]]:  # fmt: skip
        """Attention line, what applies (law first), what to do now."""
        t = TEXT[self.language]
        sections = self._sections(situation, organisation)
        level, section, point, passage = decisive(sections, self.assessor)
        lines = Lines(self.max_citations)
        reason = ""
        if section is not None:
            lines.add("decisive", point.text, passage, point.label)
            reason = f" — {DIMENSION[self.language][section.key]}: {section.title.split(': ', 1)[-1]}"
        self._todo(lines, sections, situation, organisation, limit=2)
        self._applies(lines, sections, point, evidence)
        self._todo(lines, sections, situation, organisation, limit=6)
        heads = [("decisive", f"{t['attention']}: {t['levels'][level]}{reason}"), ("applies", t["applies"]),
                 ("todo", t["todo"])]  # fmt: skip
        return lines.render(heads, self.language, t)

    def decision(self, situation: Situation, decision: dict, evidence: list[tuple[str, Passage]],
                 organisation: bool) -> tuple[str, list[Citation]]:  # fmt: skip
        """What coopguide cannot determine and why, how to find out, who decides, and what the sources say."""
        t = TEXT[self.language]
        sections = self._sections(situation, organisation)
        measures = next(s for s in sections if s.key == "measures")
        lines = Lines(self.max_citations)
        for _, point in measure_points(measures, self.assessor.tables, list(decision["how"])):
            lines.add("find_out", point.text, self.assessor.passages.get((point.cites or [0])[0]))
        for _, point in measure_points(measures, self.assessor.tables, list(decision["who"])):
            lines.add("who", point.text, self.assessor.passages.get((point.cites or [0])[0]))
        _, section, point, passage = decisive(sections, self.assessor)
        if section is not None and section.key in ("country", "type") and decision["id"] != "entity-status":
            lines.add("known", point.text, passage, point.label)
        for text, found in evidence[:2]:
            lines.add("known", text, found, "evidence")
        heads = [("find_out", t["find_out"]), ("who", t["who"]), ("known", t["known"])]
        body, citations = lines.render(heads, self.language, t)
        return decision["say"][self.language] + "\n\n" + body, citations
