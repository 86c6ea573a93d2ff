"""The `coopguide` argument parser and entry point: each command group registers its subcommands."""

from __future__ import annotations

import argparse

from assistant.cli import advisor, ask, db, evaluation, index, institutions, keys, serve
from assistant.cli.common import EXIT_NOT_READY, err

GROUPS = [index, ask, serve, keys, db, evaluation, advisor, institutions]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="coopguide", description="Cooperate safely: cited answers from guidance.")
    sub = parser.add_subparsers(dest="command", required=True)
    for group in GROUPS:
        group.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from assistant.screening.importers import ImportError_
    from assistant.store import IndexModelMismatch, IndexNotBuilt, ModelFetchError

    try:
        return args.func(args)
    except (IndexNotBuilt, IndexModelMismatch, ModelFetchError, ImportError_) as exc:
        err(str(exc))
        return EXIT_NOT_READY
    except (OSError, ValueError, RuntimeError) as exc:
        err(f"{type(exc).__name__}: {exc}")
        return EXIT_NOT_READY
    except KeyboardInterrupt:
        return 130
