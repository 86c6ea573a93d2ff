"""F1: the web UI passes the same gate as the API: key or login, scope, groups, rate limit."""

import httpx
import pytest

from assistant.api.running import running_server
from assistant.web import create_server_app
from tests.security.conftest import INTERNAL_QUESTION, SECRET, secured, ui_client


def test_ui_refuses_callers_without_a_key(locked):
    page = httpx.get(locked + "/", headers={"Accept": "text/html"})
    assert page.status_code == 303 and page.headers["location"] == "/login"
    assert httpx.get(locked + "/config").status_code == 401
    joined = httpx.post(locked + "/gradio_api/queue/join", json={"data": ["BAFA?", [], [], "en"], "fn_index": 0,
                                                                   "session_hash": "x"})  # fmt: skip
    assert joined.status_code == 401
    with pytest.raises(Exception):  # noqa: B017 - any client error: the UI is not reachable at all
        ui_client(locked)


def test_login_cookie_opens_the_ui(locked):
    with httpx.Client(base_url=locked) as browser:
        assert browser.post("/login", data={"key": "wrong"}).status_code == 401
        done = browser.post("/login", data={"key": "advisor-key"})
        assert done.status_code == 303 and "coopguide_session" in browser.cookies
        assert "advisor-key" not in browser.cookies["coopguide_session"]
        assert browser.get("/config").status_code == 200
        assert browser.get("/logout").status_code == 303


def test_ui_actions_take_scope_and_groups_from_the_key(locked):
    widget = ui_client(locked, "widget-key")
    text = str(widget.predict(INTERNAL_QUESTION, [], "de", api_name="/respond"))
    assert SECRET not in text
    with pytest.raises(Exception, match="advisor"):
        widget.predict("Harbin Institute of Technology", "CN", "lasers", "hosting", "", "", "university", "en",
                       api_name="/draft")  # fmt: skip
    internal = ui_client(locked, "advisor-internal-key")
    assert SECRET in str(internal.predict(INTERNAL_QUESTION, [], "de", api_name="/respond"))
    draft = internal.predict("Harbin Institute of Technology", "CN", "lasers", "hosting", "", "", "university", "en",
                             api_name="/draft")  # fmt: skip
    assert "Harbin Institute of Technology" in str(draft[0])


def test_ui_requests_count_against_the_rate_limit(built):
    app = create_server_app(secured(built, rate_limit_per_minute=2))
    with running_server(app) as base:
        client = ui_client(base, "advisor-key")
        for _ in range(2):
            client.predict("Who decides on export licences in Germany?", [], "en", api_name="/respond")
        with pytest.raises(Exception, match="rate limit"):
            client.predict("Who decides on export licences in Germany?", [], "en", api_name="/respond")
