"""Pure logic: language detection, keyword tokens, sentence splitting, follow-ups, fusion."""

from assistant.retrieve.followup import expand_question, is_followup
from assistant.retrieve.retrieval import fuse_rankings
from assistant.text.language import detect_language, fold, keyword_tokens
from assistant.text.sentences import split_sentences
from assistant.types import Turn


def test_detects_german_and_english():
    assert detect_language("Was muss ich bei einer Kooperation mit einer russischen Universität beachten?") == "de"
    assert detect_language("Can I host a PhD student from Harbin Institute of Technology in my lab?") == "en"
    assert detect_language("Gilt das für Gastwissenschaftler aus dem Iran?") == "de"


def test_folding_and_exact_codes():
    assert fold("Übermittlung") == "ubermittlung"
    assert fold("Straße") == "strasse"
    tokens = keyword_tokens("Art. 4 der Verordnung (EU) 2021/821 und Eintrag 5A002")
    assert "2021/821" in tokens and "5a002" in tokens and "art4" in tokens
    # umlaut and non-umlaut spellings meet in one token
    assert set(keyword_tokens("Güterliste")) & set(keyword_tokens("guterliste"))


def test_sentence_split_keeps_abbreviations_and_dates():
    text = "Am 25. Februar 2022 empfahl die Allianz z. B. das Einfrieren. Art. 8 gilt. Done? Yes."
    parts = [text[s:e] for s, e in split_sentences(text)]
    assert parts == [
        "Am 25. Februar 2022 empfahl die Allianz z. B. das Einfrieren.",
        "Art. 8 gilt.",
        "Done?",
        "Yes.",
    ]


def test_followup_expansion():
    history = [Turn("user", "Was muss ich bei einer Kooperation mit China beachten?"), Turn("assistant", "…")]
    assert expand_question("und für Taiwan?", history).startswith("Was muss ich bei einer Kooperation mit China")
    assert expand_question("und für Taiwan?", history).endswith("und für Taiwan?")
    standalone = "Welche Pflichten hat eine Hochschule nach der Dual-Use-Verordnung beim Export von Software?"
    assert expand_question(standalone, history) == standalone
    assert is_followup("what about them?")
    assert not is_followup("Is Nanjing University of Aeronautics and Astronautics on the US Entity List?")
    assert expand_question("und für Taiwan?", []) == "und für Taiwan?"


def test_followup_chain_attaches_to_the_same_subject():
    history = [Turn("user", "Brauche ich eine Genehmigung für einen Vortrag in China?"),
               Turn("assistant", "…"), Turn("user", "und für Taiwan?"), Turn("assistant", "…")]  # fmt: skip
    expanded = expand_question("und für Russland?", history)
    assert "Taiwan" not in expanded and expanded.startswith("Brauche ich") and "Russland" in expanded


def test_fusion_is_dense_first_with_keyword_boost():
    dense = {"a": 0.60, "b": 0.58, "c": 0.30}
    keyword = {"b": 12.0, "c": 3.0}
    fused = fuse_rankings(dense, keyword, weight=0.1)
    assert fused["b"] > fused["a"] > fused["c"]  # exact-term match lifts b over a
    assert fuse_rankings(dense, {}, 0.1) == dense  # no keyword hits: dense order unchanged
    assert fuse_rankings(dense, keyword, 0.0) == dense


def test_language_detection_on_the_question_sets():
    import json
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    rows = [json.loads(line) for f in ("dev", "own") for line in
            (root / "evaluation" / "questions" / f"{f}.jsonl").read_text(encoding="utf-8").splitlines()]  # fmt: skip
    assert sum(detect_language(r["question"]) == r["language"] for r in rows) == len(rows)
    negatives = (
        (Path(__file__).parent / "data" / "no_institution_questions.txt").read_text(encoding="utf-8").splitlines()
    )
    assert [detect_language(q) for q in negatives] == ["en"] * 50 + ["de"] * 50
    assert detect_language("Sanktionen Russland") == "de" and detect_language("Entity List") == "en"
