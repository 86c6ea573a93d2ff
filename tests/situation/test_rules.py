"""Every rule of the situation recogniser is data under corpus/; each entry has its test here."""

import re
from pathlib import Path

import pytest
import yaml

from assistant.situation.recognise import Recogniser
from assistant.situation.rules import Rules, role_bonus

ROOT = Path(__file__).resolve().parents[2]
SITUATION, TABLES = ROOT / "corpus" / "situation", ROOT / "corpus" / "assessment"
RULES = Rules(SITUATION, TABLES)
RECOGNISER = Recogniser(RULES)


def _load(name):
    return yaml.safe_load((SITUATION / f"{name}.yaml").read_text(encoding="utf-8"))


def _example(cue: str) -> str:
    """A text the cue must match: '*' filled with letters, '…' with one word."""
    text = re.sub(r"\*(?=\w)", "ab", cue.replace("…", " wir "))
    return text.replace("*", "en")


COUNTRIES = _load("countries")["countries"]


@pytest.mark.parametrize("entry", COUNTRIES, ids=lambda e: str(e["code"]))
def test_every_name_city_and_adjective_finds_its_country(entry):
    words = [*(entry.get("names") or []), *(entry.get("cities") or [])]
    for word in words:
        found = RECOGNISER.countries(f"Wir planen eine Reise nach {word} im Herbst.")
        assert (entry["code"] in found) != (entry["code"] == "DE"), word  # Germany is home, never a partner country
    for stem in entry.get("adjectives") or []:
        assert entry["code"] in RECOGNISER.countries(f"Eine Kooperation mit einer {stem}en Hochschule."), stem


def test_country_names_are_unambiguous():
    seen = {}
    for entry in COUNTRIES:
        for word in [*(entry.get("names") or []), *(entry.get("cities") or [])]:
            assert seen.setdefault(word.lower(), entry["code"]) == entry["code"], word


def test_ordinary_words_name_no_country():
    assert RECOGNISER.countries("Wir wollen unsere Daten mit einem Partner teilen und einen Vortrag halten.") == ()
    assert RECOGNISER.countries("Can we share the data with our partner and give a talk?") == ()


@pytest.mark.parametrize("entry", _load("activities")["activities"], ids=lambda e: e["type"])
def test_every_activity_cue_finds_its_type(entry):
    for cue in entry["cues"]:
        assert entry["type"] in RECOGNISER.activities(f"x {_example(cue)} y".lower()), cue


@pytest.mark.parametrize("kind,cues", _load("kinds")["kinds"].items())
def test_every_kind_cue_matches(kind, cues):
    for cue in cues:
        assert RULES.kinds[kind].search(f"{_example(cue)} etwas?".lower()), cue


@pytest.mark.parametrize("field", yaml.safe_load((TABLES / "fields.yaml").read_text(encoding="utf-8"))["fields"],
                         ids=lambda f: f["id"])  # fmt: skip
def test_every_field_keyword_finds_its_field(field):
    for keyword in field["keywords"]:
        assert field["id"] in RECOGNISER.fields(f"forschung zu {keyword} im labor".lower()), keyword


DECISIONS = _load("decisions")


@pytest.mark.parametrize("decision,question", [(d, q) for d, qs in DECISIONS["examples"].items() for q in qs])
def test_decision_examples(decision, question):
    situation = RECOGNISER.recognise(question)
    assert (situation.kind, situation.decision) == ("decision", decision)


@pytest.mark.parametrize("question", DECISIONS["not_decisions"])
def test_questions_that_are_not_decision_requests(question):
    from assistant.screening import InstitutionMatcher, InstitutionRegistry

    registry = InstitutionRegistry.load(ROOT / "corpus" / "institutions.yaml", None, tracker=True)
    partners = InstitutionMatcher(registry.institutions).find(question)
    assert RECOGNISER.recognise(question, partners=partners).kind != "decision"


def test_every_decision_has_steps_and_both_languages():
    measures = yaml.safe_load((TABLES / "measures.yaml").read_text(encoding="utf-8"))
    ids = {m["id"] for m in measures["measures"]} | {c["id"] for c in measures["contacts"]}
    for decision in DECISIONS["decisions"]:
        assert decision["how"] and decision["who"] and set(decision["how"]) | set(decision["who"]) <= ids
        assert (
            decision["say"]["de"] and decision["say"]["en"] and decision["needs"] in ("item", "unknown-entity", "none")
        )
        for cue in decision["cues"]:
            assert any(d.cues.search(_example(cue).lower()) for d in RULES.decisions if d.id == decision["id"]) or \
                decision.get("anchored"), cue  # fmt: skip


SCOPE = _load("scope")


@pytest.mark.parametrize("topic,question", [(t, q) for t, qs in SCOPE["examples"].items() for q in qs])
def test_out_of_scope_examples(topic, question):
    situation = RECOGNISER.recognise(question)
    assert (situation.kind, situation.decision) == ("outside", topic)


@pytest.mark.parametrize("question", ["Ersetzt ein Visum die Ausfuhrgenehmigung für unseren Gast aus Iran?",
                                      "Does a visa replace an export licence for our guest researcher?",
                                      "Wer entscheidet über Genehmigungen für Dual-Use-Güter?"])  # fmt: skip
def test_in_scope_questions_that_mention_scope_words(question):
    assert RECOGNISER.recognise(question).kind != "outside"


def test_scope_topics_name_where_to_ask():
    for topic in SCOPE["topics"]:
        assert topic["ask"]["de"] and topic["ask"]["en"] and topic["cues"] and topic["id"] in SCOPE["examples"]


@pytest.mark.parametrize("role,sentences", _load("roles")["examples"].items())
def test_role_examples(role, sentences):
    for sentence in sentences:
        assert role in RULES.roles_of(sentence), sentence


def test_role_bonus_prefers_and_avoids():
    bonus = role_bonus(RULES, "situation")
    assert bonus("Art. 2 verbietet die Ausfuhr aller Dual-Use-Güter nach Russland.") > 0
    assert bonus("Die Hochschulen setzten die Zusammenarbeit im Februar 2022 aus.") < 0


def test_steps_and_facets_name_existing_rows():
    measures = yaml.safe_load((TABLES / "measures.yaml").read_text(encoding="utf-8"))
    ids = {m["id"] for m in measures["measures"]} | {c["id"] for c in measures["contacts"]}
    steps = _load("steps")
    assert {s["id"] for s in steps["measures"] + steps["contacts"]} <= ids
    types = {t["id"] for t in yaml.safe_load((TABLES / "cooperation_types.yaml").read_text(encoding="utf-8"))["types"]}
    facets = _load("facets")["facets"]
    assert set(facets["activity"]) == types
    assert {a["type"] for a in _load("activities")["activities"]} == types
    for key in ("partner", "country", "field", "procedure"):
        assert facets[key]["de"] and facets[key]["en"]
