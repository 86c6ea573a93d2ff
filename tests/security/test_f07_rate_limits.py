"""F7: wrong keys are counted, X-Forwarded-For is believed only from trusted proxies, buckets are per key,
and the limiter's memory is bounded."""

import httpx

from assistant.api.access import Gate, RateLimiter, Signer
from assistant.api.running import running_server
from assistant.settings import ServerSettings
from assistant.web import create_server_app
from tests.security.conftest import secured


def test_wrong_keys_are_counted_per_ip(built):
    with running_server(create_server_app(secured(built, failed_keys_per_minute=3))) as base:
        codes = [httpx.get(base + "/v1/models", headers={"X-API-Key": f"guess-{i}"}).status_code for i in range(5)]
        assert codes[:3] == [401, 401, 401] and codes[3:] == [429, 429]
        assert httpx.get(base + "/v1/models", headers={"X-API-Key": "guess-9"}).headers.get("retry-after")


def test_forwarded_for_is_ignored_from_untrusted_peers(built):
    with running_server(create_server_app(secured(built, rate_limit_per_minute=3))) as base:
        codes = [httpx.get(base + "/v1/models", headers={"X-Forwarded-For": f"10.1.1.{i}"}).status_code
                 for i in range(4)]  # fmt: skip
        assert codes == [200, 200, 200, 429]


def test_forwarded_for_from_a_trusted_proxy():
    gate = Gate(ServerSettings(trusted_proxies=["127.0.0.1"]), Signer(b"s"))
    assert gate.client_ip({"x-forwarded-for": "10.9.9.9, 127.0.0.1"}, "127.0.0.1") == "10.9.9.9"
    assert gate.client_ip({"x-forwarded-for": "10.9.9.9"}, "192.0.2.7") == "192.0.2.7"


def test_unnamed_keys_have_their_own_buckets(built):
    with running_server(create_server_app(secured(built, rate_limit_per_minute=2))) as base:
        first = [
            httpx.get(base + "/v1/models", headers={"X-API-Key": "unnamed-widget-1"}).status_code for _ in range(3)
        ]
        assert first == [200, 200, 429]
        assert httpx.get(base + "/v1/models", headers={"X-API-Key": "unnamed-widget-2"}).status_code == 200


def test_limiter_memory_is_bounded():
    limiter = RateLimiter(5, max_clients=100)
    for i in range(5000):
        limiter.check(f"ip:10.0.{i // 250}.{i % 250}", now=float(i))
    assert len(limiter) <= 100
