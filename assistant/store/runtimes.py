"""Embedder runtimes: names, the model id each records in the index, threads, and PyTorch dynamic int8.

Measured on the shipped corpus (96 sampled chunks and 60 eval questions; cosine of each vector to its
torch-fp32 twin, mean / min, and top-5 neighbour overlap), per subset of nn.Linear layers in int8:

    all, per tensor (the first attempt)         0.923 / 0.876 / 0.81
    all, per channel                            0.935 / 0.892 / 0.82
    all but the two Dense layers, per channel   0.939 / 0.900 / 0.84
    MLP gate/up/down, per channel               0.947 / 0.910 / 0.83
    attention q/k/v/o only, per channel         0.992 / 0.988 / 0.90
    all but down and Dense, per channel         0.989 / 0.983 / 0.92
    MLP gate/up only, per channel               0.997 / 0.996 / 0.96

The drift comes from the MLP down projections (their inputs carry activation outliers that a per-tensor
activation scale cannot hold) and, less, from the attention projections; the Dense layers hardly matter. So
`torch-int8` quantises only the gate/up projections, per channel, and keeps the embedding, attention, down
projections and the two Dense layers in fp32. `coopguide bench --embedder` measures its speed and quality.
"""

from __future__ import annotations

from collections.abc import Callable

RUNTIMES = ("torch-fp32", "torch-int8", "onnx-fp32", "onnx-int8")
REFERENCE_RUNTIME = "torch-fp32"  # the model as published; its index id carries no runtime suffix


def runtime_model_id(model_id: str, runtime: str) -> str:
    """The id an index records: today's id for torch-fp32 (existing indexes stay valid), else `id+runtime`."""
    if runtime not in RUNTIMES:
        raise ValueError(f"unknown embedder runtime {runtime!r}; choose one of {', '.join(RUNTIMES)}")
    return model_id if runtime == REFERENCE_RUNTIME else f"{model_id}+{runtime}"


def set_torch_threads(threads: int | None) -> None:
    """Intra-op threads of torch (process-wide); None keeps the library default."""
    if threads:
        import torch

        torch.set_num_threads(int(threads))


# Which nn.Linear layers (by module name in the SentenceTransformer) each studied subset quantises.
TORCH_INT8_SUBSETS: dict[str, Callable[[str], bool]] = {
    "all": lambda name: True,
    "no-dense": lambda name: name.startswith("0."),
    "mlp": lambda name: ".mlp." in name,
    "gate-up": lambda name: name.endswith(("gate_proj", "up_proj")),
    "attention": lambda name: name.endswith(("q_proj", "k_proj", "v_proj", "o_proj")),
    "no-down-no-dense": lambda name: name.startswith("0.") and not name.endswith("down_proj"),
}
TORCH_INT8_SUBSET = "gate-up"


def quantize_torch(model, subset: str = TORCH_INT8_SUBSET, per_channel: bool = True) -> int:
    """Dynamic int8 (weights per channel, activations per batch) in place on the chosen nn.Linear layers;
    returns how many layers were quantised."""
    import warnings

    import torch
    from torch import nn

    with warnings.catch_warnings():  # torch.ao.quantization announces its move to torchao
        warnings.simplefilter("ignore")
        from torch.ao.quantization import default_dynamic_qconfig, per_channel_dynamic_qconfig, quantize_dynamic

        qconfig = per_channel_dynamic_qconfig if per_channel else default_dynamic_qconfig
        chosen = TORCH_INT8_SUBSETS[subset]
        names = [n for n, m in model.named_modules() if isinstance(m, nn.Linear) and chosen(n)]
        quantize_dynamic(model, {n: qconfig for n in names}, dtype=torch.qint8, inplace=True)
    return len(names)
