"""API keys: `coopguide keys add` creates one (printed once, stored only as its SHA-256), `keys list`."""

from __future__ import annotations

import hashlib
import json
import secrets
import tomllib

from assistant.cli.common import EXIT_OK, settings


def toml_block(name: str, scope: str, groups: list[str], origins: list[str], digest: str) -> str:
    def strings(values: list[str]) -> str:
        return "[" + ", ".join(json.dumps(v) for v in values) + "]"

    lines = ["", "[[server.api_keys]]", f"name = {json.dumps(name)}", f"scope = {json.dumps(scope)}",
             f"groups = {strings(groups)}", f"origins = {strings(origins)}",
             f"key_sha256 = {json.dumps(digest)}"]  # fmt: skip
    return "\n".join(lines) + "\n"


def cmd_add(args) -> int:
    from assistant.settings import config_path

    current = settings().server.api_keys
    if not args.name.strip() or any(k.name == args.name for k in current):
        raise ValueError(f"a key needs a unique name; {args.name!r} is empty or taken")
    key = "cg-" + secrets.token_urlsafe(32)
    groups = [g.strip() for g in (args.groups or "").split(",") if g.strip()]
    origins = [o.strip() for o in (args.origins or "").split(",") if o.strip()]
    path = config_path()
    text = (path.read_text(encoding="utf-8") if path.exists() else "") + toml_block(
        args.name, args.scope, groups, origins, hashlib.sha256(key.encode()).hexdigest()
    )
    tomllib.loads(text)  # never write a file the settings could not read
    path.write_text(text, encoding="utf-8")
    print(f"added key {args.name!r} ({args.scope}) to {path}; it is shown only now:\n{key}")
    return EXIT_OK


def cmd_list(args) -> int:
    for k in settings().server.api_keys:
        print(f"{k.name or '(unnamed)'}: scope {k.scope}, groups {k.groups or '-'}, origins {k.origins or 'any'}")
    return EXIT_OK


def register(sub) -> None:
    p = sub.add_parser("keys", help="manage API keys (stored as SHA-256 in the config file)")
    ksub = p.add_subparsers(dest="keys_command", required=True)
    f = ksub.add_parser("add", help="create a key, store its hash in the config file, print it once")
    f.add_argument("--name", required=True, help="unique label (logs, feedback, rate limit)")
    f.add_argument("--scope", choices=["widget", "advisor", "admin"], default="widget")
    f.add_argument("--groups", help="document groups beyond public, comma-separated")
    f.add_argument("--origins", help="browser origins allowed to use the key, comma-separated (widget keys)")
    f.set_defaults(func=cmd_add)
    ksub.add_parser("list", help="names, scopes, groups and origins (never the keys)").set_defaults(func=cmd_list)
