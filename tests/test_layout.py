"""The package reads as a pipeline: every module imports, no import cycles (between modules, and between
stages), small modules and functions, one docstring per stage, vendor types only where they are wrapped."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

import assistant

PACKAGE = Path(assistant.__file__).parent
MODULES = sorted(
    m.name for m in pkgutil.walk_packages(assistant.__path__, "assistant.") if not m.name.endswith("__main__")
)
# The only modules that may import these libraries (so their types never leak into our signatures).
VENDORS = {
    "chromadb": {"assistant.store.vectors"},
    "bm25s": {"assistant.store.keywords"},
    "gradio": {"assistant.web.ui", "assistant.web.advisor_tab", "assistant.web.server"},
    "langchain_core": {
        "assistant.retrieve.langchain",
        "assistant.evaluation.baselines",
        "assistant.answer.llm.backends",
    },
    "langchain_chroma": {"assistant.evaluation.baselines"},
    "langchain_openai": {"assistant.answer.llm.backends"},
    "langchain_ollama": {"assistant.answer.llm.backends"},
    "llama_cpp": {"assistant.answer.llm.backends"},
    "sentence_transformers": {"assistant.store.embedding"},
    "onnxruntime": {"assistant.store.onnx_embedder", "assistant.store.onnx_export"},
    "onnx": {"assistant.store.onnx_export"},
}


def source(module: str) -> Path:
    rel = Path(*module.split(".")[1:])
    return PACKAGE / rel / "__init__.py" if (PACKAGE / rel).is_dir() else PACKAGE / rel.with_suffix(".py")


def imports(module: str, top_level_only: bool) -> set[str]:
    """Names imported by `module` (absolute; `from a import b` also counts a.b when that is a module)."""
    tree = ast.parse(source(module).read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    out: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            submodules = {f"{node.module}.{a.name}" for a in node.names} & set(MODULES)
            out.update(submodules)
            if len(submodules) < len(node.names):  # names defined by the module itself, not its submodules
                out.add(node.module)
    return out


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> list[str] | None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt) :] + [nxt] if nxt in path else [node, nxt]
            if nxt not in state and (cycle := visit(nxt, path + [nxt])):
                return cycle
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start, [start])):
            return cycle
    return None


def stage(module: str) -> str:
    return module.split(".")[1] if module.count(".") >= 1 else module


@pytest.mark.parametrize("module", MODULES)
def test_every_module_imports(module):
    importlib.import_module(module)


def test_no_import_cycle_between_modules():
    graph = {m: {i for i in imports(m, top_level_only=False) if i in MODULES and i != m} for m in MODULES}
    assert find_cycle(graph) is None, find_cycle(graph)


def test_no_import_cycle_between_stages():
    """Counting lazy imports too: the stages form a pipeline, never a loop."""
    graph: dict[str, set[str]] = {}
    for m in MODULES:
        targets = {stage(i) for i in imports(m, top_level_only=False) if i.startswith("assistant.")}
        graph.setdefault(stage(m), set()).update(t for t in targets if t != stage(m))
    graph.pop("__init__", None)
    assert find_cycle(graph) is None, find_cycle(graph)


@pytest.mark.parametrize("module", MODULES)
def test_modules_and_functions_are_small(module):
    text = source(module).read_text(encoding="utf-8")
    assert text.count("\n") <= 300, f"{module}: {text.count(chr(10))} lines"
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            assert node.end_lineno - node.lineno < 60, (
                f"{module}.{node.name}: {node.end_lineno - node.lineno + 1} lines"
            )


def test_each_stage_says_what_it_does():
    for pkg in sorted(p for p in PACKAGE.iterdir() if (p / "__init__.py").exists()):
        doc = ast.get_docstring(ast.parse((pkg / "__init__.py").read_text(encoding="utf-8")))
        assert doc and len(doc) > 40, f"{pkg.name}/__init__.py needs a docstring saying what the stage does"


def test_vendor_libraries_stay_in_their_adapters():
    for module in MODULES:
        for name in imports(module, top_level_only=False):
            root = name.split(".")[0]
            if root in VENDORS:
                assert module in VENDORS[root], f"{module} imports {root}"
