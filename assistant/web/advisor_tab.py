"""The advisor tab of the web UI: a form, a Markdown preview (shown as text) and Markdown/DOCX downloads.

Only advisors see the tab, and the draft itself checks the scope again (a hidden tab is no protection).
"""

import shutil
import tempfile
import threading
from pathlib import Path

from assistant.api.access import AccessDenied
from assistant.web.caller import admitted

FIELD_LIMITS = {"partner": 300, "country": 3, "field": 500, "funding": 500, "data": 500}
KEEP_DRAFT_FILES_S = 300  # gradio copies the files into its own cache (cleared hourly); ours go soon after


def checked_fields(**fields: str) -> dict[str, str]:
    """The form fields, stripped, each within the limits of POST /api/assessments."""
    out = {k: (v or "").strip() for k, v in fields.items()}
    if not out["partner"] or not out["country"] or not out["field"]:
        raise AccessDenied(400, "Partner, Land/country und Fachgebiet/field sind nötig / are required.")
    for name, limit in FIELD_LIMITS.items():
        if len(out[name]) > limit:
            raise AccessDenied(400, f"{name} is over {limit} characters")
    return out


def remove_later(folder: Path, seconds: float = KEEP_DRAFT_FILES_S) -> None:
    timer = threading.Timer(seconds, shutil.rmtree, args=(folder,), kwargs={"ignore_errors": True})
    timer.daemon = True
    timer.start()


def assessment_tab(assistant, services):
    """The advisor tab; returns the tab so the page can show it to advisors only."""
    import gradio as gr

    from assistant.advisor import REQUESTERS, TYPES, AssessmentRequest, Assessor, to_docx, to_markdown

    def draft(partner, country, field, kind, funding, data, requester, lang, request: gr.Request):
        try:
            who = admitted(services, request, assistant.settings.server.assessment_cost)
            who.require("advisor")
            f = checked_fields(partner=partner, country=country, field=field, funding=funding, data=data)
            if kind not in TYPES or requester not in REQUESTERS:
                raise AccessDenied(400, "unknown type or requester")
        except AccessDenied as exc:
            raise gr.Error(str(exc)) from exc
        request_ = AssessmentRequest(f["partner"], f["country"].upper(), f["field"], kind, f["funding"] or None,
                                     f["data"] or None, requester, lang)  # fmt: skip
        with services.work.slot():
            result = Assessor(assistant, assistant.settings.assessment.tables_dir, who.filters()).assess(request_)
        markdown = to_markdown(result)
        folder = Path(tempfile.mkdtemp(prefix="coopguide-draft-"))
        remove_later(folder)
        md_path = folder / "assessment.md"
        md_path.write_text(markdown, encoding="utf-8")
        return markdown, str(md_path), str(to_docx(result, folder / "assessment.docx"))

    with gr.Tab("Empfehlung entwerfen / Draft a recommendation", elem_id="cg-assess-tab", visible=False) as tab:
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
                preview = gr.Code(language="markdown", label="Entwurf / draft", elem_id="cg-a-preview")
                md_file = gr.File(label="Markdown", elem_id="cg-a-md")
                docx_file = gr.File(label="DOCX", elem_id="cg-a-docx")
        go.click(draft, [partner, country, field, kind, funding, data, requester, lang], [preview, md_file, docx_file])
    return tab
