"""Measurement commands: eval (quality against baselines), bench (latency, throughput, memory)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from assistant.cli.common import EXIT_OK, assistant_for, info, settings
from assistant.store.runtimes import RUNTIMES

QUESTIONS = Path("evaluation/questions")


def cmd_eval(args) -> int:
    from assistant.evaluation import run_eval, summary, write_report

    files = [Path(f) for f in args.files] or sorted(QUESTIONS.glob("*.jsonl"))
    result = run_eval(assistant_for(args), files, systems=args.systems)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    report = write_report(result, Path(args.out) / stamp, stamp)
    latest = Path(args.out) / "latest.md"
    latest.write_text(report.read_text(encoding="utf-8").replace("](", f"]({stamp}/"), encoding="utf-8")
    brief = summary(result)
    if args.json:
        print(json.dumps(brief, ensure_ascii=False))
        return EXIT_OK
    for name, values in brief.items():
        shown = ", ".join(f"{k} {v:.3f}" for k, v in values.items() if v is not None and "latency" not in k)
        print(f"{name}: {shown}, p50 {values['latency_p50']:.0f} ms, p95 {values['latency_p95']:.0f} ms")
    print(f"report: {report}")
    return EXIT_OK


def cmd_bench(args) -> int:
    from assistant.evaluation import run_bench, write_bench

    files = sorted(QUESTIONS.glob("*.jsonl"))
    if args.embedder:
        return _bench_embedder(args, files)
    shared = None
    if args.shared:
        shared = {"sizes": args.shared_sizes, "clients": args.shared_clients, "per_client": args.per_client,
                  "database_url": args.database_url, "skip": args.skip}  # fmt: skip
    result = run_bench(assistant_for(args), args.sizes, args.clients, args.per_client, args.questions, files,
                       log=info, skip=args.skip, shared=shared)  # fmt: skip
    print(write_bench(result, Path(args.out)).read_text(encoding="utf-8"))
    return EXIT_OK


def _bench_embedder(args, files: list[Path]) -> int:
    """Every embedder runtime on the same texts, each in its own process; no model is loaded here."""
    from assistant.evaluation.embedder_bench import run_embedder_bench
    from assistant.evaluation.embedder_report import write_embedder_report

    config = settings()
    if args.embedder_threads is not None:
        config.models.threads = args.embedder_threads
    if args.embedder_batch_size is not None:
        config.models.batch_size = args.embedder_batch_size
    result = run_embedder_bench(config, files, runtimes=args.embedder_runtimes, n_chunks=args.embedder_chunks,
                                n_questions=args.embedder_questions, quality=not args.embedder_no_quality,
                                log=info)  # fmt: skip
    print(write_embedder_report(result, Path(args.out)).read_text(encoding="utf-8"))
    return EXIT_OK


def register(sub) -> None:
    p = sub.add_parser("eval", help="evaluate coopguide and two baselines on question sets")
    p.add_argument("files", nargs="*", help="question files (default: evaluation/questions/*.jsonl)")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.add_argument("--out", default="evaluation/reports", help="report folder")
    p.add_argument("--systems", nargs="+", choices=["coopguide", "langchain", "bm25"], default=None)
    p.set_defaults(func=cmd_eval)
    p = sub.add_parser("bench", help="latency, throughput and memory figures on this machine")
    p.add_argument("--sizes", nargs="*", type=int, default=[1000, 10000, 100000])
    p.add_argument("--clients", nargs="*", type=int, default=[1, 10, 50])
    p.add_argument("--per-client", type=int, default=20, help="questions per concurrent client")
    p.add_argument("--questions", type=int, default=60, help="questions per index size")
    p.add_argument("--out", default="evaluation/reports")
    p.add_argument("--skip", nargs="*", default=[], choices=["ingest"], help="leave out the ingest measurement")
    p.add_argument("--shared", action="store_true", help="also SQLite vs PostgreSQL and one vs two instances")
    p.add_argument("--shared-sizes", nargs="*", type=int, default=[10000, 100000])
    p.add_argument("--shared-clients", type=int, default=50, help="clients for one vs two instances (0: skip)")
    p.add_argument("--database-url", default=None, help="PostgreSQL for --shared (default: a throwaway cluster)")
    p.add_argument(
        "--embedder",
        action="store_true",
        help="compare the embedder runtimes instead (writes embedder.md and embedder.json)",
    )
    p.add_argument(
        "--embedder-runtimes",
        nargs="+",
        choices=list(RUNTIMES),
        default=None,
        help="runtimes to compare (default: all; torch-fp32 always runs as the reference)",
    )
    p.add_argument("--embedder-chunks", type=int, default=128, help="corpus chunks timed and compared (0 = all)")
    p.add_argument(
        "--embedder-questions", type=int, default=None, help="eval questions for latency and quality (default: all)"
    )
    p.add_argument("--embedder-no-quality", action="store_true", help="skip the per-runtime index and eval run")
    p.add_argument("--embedder-threads", type=int, default=None, help="models.threads for every runtime")
    p.add_argument("--embedder-batch-size", type=int, default=None, help="models.batch_size for every runtime")
    p.set_defaults(func=cmd_bench)
