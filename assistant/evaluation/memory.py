"""Where a serving process's memory goes: resident size after each start-up stage and after answering.

Run in a fresh process, so the figures are its own and not the bench's (which builds indexes of several
sizes in one process): `python -m assistant.evaluation.memory FOLDER QUESTIONS.json` prints JSON. FOLDER is a
bench index (collection "bench", see bench.synthetic_index) or, with `--real`, an index built by ingest.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any


def rss_mb(field: str = "VmRSS") -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def peak_rss_mb() -> float:
    """This process's peak resident size. VmHWM, not getrusage's ru_maxrss: Linux carries ru_maxrss over an
    exec, so a child started by a large bench process would report the parent's size as its own peak."""
    return rss_mb("VmHWM") or round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _folder_mb(path: Path) -> float:
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return round(sum(p.stat().st_size for p in files) / 2**20, 1)


def stages(folder: Path, questions: list[str], real: bool = False) -> dict[str, Any]:
    """RSS (MiB) after: imports, the embedding model, opening the index, the first search (vector index and
    keyword index loaded), and answering every question; the peak; and the index's size on disk by part."""
    import gc

    from assistant.service import Assistant, build_assistant
    from assistant.settings import load_settings

    out: list[tuple[str, float]] = [("python + coopguide imported", rss_mb())]
    settings = load_settings()
    from assistant.store.embedding import load_embedder

    embedder = load_embedder(settings.models)
    out.append(("+ embedding model", rss_mb()))
    if real:
        bot = build_assistant(settings.model_copy(update={"index": settings.index.model_copy(update={"path": folder})}),
                              embedder=embedder)  # fmt: skip
    else:
        bot = Assistant(settings=settings, embedder=embedder, index=_bench_index(folder))
    out.append(("+ index opened", rss_mb()))
    bot.index.keywords()
    out.append(("+ keyword index (BM25) loaded", rss_mb()))
    bot.index.store.query(embedder.embed_queries([questions[0]])[0], 10)
    out.append(("+ vector index (Chroma HNSW) loaded", rss_mb()))
    bot.search(questions[0])
    out.append(("+ first search (rules, register, caches)", rss_mb()))
    from assistant.api import create_app

    create_app(bot)
    out.append(("+ web app (API, web UI) created", rss_mb()))
    for q in questions:
        bot.ask(q)
    gc.collect()
    out.append((f"+ {len(questions)} answers", rss_mb()))
    disk = {part: _folder_mb(folder / part) for part in ("chroma", "keyword", "manifest.sqlite")}
    return {"stages": out, "peak_mb": peak_rss_mb(),
            "chunks": bot.index.manifest.count_chunks(), "disk_mb": disk}  # fmt: skip


def _bench_index(folder: Path):
    from assistant.store.index import Index
    from assistant.store.manifest import Manifest
    from assistant.store.vectors import ChromaStore

    manifest = Manifest(folder / "manifest.sqlite")
    store = ChromaStore("bench", int(manifest.get("dimension") or 768), path=folder / "chroma", collection="bench")
    return Index(folder=folder, store=store, manifest=manifest)


def measure_memory(folder: Path, questions: list[str], real: bool = False) -> dict[str, Any]:
    """`stages` in a fresh Python process (its own RSS)."""
    qfile = folder / "memory-questions.json"
    qfile.write_text(json.dumps(questions), encoding="utf-8")
    cmd = [sys.executable, "-m", "assistant.evaluation.memory", str(folder), str(qfile)] + (["--real"] if real else [])
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
    if done.returncode:
        raise RuntimeError(f"memory measurement failed: {done.stderr[-800:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    result = stages(Path(args[0]), json.loads(Path(args[1]).read_text(encoding="utf-8")), "--real" in sys.argv)
    print(json.dumps(result))
