"""GET/POST /login and /logout: a browser signs in with an API key once and gets a signed session cookie."""

from __future__ import annotations

from html import escape

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from assistant.api.access import SESSION_COOKIE, SESSION_SECONDS, AccessDenied

router = APIRouter()
PAGE = """<!doctype html><html lang="de"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>coopguide – Anmeldung / Sign in</title>
<style>body{{font-family:system-ui,sans-serif;max-width:28rem;margin:4rem auto;padding:0 1rem}}
input,button{{font-size:1rem;padding:.5rem;width:100%;box-sizing:border-box;margin:.3rem 0}}
.error{{color:#a00}}</style></head><body>
<h1>coopguide</h1><p>Bitte melden Sie sich mit Ihrem Zugangsschlüssel an. / Please sign in with your access key.</p>
{error}<form method="post" action="/login"><label for="key">Schlüssel / Key</label>
<input id="key" name="key" type="password" autocomplete="current-password" required autofocus>
<button type="submit" id="login">Anmelden / Sign in</button></form></body></html>"""


@router.get("/login", include_in_schema=False)
async def login_page(error: str | None = None) -> HTMLResponse:
    message = f'<p class="error">{escape(error)}</p>' if error else ""
    return HTMLResponse(PAGE.format(error=message))


@router.post("/login", include_in_schema=False)
async def login(request: Request, key: str = Form(max_length=200)):
    gate = request.app.state.gate
    headers = {k.lower(): v for k, v in request.headers.items()}
    try:
        cookie = gate.login(key.strip(), gate.client_ip(headers, request.client.host if request.client else None))
    except AccessDenied as exc:
        if exc.status != 401:
            raise
        return HTMLResponse(PAGE.format(error='<p class="error">Unbekannter Schlüssel / Unknown key</p>'), 401)
    response = RedirectResponse("/", status_code=303)
    secure = request.app.state.assistant.settings.server.cookie_secure
    response.set_cookie(SESSION_COOKIE, cookie, max_age=SESSION_SECONDS, httponly=True, samesite="strict",
                        secure=secure)  # fmt: skip
    return response


@router.get("/logout", include_in_schema=False)
async def logout() -> RedirectResponse:
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response
