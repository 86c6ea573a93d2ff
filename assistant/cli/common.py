"""What every command shares: exit codes, one-line errors, settings, the assistant, filters."""

from __future__ import annotations

import argparse
import sys

EXIT_OK, EXIT_FAILED_FILES, EXIT_USAGE, EXIT_NOT_READY = 0, 1, 2, 3


def err(message: str) -> None:
    print(f"coopguide: {message}", file=sys.stderr)


def info(message: str) -> None:
    print(message, file=sys.stderr)


def settings():
    from assistant.settings import load_settings

    return load_settings()


def assistant_for(args, **kwargs):
    """The Assistant for a command (quiet when --quiet or --json)."""
    from assistant.service import build_assistant

    quiet = getattr(args, "quiet", False) or getattr(args, "json", False)
    return build_assistant(settings(), log=(lambda m: None) if quiet else info, **kwargs)


def add_filter_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--language", action="append", choices=["de", "en"], help="only passages in this language")
    p.add_argument("--topic", action="append", help="only passages with this topic")
    p.add_argument("--jurisdiction", action="append", help="only passages of this jurisdiction")


def filters_of(args):
    from assistant.retrieve.retrieval import Filters

    return Filters(
        languages=tuple(args.language) if args.language else None,
        topics=tuple(args.topic) if args.topic else None,
        jurisdictions=tuple(args.jurisdiction) if args.jurisdiction else None,
    )
