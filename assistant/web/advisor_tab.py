"""The advisor tab of the web UI: a form, a Markdown preview and Markdown/DOCX downloads."""

from assistant.web.text import escape_text


def assessment_tab(assistant, filters_for_ui):
    """The advisor tab: a form, a Markdown preview and Markdown/DOCX downloads."""
    import tempfile
    from pathlib import Path

    import gradio as gr

    from assistant.advisor import REQUESTERS, TYPES, AssessmentRequest, Assessor, to_docx, to_markdown

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
