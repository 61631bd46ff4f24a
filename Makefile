# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
INSTANCE := instance

.PHONY: run test lint bench install install-test translations compile-translations setup clean browser

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || { echo "Python venv missing: installing python3-venv"; \
	  apt-get update -qq && apt-get install -y -qq python3-venv && $(PYTHON) -m venv $(VENV); }
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install -q -e '.[test]'
	@touch $@

install: $(VENV)/.installed compile-translations
install-test: $(VENV)/.installed-test compile-translations browser

# Browser tests drive Debian's Chromium through playwright (never a downloaded browser).
CHROMIUM ?= /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
browser:
	@[ -x $(CHROMIUM) ] || { echo "Installing Debian's chromium for the browser tests"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
	  --no-install-recommends chromium chromium-driver fonts-dejavu-core; }

compile-translations: $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -d translations

# Regenerate the message template and merge it into every catalog.
translations: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k lazy_gettext -k _l -k N_ -k Np_:1,2 --no-location \
	  -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching

$(INSTANCE)/secret_key:
	@mkdir -p $(INSTANCE)
	@$(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(48))' > $@
	@chmod 600 $@

# Migrate, load reference data, add the demo when the database is empty.
setup: install $(INSTANCE)/secret_key
	$(BIN)/coordinator db upgrade
	$(BIN)/coordinator seed
	$(BIN)/coordinator demo --if-empty

run: setup
	PORT=$(PORT) $(BIN)/coordinator serve --port $(PORT)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/mypy

# The suite on one worker per core, two at most (each has its own databases).
# TEST_WORKERS=0 runs it in this one process.
TEST_WORKERS ?= auto --maxprocesses=2
test: install-test lint
	$(BIN)/pytest -n $(TEST_WORKERS)

bench: install-test
	@for b in bench/*.py; do [ -e "$$b" ] || continue; echo "== $$b"; $(BIN)/python $$b; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
