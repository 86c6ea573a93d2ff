"""Evaluation: `coopguide eval` (coopguide against plain LangChain RAG and BM25 on question sets, with
metrics and reports) and `coopguide bench` (latency, ingest throughput, memory, concurrent clients)."""

from assistant.evaluation.bench_report import run_bench, write_bench
from assistant.evaluation.report import summary, write_report
from assistant.evaluation.runner import run_eval

__all__ = ["run_bench", "run_eval", "summary", "write_bench", "write_report"]
