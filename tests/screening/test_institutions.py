"""Institution layer: tracker + register, recognition measured on written test sets, importers, ask."""

import json
from pathlib import Path

import pytest

from assistant.screening.importers import ImportError_, import_list
from assistant.screening.institutions import InstitutionRegistry, load_imported, load_tracker, split_value
from assistant.screening.matching import InstitutionMatcher
from assistant.screening.names import normalise

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parents[1] / "data"
MENTIONS = [json.loads(line) for line in (DATA / "institution_mentions.jsonl").read_text(encoding="utf-8").splitlines()]
NEGATIVES = [q for q in (DATA / "no_institution_questions.txt").read_text(encoding="utf-8").splitlines() if q.strip()]


@pytest.fixture(scope="module")
def matcher():
    registry = InstitutionRegistry.load(ROOT / "corpus" / "institutions.yaml", None)
    return InstitutionMatcher(registry.institutions, fuzzy_threshold=88)


def _hit(matcher, row):
    target = normalise(split_value(row["expected"])[0])
    return any(target in {normalise(n) for n in m.institution.all_names()} for m in matcher.find(row["text"]))


def test_tracker_loads_offline_without_risk_ratings():
    tracker = load_tracker()
    assert len(tracker) == 159
    hit = next(i for i in tracker if i.name == "Harbin Institute of Technology")
    assert "哈尔滨工业大学" in hit.aliases and "HIT" in hit.aliases
    assert hit.tracker_url.startswith("https://unitracker.aspi.org.au/")
    assert hit.categories and hit.supervising_agencies
    assert not any("risk" in c.lower() for i in tracker for c in i.categories)  # no invented rating


def test_register_flags_have_source_date_and_certainty():
    from assistant.screening.institutions import load_register

    register = load_register(ROOT / "corpus" / "institutions.yaml")
    assert len(register) >= 20
    for inst in register:
        for flag in inst.flags:
            assert flag.source and flag.label and flag.detail and flag.as_of, (inst.name, flag)
            assert flag.certainty in {"confirmed", "uncertain"}
            if flag.certainty == "uncertain":
                assert flag.conflict, f"{inst.name}: an uncertain flag must state the conflict"


def test_alias_recall_is_at_least_95_percent(matcher):
    assert len(MENTIONS) >= 80 and len({r["expected"] for r in MENTIONS}) >= 40
    misses = [r["text"] for r in MENTIONS if not _hit(matcher, r)]
    recall = 1 - len(misses) / len(MENTIONS)
    print(f"alias recall {recall:.3f} on {len(MENTIONS)} mentions; misses: {misses}")
    assert recall >= 0.95
    by_kind = {k: [r for r in MENTIONS if r["kind"] == k] for k in {r["kind"] for r in MENTIONS}}
    for kind, rows in by_kind.items():
        assert sum(_hit(matcher, r) for r in rows) / len(rows) >= 0.85, kind


def test_no_false_matches_in_questions_naming_no_institution(matcher):
    assert len(NEGATIVES) == 100
    false = {q: [m.matched_text for m in matcher.find(q)] for q in NEGATIVES if matcher.find(q)}
    assert false == {}


def test_acronyms_only_in_capitals_and_never_inside_words(matcher):
    assert [m.institution.name for m in matcher.find("Ist die HIT auf der Entity List?")] == [
        "Harbin Institute of Technology"
    ]
    assert matcher.find("That paper was a hit at the conference") == []
    assert matcher.find("ARCHITECTURE and WHITEPAPERS") == []


def test_csl_csv_json_and_misp_imports(tmp_path):
    header = "_id,source,entity_number,type,programs,name,title,addresses,federal_register_notice,start_date,end_date,standard_order,license_requirement,license_policy,call_sign,vessel_type,gross_tonnage,gross_registered_tonnage,vessel_flag,vessel_owner,remarks,source_list_url,alt_names,citizenships,dates_of_birth,nationalities,places_of_birth,source_information_url,ids"
    row = 'x1,Entity List (EL) - Bureau of Industry and Security,,Entity,,Example Photonics Institute,,"Road 1, Sample City, CN",85 FR 12345,2020-06-05,,,For all items subject to the EAR,Presumption of denial,,,,,,,,https://example.org/el,EPI; Example Photonics,,,,,,'
    (tmp_path / "csl.csv").write_text(header + "\n" + row + "\n", encoding="utf-8")
    (tmp_path / "csl.json").write_text(
        json.dumps(
            {
                "results": [
                    {
                        "name": "Sample Lab",
                        "alt_names": ["SLAB"],
                        "source": "Military End User (MEU) List",
                        "start_date": "2021-01-14",
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    (tmp_path / "galaxy.json").write_text(
        json.dumps(
            {
                "name": "Test cluster",
                "values": [
                    {
                        "value": "Demo Academy of Sciences",
                        "meta": {"aliases": ["DAS"], "refs": ["https://example.org/das"]},
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    target = tmp_path / "imported"
    assert import_list(tmp_path / "csl.csv", "csl-csv", target)[1] == 1
    assert import_list(tmp_path / "csl.json", "csl-json", target)[1] == 1
    assert import_list(tmp_path / "galaxy.json", "misp-galaxy", target)[1] == 1
    imported = {i.name: i for i in load_imported(target)}
    epi = imported["Example Photonics Institute"]
    assert epi.aliases == ("EPI", "Example Photonics") and epi.flags[0].as_of == "2020-06-05"
    assert epi.flags[0].label.startswith("Entity List") and "85 FR 12345" in epi.flags[0].detail
    matcher = InstitutionMatcher(list(imported.values()))
    assert [m.institution.name for m in matcher.find("Is SLAB a problem?")] == ["Sample Lab"]
    with pytest.raises(ImportError_):
        import_list(tmp_path / "galaxy.json", "csl-csv", target)


def test_ask_fills_institutions_and_opens_with_a_screening_block(built):
    from assistant.answer.citations import citation_problems

    answer = built.ask("Can I host a PhD student from Harbin Institute of Technology in my lab?")
    assert [i["name"] for i in answer.institutions] == ["Harbin Institute of Technology"]
    inst = answer.institutions[0]
    assert inst["matched_text"] == "Harbin Institute of Technology" and inst["tracker_url"]
    assert any(f["label"] == "US Entity List" and f["as_of"] for f in inst["flags"])
    assert answer.answer.startswith("> **Screening signals for Harbin Institute of Technology**")
    assert "not verdicts" in answer.answer
    assert citation_problems(answer.answer, {c.n for c in answer.citations}) == []
    german = built.ask("Darf ich mit der 哈尔滨工业大学 kooperieren?")
    assert german.answer.startswith("> **Prüfhinweise zu Harbin Institute of Technology**")
    assert "keine Entscheidung" in german.answer
    assert built.ask("Who decides on export licences in Germany?").institutions == ()


def test_lookup_cli(capsys):
    from assistant.cli import main

    assert main(["institutions", "lookup", "NUAA", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["institutions"][0]["name"] == "Nanjing University of Aeronautics and Astronautics"
    assert main(["institutions", "lookup", "Beihang Univeristy", "--lang", "de"]) == 0
    assert "Prüfhinweise zu Beihang University" in capsys.readouterr().out
