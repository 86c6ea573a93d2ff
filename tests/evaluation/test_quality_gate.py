"""The regression gate: coopguide on the full corpus must stay at or above evaluation/thresholds.toml."""

import tomllib

import pytest

from assistant.evaluation.runner import run_eval
from tests.conftest import ROOT

THRESHOLDS = tomllib.loads((ROOT / "evaluation" / "thresholds.toml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(THRESHOLDS))
def test_quality_does_not_regress(full, name):
    result = run_eval(full, [ROOT / "evaluation" / "questions" / f"{name}.jsonl"], systems=["coopguide"])
    summary = result["systems"]["coopguide"]["summary"]["overall"]
    for metric, minimum in THRESHOLDS[name].items():
        assert summary[metric] is not None and summary[metric] >= minimum, (name, metric, summary[metric], minimum)
