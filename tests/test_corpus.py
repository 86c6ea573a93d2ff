"""The shipped corpus: front matter, sources per section traceable to the dossier, vocabulary, language."""

import re
from pathlib import Path

import pytest
import yaml

from assistant.ingest.loaders import load_document, split_front_matter
from assistant.text.language import detect_language

ROOT = Path(__file__).resolve().parents[1]
NOTES = sorted((ROOT / "corpus" / "guidance").glob("*.md"))
TOPICS = set(yaml.safe_load((ROOT / "corpus" / "topics.yaml").read_text(encoding="utf-8")))
DOSSIER = ROOT.parent / "shared" / "dossier.md"
KEYS = ["id", "title", "language", "publisher", "original_title", "as_of", "reviewed", "jurisdiction", "topics",
        "binding", "reliability", "sources"]  # fmt: skip
DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
PARTIES = ("Bündnis 90", "Die Grünen", "LAG ", "SPD", "CDU", "Die Linke", "FDP")


def _meta(path):
    return split_front_matter(path.read_text(encoding="utf-8"))


def test_corpus_size_and_language_balance():
    languages = [_meta(p)[0]["language"] for p in NOTES]
    assert len(NOTES) >= 35
    assert 0.35 <= languages.count("de") / len(languages) <= 0.65


@pytest.mark.parametrize("path", NOTES, ids=lambda p: p.stem)
def test_note_front_matter(path):
    meta, body = _meta(path)
    for key in KEYS:
        assert meta.get(key) not in (None, "", []), f"{path.name}: {key} missing"
    assert meta["id"] == path.stem and "source_urls" not in meta
    assert set(meta["topics"]) <= TOPICS, set(meta["topics"]) - TOPICS
    assert meta["binding"] in {"law", "guidance", "policy", "analysis", "news"}
    assert meta["reliability"] in {"official", "secondary", "party"}
    assert meta["jurisdiction"] in {"DE", "Berlin", "EU", "US", "NL", "UK", "AU", "CA", "international"}
    assert detect_language(body) == meta["language"]
    assert not re.search(r"^## (Quellen|Sources)\b", body, re.M), "the bibliography lives in front matter"
    doc = load_document(path, 10**7)
    assert doc.language == meta["language"] and len(doc.sections) >= 3


@pytest.mark.parametrize("path", NOTES, ids=lambda p: p.stem)
def test_every_section_rests_on_declared_sources(path):
    doc = load_document(path, 10**7)  # the loader fails a section without sources or with an unknown id
    declared = {s["id"] for s in doc.sources}
    assert all(s.source_ids and set(s.source_ids) <= declared for s in doc.sections)
    used = {i for s in doc.sections for i in s.source_ids}
    assert used == declared, f"declared but never named: {declared - used}"
    for source in doc.sources:
        assert source["publisher"] and source["title"], source
        assert source["date"] is None or DATE.match(source["date"]), source


@pytest.mark.parametrize("path", NOTES, ids=lambda p: p.stem)
def test_as_of_is_the_notes_own_state_of_knowledge(path):
    meta, _ = _meta(path)
    as_of, reviewed = str(meta["as_of"]), str(meta["reviewed"])
    assert DATE.match(as_of) and DATE.match(reviewed) and as_of <= reviewed
    dated = [str(s["date"]) for s in meta["sources"] if s.get("date")]
    assert not dated or as_of >= max(dated)[: len(as_of)], "as_of is older than the newest source the note uses"


def test_as_of_is_not_one_date_stamped_on_every_note():
    assert len({str(_meta(p)[0]["as_of"]) for p in NOTES}) > len(NOTES) // 4


@pytest.mark.parametrize("path", NOTES, ids=lambda p: p.stem)
def test_a_party_document_is_never_official(path):
    meta, _ = _meta(path)
    if any(party in str(meta["publisher"]) for party in PARTIES):
        assert meta["reliability"] == "party"
    assert meta["reliability"] != "official" or not any(
        any(party in str(s["publisher"]) for party in PARTIES) for s in meta["sources"]
    )


@pytest.mark.skipif(not DOSSIER.exists(), reason="shared dossier not present")
@pytest.mark.parametrize("path", NOTES, ids=lambda p: p.stem)
def test_source_urls_come_from_the_dossiers_source_register(path):
    text = DOSSIER.read_text(encoding="utf-8")
    register = text[text.index("## S. Source register") :]
    for source in _meta(path)[0]["sources"]:
        if source.get("url"):
            assert source["url"].rstrip("/") in register, f"{path.name}: {source['url']} is not in the source register"


TABLES = ROOT / "corpus" / "assessment"
LAW = re.compile(r"Art\.|Article|§|Annex|Anhang|CFR|Implementing Decision|Durchführungsbeschluss|Anlage|Sec\.|Section")


def test_law_points_cite_a_binding_act_with_article():
    countries = yaml.safe_load((TABLES / "countries.yaml").read_text(encoding="utf-8"))["countries"]
    points = [p for c in countries for p in c["points"]]
    assert {p["kind"] for p in points} <= {"law", "guidance"}
    for point in points:
        if point["kind"] == "law":
            assert LAW.search(point["source"]), point["source"]
        assert point["text"]["de"] and point["text"]["en"]


def test_register_flags_speak_german_and_english():
    register = yaml.safe_load((ROOT / "corpus" / "institutions.yaml").read_text(encoding="utf-8"))["institutions"]
    for entry in register:
        for flag in entry.get("flags") or []:
            for key in ("label", "detail"):
                assert isinstance(flag[key], dict) and flag[key]["de"] and flag[key]["en"], (entry["name"], key)
            assert flag.get("conflict") is None or (flag["conflict"]["de"] and flag["conflict"]["en"])
            assert flag["certainty"] in ("confirmed", "uncertain") and DATE.match(str(flag["as_of"]))


def test_a_german_screening_block_quotes_no_english_flag_text():
    from assistant.screening import InstitutionMatcher, InstitutionRegistry, screening_block

    registry = InstitutionRegistry.load(ROOT / "corpus" / "institutions.yaml", None, tracker=False)
    matcher = InstitutionMatcher(registry.institutions)
    for institution in registry.institutions:
        block = screening_block(matcher.find(institution.name), "de")
        for flag in institution.flags:
            assert flag.detail not in block or flag.detail == flag.texts("de")[1], institution.name
            assert flag.texts("de")[1] in block
