"""Start a real `chroma run` server on 127.0.0.1 (client/server tests and the shared-engine bench)."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from assistant.api.running import free_port


def start_chroma(path: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    exe = Path(sys.executable).with_name("chroma")
    proc = subprocess.Popen(
        [str(exe), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1)
            return proc, url
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError("chroma run exited early") from None
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("chroma server did not start within 60 s")
