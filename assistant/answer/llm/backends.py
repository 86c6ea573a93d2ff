"""Optional LLM backends behind one small seam. langchain and llama_cpp types stay in this module."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from assistant.settings import Settings


class ChatBackend(Protocol):
    name: str

    def stream(self, messages: list[dict], max_tokens: int) -> Iterator[str]: ...


class LlamaCppBackend:
    """A local GGUF model through llama_cpp (llama-cpp-python)."""

    name = "llamacpp"

    def __init__(self, model_path: Path, threads: int | None = None, n_ctx: int = 4096):
        try:
            from llama_cpp import Llama
        except ImportError as exc:  # pragma: no cover - depends on the optional build
            raise RuntimeError("llama-cpp-python is not installed: run `make llm`") from exc
        if not model_path.is_file():
            raise RuntimeError(f"GGUF model not found at {model_path}: run `coopguide models fetch --llm`")
        self._llm = Llama(model_path=str(model_path), n_ctx=n_ctx, n_threads=threads, verbose=False)

    def stream(self, messages: list[dict], max_tokens: int) -> Iterator[str]:
        for part in self._llm.create_chat_completion(messages=messages, max_tokens=max_tokens, temperature=0.1,
                                                     stream=True):  # fmt: skip
            delta = part["choices"][0].get("delta", {}).get("content")
            if delta:
                yield delta


class LangchainBackend:
    """Any langchain chat model (OpenAI-compatible servers, Ollama)."""

    def __init__(self, name: str, model, limit_kw: str | None = "max_tokens"):
        self.name, self._model, self._limit_kw = name, model, limit_kw  # None: the limit is set on the model

    def stream(self, messages: list[dict], max_tokens: int) -> Iterator[str]:
        from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

        kinds = {"system": SystemMessage, "assistant": AIMessage, "user": HumanMessage}
        converted = [kinds[m["role"]](m["content"]) for m in messages]
        model = self._model.bind(**{self._limit_kw: max_tokens}) if self._limit_kw else self._model
        for chunk in model.stream(converted):
            if chunk.content:
                yield str(chunk.content)


_LLAMA: dict[tuple[str, int | None], LlamaCppBackend] = {}


def make_backend(settings: Settings) -> ChatBackend | None:
    """The one place a backend is chosen; imports are lazy, with an install hint."""
    llm = settings.llm
    match llm.backend:
        case "none":
            return None
        case "llamacpp":
            from assistant.store.models import llm_path

            path = Path(llm.model) if llm.model else llm_path(settings.models.models_dir)
            key = (str(path.resolve()), llm.threads)
            if key not in _LLAMA:  # loading costs seconds and ~2 GB: once per process
                _LLAMA[key] = LlamaCppBackend(path, threads=llm.threads)
            return _LLAMA[key]
        case "openai":
            try:
                from langchain_openai import ChatOpenAI
            except ImportError as exc:
                raise RuntimeError("pip install langchain-openai to use the openai backend") from exc
            model = ChatOpenAI(base_url=llm.base_url, api_key=llm.api_key or "none", model=llm.model or "default",
                               temperature=0.1, timeout=llm.timeout_s, max_retries=0)  # fmt: skip
            return LangchainBackend("openai", model)
        case "ollama":
            try:
                from langchain_ollama import ChatOllama
            except ImportError as exc:
                raise RuntimeError("pip install langchain-ollama to use the ollama backend") from exc
            model = ChatOllama(base_url=llm.base_url or "http://127.0.0.1:11434", model=llm.model or "qwen2.5",
                               temperature=0.1, num_predict=llm.max_tokens,
                               client_kwargs={"timeout": llm.timeout_s})  # fmt: skip
            return LangchainBackend("ollama", model, limit_kw=None)
    raise ValueError(f"unknown llm.backend {llm.backend!r}")
