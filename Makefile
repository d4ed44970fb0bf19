# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PORT ?= 5000
BIN := $(VENV)/bin
CATALOGS = $(shell find elearn courses quizzes reports -type d -name translations 2>/dev/null)

.PHONY: run test install translations upgrade demo bench clean messages

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# Reinstall only when the dependency list changes.
$(VENV)/.installed: setup.cfg pyproject.toml | $(BIN)/activate
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed translations

# Compiled catalogs are build output (.mo files are not committed).
translations: $(VENV)/.installed
	@for d in $(CATALOGS); do out=$$($(BIN)/pybabel compile -d $$d -D messages 2>&1) || { echo "$$out"; exit 1; }; done

upgrade: install
	$(BIN)/elearn db upgrade

demo: upgrade
	$(BIN)/elearn demo

run: demo
	$(BIN)/elearn run --host 127.0.0.1 --port $(PORT)

# Every test but the browser journeys in TEST_JOBS processes (pytest-xdist: a database and Redis
# databases per process), then the browser journeys one at a time (they time what a person sees).
# BROWSER=0 leaves them out. Exit 5 (nothing selected, e.g. PYTEST_ARGS names one file) is no error.
TEST_JOBS ?= 2
BROWSER ?= 1
test: install
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n $(TEST_JOBS) --dist loadfile -m "not browser" $(PYTEST_ARGS) || [ $$? = 5 ]
	[ "$(BROWSER)" = 0 ] || $(BIN)/python -m pytest -m browser $(PYTEST_ARGS) || [ $$? = 5 ]

clean:
	rm -rf $(VENV) instance *.egg-info

# Refresh every catalog from the source, then translate new entries (tools/po.py DIR --missing).
messages: $(VENV)/.installed
	$(BIN)/python tools/po.py --update
