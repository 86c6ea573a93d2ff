"""F5: long histories, follow-up expansion, UI questions and concurrent work are bounded."""

import time

import httpx
import pytest

from assistant.api.access import AccessDenied, WorkLimiter
from assistant.retrieve.followup import expand_question
from assistant.types import Turn
from tests.security.conftest import ui_client


def test_history_limits_are_400(open_site):
    long_turn = {"role": "user", "content": "export licence laser " * 500}  # 10,500 characters
    res = httpx.post(open_site + "/api/ask", json={"question": "und?", "history": [long_turn]})
    assert res.status_code == 400 and "turn" in res.json()["error"]["message"]
    many = [{"role": "user", "content": "x" * 7000}] * 4
    res = httpx.post(open_site + "/api/ask", json={"question": "und?", "history": many})
    assert res.status_code in (400, 413)
    res = httpx.post(
        open_site + "/v1/chat/completions", json={"messages": [long_turn, {"role": "user", "content": "und?"}]}
    )
    assert res.status_code == 400


def test_follow_up_expansion_is_capped():
    subject = "Do laser devices need an export licence for China? " * 200
    expanded = expand_question("und?", [Turn("user", subject)], max_chars=2000)
    assert len(expanded) <= 2000 and expanded.endswith("und?")


def test_a_long_follow_up_costs_about_as_much_as_a_question(open_site):
    started = time.perf_counter()
    res = httpx.post(open_site + "/api/ask", timeout=60, json={
        "question": "und?", "history": [{"role": "user", "content": "export licence laser device " * 280}]})  # fmt: skip
    assert res.status_code == 200 and time.perf_counter() - started < 10


def test_ui_question_limit(open_site):
    with pytest.raises(Exception, match="characters"):
        ui_client(open_site).predict("x" * 5000, [], "en", api_name="/respond")


def test_work_limiter_refuses_when_busy():
    work = WorkLimiter(1, timeout_s=0.1)
    with work.slot(), pytest.raises(AccessDenied) as exc, work.slot():
        pass
    assert exc.value.status == 503
