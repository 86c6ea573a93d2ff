"""Recognise the situation a question describes: partner, country, field, activity, and what is asked.

Pure logic over the rules in corpus/situation and corpus/assessment; the institution matcher finds partners.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.screening.matching import InstitutionMatch
from assistant.situation.rules import Rules, folded

# A concrete item: a model or part number ("FL-2000", "SX 300") or a control-list entry ("6A005").
MODEL_NUMBER = re.compile(r"\b(?=[A-Za-z-]*\d)[A-Z][A-Za-z]{0,5}[- ]?\d{2,5}[A-Za-z]?\b|\b\d[A-E]\d{3}\b")
POSSESSIVE = re.compile(r"(?<!\w)(unser\w*|our|my|mein\w*)\s+(?:\w+\s+){0,2}", re.I)


@dataclass(frozen=True)
class Situation:
    """What a question is about and what it asks for."""

    kind: str  # situation | procedure | definition | decision | outside
    decision: str | None = None  # the decision coopguide cannot make (decisions.yaml id) or the topic it
    # does not cover (scope.yaml id, kind "outside")
    partners: tuple[InstitutionMatch, ...] = ()
    countries: tuple[str, ...] = ()  # ISO codes, in order of mention
    fields: tuple[str, ...] = ()  # fields.yaml ids
    activities: tuple[str, ...] = ()  # cooperation_types.yaml ids
    notes: dict[str, str] = field(default_factory=dict)  # why the kind was chosen (for tests and the closing note)

    @property
    def facets(self) -> int:
        """How many kinds of facet were recognised (partner, country, field, activity)."""
        return sum(bool(x) for x in (self.partners, self.countries, self.fields, self.activities))


class Recogniser:
    def __init__(self, rules: Rules):
        self.rules = rules

    def countries(self, text: str, partners: tuple[InstitutionMatch, ...] = ()) -> tuple[str, ...]:
        text = folded(text)
        found = []
        for code, pattern in self.rules.countries:
            if match := pattern.search(text):
                found.append((match.start(), code))
        codes = [code for _, code in sorted(found)]
        codes += [m.institution.country for m in partners if m.institution.country]  # the partner's own country
        return tuple(dict.fromkeys(c for c in codes if c != "DE"))

    def fields(self, text: str) -> tuple[str, ...]:
        text = folded(text)
        return tuple(fid for fid, keywords in self.rules.fields if any(k in text for k in keywords))

    def activities(self, text: str) -> tuple[str, ...]:
        text = folded(text)
        return tuple(kind for kind, pattern in self.rules.activities if pattern.search(text))

    def decision(self, question: str, text: str, partners: tuple[InstitutionMatch, ...]) -> str | None:
        for d in self.rules.decisions:
            if not d.cues.search(text):
                continue
            if d.needs == "item" and not self._names_an_item(question, text):
                continue
            if d.needs == "unknown-entity" and (partners or not self.rules.organisation_words.search(text)):
                continue
            return d.id
        return None

    def _names_an_item(self, question: str, text: str) -> bool:
        if MODEL_NUMBER.search(question):
            return True
        return any(self.rules.item_words.search(folded(m.group(0)) + text[m.end() :][:40])
                   for m in POSSESSIVE.finditer(question))  # fmt: skip

    def recognise(self, question: str, context: str | None = None,
                  partners: list[InstitutionMatch] | None = None) -> Situation:  # fmt: skip
        """`question` is what was asked now; `context` the question expanded with the conversation's subject
        (facets may come from it, the kind only from the question itself). A situation needs a cue ("may I",
        "what must we consider") and a facet, or, without any cue, two kinds of facet (a country and an activity)."""
        found = tuple(partners or ())
        # an institution's own name says nothing about field or activity ("… of Aeronautics and Astronautics")
        about = context or question
        for m in sorted(found, key=lambda m: -m.start):
            if about[m.start : m.end] == m.matched_text:
                about = about[: m.start] + " " + about[m.end :]
        asked, about = folded(question), folded(about)
        facets = {"partners": found, "countries": self.countries(about, found), "fields": self.fields(about),
                  "activities": self.activities(about)}  # fmt: skip
        if outside := next((tid for tid, pattern in self.rules.outside if pattern.search(asked)), None):
            return Situation("outside", outside, **facets, notes={"cue": outside})
        kinds = [k for k in ("situation", "procedure", "definition") if self.rules.kinds[k].search(asked)]
        decision = None if "procedure" in kinds else self.decision(question, asked, found)  # "how do we find out"
        if decision:
            return Situation("decision", decision, **facets, notes={"cue": decision})
        present = sum(bool(v) for v in facets.values())
        if kinds[:1] == ["situation"] and present or not kinds and present >= 2:
            kind = "situation"
        elif kinds:
            kind = "definition" if kinds[0] == "situation" else kinds[0]
        else:
            kind = "definition"
        return Situation(kind, None, **facets, notes={"cues": ",".join(kinds)})
