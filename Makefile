# Three commands an editor or admin needs; see README.md.
#   make site   install into .venv and build site/ from the shipped content
#   make test   install the test tools (and Debian's chromium if missing); lint, type-check, run the tests
#   make serve  preview with live reload on http://127.0.0.1:8000/
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PYTEST_ARGS ?=

.PHONY: site test serve check clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

site: $(VENV)/.installed
	$(PY) build.py

check: $(VENV)/.installed
	$(PY) build.py check

serve: $(VENV)/.installed
	$(PY) build.py serve

test: $(VENV)/.installed-test
	bash scripts/ensure-test-tools.sh
	$(PY) -m ruff check .
	$(PY) -m mypy
	$(PY) -m pytest $(PYTEST_ARGS)

clean:
	rm -rf site .cache $(VENV)
