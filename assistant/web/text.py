"""Texts of the web UI and the rendering of untrusted text (answers, titles, passages)."""

import html
from urllib.parse import quote

from assistant.types import Answer

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
    """Untrusted text for a Markdown component: HTML is shown as text, never interpreted."""
    return html.escape(text, quote=False)


def _safe_url(url: str | None) -> str | None:
    return url if url and url.startswith(("https://", "http://")) else None


def sources_markdown(answer: Answer | None, lang: str) -> str:
    t = UI[lang]
    if answer is None or not answer.citations:
        return f"### {t['sources']}\n\n{t['no_sources']}"
    parts = [f"### {t['sources']}"]
    for c in answer.citations:
        where = " — ".join(x for x in [c.section, f"p. {c.page}" if c.page else None] if x)
        meta = ", ".join(x for x in [c.publisher, c.published] if x)
        doc_link = f"/api/documents/{quote(c.doc_id)}" + (f"?page={c.page}" if c.page else "")
        links = [f"[{t['open']}]({doc_link})"]
        if url := _safe_url(c.source_url):
            links.append(f"[{t['original']}]({url})")
        passage = escape_text(c.passage[:600] + ("…" if len(c.passage) > 600 else ""))
        parts.append(
            f"**[{c.n}] {escape_text(c.title)}**" + (f" — {escape_text(where)}" if where else "")
            + (f"  \n{escape_text(meta)}" if meta else "") + f"  \n{' · '.join(links)}\n\n> {passage}"
        )  # fmt: skip
    return "\n\n".join(parts)
