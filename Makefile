# Two commands on a fresh machine:
#   make demo   set everything up and write the sample briefing (offline backend) to output/
#   make test   set everything up and run the whole test suite (linters, types, tests, coverage)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
SAMPLE_WINDOW := --since 2026-01-26 --until 2026-02-20

.PHONY: setup demo test check lint typecheck coverage pytest bench clean

$(STAMP): pyproject.toml scripts/system-deps.sh
	bash scripts/system-deps.sh
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(BIN)/briefing run --config examples/sample/config.toml $(SAMPLE_WINDOW) --format pdf,html,md

# The test command (CI runs it): linters, the type checker, then the suite with coverage.
test: check

check: lint typecheck coverage

lint: $(STAMP)
	$(BIN)/ruff check briefing tests bench
	$(BIN)/ruff format --check briefing tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

coverage: $(STAMP)
	rm -f .coverage .coverage.*
	$(BIN)/python -m pytest --cov --cov-report=term

# The suite alone, without linters or coverage: the quick loop while working.
pytest: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
