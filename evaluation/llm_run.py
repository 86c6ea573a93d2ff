"""Measure LLM answers (llm.backend from settings, e.g. COOPGUIDE_LLM__BACKEND=llamacpp) on a question set:
share answered by the LLM, partial, fallback; citation validity; time to first token; tokens/s.

Usage: COOPGUIDE_LLM__BACKEND=llamacpp .venv/bin/python evaluation/llm_run.py evaluation/questions/dev.jsonl
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from assistant.answer.citations import citation_problems
from assistant.answer.extractive import passes_gate
from assistant.evaluation import metrics as M
from assistant.evaluation.questions import load_questions
from assistant.service import build_assistant
from assistant.settings import load_settings


def main(path: str) -> None:
    assistant = build_assistant(load_settings())
    rows = []
    for q in load_questions([Path(path)]):
        passages = assistant._retrieve(q.question, q.language, None, assistant.recognise(q.question))
        if not passes_gate(passages, assistant.settings.answer):
            rows.append({"id": q.id, "mode": "refused (gate, no LLM call)"})
            continue
        result = assistant.llm.generate(q.question, q.language, passages)
        if result is None:
            rows.append({"id": q.id, "mode": "extractive-fallback"})
            continue
        valid = not citation_problems(result.text, {c.n for c in result.citations})
        rows.append({"id": q.id, "mode": result.mode, "valid": valid, "ttft_ms": round(result.first_token_ms),
                     "tokens_per_s": round(result.tokens / max(result.seconds - result.first_token_ms / 1000, 1e-3), 1),
                     "kept": result.kept, "dropped": result.dropped})  # fmt: skip
        print(json.dumps(rows[-1]), flush=True)
    modes = Counter(r["mode"] for r in rows)
    generated = [r for r in rows if "ttft_ms" in r]
    print(json.dumps({"questions": len(rows), "modes": modes,
                      "citation_validity": M.mean([float(r["valid"]) for r in generated]),
                      "ttft_ms_p50": M.percentile([r["ttft_ms"] for r in generated], 50),
                      "tokens_per_s_p50": M.percentile([r["tokens_per_s"] for r in generated], 50)}))  # fmt: skip


if __name__ == "__main__":
    main(sys.argv[1])
