"""Hybrid retrieval and answers on the shared real index (real model, embedded Chroma)."""

import jsonschema

from assistant.answer.citations import citation_problems
from assistant.api.schema import ANSWER_SCHEMA
from assistant.retrieve.retrieval import Filters


def test_exact_article_number_and_list_entry_are_found(built):
    top = built.search("Art. 4", k=3)
    assert "Art. 4" in top[0].chunk.text
    top = built.search("5A002", k=3)
    assert "5A002" in top[0].chunk.text


def test_keyword_boost_lifts_exact_term(built):
    query = "Which entry covers 5A002?"
    dense_only = built.retriever.retrieve(query, k=6, keyword_weight=0.0)
    hybrid = built.retriever.retrieve(query, k=6)
    rank = lambda ps: next(i for i, p in enumerate(ps) if "5A002" in p.chunk.text)  # noqa: E731
    assert rank(hybrid) <= rank(dense_only)
    assert hybrid[0].keyword > 0


def test_cross_lingual_match(built):
    # a German question, the answer only in an English document and vice versa
    top = built.search("Wer erteilt in Deutschland Ausfuhrgenehmigungen?", k=3)
    assert any("BAFA" in p.chunk.text for p in top)
    top = built.search("Does the DFG draw red lines for certain countries?", k=2)
    assert top[0].chunk.doc_id == "t-dfg-de"


def test_pdf_citation_names_the_page(built):
    answer = built.ask("Wer prüft Güterlisten und Embargos bei einer Ausfuhr?")
    pdf = [c for c in answer.citations if c.title == "Leitfaden Partnerprüfung"]
    assert pdf and pdf[0].page == 2


def test_filters_apply_inside_retrieval(built):
    only_de = built.search("export licence", k=5, filters=Filters(languages=("de",)))
    assert only_de and all(p.chunk.meta["language"] == "de" for p in only_de)
    sanctions = built.search("Forschung", k=5, filters=Filters(topics=("sanctions",)))
    assert {p.chunk.doc_id for p in sanctions} == {"t-sanktionen-de"}
    internal = built.search("Forschung", k=5, filters=Filters(visibility=("internal",)))
    assert {p.chunk.doc_id for p in internal} == {"t-internal-de"}
    public = built.search("interner Vermerk Projekt Nordlicht", k=10)
    assert "t-internal-de" not in {p.chunk.doc_id for p in public}


def test_answer_is_valid_cited_and_in_the_question_language(built):
    answer = built.ask("Who decides on export licences in Germany?")
    data = answer.to_dict()
    jsonschema.validate(data, ANSWER_SCHEMA)
    assert not answer.refused and answer.language == "en"
    assert citation_problems(answer.answer, {c.n for c in answer.citations}) == []
    assert "BAFA" in answer.answer and "Sources:" in answer.answer
    de = built.ask("Welche Risiken soll ein Antrag bei der DFG beschreiben?")
    assert de.language == "de" and not de.refused and "Quellen:" in de.answer
    assert citation_problems(de.answer, {c.n for c in de.citations}) == []


def test_off_topic_question_is_refused(built):
    answer = built.ask("What is a good recipe for apple strudel with vanilla sauce?")
    assert answer.refused
    assert "BAFA" in answer.answer and "export-control officer" in answer.answer
    german = built.ask("Wie wird das Wetter morgen in Hamburg?")
    assert german.refused and german.language == "de" and "BAFA" in german.answer


def test_follow_up_uses_the_conversation(built):
    from assistant.types import Turn

    history = [Turn("user", "Dürfen gelisteten russischen Organisationen Gelder zur Verfügung gestellt werden?"),
               Turn("assistant", "…")]  # fmt: skip
    followup = built.ask("und wirtschaftliche Ressourcen?", history=history)
    alone = built.ask("und wirtschaftliche Ressourcen?")
    assert followup.citations[0].doc_id == "t-sanktionen-de"
    assert followup.answer != alone.answer or alone.refused


def test_langchain_retriever(built):
    from assistant.retrieve.langchain import CoopguideRetriever

    docs = CoopguideRetriever(assistant=built, k=2).invoke("Art. 4 catch-all")
    assert len(docs) == 2 and docs[0].metadata["doc_id"] == "t-export-en"
