"""Situation answers, direct answers and decision refusals on the shipped corpus (real model, real index).

The questions here are written for these tests, not taken from any evaluation set."""

import json
import re

from assistant.answer.citations import citation_problems
from assistant.cli import main


def _valid(answer):
    assert citation_problems(answer.answer, {c.n for c in answer.citations}) == [], answer.answer
    assert 1 <= len(answer.citations) <= 8


def test_german_situation_answer_leads_with_attention_then_law_then_steps(full):
    answer = full.ask("Wir wollen mit einer Universität in Minsk ein gemeinsames Projekt zur Lasertechnik starten. "
                      "Was müssen wir beachten?")  # fmt: skip
    assert answer.language == "de" and not answer.refused
    _valid(answer)
    body = answer.answer
    assert body.startswith("### Aufmerksamkeit: hoch")
    assert body.index("### Was gilt") < body.index("### Was jetzt zu tun ist") < body.index("Quellen:")
    labels = re.findall(r"^- (Verbindliches Recht|Leitlinie):", body, re.M)
    assert labels and labels[0] == "Verbindliches Recht" and labels == sorted(labels, key=lambda x: x != labels[0])
    assert "Exportkontroll" in body[body.index("### Was jetzt zu tun ist") :]


def test_english_situation_answer_for_a_named_partner(full):
    answer = full.ask("We plan to host a visiting researcher from Harbin Engineering University in our sonar lab.")
    assert answer.language == "en" and not answer.refused
    _valid(answer)
    assert answer.answer.startswith("> **Screening signals for Harbin Engineering University**")
    assert "### Attention: high — partner: Harbin Engineering University" in answer.answer
    assert "### What applies" in answer.answer and "### What to do now" in answer.answer


def test_a_definition_gets_a_direct_answer(full):
    answer = full.ask("Was bedeutet technische Unterstützung im Exportkontrollrecht?")
    assert not answer.refused and "### Aufmerksamkeit" not in answer.answer
    _valid(answer)
    first = next(line for line in answer.answer.splitlines() if line.startswith("- "))
    assert re.search(r"technischen? (Unterstützung|Hilfe)", first), first


def test_classifying_a_specific_item_is_refused_with_a_useful_body(full):
    answer = full.ask("Is our fibre laser model FL-2000 listed under 6A005?")
    assert answer.refused
    assert answer.answer.startswith("coopguide cannot decide whether this specific item is listed")
    assert "### How to find out" in answer.answer and "### Who decides" in answer.answer
    assert "BAFA" in answer.answer and len(answer.citations) >= 3


def test_an_unknown_organisation_is_never_called_clear(full):
    answer = full.ask("Steht die Firma Nordlicht Präzisionsoptik GmbH auf einer Sanktionsliste?")
    assert answer.refused and answer.language == "de"
    assert "keine Unbedenklichkeitsbescheinigung" in answer.answer and "### Wer entscheidet" in answer.answer


def test_a_topic_outside_the_corpus_says_where_to_ask(full):
    answer = full.ask("Muss unser Gastwissenschaftler aus Indien sein Stipendium in Deutschland versteuern?")
    assert answer.refused and "Steuerberatung" in answer.answer


def test_cli_asks_a_situation_in_each_language(full, monkeypatch, capsys):
    monkeypatch.setenv("COOPGUIDE_INDEX__PATH", str(full.index.folder))
    monkeypatch.setenv("COOPGUIDE_MODELS__MODELS_DIR", str(full.settings.models.models_dir))
    for question, head in [("Dürfen wir einem Partnerinstitut in Teheran ein gebrauchtes Spektrometer spenden?",
                            "### Aufmerksamkeit: hoch"),
                           ("Can we invite researchers from a Russian state university to our drone workshop?",
                            "### Attention: high")]:  # fmt: skip
        assert main(["ask", question, "--json"]) == 0
        data = json.loads(capsys.readouterr().out)
        assert data["answer"].startswith(head) and not data["refused"] and len(data["citations"]) <= 8
        assert all(c["sources"] for c in data["citations"])
