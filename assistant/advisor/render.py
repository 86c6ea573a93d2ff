"""Export an assessment as Markdown or DOCX (python-docx), with footnoted citations."""

from __future__ import annotations

from pathlib import Path

from assistant.advisor.assessment import Assessment
from assistant.advisor.texts import TEXT
from assistant.types import describe_sources


def _label(point, t) -> str:
    return f"**{t[point.label]}:** " if point.label in ("law", "guidance") else ""


def _cites(point) -> str:
    return "".join(f" [{n}]" for n in point.cites)


def _footnote(c, t) -> str:
    """The cited note and section, then every source the section rests on (publisher, date, title, URL)."""
    where = ", ".join(x for x in [c.section, f"p. {c.page}" if c.page else None] if x)
    return f"[{c.n}] " + ". ".join(x for x in [c.title, where, describe_sources(c)] if x)


def _header_rows(a: Assessment, t) -> list[tuple[str, str]]:
    r = a.request
    rows = [(t["date"], a.created), (t["requester"], r.requester or "–")]
    if r.funding:
        rows.append((t["funding"], r.funding))
    if r.data:
        rows.append((t["data"], r.data))
    return rows


def to_markdown(a: Assessment) -> str:
    t = TEXT[a.request.lang]
    lines = [f"# {t['title'].format(p=a.request.partner)}", ""]
    lines += [f"- {k}: {v}" for k, v in _header_rows(a, t)] + ["", f"## {t['summary']}", "",
              f"| {t['dimension']} | {t['attention']} |", "| --- | --- |"]  # fmt: skip
    lines += [f"| {s.title} | {t['level'][s.level]} |" for s in a.sections if s.key != "measures"]
    lines += [f"| **{t['overall']}** | **{t['level'][a.overall]}** |", ""]
    for s in a.sections:
        head = s.title if s.key == "measures" else f"{s.title} — {t['attention']}: {t['level'][s.level]}"
        lines += [f"## {head}", ""]
        lines += [f"- {_label(p, t)}{p.text}{_cites(p)}" for p in s.points]
        lines.append("")
    lines += [f"## {t['sources']}", ""] + [f"- {_footnote(c, t)}" for c in a.citations]
    lines += ["", f"_{t['disclaimer']}_", ""]
    return "\n".join(lines)


def to_docx(a: Assessment, path: Path) -> Path:
    import docx

    t = TEXT[a.request.lang]
    d = docx.Document()
    d.core_properties.title = t["title"].format(p=a.request.partner)
    d.add_heading(t["title"].format(p=a.request.partner), level=0)
    for k, v in _header_rows(a, t):
        d.add_paragraph(f"{k}: {v}")
    d.add_heading(t["summary"], level=1)
    table = d.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = t["dimension"], t["attention"]
    for s in [s for s in a.sections if s.key != "measures"]:
        row = table.add_row().cells
        row[0].text, row[1].text = s.title, t["level"][s.level]
    row = table.add_row().cells
    row[0].text, row[1].text = t["overall"], t["level"][a.overall]
    for s in a.sections:
        head = s.title if s.key == "measures" else f"{s.title} — {t['attention']}: {t['level'][s.level]}"
        d.add_heading(head, level=1)
        for p in s.points:
            para = d.add_paragraph(style="List Bullet")
            if p.label in ("law", "guidance"):
                para.add_run(t[p.label] + ": ").bold = True
            para.add_run(p.text)
            for n in p.cites:
                para.add_run(f"[{n}]").font.superscript = True
    d.add_heading(t["sources"], level=1)
    for c in a.citations:
        d.add_paragraph(_footnote(c, t), style="List Number")
    d.add_paragraph().add_run(t["disclaimer"]).italic = True
    d.save(str(path))
    return path
