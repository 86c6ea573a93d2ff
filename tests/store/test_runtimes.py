"""Embedder runtimes: the contract (unit vectors, dimension, model id) for every runtime that can run here, and
their closeness to torch-fp32; ONNX tokenisation equals sentence-transformers'; a runtime switch rebuilds.

Thresholds come from `coopguide bench --embedder` on the shipped corpus (96–128 chunks, 60 questions, see
evaluation/reports/embedder.md): the ONNX fp32 graph matched torch-fp32 to cosine 1.0000 (min ≥ 0.99999);
torch-int8 (gate/up projections) had mean 0.997, min 0.9955; onnx-int8 (all but the down projections) mean 0.996,
min 0.9934. The int8 bound below (min ≥ 0.98, mean ≥ 0.99) leaves room for other texts while still failing the
drift of the rejected subsets (every Linear in int8: mean 0.92, min 0.88).
"""

from __future__ import annotations

import importlib.util
import shutil

import numpy as np
import pytest

from assistant.settings import IndexSettings, ModelSettings
from assistant.store import embedding
from assistant.store.index import open_index
from assistant.store.runtimes import RUNTIMES, runtime_model_id
from assistant.store.vectors import IndexModelMismatch
from tests.conftest import MODELS_DIR

TEXTS = {
    "query": ["Brauche ich eine Genehmigung für einen Vortrag in Shanghai?", "Is NUAA on the US Entity List?",
              "Who decides whether a research cooperation needs an export licence?"],
    "document": ["Export control — Annex I\nDual-use items listed in Annex I of Regulation (EU) 2021/821 need a "
                 "licence before they leave the EU, also as technology sent by e-mail.",
                 "Due diligence — Partner\nPrüfen Sie vor einer Kooperation, ob die Partnerinstitution auf einer "
                 "Sanktionsliste steht; die Exportkontrollbeauftragte Ihrer Einrichtung entscheidet."],
}  # fmt: skip
MIN_COSINE = {"torch-fp32": 0.99999, "onnx-fp32": 0.9999, "torch-int8": 0.98, "onnx-int8": 0.98}
MIN_MEAN = {"torch-fp32": 0.99999, "onnx-fp32": 0.9999, "torch-int8": 0.99, "onnx-int8": 0.99}


def unavailable(runtime: str) -> str | None:
    """Why a runtime cannot run here (None = it can)."""
    if runtime.startswith("onnx-") and importlib.util.find_spec("onnxruntime") is None:
        return "onnxruntime is not installed"
    if runtime == "onnx-int8" and importlib.util.find_spec("onnx") is None:
        return "the onnx package is not installed: the int8 graph cannot be quantised offline"
    return None


@pytest.fixture(scope="module")
def runtime_embedders():
    """One embedder per runtime (the ONNX graphs are exported once into the models folder); released after."""
    loaded, keys_before = {}, set(embedding._LOADED)
    yield lambda runtime: loaded.setdefault(
        runtime, embedding.load_embedder(ModelSettings(models_dir=MODELS_DIR, runtime=runtime))
    )
    for key in set(embedding._LOADED) - keys_before:
        embedding._LOADED.pop(key, None)


def test_model_id_names_the_runtime_except_for_torch_fp32():
    assert runtime_model_id("google/embeddinggemma-300m", "torch-fp32") == "google/embeddinggemma-300m"
    assert runtime_model_id("google/embeddinggemma-300m", "onnx-int8") == "google/embeddinggemma-300m+onnx-int8"
    with pytest.raises(ValueError, match="unknown embedder runtime"):
        runtime_model_id("m", "tensorrt")
    assert ModelSettings().runtime == "onnx-fp32" and ModelSettings().threads is None


def test_another_model_left_on_the_default_runtime_runs_on_torch(tmp_path):
    assert embedding.effective_runtime(ModelSettings()) == "onnx-fp32"
    assert embedding.effective_runtime(ModelSettings(embedding_model=str(tmp_path))) == "torch-fp32"
    chosen = ModelSettings(embedding_model=str(tmp_path), runtime="onnx-int8")
    assert embedding.effective_runtime(chosen) == "onnx-int8"
    with pytest.raises(RuntimeError, match="default model"):
        embedding.prepare_runtime(chosen)
    assert embedding.prepare_runtime(ModelSettings(runtime="torch-int8")) is None


