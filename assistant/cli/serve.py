"""Commands for the server: serve, feedback export."""

from __future__ import annotations

import sys

from assistant.cli.common import EXIT_OK, assistant_for, info, settings


def cmd_serve(args) -> int:
    from assistant.service import with_query_batching
    from assistant.web.server import serve

    assistant = with_query_batching(assistant_for(args))
    server = assistant.settings.server
    serve(assistant, args.host or server.host, args.port or server.port, log=info)
    return EXIT_OK


def cmd_feedback_export(args) -> int:
    from assistant.store.database import open_database
    from assistant.store.feedback import open_feedback

    index = settings().index
    store = open_feedback(index.path, open_database(index.database_url) if index.database_url else None)
    sys.stdout.write(store.export_csv())
    return EXIT_OK


def register(sub) -> None:
    p = sub.add_parser("serve", help="web chat, HTTP API, OpenAI-compatible endpoint and widget")
    p.add_argument("--host", default=None, help="interface (default: settings server.host, 127.0.0.1)")
    p.add_argument("--port", type=int, default=None, help="port (default: settings server.port, 7860)")
    p.set_defaults(func=cmd_serve)
    p = sub.add_parser("feedback", help="answer feedback collected by the web chat and API")
    fsub = p.add_subparsers(dest="feedback_command", required=True)
    f = fsub.add_parser("export", help="print all feedback")
    f.add_argument("--csv", action="store_true", required=True, help="as CSV")
    f.set_defaults(func=cmd_feedback_export)
