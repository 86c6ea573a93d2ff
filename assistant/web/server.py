"""One process serves the API, the widget and the web chat: `coopguide serve`."""

from __future__ import annotations

import os

from assistant.retrieve.retrieval import Filters


def create_server_app(assistant, with_ui: bool = True):
    """FastAPI app: /api, /v1, /widget.js, /widget-demo, /docs, and the gradio chat at /."""
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    from assistant.api.app import create_app

    app = create_app(assistant)
    if with_ui:
        import gradio as gr

        from assistant.web.ui import build_ui

        groups = ("public", *assistant.settings.server.ui_groups)
        ui = build_ui(assistant, app.state.feedback, lambda: Filters(visibility=groups))
        app = gr.mount_gradio_app(app, ui, path="/", footer_links=[], allowed_paths=[], show_error=False)
    return app


def serve(assistant, host: str, port: int, log=print) -> None:
    import uvicorn

    app = create_server_app(assistant)
    log(f"coopguide is running at http://{host}:{port}/  (API docs: /docs, widget demo: /widget-demo)")
    uvicorn.run(app, host=host, port=port, log_level="warning")