def test_switching_the_runtime_requires_a_rebuild(tmp_path):
    settings = IndexSettings(path=tmp_path / "index")
    open_index(settings, "google/embeddinggemma-300m", 768, log=lambda m: None).manifest.close()
    with pytest.raises(IndexModelMismatch, match="onnx-int8"):
        open_index(settings, runtime_model_id("google/embeddinggemma-300m", "onnx-int8"), 768)
    messages: list[str] = []
    index = open_index(settings, "google/embeddinggemma-300m+onnx-int8", 768, rebuild_on_mismatch=True,
                       log=messages.append)  # fmt: skip
    assert index.manifest.get("model_id") == "google/embeddinggemma-300m+onnx-int8" and "rebuilding" in messages[0]
    index.manifest.close()


@pytest.mark.slow
@pytest.mark.parametrize("runtime", RUNTIMES)
def test_runtime_contract_and_closeness_to_fp32(runtime, runtime_embedders):
    if reason := unavailable(runtime):
        pytest.skip(reason)
    got, embedder = runtime_embedders(runtime), runtime_embedders("torch-fp32")
    assert got.dimension == embedder.dimension == 768
    assert got.model_id == runtime_model_id("google/embeddinggemma-300m", runtime)
    cosines = []
    for role, texts in TEXTS.items():
        fn, ref_fn = (got.embed_queries, embedder.embed_queries) if role == "query" else \
            (got.embed_documents, embedder.embed_documents)  # fmt: skip
        vectors, reference = np.asarray(fn(texts)), np.asarray(ref_fn(texts))
        assert vectors.shape == (len(texts), 768)
        assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
        cosines += (vectors * reference).sum(1).tolist()
    print(f"{runtime}: cosine to torch-fp32 mean {np.mean(cosines):.5f}, min {min(cosines):.5f}")
    assert min(cosines) >= MIN_COSINE[runtime] and np.mean(cosines) >= MIN_MEAN[runtime]


@pytest.mark.slow
def test_onnx_tokenisation_equals_sentence_transformers(runtime_embedders):
    if reason := unavailable("onnx-fp32"):
        pytest.skip(reason)
    onnx = runtime_embedders("onnx-fp32")
    st = runtime_embedders("torch-fp32")._model
    long_text = " ".join(["Exportkontrolle"] * 3000)  # beyond max_seq_length: truncated alike
    for role, texts in TEXTS.items():
        texts = [*texts, long_text]
        prepare = getattr(st, "preprocess", None) or st.tokenize
        expected = prepare([st.prompts[role] + t for t in texts])
        got = onnx.features(texts, role)
        assert onnx.prompts[role] == st.prompts[role]
        assert np.array_equal(got["input_ids"], expected["input_ids"].numpy())
        assert np.array_equal(got["attention_mask"], expected["attention_mask"].numpy())


@pytest.mark.slow
def test_the_session_embedder_is_the_default_runtime(embedder):
    assert embedder.model_id == "google/embeddinggemma-300m+onnx-fp32" and embedder.batch_invariant


@pytest.mark.slow
def test_the_exported_graph_is_verified_by_its_recorded_hash(runtime_embedders, tmp_path):
    if reason := unavailable("onnx-fp32"):
        pytest.skip(reason)
    from assistant.store.onnx_export import data_file, is_exported, onnx_path

    runtime_embedders("onnx-fp32")
    path = onnx_path(MODELS_DIR, "onnx-fp32")
    assert is_exported(path)
    copy = tmp_path / path.name
    for name in (path.name, data_file(path).name, path.name + ".json"):
        shutil.copyfile(path.with_name(name), tmp_path / name)
    assert is_exported(copy)
    with data_file(copy).open("r+b") as fh:  # one changed byte of the weights: the recorded hash no longer matches
        fh.seek(-1, 2)
        last = fh.read(1)
        fh.seek(-1, 2)
        fh.write(bytes([last[0] ^ 0xFF]))
    assert not is_exported(copy)
    data_file(copy).unlink()
    assert not is_exported(copy)  # a graph without its data is not an export
