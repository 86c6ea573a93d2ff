"""Run an ASGI app on a real uvicorn server on 127.0.0.1 in a background thread, or wait for a `coopguide serve`
process to answer (tests, bench)."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(base: str, proc=None, seconds: float = 300) -> None:
    """Wait until a `coopguide serve` at `base` answers /api/health; fail early if its process `proc` exits."""
    import httpx

    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"coopguide serve exited with {proc.returncode}")
        try:
            if httpx.get(base + "/api/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{base} did not start within {seconds:.0f} s")


@contextlib.contextmanager
def running_server(app, port: int | None = None) -> Iterator[str]:
    """Serve `app` until the block ends; yields the base URL."""
    import uvicorn

    port = port or free_port()
    # proxy_headers=False as in `coopguide serve`: the gate alone decides whom to believe about X-Forwarded-For
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", proxy_headers=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 30
    while not server.started:
        if time.time() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
