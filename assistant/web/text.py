"""Texts of the web UI and the rendering of untrusted text (answers, titles, passages)."""

import html
from urllib.parse import quote, urlsplit

from assistant.types import Answer, describe_source

UI = {
    "de": {
        "title": "coopguide – Kooperationen sicher gestalten",
        "intro": "Fragen zu Exportkontrolle, Sanktionen und Forschungssicherheit. Jede Aussage ist belegt.",
        "box": "Ihre Frage (Deutsch oder Englisch)",
        "send": "Fragen",
        "sources": "Quellen",
        "no_sources": "Noch keine Quellen.",
        "markdown": "Antwort als Markdown (kopieren)",
        "open": "Dokument",
        "original": "Original",
        "lang": "Sprache der Oberfläche",
        "thanks": "Danke für Ihre Rückmeldung.",
    },
    "en": {
        "title": "coopguide – cooperate safely",
        "intro": "Questions on export control, sanctions and research security. Every statement is cited.",
        "box": "Your question (German or English)",
        "send": "Ask",
        "sources": "Sources",
        "no_sources": "No sources yet.",
        "markdown": "Answer as Markdown (copy)",
        "open": "document",
        "original": "original",
        "lang": "Interface language",
        "thanks": "Thank you for your feedback.",
    },
}
EXAMPLES = [
    "Can I host a PhD student from Harbin Institute of Technology in my photonics lab?",
    "Was muss ich bei einer Kooperation mit einer russischen Universität beachten?",
    "Ist ein Vortrag in Shanghai über Hochleistungslaser technische Unterstützung?",
    "Does publishing open access take my results out of export control?",
]


def escape_text(text: str) -> str:
    """Untrusted text for HTML: shown as text, never interpreted."""
    return html.escape(text, quote=True)


def safe_url(url: str | None) -> str | None:
    """An http(s) URL with a host and nothing that could break out of an attribute, else None."""
    if not url or any(ch.isspace() for ch in url):
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return quote(url, safe=":/?#[]@!$&'*+,;=%~.-_")


def display_text(answer: str) -> str:
    """The answer as text for the chat (which renders no Markdown): headings, bullets and the screening block
    keep their shape; HTML is escaped, so nothing in it can become markup, a link or an image."""
    lines = []
    for line in answer.splitlines():
        line = line.replace("**", "")
        if line.startswith("### "):
            line = line[4:]
        elif line.startswith("- "):
            line = "• " + line[2:]
        elif line.startswith("> - "):
            line = "  • " + line[4:]
        elif line.startswith("> "):
            line = line[2:]
        lines.append(line)
    return escape_text("\n".join(lines))  # the chat sanitises HTML: escaped, markup shows as the text it is


def source_item(source: dict, note_title: str, t: dict) -> str:
    """One source of a cited section: publisher, date, title as text; a link only to a validated URL."""
    text = escape_text(describe_source({**source, "url": None}, note_title))
    url = safe_url(source.get("url"))
    if not url:
        return text
    attrs = 'target="_blank" rel="noopener noreferrer nofollow"'
    return text + f' <a href="{escape_text(url)}" {attrs}>{t["original"]}</a>'


def sources_html(answer: Answer | None, lang: str, document_links: bool = False) -> str:
    """The sources panel as HTML built here: every document-derived string escaped, links only to the
    stored document (for callers who may open it) and to validated http(s) originals."""
    t = UI[lang]
    if answer is None or not answer.citations:
        return f"<h3>{t['sources']}</h3><p>{t['no_sources']}</p>"
    parts = [f"<h3>{t['sources']}</h3>"]
    for c in answer.citations:
        section = c.section if c.section != f"Page {c.page}" else None  # a PDF page's section is the page itself
        where = " — ".join(x for x in [section, f"p. {c.page}" if c.page else None] if x)
        doc_link = f"/api/documents/{quote(c.doc_id, safe='')}" + (f"?page={c.page}" if c.page else "")
        head = f"<strong>[{c.n}] {escape_text(c.title)}</strong>" + (f" — {escape_text(where)}" if where else "")
        if document_links:
            head += f' · <a href="{escape_text(doc_link)}" target="_blank" rel="noopener noreferrer">{t["open"]}</a>'
        items = "".join(f"<li>{source_item(s, c.title, t)}</li>" for s in c.sources)
        passage = escape_text(c.passage[:600] + ("…" if len(c.passage) > 600 else ""))
        parts.append(f'<div class="cg-source">{head}<ul>{items}</ul><blockquote>{passage}</blockquote></div>')
    return "\n".join(parts)
