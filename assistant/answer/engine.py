"""One answer engine for chat and advisor: picks the form of the answer from what the question asks.

- a decision coopguide cannot make (classify an item, an unknown entity's list status, a licence) → a refusal
  with what cannot be determined, how to find out and who decides;
- a situation ("may I / can we / what must I consider") → attention level, what applies, what to do now,
  built from the advisor's tables and the passages the question retrieved;
- anything else (what is, who decides, how do I) → a short direct answer whose sentences are chosen by role.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.advisor.assessment import Assessor
from assistant.answer.extractive import candidate_sentences, extractive_answer, passes_gate, render_refusal
from assistant.answer.situation import Composer
from assistant.retrieve.retrieval import Filters
from assistant.situation.recognise import Situation
from assistant.situation.rules import folded, role_bonus
from assistant.types import Citation, Passage

OUTSIDE = {"de": "Diese Frage liegt außerhalb dessen, was die Leitfäden in coopguide abdecken.",
           "en": "This question is outside what the guidance in coopguide covers."}  # fmt: skip


@dataclass(frozen=True)
class Composition:
    text: str
    citations: list[Citation]
    refused: bool
    form: str  # decision | situation | direct | refusal


class AnswerEngine:
    def __init__(self, assistant):
        self.assistant = assistant

    def evidence(self, question: str, passages: list[Passage], kind: str, limit: int = 3) -> list[tuple[str, Passage]]:
        """The best sentence of each of the top passages, chosen by overlap with the question and by role."""
        rules = self.assistant.situation_rules
        out = []
        for passage in passages[:limit]:
            ranked = sorted(
                candidate_sentences([passage], question, 1, role_bonus(rules, kind)), key=lambda e: -e.score
            )
            if ranked:
                out.append((ranked[0].text, passage))
        return out

    def facet_queries(self, situation: Situation | None, language: str) -> list[str]:
        """The fixed query of each recognised facet (corpus/situation/facets.yaml), in the question's language;
        with no situation, every query there can be (for warming the vector cache)."""
        facets, tables = self.assistant.situation_rules.facets, self.assistant.tables
        names = {c["code"]: c["name"][language] for c in tables["countries"]["countries"] if c["code"] != "*"}
        labels = {f["id"]: f["label"][language] for f in tables["fields"]["fields"]}
        partners = situation.partners[:1] if situation else [None]
        countries = [c for c in situation.countries[:1] if c in names] if situation else list(names)
        fields = situation.fields[:1] if situation else list(labels)
        activities = situation.activities[:1] if situation else list(facets["activity"])
        queries = [facets["partner"][language] for _ in partners]
        queries += [facets["country"][language].format(name=names[c]) for c in countries]
        queries += [facets["field"][language].format(label=labels[f]) for f in fields]
        queries += [facets["activity"][a][language] for a in activities]
        return queries + [facets["procedure"][language]]

    def facet_passages(self, situation: Situation, language: str, filters: Filters | None) -> list[Passage]:
        """One retrieval per facet with the facet's cached vector (no embedding per question), best first."""
        queries = self.facet_queries(situation, language)
        vectors = self.assistant.point_citer.cache.vectors(queries)
        out: list[Passage] = []
        for query in queries:
            found = self.assistant.retriever.retrieve(query, k=2, filters=filters, language=language,
                                                      keyword_weight=0.0, vector=vectors[query].tolist())  # fmt: skip
            out += [p for p in found[:1] if p.chunk.chunk_id not in {q.chunk.chunk_id for q in out}]
        return out

    def answer(self, question: str, situation: Situation, passages: list[Passage], language: str,
               filters: Filters | None, query: str) -> Composition:  # fmt: skip
        settings = self.assistant.settings.answer
        if not self.assistant.has_tables:  # no tables or rules in this working folder: plain direct answers
            text, citations, refused = extractive_answer(question, language, passages, settings)
            return Composition(text, citations, refused, "refusal" if refused else "direct")
        rules = self.assistant.situation_rules
        organisation = not situation.partners and bool(rules.organisation_words.search(folded(query)))
        composer = Composer(Assessor(self.assistant, filters=filters), self.assistant.situation_steps, language,
                            settings.max_citations)  # fmt: skip
        if situation.kind == "outside":  # a topic the knowledge base does not cover: say so, and where to ask
            topic = next(t for t in rules.scope if t["id"] == situation.decision)
            text, citations = render_refusal(language, passages, OUTSIDE[language] + " " + topic["ask"][language])
            return Composition(text, citations, True, "refusal")
        if situation.kind == "decision":
            decision = next(d for d in rules.decision_texts if d["id"] == situation.decision)
            text, citations = composer.decision(situation, decision, self.evidence(query, passages, "situation"),
                                                organisation)  # fmt: skip
            return Composition(text, citations, True, "decision")
        if situation.kind == "situation" and situation.facets:  # the tables hold evidence for a recognised situation
            found = self.evidence(query, passages, "situation", limit=4)
            by_facet = self.evidence(query, self.facet_passages(situation, language, filters), "situation", limit=6)
            # the question's own passages first (they are specific), then one per facet (breadth), then the rest
            text, citations = composer.situation(situation, found[:3] + by_facet[:3] + found[3:], organisation)
            if citations:
                return Composition(text, citations, False, "situation")
        if not passes_gate(passages, settings):
            text, citations = render_refusal(language, passages)
            return Composition(text, citations, True, "refusal")
        bonus = role_bonus(rules, situation.kind if situation.kind != "situation" else "definition")
        text, citations, refused = extractive_answer(question, language, passages, settings, bonus)
        return Composition(text, citations, refused, "refusal" if refused else "direct")
