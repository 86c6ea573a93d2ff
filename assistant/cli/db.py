"""`coopguide db upgrade`: the PostgreSQL schema that several instances share."""

from __future__ import annotations

from assistant.cli.common import EXIT_OK, EXIT_USAGE, err, settings


def cmd_upgrade(args) -> int:
    from assistant.store.database import Database

    url = settings().index.database_url
    if not url:
        err("index.database_url is not set (COOPGUIDE_INDEX__DATABASE_URL=postgresql://…)")
        return EXIT_USAGE
    db = Database(url)
    before, after = db.upgrade()
    print(f"schema version {before} → {after}" if after != before else f"schema is up to date (version {after})")
    db.close()
    return EXIT_OK


def register(sub) -> None:
    p = sub.add_parser("db", help="the PostgreSQL schema for several instances (index.database_url)")
    dsub = p.add_subparsers(dest="db_command", required=True)
    dsub.add_parser("upgrade", help="create or migrate the schema").set_defaults(func=cmd_upgrade)
