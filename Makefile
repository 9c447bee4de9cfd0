# health-synth-bench: `make bench` and `make test` set themselves up on a fresh clone.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
STAMP := $(VENV)/.installed
RESULTS ?= results
PORT ?= 5000
PYTEST_ARGS ?=

# The store `make ui` and `make report` read: $MLFLOW_TRACKING_URI when set (as `bench` itself does), else RESULTS's.
TRACKING_URI ?= $(or $(MLFLOW_TRACKING_URI),sqlite:///$(abspath $(RESULTS))/mlflow.db)

.PHONY: help setup bench bench-quick test test-unit lint lab ui report clean lock docs

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml uv.lock
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found; Python 3.11 is required (set PYTHON=/path/to/python3.11)" >&2; exit 2; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@test -x $(BIN)/uv || $(BIN)/python -m pip install --quiet "uv==$(UV_VERSION)"
	$(BIN)/uv sync --frozen --compile-bytecode --python $(BIN)/python
	@touch $@

# Bytecode is compiled ahead: where PYTHONDONTWRITEBYTECODE is set (as on this project's CI machines)
# Python would otherwise compile every module it imports again in every process, which doubled the
# start of each cell's kernel (3.2 s -> 1.2 s with bytecode) and slowed every command.
setup: $(STAMP) ## Create .venv and install the locked environment (once; reused afterwards)
	@$(BIN)/python -m compileall -q src >/dev/null

bench: setup ## Run the default benchmark (benchmarks/default.yaml) and compile the report
	$(BIN)/bench run benchmarks/default.yaml --results $(RESULTS)

bench-quick: setup ## Run the CI-sized benchmark (benchmarks/quick.yaml), about 1.5 minutes on 2 cores
	$(BIN)/bench run benchmarks/quick.yaml --results $(RESULTS)

# pytest exits 5 when it collected no tests: that is a failure here, never a pass.
NO_TESTS_IS_AN_ERROR = rc=$$?; if [ $$rc -eq 5 ]; then echo "error: pytest collected no tests" >&2; exit 1; fi; exit $$rc

test: setup ## Run the whole test suite (unit, integration, doctests, notebooks), as CI does
	$(BIN)/python -m pytest $(PYTEST_ARGS); $(NO_TESTS_IS_AN_ERROR)

# The fast loop: tests/unit and the doctests, without the tests marked slow and without executing notebooks.
test-unit: setup ## Run the unit tests and doctests (under 2 minutes on 2 cores)
	$(BIN)/python -m pytest tests/unit src/bench benchmarks -m "not slow" --ignore-glob='*.ipynb' $(PYTEST_ARGS); \
	$(NO_TESTS_IS_AN_ERROR)

lint: setup ## Check the code with ruff (configured in pyproject.toml)
	$(BIN)/ruff check src tests benchmarks conftest.py

# Jupyter refuses to run as root unless told; containers often run as root.
LAB_ARGS ?= $(if $(filter 0,$(shell id -u)),--allow-root,)

lab: setup ## Open JupyterLab on notebooks/ (results/runs/ holds the executed cells)
	$(BIN)/jupyter lab --ServerApp.root_dir=. --LabApp.default_url=/lab/tree/notebooks $(LAB_ARGS)

ui: setup ## Start the MLflow UI on http://127.0.0.1:5000 (PORT=..., RESULTS=... to change)
	@case "$(TRACKING_URI)" in http://*|https://*) echo "$(TRACKING_URI) is a tracking server: open it in a browser"; exit 0;; esac; \
	$(BIN)/mlflow ui --backend-store-uri $(TRACKING_URI) --host 127.0.0.1 --port $(PORT)

report: setup ## Rebuild tables and figures from the MLflow store
	$(BIN)/bench report --results $(RESULTS)

docs: setup ## Build the documentation site (docs/ -> site/) with mkdocs --strict
	$(BIN)/mkdocs build --strict --quiet

lock: ## Re-resolve uv.lock after editing pyproject.toml
	$(BIN)/uv lock

clean: ## Remove results/ (keeps .venv and the dataset cache)
	rm -rf $(RESULTS)
