"""The web chat (gradio): chat, sources panel, feedback and language toggle; a client of the Assistant.

Every action derives its principal from the request exactly as the API does (the gate decides it, gradio's
auth hook hands it over), and goes through the same checks: question and history limits, the rate limit, the
per-process work limit. Document-derived text is shown as text, never as Markdown or HTML.
"""

import os
import uuid

from assistant.api.access import AccessDenied, check_history, check_question
from assistant.types import Turn
from assistant.web.advisor_tab import assessment_tab
from assistant.web.caller import admitted, principal_of
from assistant.web.text import EXAMPLES, UI, display_text, escape_text, sources_html


def chat_handlers(assistant, services):
    """The event handlers of the chat tab: respond (streams checked text), on_like, relabel, detect."""
    import gradio as gr

    limits = assistant.settings.server

    def respond(message, chat, turns, lang, request: gr.Request):
        if not (message or "").strip():
            yield chat, turns, gr.update(), gr.update(), ""
            return
        try:
            who = admitted(services, request)
            message = check_question(limits, message)
            history = check_history(limits, [Turn(t["role"], t["content"]) for t in turns])
        except AccessDenied as exc:
            raise gr.Error(str(exc)) from exc
        chat = chat + [{"role": "user", "content": escape_text(message)}, {"role": "assistant", "content": "…"}]
        yield chat, turns, gr.update(), gr.update(), ""
        shown, answer = "", None
        with services.work.slot():
            for event, value in assistant.ask_stream(message, history=history, filters=who.filters()):
                if event == "partial":  # checked text only, as it becomes available
                    shown += value
                    chat[-1] = {"role": "assistant", "content": display_text(shown)}
                    yield chat, turns, gr.update(), gr.update(), ""
                else:
                    answer = value
        answer_id = services.signer.sign(uuid.uuid4().hex)
        chat[-1] = {"role": "assistant", "content": display_text(answer.answer)}
        turns = turns + [{"role": "user", "content": message, "answer_id": ""},
                         {"role": "assistant", "content": answer.answer, "answer_id": answer_id}]  # fmt: skip
        yield chat, turns, sources_html(answer, lang, who.scope != "widget"), answer.answer, ""

    def on_like(turns, data: gr.LikeData, request: gr.Request):
        index = data.index if isinstance(data.index, int) else data.index[0]
        if not (0 <= index < len(turns)) or services.signer.verify(turns[index].get("answer_id")) is None:
            return
        try:
            who = admitted(services, request)
        except AccessDenied as exc:
            raise gr.Error(str(exc)) from exc
        services.feedback.add(turns[index]["answer_id"], "up" if data.liked else "down", None,
                              turns[index - 1]["content"] if index else None, who.name)  # fmt: skip
        gr.Info(UI["de"]["thanks"] if "ä" in turns[index]["content"] else UI["en"]["thanks"])

    def relabel(lang):
        t = UI[lang]
        return (f"## {t['title']}\n{t['intro']}", gr.update(label=t["box"]), gr.update(value=t["send"]),
                gr.update(label=t["markdown"]))  # fmt: skip

    def on_load(request: gr.Request):
        accept = (request.headers.get("accept-language", "") if request else "").lower()
        advisor = principal_of(request).scope in ("advisor", "admin")
        return "de" if accept.startswith("de") else "en", gr.update(visible=advisor)

    return respond, on_like, relabel, on_load


def build_ui(assistant, services):
    """Blocks with chat, sources panel, feedback and language toggle; the advisor tab only for advisors.

    `services` carries what the API shares with the UI: limiter, work, signer, feedback."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    import gradio as gr

    respond, on_like, relabel, on_load = chat_handlers(assistant, services)
    with gr.Blocks(title="coopguide", analytics_enabled=False, delete_cache=(3600, 3600)) as ui:
        lang = gr.Radio(["de", "en"], value="en", label="Sprache / Language", elem_id="cg-lang")
        heading = gr.Markdown(f"## {UI['en']['title']}\n{UI['en']['intro']}")
        turns = gr.State([])
        with gr.Tab("Chat", elem_id="cg-chat-tab"), gr.Row():
            with gr.Column(scale=3):
                chat = gr.Chatbot(elem_id="cg-chat", height=520, buttons=["copy"], sanitize_html=True,
                                  render_markdown=False, feedback_options=("Like", "Dislike"))  # fmt: skip
                box = gr.Textbox(label=UI["en"]["box"], elem_id="cg-question", lines=2,
                                 max_length=assistant.settings.server.max_question_chars)  # fmt: skip
                send = gr.Button(UI["en"]["send"], variant="primary", elem_id="cg-send")
                gr.Examples(EXAMPLES, inputs=box)
            with gr.Column(scale=2):
                sources = gr.HTML(sources_html(None, "en"), elem_id="cg-sources")
                markdown = gr.Code(label=UI["en"]["markdown"], language="markdown", elem_id="cg-markdown")
        advisor_tab = assessment_tab(assistant, services)
        outputs = [chat, turns, sources, markdown, box]
        send.click(respond, [box, chat, turns, lang], outputs)
        box.submit(respond, [box, chat, turns, lang], outputs)
        chat.like(on_like, [turns], None)
        lang.change(relabel, [lang], [heading, box, send, markdown])
        ui.load(on_load, None, [lang, advisor_tab])
    ui.queue(default_concurrency_limit=assistant.settings.server.max_concurrent)
    return ui
