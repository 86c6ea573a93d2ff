"""The web chat (gradio): chat, sources panel, feedback and language toggle; a client of the Assistant."""

import os

from assistant.types import Turn
from assistant.web.advisor_tab import assessment_tab
from assistant.web.text import EXAMPLES, UI, escape_text, sources_markdown


def chat_handlers(assistant, feedback, filters_for_ui):
    """The event handlers of the chat tab: respond (streams checked text), on_like, relabel, detect."""
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

    return respond, on_like, relabel, detect


def build_ui(assistant, feedback, filters_for_ui):
    """Blocks with chat, sources panel, feedback and language toggle."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    import gradio as gr

    respond, on_like, relabel, detect = chat_handlers(assistant, feedback, filters_for_ui)
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
