# The developer's commands are CI's commands.
VENV   := .venv
PY     := $(VENV)/bin/python
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: install models index run chat test lint format eval bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	# torch is pinned in the same command as everything else (a bare torch would pull a CUDA build)
	$(PY) -m pip install --quiet --disable-pip-version-check torch==2.13.0 -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

models: install
	$(BIN)/coopguide models fetch

# Incremental: unchanged notes cost nothing, so this also refreshes a stale index.
index: models
	$(BIN)/coopguide ingest --quiet

run: index
	$(BIN)/coopguide serve

chat: index
	$(BIN)/coopguide chat

test: index
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
