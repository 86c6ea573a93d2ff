"""F2: /widget-demo never hands out a key. F3: anonymous callers get widget scope, never more than a key."""

import httpx

from tests.security.conftest import KEYS


def test_widget_demo_contains_no_key(open_site, locked):
    page = httpx.get(open_site + "/widget-demo").text
    assert 'data-api-key="' not in page.replace('setAttribute("data-api-key"', "")
    for key in KEYS:
        assert not key.get("key") or key["key"] not in page
    assert httpx.get(locked + "/widget-demo").status_code == 401  # behind the gate when keys are required


def test_anonymous_is_widget_scope(open_site):
    assert httpx.get(open_site + "/api/documents").status_code == 403
    body = {"partner": "Harbin Institute of Technology", "country": "CN", "field": "lasers", "type": "hosting"}
    assert httpx.post(open_site + "/api/assessments", json=body).status_code == 403
    assert httpx.get(open_site + "/api/documents", headers={"X-API-Key": "advisor-key"}).status_code == 200
    assert httpx.post(open_site + "/api/ask", json={"question": "Who decides on licences?"}).status_code == 200
