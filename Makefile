# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
SYNAPSE_VENV := .venv-synapse
SYNAPSE_VERSION := 1.163.2
BOT := $(VENV)/bin/python

.PHONY: test demo console bench clean

# The bot and its test tools, installed editable so the checkout is what runs.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BOT) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

# Synapse pins many packages of its own: it lives in a venv apart from the bot's.
$(SYNAPSE_VENV)/.installed:
	$(PYTHON) -m venv $(SYNAPSE_VENV)
	$(SYNAPSE_VENV)/bin/python -m pip install --quiet --disable-pip-version-check matrix-synapse==$(SYNAPSE_VERSION)
	touch $@

# An independent Matrix client for the e2e tests (matrix-js-sdk with Rust crypto, as Element uses).
JS_CLIENT := tests/e2e/js
$(JS_CLIENT)/node_modules/.installed: $(JS_CLIENT)/package-lock.json
	cd $(JS_CLIENT) && npm ci --silent --no-audit --no-fund
	touch $@

test: $(VENV)/.installed $(SYNAPSE_VENV)/.installed $(JS_CLIENT)/node_modules/.installed
	$(BOT) -m pytest

demo: $(VENV)/.installed $(SYNAPSE_VENV)/.installed
	$(BOT) -m bot demo

bench: $(VENV)/.installed
	$(BOT) benchmarks/ask.py

clean:
	rm -rf $(VENV) $(SYNAPSE_VENV) .demo .pytest_cache $(JS_CLIENT)/node_modules
