"""Session fixtures: the real embedding model is loaded once; built test indexes are shared."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from assistant.settings import Settings
from tests.corpus_factory import write_corpus

ROOT = Path(__file__).resolve().parents[1]
MODELS_DIR = Path(os.environ.get("COOPGUIDE_TEST_MODELS_DIR", ROOT / "models"))


def make_settings(tmp: Path, **index) -> Settings:
    return Settings(
        models={"models_dir": MODELS_DIR},
        index={"path": tmp / "index", **index},
        ingest={"corpus": [tmp / "corpus"]},
        institutions={"register_file": ROOT / "corpus" / "institutions.yaml", "imported_dir": tmp / "imported"},
    )


@pytest.fixture(scope="session")
def embedder():
    """The real EmbeddingGemma model (fetched by `make test` before pytest runs)."""
    from assistant.store.embedding import load_embedder

    return load_embedder(Settings(models={"models_dir": MODELS_DIR}).models)


@pytest.fixture(scope="session")
def fp32_embedder():
    """The model on PyTorch fp32 (the published model; batch-invariant vectors): the reference for runtimes."""
    from assistant.store.embedding import load_embedder

    return load_embedder(Settings(models={"models_dir": MODELS_DIR, "runtime": "torch-fp32"}).models)


@pytest.fixture(scope="session")
def corpus_dir(tmp_path_factory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("corpus-src") / "corpus")


@pytest.fixture(scope="session")
def built(tmp_path_factory, embedder, corpus_dir):
    """An Assistant over the small test corpus in the embedded Chroma store, built once."""
    from assistant.service import build_assistant

    tmp = tmp_path_factory.mktemp("built")
    shutil.copytree(corpus_dir, tmp / "corpus")
    assistant = build_assistant(make_settings(tmp), embedder=embedder)
    report = assistant.ingest(progress=False)
    assert not report.failed, report.failed
    yield assistant
    assistant.close()


@pytest.fixture(scope="session")
def full(tmp_path_factory, embedder):
    """The shipped corpus indexed (starting from a copy of ./index when `make index` built one)."""
    tmp = tmp_path_factory.mktemp("full")
    if (ROOT / "index" / "manifest.sqlite").exists():
        shutil.copytree(ROOT / "index", tmp / "index", ignore=shutil.ignore_patterns("feedback.sqlite*"))
    settings = Settings(models={"models_dir": MODELS_DIR}, index={"path": tmp / "index"},
                        ingest={"corpus": [ROOT / "corpus" / "guidance"]},
                        institutions={"register_file": ROOT / "corpus" / "institutions.yaml",
                                      "imported_dir": tmp / "imported"},
                        assessment={"tables_dir": ROOT / "corpus" / "assessment"})  # fmt: skip
    from assistant.service import build_assistant

    assistant = build_assistant(settings, embedder=embedder, rebuild_on_mismatch=True)
    report = assistant.ingest()
    assert not report.failed
    yield assistant
    assistant.close()


@pytest.fixture(scope="session")
def postgres_url():
    """A throwaway PostgreSQL cluster on 127.0.0.1 (Debian's postgresql-15; .ci/run installs it)."""
    from assistant.evaluation.pg import available, throwaway_postgres

    if not available():
        pytest.fail("PostgreSQL binaries (initdb, pg_ctl) are missing: apt-get install postgresql-15")
    with throwaway_postgres() as url:
        yield url
