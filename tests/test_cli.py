"""The command line on a batch with good and broken files."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.cli import ExitCode, main
from pipeline.export import write_json
from pipeline.model import Document
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


# --------------------------------------------------------------------------
# Problems found before any work: one line, exit 2, nothing read
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def one_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("one"), [9])[0]


def _one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.stdout == "", "nothing was read"
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("error: ")
    return line


def test_out_that_is_a_file_fails_before_any_work(one_report: Path, tmp_path: Path) -> None:
    taken = tmp_path / "taken"
    taken.write_text("not a folder")
    for out in (taken, taken / "below"):
        result = run_cli("extract", str(one_report), "--out", str(out))
        assert result.returncode == ExitCode.usage
        assert "--out" in _one_error_line(result)
    assert taken.read_text() == "not a folder"


@pytest.mark.parametrize(
    ("config", "named"),
    [
        ("scan:\n  preprocess:\n    denoise: nlmean\n", "scan.preprocess.denoise"),
        ("scan:\n  engine: tesseractt\n", "scan.engine"),
        ("tables:\n  engine: lattice\n", "lattice"),
        ("scan:\n  dpi: high\n", "scan.dpi"),
        ("scan:\n  orient: 'yes'\n", "scan.orient"),
        ("extract:\n  rules_dir: /nonexistent/rules\n", "extract.rules_dir"),
        ("reading:\n  colums: 2\n", "colums"),
        ("scann:\n  dpi: 300\n", "scann"),
        ("scan: [1, 2]\n", "scan"),
        ("confidence:\n  calibration: models/missing.json\n", "confidence.calibration"),
        ("confidence:\n  calibration: /etc/hostname\n", "not a calibration file"),
        ("scan:\n  dpi: -5\n", "scan.dpi"),
        ("scan:\n  max_megapixels: 0\n", "scan.max_megapixels"),
        ("scan:\n  ocr:\n    threads: 100000\n", "scan.ocr.threads"),
        ("\udcff\udcfe binary \x00\x01", "cannot read config"),
    ],
)
def test_config_mistakes_fail_before_any_file(config: str, named: str, one_report: Path, tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_bytes(config.encode("utf-8", "surrogateescape"))
    out = tmp_path / "out"
    result = run_cli("extract", str(one_report), "--config", str(path), "--out", str(out))
    assert result.returncode == ExitCode.usage
    assert named in _one_error_line(result)
    assert not out.exists()


# --------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------


def test_fifo_in_a_folder_is_skipped_with_a_line(one_report: Path, tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    shutil.copy(one_report, folder / "good.pdf")
    os.mkfifo(folder / "pipe.pdf")
    result = run_cli("extract", str(folder), "--out", str(tmp_path / "out"))
    assert result.returncode == ExitCode.input_failed
    assert result.stderr.strip().splitlines() == [f"error: {folder / 'pipe.pdf'}: not a regular file (a FIFO)"]
    assert (tmp_path / "out" / "good.json").is_file()


def test_folders_of_folders_need_recursive(one_report: Path, tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    (archive / "2023").mkdir(parents=True)
    (archive / "2024" / "q1").mkdir(parents=True)
    shutil.copy(one_report, archive / "2023" / "a.pdf")
    shutil.copy(one_report, archive / "2024" / "q1" / "b.pdf")
    flat = run_cli("extract", str(archive), "--out", str(tmp_path / "flat"))
    assert flat.returncode == ExitCode.input_failed
    assert "use --recursive" in _one_error_line(flat)
    deep = run_cli("extract", str(archive), "--recursive", "--out", str(tmp_path / "deep"))
    assert deep.returncode == ExitCode.ok, deep.stderr
    assert sorted(p.name for p in (tmp_path / "deep").glob("*.json")) == ["a.json", "b.json"]
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run_cli("extract", str(empty), "--recursive", "--out", str(tmp_path / "none"))
    assert "no PDF files in this folder" in _one_error_line(result)


def test_odd_file_names_get_one_line_each(one_report: Path, tmp_path: Path) -> None:
    """A name in another system's encoding or with a newline in it is read,
    and named on one line, escaped (the JSON says the same)."""
    folder = tmp_path / "names"
    folder.mkdir()
    odd = [os.fsdecode(b"gbk-\xc4\xea\xb6\xc8.pdf"), "two\nlines.pdf"]
    for name in odd:
        shutil.copy(one_report, folder / name)
    result = subprocess.run(
        [sys.executable, str(ROOT / "run.py"), "extract", os.fsencode(folder), "--out", str(tmp_path / "out")],
        capture_output=True, cwd=ROOT, timeout=300,
    )
    assert result.returncode == ExitCode.ok, result.stderr
    lines = result.stdout.decode("utf-8").splitlines()
    assert len(lines) == 2 and all(line.startswith("ok: ") for line in lines)
    assert "gbk-\\xc4\\xea\\xb6\\xc8.pdf" in lines[0] and "two\\nlines.pdf" in lines[1]
    for written in (tmp_path / "out").glob("*.json"):
        file = json.loads(written.read_text(encoding="utf-8"))["document"]["file"]
        assert "\n" not in file and ("\\x" in file or "\\n" in file)


def test_partial_document_exit_code_and_lines(one_report: Path, tmp_path: Path) -> None:
    from tests.hostile import damaged_middle

    damaged = damaged_middle(one_report, tmp_path / "damaged.pdf")
    result = run_cli("extract", str(damaged), "--out", str(tmp_path / "out"))
    assert result.returncode == ExitCode.partial, result.stderr
    assert result.stdout.startswith(f"partial: {damaged} -> ")
    assert all(line.startswith(f"partial: {damaged}: page ") for line in result.stderr.strip().splitlines())
    document = json.loads((tmp_path / "out" / "damaged.json").read_text(encoding="utf-8"))
    assert document["document"]["status"] == "partial" and document["page_errors"]


def test_a_bug_on_a_page_is_an_internal_error_and_the_batch_goes_on(
    one_report: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    from tests import faults
    from tests.corpus.degrade import scan

    scanned = scan(one_report, tmp_path / "scan.pdf", dpi=100, pages=[0])
    config = tmp_path / "faulty.yaml"
    config.write_text("scan:\n  engine: faulty\n", encoding="utf-8")
    faults.install(monkeypatch, fail_on_page=1)
    status = main(["extract", str(scanned), str(one_report), "--config", str(config), "--out", str(tmp_path / "o")])
    assert status == ExitCode.internal_error
    err = capsys.readouterr().err
    assert f"partial: {scanned}: page 1: ocr: internal error: InjectedFault" in err
    assert (tmp_path / "o" / f"{one_report.stem}.json").is_file()


# --------------------------------------------------------------------------
# Output survives being killed
# --------------------------------------------------------------------------

_WRITER = """
import sys
from pipeline.export import write_json
from pipeline.model import Document
document = Document.model_validate_json(open(sys.argv[1], encoding="utf-8").read())
write_json(document, sys.argv[2], "report")
print("ready", flush=True)  # one whole result is there: every kill from now on lands on a rewrite
while True:
    write_json(document, sys.argv[2], "report")
