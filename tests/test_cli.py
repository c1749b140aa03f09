"""The command line on a batch with good and broken files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.corpus.generate import generate

ROOT = Path(__file__).resolve().parent.parent


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "run.py"), *args], capture_output=True, text=True, cwd=ROOT, timeout=300
    )


def test_batch_goes_on_past_broken_files(tmp_path: Path) -> None:
    good = generate(tmp_path / "corpus", [7])[0]
    not_pdf = tmp_path / "notes.pdf"
    not_pdf.write_text("这不是 PDF", encoding="utf-8")
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes(good.read_bytes()[:2000])
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    out = tmp_path / "out"

    result = run_cli("extract", str(not_pdf), str(good), str(truncated), str(empty), "--out", str(out))

    assert result.returncode == 1
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 3, result.stderr
    for line, broken in zip(errors, (not_pdf, truncated, empty), strict=True):
        assert line.startswith(f"error: {broken}: "), line
        assert len(line) > len(f"error: {broken}: ") + 3, "the reason is missing"
    document = json.loads((out / f"{good.stem}.json").read_text(encoding="utf-8"))
    assert document["schema"] == "budgetdoc/1"
    assert document["document"]["doc_id"].startswith("sha256:")
    assert document["figures"], "the good file was extracted"


def test_folder_input_and_evaluate(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    generate(corpus, [8])
    out = tmp_path / "out"
    assert run_cli("extract", str(corpus), "--out", str(out)).returncode == 0
    scored = run_cli("evaluate", str(out), str(corpus))
    assert scored.returncode == 0, scored.stderr
    overall = next(line for line in scored.stdout.splitlines() if line.startswith("overall"))
    assert float(overall.split("F1=")[1].split()[0]) >= 0.99, scored.stdout
