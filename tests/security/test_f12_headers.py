"""F12: every response carries a CSP (frame-ancestors configurable), nosniff and a referrer policy."""

import httpx
import pytest

from assistant.api.running import running_server
from assistant.web import create_server_app
from tests.security.conftest import secured


@pytest.mark.parametrize("path", ["/", "/api/health", "/widget-demo", "/docs", "/widget.js", "/login"])
def test_security_headers(open_site, path):
    headers = httpx.get(open_site + path).headers
    csp = headers["content-security-policy"]
    assert "frame-ancestors 'self'" in csp and "img-src 'self' data: blob:" in csp and "object-src 'none'" in csp
    assert headers["x-content-type-options"] == "nosniff" and headers["referrer-policy"] == "no-referrer"
    assert headers["x-frame-options"] == "SAMEORIGIN"


def test_frame_ancestors_for_the_intranet(built):
    app = create_server_app(secured(built, frame_ancestors=["https://intranet.example"]))
    with running_server(app) as base:
        headers = httpx.get(base + "/").headers
    assert "frame-ancestors 'self' https://intranet.example" in headers["content-security-policy"]
    assert "x-frame-options" not in headers
