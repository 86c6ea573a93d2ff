"""Export the fetched EmbeddingGemma model to ONNX once, offline, and cache it beside the model.

The whole sentence-transformers pipeline (Gemma3 encoder, mean pooling, the two Dense layers, L2 norm) becomes
one graph with inputs `input_ids`, `attention_mask` and output `sentence_embedding`. transformers builds its
attention masks with torch.vmap, which the TorchScript exporter cannot trace, so the wrapper passes the two
masks explicitly — exactly what transformers builds for this bidirectional model: every real token for the
global layers, and |q − k| < sliding_window for the sliding ones (checked against sentence-transformers for
texts longer than the window when exported).

Nothing is downloaded: the weights are the verified `models/embeddinggemma-300m`. Each graph is stored with its
weights as external data (`<file>.data`): ONNX Runtime maps that file instead of copying it, so the embedding
table (805 MB of the 1.2 GB) stays on disk except for the rows a text touches — measured for the fp32 graph:
554 MiB resident after a first batch instead of 1 270, and a load peak of 1 120 MiB instead of 2 015. A sidecar
`<file>.json` records the SHA-256 of the graph and of its data, the checksum of the weights they came from, the
library versions and the parity measured at export; loading verifies both files against those hashes and the
weights against `models.CHECKSUMS`, and re-exports when anything does not match.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

from assistant.store.models import CHECKSUMS, MODEL_DIRNAME, ModelFetchError, sha256_file

ONNX_DIRNAME = f"{MODEL_DIRNAME}-onnx"
FILES = {"onnx-fp32": "model-fp32.onnx", "onnx-int8": "model-int8.onnx"}
# Probe texts for the parity check at export (a query, a document, one longer than the 512-token window).
PROBES = [
    "task: search result | query: Brauche ich eine Genehmigung für einen Vortrag in Shanghai?",
    "title: none | text: Export control — Annex I\nDual-use items listed in Annex I need a licence.",
    "title: none | text: " + " ".join(f"Abschnitt {i}: Exportkontrolle und Forschungskooperation." for i in range(90)),
]
# A broken graph gives unrelated vectors; int8 drift itself is measured by `coopguide bench --embedder`.
MIN_PARITY = {"onnx-fp32": 0.9999, "onnx-int8": 0.9}


def onnx_path(models_dir: Path, runtime: str) -> Path:
    return models_dir / ONNX_DIRNAME / FILES[runtime]


def _sidecar(path: Path) -> Path:
    return path.with_name(path.name + ".json")


def data_file(path: Path) -> Path:
    """The graph's weights (external data, referenced from the graph by this file name)."""
    return path.with_name(path.name + ".data")


def is_exported(path: Path) -> bool:
    """Graph and data exist, match the SHA-256 the sidecar recorded, and came from the verified weights."""
    if not path.is_file() or not data_file(path).is_file() or not _sidecar(path).is_file():
        return False
    record = json.loads(_sidecar(path).read_text(encoding="utf-8"))
    return (record.get("source_sha256") == CHECKSUMS["model.safetensors"] and record.get("sha256") == sha256_file(path)
            and record.get("data_sha256") == sha256_file(data_file(path)))  # fmt: skip


def export_wrapper(st_model):
    """An nn.Module (input_ids, attention_mask) -> sentence_embedding with explicit bidirectional masks."""
    import torch

    class Exportable(torch.nn.Module):
        def __init__(self, st):
            super().__init__()
            self.encoder = st[0].auto_model
            self.head = torch.nn.ModuleList(list(st)[1:])  # pooling, Dense, Dense, Normalize
            self.window = int(self.encoder.config.sliding_window)

        def forward(self, input_ids, attention_mask):
            pos = torch.arange(input_ids.shape[1], device=input_ids.device)
            near = (pos[:, None] - pos[None, :]).abs() < self.window
            keep = attention_mask[:, None, None, :].bool()
            zero, neg = torch.zeros((), dtype=torch.float32), torch.finfo(torch.float32).min
            masks = {"full_attention": torch.where(keep, zero, neg),
                     "sliding_attention": torch.where(keep & near[None, None], zero, neg)}  # fmt: skip
            hidden = self.encoder(input_ids=input_ids, attention_mask=masks).last_hidden_state
            features = {"token_embeddings": hidden, "attention_mask": attention_mask}
            for module in self.head:
                features = module(features)
            return features["sentence_embedding"]

    return Exportable(st_model).eval()


def _prepare(st_model, texts: list[str]) -> dict:
    """Tokenised texts as sentence-transformers prepares them (`preprocess` since 6.0, `tokenize` before)."""
    prepare = getattr(st_model, "preprocess", None) or st_model.tokenize
    return prepare(texts)


