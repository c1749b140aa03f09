# The two commands of the README.
#   make demo   set up, then extract every PDF in scans/ to out/ (JSON)
#   make test   set up with test tools, then run the test suite
PY := .venv/bin/python

.PHONY: demo test lint setup setup-dev

demo: setup
	$(PY) run.py extract scans/ --out out/

test: setup-dev
	$(PY) -m ruff check .
	$(PY) -m pytest

lint: setup-dev
	$(PY) -m ruff check .

setup:
	scripts/setup.sh

setup-dev:
	scripts/setup.sh --dev
