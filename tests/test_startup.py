"""Start-up: ``run.py extract`` imports what reading a born-digital PDF needs and
nothing else (issue 10: a one-page extract in ≤ 1 s; the figure itself is
``benchmarks/batch_throughput.py``'s, not a timed test)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.corpus.generate import generate

ROOT = Path(__file__).resolve().parents[1]

# Each of these costs tens of milliseconds or more to import and is never
# used by an extract of a born-digital page.
NOT_FOR_EXTRACT = ("spacy.cli", "requests", "httpx", "weasel", "typer", "sqlalchemy", "pandas", "rapidocr")

_EXTRACT_THEN_LIST_MODULES = """
import json, sys
from pipeline.cli import main
code = main(["extract", sys.argv[1], "--out", sys.argv[2]])
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


@pytest.fixture(scope="module")
def one_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("one"), [9])[0]


def _python(code: str, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT, timeout=120, check=True
    )
    return result.stdout.strip().splitlines()[-1]


def test_extract_of_a_born_digital_pdf_loads_no_cli_store_or_ocr_library(one_report: Path, tmp_path: Path) -> None:
    outcome = json.loads(_python(_EXTRACT_THEN_LIST_MODULES, str(one_report), str(tmp_path / "out")))
    assert outcome["code"] == 0
    assert (tmp_path / "out" / f"{one_report.stem}.json").is_file()
    assert "spacy" in outcome["modules"]  # the rules do use spaCy itself
    loaded = [name for name in NOT_FOR_EXTRACT if name in outcome["modules"]]
    assert loaded == []


def test_spacy_cli_is_still_there_for_whoever_asks() -> None:
    code = """
from pipeline.nlp import spacy
assert "spacy.cli" not in __import__("sys").modules
import spacy.cli
print(callable(spacy.cli.download), spacy.info()["spacy_version"] == spacy.__version__)
"""
    assert _python(code) == "True True"
