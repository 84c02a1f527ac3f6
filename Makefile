# Three commands an editor or admin needs; see README.md.
#   make site   install into .venv and build site/ from the shipped content
#   make test   install the test tools (and Debian's chromium if missing); lint, type-check, run the tests
#   make serve  preview with live reload on http://127.0.0.1:8000/
# For translators and developers:
#   make catalogues  extract the message ids into projcat/locale/projcat.pot, merge them into
#                    each language's .po, compile the .mo files (all three are committed)
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PYTEST_ARGS ?=
# Test workers (pytest-xdist); `make test PYTEST_WORKERS=0` runs the suite in one process. A test
# module (or a test class) stays on one worker (loadscope): a sweep of every page in a browser, the
# slowest fixture of the suite, is then made once, not once per worker. The sweeps are split into
# classes (by site, by language) so that the two workers share them.
PYTEST_WORKERS ?= 2

.PHONY: site test serve check clean catalogues

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
	PY=$(PY) bash scripts/ensure-test-tools.sh
	$(PY) -m ruff check .
	$(PY) -m mypy
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadscope $(PYTEST_ARGS)

# babel.cfg says where the ids are; scripts/babel_extract.py reads them. The template is
# replaced only when more than its creation date changed, so an unchanged run changes no file.
LOCALE := projcat/locale
PYBABEL := PYTHONPATH=scripts $(VENV)/bin/pybabel -q
catalogues: $(VENV)/.installed
	$(PYBABEL) extract -F babel.cfg --no-location --sort-output --project=projcat --version=1 \
	    --header-comment="# The message ids of projcat; made by 'make catalogues', not by hand." \
	    -o $(LOCALE)/projcat.pot.new .
	if diff -q -I '^"POT-Creation-Date: ' $(LOCALE)/projcat.pot $(LOCALE)/projcat.pot.new >/dev/null 2>&1; \
	    then rm $(LOCALE)/projcat.pot.new; else mv $(LOCALE)/projcat.pot.new $(LOCALE)/projcat.pot; fi
	$(PYBABEL) update -D projcat -i $(LOCALE)/projcat.pot -d $(LOCALE) --no-fuzzy-matching --ignore-obsolete \
	    --ignore-pot-creation-date
	$(PYBABEL) compile -D projcat -d $(LOCALE) --statistics

clean:
	rm -rf site .cache $(VENV)
