"""Servers for the security suite: the real app (API + gradio UI) on 127.0.0.1 over the small test corpus."""

from __future__ import annotations

import hashlib

import pytest

from assistant.api.running import running_server
from assistant.service import Assistant
from assistant.web import create_server_app

SECRET = "Beratungsstelle"  # only in the internal test document
INTERNAL_QUESTION = "Was empfiehlt der interne Vermerk zum Projekt Nordlicht?"
KEYS = [
    {"name": "widget", "key": "widget-key", "scope": "widget"},
    {"name": "", "key": "unnamed-widget-1", "scope": "widget"},
    {"name": "", "key": "unnamed-widget-2", "scope": "widget"},
    {"name": "intranet", "key_sha256": hashlib.sha256(b"intranet-key").hexdigest(), "scope": "widget",
     "groups": ["internal"], "origins": ["https://intranet.example"]},
    {"name": "advisor", "key": "advisor-key", "scope": "advisor"},
    {"name": "advisor-internal", "key": "advisor-internal-key", "scope": "advisor", "groups": ["internal"]},
]  # fmt: skip


def secured(built, **server) -> Assistant:
    settings = built.settings.model_copy(deep=True)
    settings.server = settings.server.model_validate({"api_keys": KEYS, "rate_limit_per_minute": 1000, **server})
    return Assistant(settings=settings, embedder=built.embedder, index=built.index)


@pytest.fixture(scope="module")
def locked(built):
    """require_key = true."""
    with running_server(create_server_app(secured(built, require_key=True))) as base:
        yield base


@pytest.fixture(scope="module")
def open_site(built):
    """The default: no key required."""
    with running_server(create_server_app(secured(built))) as base:
        yield base


def ui_client(base: str, key: str | None = None):
    from gradio_client import Client

    return Client(base + "/", headers={"X-API-Key": key} if key else None, verbose=False)