"""


def test_sigkill_during_write_never_leaves_a_broken_result(one_report: Path, tmp_path: Path) -> None:
    """A writer rewriting a large result in a loop is killed at random
    moments; every time, the result parses and is the whole document."""
    out = tmp_path / "out"
    assert run_cli("extract", str(one_report), "--out", str(out)).returncode == 0
    result = out / f"{one_report.stem}.json"
    big = json.loads(result.read_text(encoding="utf-8"))
    big["tables"] = big["tables"] * 40  # several MB, so a kill lands mid-write
    source = tmp_path / "big.json"
    source.write_text(json.dumps(big, ensure_ascii=False), encoding="utf-8")
    expected = json.loads(source.read_text(encoding="utf-8"))
    target = out / "report.json"
    rng = random.Random(3)
    for _ in range(12):
        writer = subprocess.Popen([sys.executable, "-c", _WRITER, str(source), str(out)], cwd=ROOT,
                                  stdout=subprocess.PIPE, text=True)
        assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.0, 1.5))
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        assert json.loads(target.read_text(encoding="utf-8")) == expected
    # A rewrite clears what a killed writer left, and the result is readable
    # by others as a plain write would make it (mkstemp's files are private).
    write_json(Document.model_validate(expected), out, "report")
    assert not list(out.glob(".report.json.*.tmp"))
    assert target.stat().st_mode & 0o044 == 0o044
