"""Commands that answer: search, ask, chat."""

from __future__ import annotations

import json
from pathlib import Path

from assistant.cli.common import EXIT_OK, add_filter_options, assistant_for, filters_of
from assistant.types import Citation, Turn


def cmd_search(args) -> int:
    passages = assistant_for(args).search(args.query, k=args.k, filters=filters_of(args))
    cites = [Citation.from_passage(n, p) for n, p in enumerate(passages, 1)]
    if args.json:
        print(json.dumps({"query": args.query, "passages": [c.to_dict() for c in cites]}, ensure_ascii=False))
        return EXIT_OK
    for c in cites:
        where = f" — {c.section}" if c.section else ""
        page = f", p. {c.page}" if c.page else ""
        print(f"[{c.n}] {c.score:.3f} {c.title}{where}{page}\n    {c.passage[:300]}\n")
    return EXIT_OK


def read_history(path: str | None) -> list[Turn]:
    if not path:
        return []
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return [Turn(role=str(t["role"]), content=str(t["content"])) for t in data]


def cmd_ask(args) -> int:
    history = read_history(args.history)
    answer = assistant_for(args).ask(args.question, history=history, filters=filters_of(args))
    print(json.dumps(answer.to_dict(), ensure_ascii=False) if args.json else answer.answer)
    return EXIT_OK


def cmd_chat(args) -> int:
    from assistant.cli.chat import run_chat

    return run_chat(assistant_for(args))


def register(sub) -> None:
    p = sub.add_parser("search", help="show the passages retrieved for a query")
    p.add_argument("query")
    p.add_argument("--k", type=int, default=None, help="number of passages")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    add_filter_options(p)
    p.set_defaults(func=cmd_search)
    p = sub.add_parser("ask", help="answer a question with cited sentences")
    p.add_argument("question")
    p.add_argument("--history", help="JSON file: the conversation so far, [{role, content}, …]")
    p.add_argument("--json", action="store_true", help="print one JSON object (the API contract)")
    add_filter_options(p)
    p.set_defaults(func=cmd_ask)
    sub.add_parser("chat", help="interactive terminal chat").set_defaults(func=cmd_chat)
