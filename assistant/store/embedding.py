"""The embedder seam: query and document embedding as separate roles."""

from __future__ import annotations

import hashlib
import math
import os
from pathlib import Path
from typing import Protocol

from assistant.settings import DEFAULT_MODEL, ModelSettings
from assistant.store.models import fetch_embedding_model, is_fetched, model_dir
from assistant.store.runtimes import quantize_torch, runtime_model_id, set_torch_threads
from assistant.types import Chunk


class Embedder(Protocol):
    """Embeds queries and documents into normalised vectors of one dimension."""

    model_id: str
    dimension: int

    def embed_queries(self, texts: list[str]) -> list[list[float]]: ...

    def embed_documents(self, texts: list[str]) -> list[list[float]]: ...


def embedding_text(chunk: Chunk) -> str:
    """What is embedded and keyword-indexed: the passage with its title and section as context."""
    title = chunk.meta.get("title") or ""
    head = f"{title} — {chunk.section}" if chunk.section else title
    return f"{head}\n{chunk.text}" if head else chunk.text


def load_sentence_transformer(source: str, device: str = "cpu", **kwargs):
    """The sentence-transformers model (heavy: imported on use)."""
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(source, device=device, **kwargs)


class SentenceTransformerEmbedder:
    """A sentence-transformers model used with its query/document prompts (runtime torch-fp32 or torch-int8)."""

    def __init__(self, source: str, model_id: str, device: str = "cpu", batch_size: int = 16,
                 runtime: str = "torch-fp32", threads: int | None = None):  # fmt: skip
        if runtime == "torch-int8" and device != "cpu":
            raise RuntimeError("runtime torch-int8 (dynamic quantisation) runs on the CPU only: set models.device=cpu")
        set_torch_threads(threads)
        self.model_id = model_id
        self.batch_size = batch_size
        # int8 quantises activations per batch: a text's vector then depends on its batch-mates
        self.batch_invariant = runtime != "torch-int8"
        self._model = load_sentence_transformer(source, device=device)
        if runtime == "torch-int8":
            quantize_torch(self._model)
        get_dim = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dimension = int(get_dim())
        prompts = getattr(self._model, "prompts", {}) or {}
        self._has_prompts = "query" in prompts and "document" in prompts
        self.documents_embedded = 0  # counted so tests can prove unchanged files cost nothing

    def _encode(self, texts: list[str], role: str) -> list[list[float]]:
        if not texts:
            return []
        kwargs = {"prompt_name": role} if self._has_prompts else {}
        vectors = self._model.encode(texts, batch_size=self.batch_size, normalize_embeddings=True, **kwargs)
        return [v.tolist() for v in vectors]

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        return self._encode(texts, "query")

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.documents_embedded += len(texts)
        return self._encode(texts, "document")


class HashingEmbedder:
    """A deterministic fake for unit tests: bag of hashed lower-case words, L2-normalised.

    Two texts sharing words have positive cosine; you can predict the vector by eye.
    """

    batch_invariant = True

    def __init__(self, dimension: int = 64):
        self.model_id = f"hashing-{dimension}"
        self.dimension = dimension
        self.documents_embedded = 0

    def _vector(self, text: str) -> list[float]:
        vec = [0.0] * self.dimension
        for word in text.lower().split():
            word = word.strip(".,;:!?()[]\"'")
            if word:
                slot = int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dimension
                vec[slot] += 1.0
        norm = math.sqrt(sum(x * x for x in vec)) or 1.0
        return [x / norm for x in vec]

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        return [self._vector(t) for t in texts]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.documents_embedded += len(texts)
        return [self._vector(t) for t in texts]


def configure_hub_access(allow_hub: bool) -> None:
    """Keep the hub offline unless the user opted in."""
    if not allow_hub:
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"


def resolve_model_source(settings: ModelSettings, fetch: bool = False) -> tuple[str, str]:
    """(source for SentenceTransformer, model id recorded in the index)."""
    name = settings.embedding_model
    if name == DEFAULT_MODEL:
        if not is_fetched(settings.models_dir):
            if not fetch:
                raise RuntimeError(f"embedding model not found in {settings.models_dir}: run `coopguide models fetch`")
            fetch_embedding_model(settings.models_dir)
        return str(model_dir(settings.models_dir)), "google/embeddinggemma-300m"
    if Path(name).is_dir():
        return name, Path(name).resolve().name
    if not settings.allow_hub:
        raise RuntimeError(
            f"embedding model {name!r} is neither the default nor a folder; set "
            "COOPGUIDE_MODELS__ALLOW_HUB=true to load it from the hub"
        )
    return name, name


_LOADED: dict[tuple, Embedder] = {}


def effective_runtime(settings: ModelSettings) -> str:
    """The runtime to use: the ONNX runtimes exist for the default model only, so another model left on the
    default runtime runs on torch-fp32 (a runtime chosen explicitly for it is an error, see _onnx_embedder)."""
    runtime = settings.runtime
    if runtime.startswith("onnx-") and settings.embedding_model != DEFAULT_MODEL and "runtime" not in \
            settings.model_fields_set:  # fmt: skip
        return "torch-fp32"
    return runtime


def load_embedder(settings: ModelSettings, fetch: bool = False) -> Embedder:
    """Load the configured model and runtime once per process (it takes seconds and over 1 GB)."""
    configure_hub_access(settings.allow_hub)
    source, model_id = resolve_model_source(settings, fetch=fetch)
    runtime = effective_runtime(settings)
    key = (
        str(Path(source).resolve()) if Path(source).exists() else source,
        settings.device,
        settings.batch_size,
        runtime,
        settings.threads,
    )
    if key not in _LOADED:
        model_id = runtime_model_id(model_id, runtime)
        if runtime.startswith("onnx-"):
            _LOADED[key] = _onnx_embedder(settings, source, model_id)
        else:
            _LOADED[key] = SentenceTransformerEmbedder(source, model_id, settings.device, settings.batch_size,
                                                       runtime=runtime, threads=settings.threads)  # fmt: skip
    return _LOADED[key]


def prepare_runtime(settings: ModelSettings, log=print) -> Path | None:
    """What the configured runtime needs beyond the fetched weights: the ONNX graph, exported and verified
    once (`coopguide models fetch` does it, so that ingest and serve only load it)."""
    runtime = effective_runtime(settings)
    if not runtime.startswith("onnx-"):
        return None
    source, _ = resolve_model_source(settings)
    return _ensure_onnx(settings, source, runtime, log)


def _ensure_onnx(settings: ModelSettings, source: str, runtime: str, log=print) -> Path:
    from assistant.store.onnx_export import ensure_onnx

    if settings.embedding_model != DEFAULT_MODEL:
        raise RuntimeError(f"runtime {runtime} is available for the default model {DEFAULT_MODEL} only")

    def torch_model():  # the export traces eager attention (the masks are passed explicitly)
        return load_sentence_transformer(source, model_kwargs={"attn_implementation": "eager"})

    return ensure_onnx(settings.models_dir, runtime, torch_model, log=log)


def _onnx_embedder(settings: ModelSettings, source: str, model_id: str) -> Embedder:
    """ONNX Runtime over the graph exported once from the verified default model (see store/onnx_export.py)."""
    from assistant.store.onnx_embedder import OnnxEmbedder

    path = _ensure_onnx(settings, source, effective_runtime(settings))
    return OnnxEmbedder(path, Path(source), model_id, settings.batch_size, settings.threads)
