"""The CLI in-process: exit codes, error lines and the JSON contract (validated by schema)."""

import json
import shutil

import jsonschema
import pytest

from assistant.api.schema import ANSWER_SCHEMA, SEARCH_SCHEMA
from assistant.cli import main
from tests.conftest import MODELS_DIR
from tests.corpus_factory import misplaced_xref_pdf


@pytest.fixture
def workdir(tmp_path, monkeypatch, corpus_dir, embedder):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COOPGUIDE_MODELS__MODELS_DIR", str(MODELS_DIR))
    monkeypatch.setenv("COOPGUIDE_INDEX__PATH", str(tmp_path / "index"))
    monkeypatch.setenv("COOPGUIDE_INGEST__CORPUS", json.dumps([str(tmp_path / "corpus")]))
    shutil.copytree(corpus_dir, tmp_path / "corpus")
    return tmp_path


def test_ask_before_ingest_is_a_one_line_error(workdir, capsys):
    assert main(["ask", "Was ist technische Unterstützung?"]) == 3
    err = capsys.readouterr().err
    assert "coopguide ingest" in err and err.count("\n") == 1


def test_usage_error_exit_code(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["frobnicate"])
    assert exc.value.code == 2


def test_ingest_search_ask_contract(workdir, capsys):
    (workdir / "corpus" / "broken.pdf").write_bytes(b"%PDF-1.7\n\x00\x01 truncated")
    misplaced_xref_pdf(workdir / "corpus" / "repaired.pdf")  # readable, but pypdf repairs it
    assert main(["ingest", "--quiet"]) == 1  # one file failed: non-zero, the rest ingested
    captured = capsys.readouterr()
    assert "broken.pdf: corrupt PDF" in captured.err
    assert "ingested 9, unchanged 0, removed 0, failed 1" in captured.out
    # pypdf's repair notes: in the ingest log under the file's name, one pointer on the terminal
    log = (workdir / "index" / "ingest.log").read_text(encoding="utf-8")
    assert "repaired.pdf: pypdf: Ignoring wrong pointing object" in log
    assert "pypdf" not in captured.err and "note(s) from the file readers" in captured.err

    assert main(["search", "Art. 4 catch-all", "--json", "--k", "3"]) == 0
    data = json.loads(capsys.readouterr().out)
    jsonschema.validate(data, SEARCH_SCHEMA)
    assert len(data["passages"]) == 3

    history = workdir / "history.json"
    history.write_text(json.dumps([{"role": "user", "content": "Who grants export licences in Germany?"},
                                   {"role": "assistant", "content": "BAFA [1]"}]))  # fmt: skip
    assert main(["ask", "and who answers researchers' questions?", "--history", str(history), "--json"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1  # exactly one JSON object
    answer = json.loads(out)
    jsonschema.validate(answer, ANSWER_SCHEMA)
    assert answer["language"] == "en" and answer["answer_mode"] == "extractive"

    (workdir / "corpus" / "broken.pdf").unlink()
    assert main(["ingest", "--quiet"]) == 0


def test_config_lists_every_setting(capsys):
    from assistant.settings import Settings, describe_settings

    assert main(["config"]) == 0
    out = capsys.readouterr().out
    for name, _, description in describe_settings(Settings()):
        assert name in out and description, name
