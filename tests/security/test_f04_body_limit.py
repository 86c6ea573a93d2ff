"""F4: the body limit holds for chunked requests too; the UI's upload route is closed."""

import httpx


def _chunks(size: int):
    yield b'{"question": "'
    for _ in range(size // 1000):
        yield b"y" * 1000
    yield b'"}'


def test_chunked_body_over_the_limit_is_413(open_site):
    res = httpx.post(open_site + "/api/ask", content=_chunks(200_000), headers={"Content-Type": "application/json"})
    assert res.status_code == 413 and res.json()["error"]["status"] == 413


def test_gradio_upload_is_closed(open_site):
    files = {"files": ("big.html", b"<p>x</p>" * 10, "text/html")}
    assert httpx.post(open_site + "/gradio_api/upload", files=files).status_code == 403
    chunked = httpx.post(open_site + "/gradio_api/queue/join", content=_chunks(100_000),
                         headers={"Content-Type": "application/json"})  # fmt: skip
    assert chunked.status_code == 413
