"""Concurrent clients against a real server on 127.0.0.1 (bounded; loopback only)."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from assistant.evaluation import metrics as M


def run_clients(base_url: str | list[str], questions: list[str], clients: int, per_client: int,
                headers=None) -> dict[str, Any]:  # fmt: skip
    """`clients` threads each POST `per_client` questions to /api/ask; latency, errors, throughput.

    With several base URLs (instances behind a balancer) client i talks to instance i mod N.
    """
    bases = [base_url] if isinstance(base_url, str) else list(base_url)
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def client(cid: int) -> None:
        with httpx.Client(base_url=bases[cid % len(bases)], timeout=300, headers=headers or {}) as http:
            for i in range(per_client):
                question = questions[(cid * per_client + i) % len(questions)]
                t = time.perf_counter()
                try:
                    res = http.post("/api/ask", json={"question": question})
                    ok = res.status_code == 200 and "answer" in res.json()
                    problem = None if ok else f"HTTP {res.status_code}"
                except httpx.HTTPError as exc:
                    problem = type(exc).__name__
                with lock:
                    latencies.append((time.perf_counter() - t) * 1000)
                    if problem:
                        errors.append(problem)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(client, range(clients)))
    elapsed = time.perf_counter() - started
    return {"clients": clients, "instances": len(bases), "requests": len(latencies), "errors": len(errors),
            "error_kinds": sorted(set(errors)), "p50_ms": round(M.percentile(latencies, 50), 1),
            "p95_ms": round(M.percentile(latencies, 95), 1), "throughput_rps": round(len(latencies) / elapsed, 2),
            "seconds": round(elapsed, 1)}  # fmt: skip