def _export_fp32(st_model, target: Path) -> None:
    import warnings

    import onnx
    import torch

    sample = _prepare(st_model, PROBES[:2])
    single = target.with_name(target.name + ".single")
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")  # tracer and legacy-exporter notices
        torch.onnx.export(export_wrapper(st_model), (sample["input_ids"], sample["attention_mask"]), str(single),
                          dynamo=False, opset_version=17, do_constant_folding=True,
                          input_names=["input_ids", "attention_mask"], output_names=["sentence_embedding"],
                          dynamic_axes={"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "seq"},
                                        "sentence_embedding": {0: "batch"}})  # fmt: skip
    onnx.save_model(onnx.load(str(single)), str(target), save_as_external_data=True, all_tensors_to_one_file=True,
                    location=data_file(target).name, size_threshold=1024)  # fmt: skip
    single.unlink()


# int8: every weight MatMul except the MLP down projections, per channel (measured: quantising the down
# projections too drops the cosine to fp32 from 0.996 to 0.980 mean and top-5 overlap from 0.95 to 0.90).
INT8_EXCLUDE = ("down_proj",)


def _quantize(fp32: Path, target: Path) -> None:
    import logging

    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    graph = onnx.load(str(fp32), load_external_data=False).graph
    excluded = [n.name for n in graph.node if n.op_type == "MatMul" and any(x in n.name for x in INT8_EXCLUDE)]
    root, level = logging.getLogger(), logging.getLogger().level
    root.setLevel(max(level, logging.ERROR))  # quiet its "pre-process first" hint, then restore
    try:
        # use_external_data_format writes <target>.data, the name data_file() expects
        quantize_dynamic(str(fp32), str(target), per_channel=True, weight_type=QuantType.QInt8,
                         op_types_to_quantize=["MatMul"], nodes_to_exclude=excluded,
                         use_external_data_format=True)  # fmt: skip
    finally:
        root.setLevel(level)


def parity(st_model, path: Path) -> float:
    """Lowest cosine between the exported graph and sentence-transformers on the probe texts."""
    import numpy as np
    import onnxruntime as ort
    import torch

    features = _prepare(st_model, PROBES)
    with torch.no_grad():
        ref = st_model(dict(features))["sentence_embedding"].numpy()
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    feeds = {k: features[k].numpy().astype(np.int64) for k in ("input_ids", "attention_mask")}
    out = session.run(None, feeds)[0]
    return float(min((out * ref).sum(1) / np.linalg.norm(out, axis=1) / np.linalg.norm(ref, axis=1)))


def ensure_onnx(models_dir: Path, runtime: str, load_model: Callable[[], object], log=print) -> Path:
    """The verified ONNX file for `runtime`, exported (and quantised) once from the verified weights."""
    target = onnx_path(models_dir, runtime)
    if is_exported(target):
        return target
    fp32 = onnx_path(models_dir, "onnx-fp32")
    target.parent.mkdir(parents=True, exist_ok=True)
    log(f"exporting the embedding model to ONNX ({runtime}) once into {target.parent} …")
    st_model = load_model()
    if not is_exported(fp32):
        _write_verified(fp32, lambda tmp: _export_fp32(st_model, tmp), st_model, "onnx-fp32")
    if runtime == "onnx-int8":
        _write_verified(target, lambda tmp: _quantize(fp32, tmp), st_model, runtime)
    return target


def _write_verified(target: Path, produce: Callable[[Path], None], st_model, runtime: str) -> None:
    """Produce graph and data in a temporary folder under their final names (the graph names its data file),
    check parity, record both hashes, then move them into place (data first, the sidecar last)."""
    import shutil

    import onnxruntime
    import torch

    work = target.parent / f".export-{runtime}-{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    try:
        graph = work / target.name
        produce(graph)
        cosine = parity(st_model, graph)
        if cosine < MIN_PARITY[runtime]:
            raise ModelFetchError(f"{runtime} export differs from the torch model (cosine {cosine:.4f}); not stored")
        record = {"runtime": runtime, "sha256": sha256_file(graph), "data_sha256": sha256_file(data_file(graph)),
                  "source_sha256": CHECKSUMS["model.safetensors"], "torch": torch.__version__,
                  "onnxruntime": onnxruntime.__version__,
                  "int8_excluded": list(INT8_EXCLUDE) if runtime == "onnx-int8" else [],
                  "parity_min_cosine": round(cosine, 6)}  # fmt: skip
        _sidecar(target).unlink(missing_ok=True)
        data_file(graph).replace(data_file(target))
        graph.replace(target)
        _sidecar(target).write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    finally:
        shutil.rmtree(work, ignore_errors=True)
