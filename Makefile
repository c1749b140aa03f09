# The two commands of the README.
#   make demo         set up, then read every PDF in scans/ into the SQLite store
#                     out/archive.db, and export it as JSON (out/*.json) and out/tables.xlsx
#   make test         set up with test tools, then run the test suite (and the
#                     PaddleOCR tests in .venv-paddle when that exists)
#   make test-paddle  set up the optional PaddleOCR engine, then run its tests
PY := .venv/bin/python
PADDLE_PY := .venv-paddle/bin/python
# The PaddleOCR tests run without a network where the kernel allows it, to
# prove that nothing is fetched.
NO_NETWORK := $(shell unshare -n true 2>/dev/null && echo unshare -n)

.PHONY: demo test test-paddle lint setup setup-dev setup-paddle

demo: setup
	$(PY) run.py batch scans/ --db sqlite:///out/archive.db --workers 2
	$(PY) run.py export --db sqlite:///out/archive.db --format json --out out/ --include-unreviewed
	$(PY) run.py export --db sqlite:///out/archive.db --format xlsx --out out/tables.xlsx --include-unreviewed

test: setup-dev
	$(PY) -m ruff check .
	$(PY) -m pytest
	@if [ -x $(PADDLE_PY) ]; then $(MAKE) --no-print-directory test-paddle; \
	else echo "test: tests/test_ocr_paddle.py not run: no .venv-paddle (make test-paddle)"; fi

test-paddle: setup-paddle
	$(NO_NETWORK) $(PADDLE_PY) -m pytest tests/test_ocr_paddle.py

lint: setup-dev
	$(PY) -m ruff check .

setup:
	scripts/setup.sh

setup-dev:
	scripts/setup.sh --dev

setup-paddle:
	scripts/setup.sh --paddle
