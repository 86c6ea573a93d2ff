"""F11: keys are never printed and are stored as hashes; with require_key nothing but the login is open."""

import hashlib
import tomllib

import httpx

from assistant.api.access import Gate, Signer
from assistant.cli import main
from assistant.settings import load_settings


def test_config_masks_keys_and_secrets(monkeypatch, capsys):
    monkeypatch.setenv("COOPGUIDE_SERVER__API_KEYS", '[{"name": "w", "key": "plain-secret-key", "scope": "widget"}]')
    monkeypatch.setenv("COOPGUIDE_LLM__API_KEY", "sk-llm-secret")
    monkeypatch.setenv("COOPGUIDE_SERVER__SECRET", "cookie-secret")
    assert main(["config"]) == 0
    out = capsys.readouterr().out
    assert "plain-secret-key" not in out and "sk-llm-secret" not in out and "cookie-secret" not in out


def test_keys_add_stores_only_the_hash(tmp_path, monkeypatch, capsys):
    config = tmp_path / "coopguide.toml"
    config.write_text("[server]\nrequire_key = true\n", encoding="utf-8")
    monkeypatch.setenv("COOPGUIDE_CONFIG", str(config))
    assert (
        main(["keys", "add", "--name", "intranet", "--groups", "internal", "--origins", "https://intranet.example"])
        == 0
    )
    key = capsys.readouterr().out.strip().splitlines()[-1]
    text = config.read_text(encoding="utf-8")
    assert key not in text and hashlib.sha256(key.encode()).hexdigest() in text
    stored = tomllib.loads(text)["server"]["api_keys"][0]
    assert stored["groups"] == ["internal"] and stored["origins"] == ["https://intranet.example"]
    gate = Gate(load_settings().server, Signer(b"s"))
    who = gate.identify({"x-api-key": key, "origin": "https://intranet.example"}, {}, "127.0.0.1")
    assert who.name == "intranet" and who.groups == ("internal",)
    assert main(["keys", "add", "--name", "intranet"]) == 3  # names are unique
    assert main(["keys", "list"]) == 0 and key not in capsys.readouterr().out


def test_docs_and_health_need_a_key_when_keys_are_required(locked):
    for path in ("/docs", "/openapi.json", "/api/health", "/gradio_api/info", "/config"):
        assert httpx.get(locked + path).status_code == 401, path
    assert httpx.get(locked + "/api/health", headers={"X-API-Key": "widget-key"}).status_code == 200
    assert httpx.get(locked + "/widget.js").status_code == 200  # the script itself is public


def test_origin_bound_key(locked):
    ok = httpx.get(locked + "/v1/models", headers={"X-API-Key": "intranet-key", "Origin": "https://intranet.example"})
    bad = httpx.get(locked + "/v1/models", headers={"X-API-Key": "intranet-key", "Origin": "https://evil.example"})
    assert ok.status_code == 200 and bad.status_code == 403
