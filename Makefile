# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PORT ?= 5000
BIN := $(VENV)/bin
CATALOGS := $(wildcard */translations)

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

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) instance *.egg-info

# Refresh every catalog from the source (then translate the new entries in each .po).
messages: $(VENV)/.installed
	@for pkg in elearn courses quizzes; do \
	  $(BIN)/pybabel extract -F babel.cfg -k _l -o $$pkg/translations/messages.pot $$pkg >/dev/null && \
	  for loc in vi; do \
	    if [ -f $$pkg/translations/$$loc/LC_MESSAGES/messages.po ]; then \
	      $(BIN)/pybabel update -N -i $$pkg/translations/messages.pot -d $$pkg/translations -l $$loc >/dev/null; \
	    else $(BIN)/pybabel init -i $$pkg/translations/messages.pot -d $$pkg/translations -l $$loc >/dev/null; fi; \
	  done; done
