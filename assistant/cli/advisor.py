"""The advisor command: assess (a sourced draft recommendation as Markdown, DOCX or JSON)."""

from __future__ import annotations

import json
from pathlib import Path

from assistant.advisor import REQUESTERS, TYPES
from assistant.cli.common import EXIT_OK, assistant_for


def cmd_assess(args) -> int:
    from assistant.advisor import AssessmentRequest, Assessor, to_docx, to_markdown

    assistant = assistant_for(args)
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


def register(sub) -> None:
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
