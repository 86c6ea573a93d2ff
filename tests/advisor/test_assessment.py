"""Golden assessments: attention levels, binding/guidance labels, citation validity — not wording."""

import docx
import pytest
import yaml

from assistant.advisor.assessment import LEVELS, AssessmentRequest, Assessor
from assistant.advisor.render import to_docx, to_markdown
from assistant.answer.citations import MARKER
from tests.conftest import ROOT

TABLES = ROOT / "corpus" / "assessment"

# (request, expected levels per section, required labels in the country section)
SCENARIOS = {
    "hit-phd-photonics": (
        AssessmentRequest("Harbin Institute of Technology", "CN", "Photonik, Hochleistungslaser", "hosting",
                          requester="university", lang="de"),
        {"partner": "high", "country": "high", "field": "elevated", "type": "elevated"}, {"guidance", "law"}),
    "russian-state-institute": (
        AssessmentRequest("Staatliches Institut für Werkstoffforschung Moskau", "RU", "materials science, special alloys",
                          "joint-research", funding="DFG", requester="research-institute", lang="en"),
        {"partner": "low", "country": "high", "type": "elevated"}, {"law"}),
    "taiwan-semiconductors": (
        AssessmentRequest("National Taiwan University", "TW", "Halbleiter und Mikroelektronik", "joint-research",
                          requester="university", lang="de"),
        {"partner": "low", "country": "low", "type": "elevated"}, set()),
    "global-south-city": (
        AssessmentRequest("City of Windhoek", "NA", "urban climate adaptation", "city-partnership",
                          requester="senate-department", lang="en"),
        {"partner": "low", "country": "low", "field": "low"}, {"law"}),
    "beijing-delegation": (
        AssessmentRequest("Beijing Municipal Government", "CN", "Stadtverwaltung, Verkehr", "event-visit",
                          requester="district-office", lang="de"),
        {"partner": "low", "country": "high"}, {"guidance"}),
    "us-data-sharing": (
        AssessmentRequest("University of Michigan", "US", "climate data, ocean measurements", "data-sharing",
                          data="sensor time series", requester="research-institute", lang="en"),
        {"partner": "low", "country": "low"}, {"law"}),
}  # fmt: skip


@pytest.fixture(scope="module")
def assessor(full):
    return Assessor(full, TABLES)


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_golden_scenario(assessor, name, tmp_path):
    request, levels, labels = SCENARIOS[name]
    result = assessor.assess(request)
    sections = {s.key: s for s in result.sections}
    assert list(sections) == ["partner", "country", "field", "type", "measures"]
    for key, level in levels.items():
        assert sections[key].level == level, (key, sections[key].level)
    assert all(s.level in LEVELS for s in result.sections)
    assert result.overall == max((s.level for s in result.sections if s.key != "measures"), key=LEVELS.index)
    found = {p.label for p in sections["country"].points if p.label}
    assert labels <= found and found <= {"law", "guidance"}
    # citation validity: every point cites, every [n] resolves to a returned passage
    numbers = {c.n for c in result.citations}
    assert all(p.cites and set(p.cites) <= numbers for s in result.sections for p in s.points)
    markdown = to_markdown(result)
    assert {int(n) for n in MARKER.findall(markdown)} <= numbers
    assert not any(w in markdown.lower() for w in ("erlaubt", "verboten", " allowed", "forbidden"))
    if request.partner == "Harbin Institute of Technology":
        assert result.institutions[0]["name"] == "Harbin Institute of Technology"
    if levels.get("partner") == "low":
        assert "clearance" in markdown or "Unbedenklichkeitsbescheinigung" in markdown
    path = to_docx(result, tmp_path / f"{name}.docx")
    reopened = docx.Document(str(path))
    headings = [p.text for p in reopened.paragraphs if p.style.name.startswith("Heading")]
    assert reopened.paragraphs[0].style.name == "Title"
    assert headings[0] in ("Übersicht der Aufmerksamkeitsstufen", "Summary of attention levels")
    assert sum(h.startswith(("1.", "2.", "3.", "4.", "5.")) for h in headings) == 5
    table = reopened.tables[0]
    assert len(table.rows) == 6 and table.rows[-1].cells[1].text in (
        "hoch",
        "high",
        "erhöht",
        "elevated",
        "gering",
        "low",
    )
    assert any("rechtliche Entscheidung" in p.text or "not a legal decision" in p.text for p in reopened.paragraphs)


def test_tables_name_existing_notes_and_sources():
    notes = {p.stem for p in (ROOT / "corpus" / "guidance").glob("*.md")}
    for name in ("fields", "countries", "cooperation_types", "measures"):
        text = (TABLES / f"{name}.yaml").read_text(encoding="utf-8")
        data = yaml.safe_load(text)
        rows = [r for v in data.values() for r in v]
        for row in rows:
            for item in [row, *row.get("points", []), *row.get("questions", [])]:
                assert set(item.get("notes") or []) <= notes, item.get("notes")
                if "text" in item or "note" in item:
                    assert item.get("source"), item


def test_api_assessment_formats(full):
    from fastapi.testclient import TestClient

    from assistant.api.app import create_app
    from assistant.service import Assistant

    settings = full.settings.model_copy(deep=True)
    settings.server = settings.server.model_validate(
        {"api_keys": [{"name": "a", "key": "advisor-key", "scope": "advisor"}]}
    )
    client = TestClient(create_app(Assistant(settings=settings, embedder=full.embedder, index=full.index)),
                        headers={"X-API-Key": "advisor-key"})  # fmt: skip
    body = {
        "partner": "Harbin Institute of Technology",
        "country": "CN",
        "field": "lasers",
        "type": "hosting",
        "lang": "en",
    }
    assert TestClient(create_app(full)).post("/api/assessments", json=body).status_code == 403  # anonymous: widget
    data = client.post("/api/assessments", json=body).json()
    assert data["overall"] == "high" and data["sections"][0]["level"] == "high"
    md = client.post("/api/assessments", json={**body, "format": "md"})
    assert md.text.startswith("# Draft recommendation")
    docx_res = client.post("/api/assessments", json={**body, "format": "docx"})
    assert docx_res.content[:2] == b"PK"
    assert client.post("/api/assessments", json={**body, "type": "picnic"}).status_code == 400
