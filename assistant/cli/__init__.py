"""The `coopguide` command line: a thin client of build_assistant(), one module per command group."""

from assistant.cli.parser import build_parser, main

__all__ = ["build_parser", "main"]
