# The two commands of the README.
#   make demo         set up, then read every PDF in scans/ into the SQLite store
#                     out/archive.db, and export it as JSON (out/*.json) and out/tables.xlsx
#   make test         set up with test tools, then run the test suite (and the
#                     PaddleOCR tests in .venv-paddle when that exists)
#   make review       the review app on the demo's store (asks for an admin password the first time)
#   make test-paddle  set up the optional PaddleOCR engine, then run its tests
PY := .venv/bin/python
DEMO_DB := sqlite:///out/archive.db
PADDLE_PY := .venv-paddle/bin/python
# The PaddleOCR tests run without a network where the kernel allows it, to
# prove that nothing is fetched.
NO_NETWORK := $(shell unshare -n true 2>/dev/null && echo unshare -n)

.PHONY: demo review test test-paddle lint setup setup-dev setup-paddle

demo: setup
	$(PY) run.py batch scans/ --db $(DEMO_DB) --workers 2
	$(PY) run.py export --db $(DEMO_DB) --format json --out out/ --include-unreviewed
	$(PY) run.py export --db $(DEMO_DB) --format xlsx --out out/tables.xlsx --include-unreviewed

review: setup
	@[ -f out/archive.db ] || { echo "review: no out/archive.db yet; run make demo first"; exit 2; }
	@$(PY) run.py users list --db $(DEMO_DB) | grep -q . || \
	  { echo "review: the store has no users; making one: admin"; $(PY) run.py users add admin --role admin --db $(DEMO_DB); }
	$(PY) run.py review --db $(DEMO_DB)

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
