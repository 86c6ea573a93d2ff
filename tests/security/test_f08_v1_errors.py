"""F8: /v1/chat/completions answers bad input with 400, never 500."""

import httpx
import pytest

BAD = {
    "too many turns": {"messages": [{"role": "user" if i % 2 == 0 else "assistant", "content": "x"} for i in range(53)]},
    "long turn": {"messages": [{"role": "user", "content": "a" * 20001}, {"role": "assistant", "content": "b"},
                               {"role": "user", "content": "Do laser devices need a licence?"}]},
    "null content": {"messages": [{"role": "user", "content": None}]},
    "no text parts": {"messages": [{"role": "user", "content": [{"type": "image_url"}]}]},
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_chat_input_is_400(open_site, name):
    res = httpx.post(open_site + "/v1/chat/completions", json=BAD[name])
    assert res.status_code == 400, res.text
    assert res.json()["error"]["status"] == 400


@pytest.mark.parametrize("stream", [False, True])
def test_lone_surrogate_is_400(open_site, stream):
    messages = '[{"role": "user", "content": "laser export licence \\ud800"}]'  # a lone surrogate, escaped in JSON
    body = '{"stream": ' + str(stream).lower() + ', "messages": ' + messages + "}"
    res = httpx.post(open_site + "/v1/chat/completions", content=body, headers={"Content-Type": "application/json"})
    assert res.status_code == 400
