"""The embeddable widget: GET /widget.js and the demo page /widget-demo."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

router = APIRouter()
STATIC = Path(__file__).resolve().parents[1] / "static"


@router.get("/widget.js", include_in_schema=False)
async def widget_js() -> Response:
    return Response((STATIC / "widget.js").read_text(encoding="utf-8"), media_type="application/javascript")


@router.get("/widget-demo", include_in_schema=False)
async def widget_demo() -> HTMLResponse:
    """A page for trying the widget. It never contains a key: a visitor may paste one (kept in the page only)."""
    return HTMLResponse((STATIC / "widget-demo.html").read_text(encoding="utf-8"))
