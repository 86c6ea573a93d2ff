"""The shipped corpus: front matter, vocabulary, language, sources traceable to the dossier."""

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
KEYS = ["id", "title", "language", "publisher", "original_title", "source_urls", "published", "as_of",
        "jurisdiction", "topics", "binding", "reliability"]  # fmt: skip


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
    assert meta["id"] == path.stem
    assert set(meta["topics"]) <= TOPICS, set(meta["topics"]) - TOPICS
    assert meta["binding"] in {"law", "guidance", "policy", "analysis", "news"}
    assert meta["reliability"] in {"official", "secondary"}
    assert meta["jurisdiction"] in {"DE", "Berlin", "EU", "US", "NL", "UK", "AU", "CA", "international"}
    assert all(re.match(r"https?://", u) for u in meta["source_urls"])
    assert detect_language(body) == meta["language"]
    assert re.search(r"^## (Quellen|Sources)\b", body, re.M), "no source section"
    doc = load_document(path, 10**7)
    assert doc.language == meta["language"] and len(doc.sections) >= 3


@pytest.mark.skipif(not DOSSIER.exists(), reason="shared dossier not present")
@pytest.mark.parametrize("path", NOTES, ids=lambda p: p.stem)
def test_source_urls_come_from_the_dossier(path):
    dossier = DOSSIER.read_text(encoding="utf-8")
    for url in _meta(path)[0]["source_urls"]:
        assert url.rstrip("/") in dossier, f"{path.name}: {url} is not in the dossier's source register"
