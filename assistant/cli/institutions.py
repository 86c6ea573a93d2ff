"""Commands for institution screening: lookup, import."""

from __future__ import annotations

import json
from pathlib import Path

from assistant.cli.common import EXIT_OK, settings


def database():
    from assistant.store.database import open_database

    url = settings().index.database_url
    return open_database(url) if url else None


def matcher():
    from assistant.screening import InstitutionMatcher, InstitutionRegistry
    from assistant.store.lists import PgListStore

    s, db = settings().institutions, database()
    lists = PgListStore(db).lists() if db is not None else None
    registry = InstitutionRegistry.load(s.register_file, s.imported_dir, s.use_tracker, lists=lists)
    return InstitutionMatcher(registry.institutions, s.fuzzy_threshold)


def cmd_lookup(args) -> int:
    from assistant.screening import screening_block

    matches = matcher().find(args.name)
    if args.json:
        print(json.dumps({"query": args.name, "institutions": [m.to_dict() for m in matches]}, ensure_ascii=False))
    elif matches:
        print(screening_block(matches, args.lang))
    else:
        print("no institution recognised" if args.lang == "en" else "keine Einrichtung erkannt")
    return EXIT_OK


def cmd_import(args) -> int:
    from assistant.screening import import_list
    from assistant.screening.importers import list_name, parse_list
    from assistant.store.lists import PgListStore

    path, db = Path(args.file), database()
    if db is not None:  # every instance reads the lists from PostgreSQL
        entries = parse_list(path, args.format)
        PgListStore(db).save(list_name(path, args.format), args.format, entries)
        print(f"imported {len(entries)} entries from {args.file} into the database")
        return EXIT_OK
    out, count = import_list(path, args.format, settings().institutions.imported_dir)
    print(f"imported {count} entries from {args.file} into {out}")
    return EXIT_OK


def register(sub) -> None:
    p = sub.add_parser("institutions", help="recognise institutions and import official lists")
    isub = p.add_subparsers(dest="institutions_command", required=True)
    f = isub.add_parser("lookup", help="show the screening signals for a name")
    f.add_argument("name")
    f.add_argument("--json", action="store_true")
    f.add_argument("--lang", choices=["de", "en"], default="en")
    f.set_defaults(func=cmd_lookup)
    f = isub.add_parser("import", help="import a list: US CSL (CSV/JSON download) or a MISP galaxy cluster")
    f.add_argument("--format", required=True, choices=["csl-csv", "csl-json", "misp-galaxy"])
    f.add_argument("file")
    f.set_defaults(func=cmd_import)
