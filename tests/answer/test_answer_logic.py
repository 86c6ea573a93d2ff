"""Pure logic of extractive answers: gate, selection, rendering, citation validity."""

from assistant.answer.citations import citation_problems, cited_numbers
from assistant.answer.extractive import extractive_answer
from assistant.settings import AnswerSettings
from assistant.types import Chunk, Passage


def passage(doc, text, dense, lang="en", ordinal=0, section="S"):
    meta = {"title": f"Title {doc}", "language": lang, "publisher": "Pub", "source_url": f"https://x/{doc}"}
    return Passage(Chunk(f"{doc}::{ordinal}", doc, text, section, None, 0, len(text), ordinal, meta), dense, dense)


PASSAGES = [
    passage(
        "a",
        "Export licences are granted by BAFA in Germany. Every institute names an export-control officer.",
        0.62,
    ),
    passage(
        "b",
        "Die DFG zieht keine roten Linien für Länder. Risiken werden im Einzelfall abgewogen.",
        0.55,
        "de",
    ),
]


def test_answer_cites_every_sentence_and_every_marker_resolves():
    text, citations, refused = extractive_answer("Who grants export licences?", "en", PASSAGES, AnswerSettings())
    assert not refused
    numbers = {c.n for c in citations}
    assert citation_problems(text, numbers) == []
    assert set(cited_numbers(text)) == numbers
    assert "Sources:" in text and "[1] Title a" in text
    assert "(from a German-language source)" in text  # the German passage is marked as such


def test_gate_refuses_weak_evidence_in_the_question_language():
    weak = [passage("a", "Unrelated text about something else entirely.", 0.2)]
    text, citations, refused = extractive_answer("Wie backe ich Brot?", "de", weak, AnswerSettings())
    assert refused
    assert "BAFA" in text and "Exportkontrollbeauftragte" in text
    assert [c.doc_id for c in citations] == ["a"]  # the closest source is still shown
    _, _, refused_en = extractive_answer("How do I bake bread?", "en", [], AnswerSettings())
    assert refused_en


def test_citation_checker_catches_bad_answers():
    assert citation_problems("- A sentence. [3]\n\nSources:\n[1] x", {1}) == [
        "[3] does not resolve to a returned passage"
    ]
    assert citation_problems("- A sentence without marker.\n- Another one. [1]", {1})[0].startswith("sentence without")


def test_redundant_sentences_are_not_repeated():
    dup = [passage("a", "BAFA grants export licences in Germany.", 0.6),
           passage("b", "BAFA grants export licences in Germany.", 0.59)]  # fmt: skip
    text, citations, _ = extractive_answer("Who grants export licences?", "en", dup, AnswerSettings())
    assert text.count("BAFA grants export licences") == 1


def test_a_sentence_that_only_announces_a_list_is_never_an_answer_sentence():
    from assistant.answer.extractive import candidate_sentences

    listing = passage("c", "Article 2(10) covers, among other cases, the following situations:\n- a provider in the "
                           "Union who supplies technical assistance to a third country.", 0.7)  # fmt: skip
    texts = [e.text for e in candidate_sentences([listing], "Who is a provider of technical assistance?", 3)]
    assert texts and not any(t.endswith(":") for t in texts)
