"""The web chat (gradio), a second client of the same Assistant, mounted at `/`."""

import html
import os
from urllib.parse import quote

from assistant.types import Answer, Turn

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


def assessment_tab(assistant, filters_for_ui):
    """The advisor tab: a form, a Markdown preview and Markdown/DOCX downloads."""
    import tempfile
    from pathlib import Path

    import gradio as gr

    from assistant.assessment import REQUESTERS, TYPES, AssessmentRequest, Assessor
    from assistant.assessment_render import to_docx, to_markdown

    def draft(partner, country, field, kind, funding, data, requester, lang):
        if not (partner or "").strip() or not (country or "").strip() or not (field or "").strip():
            raise gr.Error("Partner, Land/country und Fachgebiet/field sind nötig / are required.")
        request = AssessmentRequest(partner.strip(), country.strip().upper(), field.strip(), kind, funding or None,
                                    data or None, requester or None, lang)  # fmt: skip
        result = Assessor(assistant, assistant.settings.assessment.tables_dir, filters_for_ui()).assess(request)
        markdown = to_markdown(result)
        folder = Path(tempfile.mkdtemp(prefix="coopguide-draft-"))
        md_path = folder / "assessment.md"
        md_path.write_text(markdown, encoding="utf-8")
        return escape_text(markdown), str(md_path), str(to_docx(result, folder / "assessment.docx"))

    with gr.Tab("Empfehlung entwerfen / Draft a recommendation", elem_id="cg-assess-tab"):
        with gr.Row():
            with gr.Column(scale=2):
                partner = gr.Textbox(label="Partner", elem_id="cg-a-partner")
                country = gr.Textbox(label="Land / country (ISO, z. B. CN, RU, TW)", elem_id="cg-a-country")
                field = gr.Textbox(label="Fachgebiet / research field", elem_id="cg-a-field")
                kind = gr.Dropdown(TYPES, value="joint-research", label="Art / type", elem_id="cg-a-type")
                funding = gr.Textbox(label="Finanzierung / funding")
                data = gr.Textbox(label="Daten / data")
                requester = gr.Dropdown(REQUESTERS, value="university", label="Anfragende Stelle / requester")
                lang = gr.Radio(["de", "en"], value="de", label="Sprache / language")
                go = gr.Button("Entwurf erstellen / Draft", variant="primary", elem_id="cg-a-go")
            with gr.Column(scale=3):
                preview = gr.Markdown(elem_id="cg-a-preview")
                md_file = gr.File(label="Markdown", elem_id="cg-a-md")
                docx_file = gr.File(label="DOCX", elem_id="cg-a-docx")
        go.click(draft, [partner, country, field, kind, funding, data, requester, lang], [preview, md_file, docx_file])


def build_ui(assistant, feedback, filters_for_ui):
    """Blocks with chat, sources panel, feedback and language toggle."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    import gradio as gr

    def respond(message, chat, turns, lang):
        message = (message or "").strip()
        if not message:
            yield chat, turns, gr.update(), gr.update(), ""
            return
        history = [Turn(t["role"], t["content"]) for t in turns]
        chat = chat + [{"role": "user", "content": escape_text(message)}, {"role": "assistant", "content": "…"}]
        yield chat, turns, gr.update(), gr.update(), ""
        shown, answer = "", None
        for event, value in assistant.ask_stream(message, history=history, filters=filters_for_ui()):
            if event == "partial":  # checked text only, as it becomes available
                shown += escape_text(value)
                chat[-1] = {"role": "assistant", "content": shown}
                yield chat, turns, gr.update(), gr.update(), ""
            else:
                answer = value
        chat[-1] = {"role": "assistant", "content": escape_text(answer.answer)}
        turns = turns + [{"role": "user", "content": message, "answer_id": ""},
                         {"role": "assistant", "content": answer.answer, "answer_id": answer.answer_id}]  # fmt: skip
        yield chat, turns, sources_markdown(answer, lang), answer.answer, ""

    def on_like(turns, data: gr.LikeData):
        index = data.index if isinstance(data.index, int) else data.index[0]
        if 0 <= index < len(turns) and turns[index].get("answer_id"):
            feedback.add(turns[index]["answer_id"], "up" if data.liked else "down", None,
                         turns[index - 1]["content"] if index else None, "web")  # fmt: skip
            gr.Info(UI["de"]["thanks"] if "ä" in turns[index]["content"] else UI["en"]["thanks"])

    def relabel(lang):
        t = UI[lang]
        return (f"## {t['title']}\n{t['intro']}", gr.update(label=t["box"]), gr.update(value=t["send"]),
                gr.update(label=t["markdown"]))  # fmt: skip

    def detect(request: gr.Request):
        accept = (request.headers.get("accept-language", "") if request else "").lower()
        return "de" if accept.startswith("de") else "en"

    with gr.Blocks(title="coopguide", analytics_enabled=False) as ui:
        lang = gr.Radio(["de", "en"], value="en", label="Sprache / Language", elem_id="cg-lang")
        heading = gr.Markdown(f"## {UI['en']['title']}\n{UI['en']['intro']}")
        turns = gr.State([])
        with gr.Tab("Chat", elem_id="cg-chat-tab"), gr.Row():
            with gr.Column(scale=3):
                chat = gr.Chatbot(elem_id="cg-chat", height=520, buttons=["copy"], sanitize_html=True,
                                  feedback_options=("Like", "Dislike"))  # fmt: skip
                box = gr.Textbox(label=UI["en"]["box"], elem_id="cg-question", lines=2)
                send = gr.Button(UI["en"]["send"], variant="primary", elem_id="cg-send")
                gr.Examples(EXAMPLES, inputs=box)
            with gr.Column(scale=2):
                sources = gr.Markdown(sources_markdown(None, "en"), elem_id="cg-sources")
                markdown = gr.Code(label=UI["en"]["markdown"], language="markdown", elem_id="cg-markdown")
        assessment_tab(assistant, filters_for_ui)
        outputs = [chat, turns, sources, markdown, box]
        send.click(respond, [box, chat, turns, lang], outputs)
        box.submit(respond, [box, chat, turns, lang], outputs)
        chat.like(on_like, [turns], None)
        lang.change(relabel, [lang], [heading, box, send, markdown])
        ui.load(detect, None, [lang])
    return ui
