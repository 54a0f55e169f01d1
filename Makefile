# Set-up and everyday targets. Every target installs the project into .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test docs examples bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,docs,serve]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/mpli demo

test: $(STAMP)
	$(BIN)/python -m pytest

docs: $(STAMP)
	$(BIN)/python -m mpli_graph.docs docs/ontology

examples: $(STAMP)
	$(BIN)/mpli import providers --output examples/providers

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) docs/ontology .pytest_cache
