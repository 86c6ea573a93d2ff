"""One process serves the API, the widget and the web chat: `coopguide serve`."""

from __future__ import annotations

import os


def ui_principal(request) -> str | None:
    """gradio's auth hook: the principal the gate put on the request (None = not signed in → 401)."""
    who = getattr(request.state, "principal", None)
    return who.token() if who else None


def create_server_app(assistant, with_ui: bool = True):
    """FastAPI app: /api, /v1, /widget.js, /widget-demo, /login, /docs, and the gradio chat at /, all behind
    the same gate, limits and headers."""
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    from assistant.api import create_app

    app = create_app(assistant)
    if with_ui:
        import gradio as gr

        from assistant.web.ui import build_ui

        ui = build_ui(assistant, app.state)
        app = gr.mount_gradio_app(app, ui, path="/", footer_links=[], allowed_paths=[], show_error=False,
                                  auth_dependency=ui_principal,
                                  max_file_size=assistant.settings.server.max_body_bytes)  # fmt: skip
    return app


def serve(assistant, host: str, port: int, log=print) -> None:
    import uvicorn

    app = create_server_app(assistant)
    log(f"coopguide is running at http://{host}:{port}/  (API docs: /docs, widget demo: /widget-demo)")
    # The gate decides on X-Forwarded-For itself (trusted proxies only), so uvicorn must not rewrite the peer.
    uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=False)
