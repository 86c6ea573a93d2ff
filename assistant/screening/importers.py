"""Import official lists so users can screen against current data: US CSL (CSV/JSON), MISP galaxies."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

FORMATS = ("csl-csv", "csl-json", "misp-galaxy")


class ImportError_(ValueError):
    """The file is not in the announced format."""


def _split_names(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [v.strip() for v in str(value or "").split(";") if v.strip()]


def _csl_entry(row: dict[str, Any], origin: str) -> dict[str, Any]:
    if not str(row.get("name") or "").strip():
        raise ImportError_("a row has no name")
    bits = [row.get("programs"), row.get("federal_register_notice"), row.get("license_requirement"), row.get("remarks")]
    detail = "; ".join(str(b if not isinstance(b, list) else ", ".join(map(str, b))) for b in bits if b)
    flag = {
        "source": f"US Consolidated Screening List ({origin})",
        "label": str(row.get("source") or "US Consolidated Screening List"),
        "detail": detail or "Listed (no further details in the file).",
        "as_of": str(row.get("start_date") or "") or None,
        "url": str(row.get("source_list_url") or row.get("source_information_url") or "") or None,
        "certainty": "confirmed",
        "conflict": None,
    }
    return {"name": str(row["name"]).strip(), "aliases": _split_names(row.get("alt_names")), "country": None,
            "flags": [flag]}  # fmt: skip


def parse_csl_csv(text: str, origin: str) -> list[dict[str, Any]]:
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or "name" not in reader.fieldnames or "source" not in reader.fieldnames:
        raise ImportError_("not a CSL CSV file: the header needs at least 'name' and 'source' columns")
    return [_csl_entry(row, origin) for row in reader]


def parse_csl_json(text: str, origin: str) -> list[dict[str, Any]]:
    data = json.loads(text)
    rows = data.get("results") if isinstance(data, dict) else data
    if not isinstance(rows, list):
        raise ImportError_("not a CSL JSON file: expected a list or an object with 'results'")
    return [_csl_entry(row, origin) for row in rows]


def parse_misp_galaxy(text: str, origin: str) -> list[dict[str, Any]]:
    data = json.loads(text)
    if not isinstance(data, dict) or not isinstance(data.get("values"), list):
        raise ImportError_("not a MISP galaxy cluster: expected an object with 'values'")
    cluster = str(data.get("name") or origin)
    out = []
    for v in data["values"]:
        meta = v.get("meta") or {}
        refs = meta.get("refs") or []
        out.append({"name": str(v["value"]), "aliases": _split_names(meta.get("aliases")),
                    "country": (meta.get("country") or None),
                    "flags": [{"source": f"MISP galaxy: {cluster}", "label": cluster,
                               "detail": str(v.get("description") or "")[:300] or "Listed in the cluster.",
                               "as_of": str(data.get("version") or "") or None, "url": refs[0] if refs else None,
                               "certainty": "confirmed", "conflict": None}]})  # fmt: skip
    return out


def parse_list(path: Path, fmt: str) -> list[dict[str, Any]]:
    """The entries of the list in `path`, read in format `fmt` (ImportError_ for anything else)."""
    parsers = {"csl-csv": parse_csl_csv, "csl-json": parse_csl_json, "misp-galaxy": parse_misp_galaxy}
    if fmt not in parsers:
        raise ImportError_(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    try:
        return parsers[fmt](path.read_text(encoding="utf-8-sig"), path.name)
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, csv.Error) as exc:
        raise ImportError_(f"{path}: not valid {fmt}: {exc}") from exc


def list_name(path: Path, fmt: str) -> str:
    return f"{fmt}-{path.stem}"


def import_list(path: Path, fmt: str, target_dir: Path) -> tuple[Path, int]:
    """Parse `path` in format `fmt` and store it as JSON under `target_dir`; returns (file, entries)."""
    entries = parse_list(path, fmt)
    target_dir.mkdir(parents=True, exist_ok=True)
    out = target_dir / f"{list_name(path, fmt)}.json"
    tmp = out.with_suffix(".tmp")
    tmp.write_text(json.dumps(entries, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(out)
    return out, len(entries)
