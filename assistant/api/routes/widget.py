"""The embeddable widget: GET /widget.js and the demo page /widget-demo."""

from __future__ import annotations

from html import escape
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

router = APIRouter()
STATIC = Path(__file__).resolve().parents[1] / "static"


@router.get("/widget.js", include_in_schema=False)
async def widget_js() -> Response:
    return Response((STATIC / "widget.js").read_text(encoding="utf-8"), media_type="application/javascript")


@router.get("/widget-demo", include_in_schema=False)
async def widget_demo(request: Request) -> HTMLResponse:
    keys = request.app.state.assistant.settings.server.api_keys
    key = next((k.key for k in keys if k.scope == "widget"), "")
    html = (STATIC / "widget-demo.html").read_text(encoding="utf-8").replace("{{API_KEY}}", escape(key))
    return HTMLResponse(html)
