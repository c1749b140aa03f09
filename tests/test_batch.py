"""run.py batch over an archive, on SQLite and on a real PostgreSQL server:
each file read once, every bad one named, kill -9 at any moment then a
rerun leaves each document done exactly once, a worker over its time or
memory is replaced; then the exports, read back by pandas and openpyxl."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pipeline.batch.parts import assemble_parts, page_ranges
from pipeline.batch.plan import Job, Plan, file_id, plan
from pipeline.batch.tasks import Assemblies, Task, tasks_of
from pipeline.config import load_config
from pipeline.export import TABLES, data_frames
from pipeline.flow import Pipeline
from pipeline.model import Document, iter_fields
from pipeline.outcome import ExitCode
from pipeline.store import Store
from pipeline.store.schema import DocumentPathRow, DocumentRow, FieldRow
from tests import hostile
from tests.corpus.generate import generate

ROOT = Path(__file__).resolve().parents[1]
SCANNED = ROOT / "scans" / "synthetic-0003-overall-scan-200dpi-seal.pdf"


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> list[Path]:
    """Born-digital reports of both genres."""
    folder = tmp_path_factory.mktemp("reports")
    return generate(folder, [81001, 81002, 81003], kinds=("final_account", "overall_performance_report"))


@pytest.fixture(scope="module")
def archive(tmp_path_factory, reports: list[Path]) -> Path:
    """An archive as users have them: reports in subfolders, one of them
    twice under another name, and files that are not readable reports."""
    folder = tmp_path_factory.mktemp("archive")
    (folder / "2024" / "民政").mkdir(parents=True)
    for report in reports:
        shutil.copy(report, folder / "2024" / "民政" / report.name)
    shutil.copy(reports[0], folder / "copy of the first report.pdf")
    shutil.copy(reports[2], folder / os.fsdecode(b"gbk-\xc4\xea.pdf"))  # a name from another system's encoding
    (folder / "notes.txt").write_text("not a PDF, and not named one: not read")
    (folder / "not-a-pdf.pdf").write_bytes(b"<html>an error page saved as a PDF</html>")
    (folder / "empty.pdf").write_bytes(b"")
    hostile.zero_pages(folder / "zero-pages.pdf")
    hostile.damaged_middle(reports[1], folder / "truncated.pdf")
    return folder


def _batch(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "run.py"), "batch", *args],
        capture_output=True, text=True, timeout=timeout, cwd=ROOT,
    )  # fmt: skip


def _counts(url: str) -> dict[str, int]:
    store = Store(url)
    with Session(store.engine) as session:
        counts = {
            "documents": session.scalar(select(func.count()).select_from(DocumentRow)),
            "paths": session.scalar(select(func.count()).select_from(DocumentPathRow)),
            "fields": session.scalar(select(func.count()).select_from(FieldRow)),
        }
    store.close()
    return counts


def test_an_archive_is_read_once_per_file_and_every_bad_file_is_named(
    archive: Path, reports: list[Path], store_url: str
) -> None:
    result = _batch(str(archive), "--db", store_url, "--workers", "2")
    assert result.returncode == ExitCode.input_failed, result.stderr
    for bad in ("not-a-pdf.pdf", "empty.pdf", "zero-pages.pdf"):
        assert any(bad in line and line.startswith("error:") for line in result.stderr.splitlines()), bad
    assert "truncated.pdf" in result.stderr  # read as far as it goes: a partial document
    assert "notes.txt" not in result.stdout + result.stderr
    store = Store(store_url)
    first = archive / "2024" / "民政" / "syn-81001.pdf"
    doc_id = file_id(first)
    assert sorted(store.paths(doc_id)) == sorted([str(first), str(archive / "copy of the first report.pdf")])
    assert store.status(file_id(archive / "empty.pdf")) == "failed"
    third = file_id(reports[2])
    assert f"{archive}/gbk-\\xc4\\xea.pdf" in store.paths(third)  # stored as the lines print it
    assert "batch: 7 done (1 partial), 0 skipped" in result.stderr
    before = _counts(store_url)
    again = _batch(str(archive), "--db", store_url)
    assert again.returncode == ExitCode.ok, again.stderr
    assert "0 done (0 partial), 10 skipped" in again.stderr
    assert _counts(store_url) == before


def test_kill_9_at_any_moment_then_a_rerun_leaves_each_document_done_once(
    reports: list[Path], store_url: str, tmp_path: Path
) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    for report in reports:
        shutil.copy(report, folder / report.name)
    command = [sys.executable, str(ROOT / "run.py"), "batch", str(folder), "--db", store_url, "--workers", "2"]
    # Killed while the workers start, right after a commit, and after a few more:
    # each time with the workers reading (the lines are printed after the commit).
    for commits in (0, 1, 2):
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        for _ in range(commits):
            assert process.stdout.readline().startswith("ok:")
        workers = _wait_for_workers(process.pid)
        if commits == 0:
            time.sleep(0.5)  # the workers are loading their models
        os.kill(process.pid, signal.SIGKILL)
        process.wait(30)
        process.stdout.close()
        _gone(workers)  # the workers die with the killed driver (PR_SET_PDEATHSIG)
    assert 0 < _counts(store_url)["documents"] < len(reports)
    done = _batch(str(folder), "--db", store_url, "--workers", "2")
    assert done.returncode == ExitCode.ok, done.stderr
    counts = _counts(store_url)
    assert counts["documents"] == counts["paths"] == len(reports)
    store = Store(store_url)
    assert store.finished() == {file_id(report) for report in reports}
    single = tmp_path / "once.db"
    _batch(str(folder), "--db", f"sqlite:///{single}")
    assert _counts(f"sqlite:///{single}") == counts  # the same fields as one uninterrupted run


def _wait_for_workers(driver: int, wait: float = 60.0) -> list[int]:
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if workers := _workers_of(driver):
            return workers
        time.sleep(0.1)
    raise AssertionError("the batch runs its documents in worker processes: none started")


def _workers_of(driver: int) -> list[int]:
    """The worker processes a batch driver started (multiprocessing's spawned children)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            cmdline = (entry / "cmdline").read_bytes()
        except (OSError, ValueError, IndexError):
            continue
        if parent == driver and b"multiprocessing.spawn" in cmdline:
            found.append(int(entry.name))
    return found


def _gone(pids: list[int], wait: float = 15.0) -> None:
    deadline = time.monotonic() + wait
    alive = pids
    while time.monotonic() < deadline:
        alive = [pid for pid in pids if _running(pid)]
        if not alive:
            return
        time.sleep(0.2)
    raise AssertionError(f"worker processes outlived the killed batch: {alive}")


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")  # a zombie has stopped; only its exit status waits to be collected


def test_a_worker_over_its_time_or_memory_is_replaced(reports: list[Path], tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'limits.db'}"
    slow = _batch(str(SCANNED), str(reports[0]), "--db", url, "--time-limit", "8")
    assert slow.returncode == ExitCode.input_failed
    assert f"error: {SCANNED}: took longer than the time limit of 8 s" in slow.stderr
    assert "batch: 1 done" in slow.stderr  # the next document, in a new worker
    store = Store(url)
    assert store.status(file_id(SCANNED)) == "failed"
    other = tmp_path / "memory.db"
    heavy = _batch(str(SCANNED), "--db", f"sqlite:///{other}", "--memory-mb", "200")
    assert heavy.returncode == ExitCode.input_failed
    assert "over the memory cap of 200 MB" in heavy.stderr


def test_a_scan_is_shared_out_by_page_range_and_other_documents_are_read_whole(reports: list[Path]) -> None:
    [scan] = plan([str(SCANNED)]).jobs
    [born] = plan([str(reports[0])]).jobs
    assert [t.kind for t in tasks_of(scan, workers=1)] == ["whole"]
    assert [t.kind for t in tasks_of(scan, workers=2)] == ["count"]  # a worker opens it, not the driver
    assemblies, pending = Assemblies(workers=2), deque()
    assert assemblies.settle(Task(scan, "count"), ("count", scan.doc_id, 3), 0.1, pending) is None
    assert [(t.kind, t.first, t.last) for t in pending] == [("pages", 1, 2), ("pages", 3, 3)]
    pending.clear()
    assemblies.settle(Task(born, "count"), ("count", born.doc_id, 24), 0.1, pending)  # 24 pages of text
    assert [t.kind for t in pending] == ["whole"]
    assert page_ranges(5, 2) == [(1, 3), (4, 5)]
    assert page_ranges(1, 4) == [(1, 1)]


def test_the_first_range_that_fails_fails_its_document_once() -> None:
    job = Job(doc_id="sha256:a", paths=["a.pdf"], size=10 << 20)
    other = Task(Job(doc_id="sha256:b", paths=["b.pdf"], size=1))
    assemblies, pending = Assemblies(workers=3), deque([other])
    assemblies.settle(Task(job, "count"), ("count", job.doc_id, 9), 0.1, pending)
    first, second, _not_handed_out = list(pending)[:3]
    pending.popleft()
    pending.popleft()
    failure = ("failed", job.doc_id, "took longer than the time limit of 5 s", int(ExitCode.input_failed))
    outcome = assemblies.settle(first, failure, 5.2, pending)
    assert outcome is not None and outcome.reason == failure[2] and outcome.payload is None
    assert list(pending) == [other]  # its range not yet handed out is dropped, other documents stay
    assert job.doc_id in assemblies.failed  # the pool stops the range still running
    assert assemblies.settle(second, ("pages", job.doc_id, [], [], {}, 1.0), 1.0, pending) is None
    assert list(pending) == [other]  # no assembly of a failed document


def test_ranges_of_another_files_bytes_are_not_assembled() -> None:
    parts = [("pages", "sha256:old", [], [], {}, 1.0), ("pages", "sha256:new", [], [], {}, 1.0)]
    failed, doc_id, why, code = assemble_parts(None, "sha256:old", "a.pdf", parts)
    assert (failed, doc_id, code) == ("failed", "sha256:old", ExitCode.input_failed)
    assert why == "the file changed while its pages were read"


def test_two_workers_read_a_scan_in_page_ranges_to_the_document_a_whole_read_gives(
    reports: list[Path], tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'ranges.db'}"
    result = _batch(str(SCANNED), str(reports[0]), "--db", url, "--workers", "2")
    assert result.returncode == ExitCode.ok, result.stderr
    config = load_config(None)
    config.setdefault("scan", {}).setdefault("ocr", {})["threads"] = 1  # as the batch gives each of two workers
    whole = Pipeline.from_config(config).run(SCANNED).to_json()
    with Store(url) as store:
        stored = store.document(file_id(SCANNED)).to_json()
    for payload in (whole, stored):
        payload["document"].pop("timings")
    assert stored == whole
    # A range over the time limit fails its document once, and the batch goes on.
    slow = _batch(str(SCANNED), str(reports[0]), "--db", f"sqlite:///{tmp_path / 'slow.db'}", "--workers", "2",
                  "--time-limit", "5")  # fmt: skip
    assert slow.returncode == ExitCode.input_failed
    assert slow.stderr.count(f"error: {SCANNED}: took longer than the time limit of 5 s") == 1
    assert "batch: 1 done (0 partial), 0 skipped (already in the store), 1 failed" in slow.stderr


def test_a_fifo_named_like_a_pdf_is_a_problem_line_not_a_hung_batch(reports: list[Path], tmp_path: Path) -> None:
    """Hashing a FIFO would wait for a writer forever: the plan names it and goes on."""
    shutil.copy(reports[0], tmp_path / "report.pdf")
    os.mkfifo(tmp_path / "pipe.pdf")
    planned: list[Plan] = []
    reader = threading.Thread(target=lambda: planned.append(plan([str(tmp_path)])), daemon=True)
    reader.start()
    reader.join(30)
    assert planned, "the plan hung on the FIFO"
    [work] = planned
    assert work.problems == [(str(tmp_path / "pipe.pdf"), "not a regular file (a FIFO)")]
    assert [job.path for job in work.jobs] == [str(tmp_path / "report.pdf")]


def test_the_largest_files_are_handed_out_first(reports: list[Path], tmp_path: Path) -> None:
    """So that a batch does not end on one long scan while the other workers sit idle."""
    smallest_first = sorted(reports, key=lambda path: path.stat().st_size)
    assert len({path.stat().st_size for path in reports}) == len(reports) > 2
    result = _batch(*map(str, smallest_first), "--db", f"sqlite:///{tmp_path / 'order.db'}")
    assert result.returncode == ExitCode.ok, result.stderr
    read = [line.split()[1] for line in result.stdout.splitlines() if line.startswith("ok: ")]
    assert read == [str(path) for path in reversed(smallest_first)]


def test_the_exports_open_in_pandas_and_excel(archive: Path, tmp_path: Path) -> None:
    import pandas as pd
    from openpyxl import load_workbook

    url = f"sqlite:///{tmp_path / 'export.db'}"
    _batch(str(archive), "--db", url, "--workers", "2")
    with Store(url) as store:
        expected = {name: len(frame) for name, frame in data_frames(store.entries(True)).items()}
    assert expected["figures"] > 100 and expected["indicators"] > 10 and expected["statement_rows"] > 100
    readers = {"csv": pd.read_csv, "parquet": pd.read_parquet, "jsonl": lambda p: pd.read_json(p, lines=True)}
    for fmt, read in readers.items():
        out = tmp_path / fmt
        result = subprocess.run(
            [sys.executable, "run.py", "export", "--db", url, "--format", fmt, "--out", str(out),
             "--include-unreviewed"],
            cwd=ROOT, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        for name in TABLES:
            path = out / f"{name}.{fmt}"
            rows = 0 if expected[name] == 0 and fmt == "jsonl" else len(read(path))
            assert rows == expected[name], (fmt, name)
    workbook_path = tmp_path / "tables.xlsx"
    subprocess.run(
        [sys.executable, "run.py", "export", "--db", url, "--format", "xlsx", "--out", str(workbook_path),
         "--include-unreviewed"],
        cwd=ROOT, check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    workbook = load_workbook(workbook_path)
    assert workbook.sheetnames == list(TABLES)
    for name in TABLES:
        sheet = workbook[name]
        assert sheet.max_row - 1 == expected[name], name
        assert sheet.freeze_panes == "A2"
    figures = workbook["figures"]
    header = [cell.value for cell in figures[1]]
    value = figures.cell(row=2, column=header.index("value") + 1)
    assert value.data_type == "n"  # numbers as numbers
    assert figures.column_dimensions["A"].width > 10


def test_by_default_only_documents_with_nothing_left_to_review_are_exported(
    reports: list[Path], tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'reviewed.db'}"
    _batch(*map(str, reports[:2]), "--db", url)
    with Store(url) as store:
        documents = data_frames(store.entries(include_unreviewed=True))["documents"]
        waiting = documents[documents.open_review > 0].doc_id.tolist()
        assert waiting, "the corpus reports leave something to review"
        for path, field in iter_fields(store.document(waiting[0])):
            if field.status == "review":
                store.correct(waiting[0], path, field.value, who="li", status="confirmed")
    out = tmp_path / "json"
    subprocess.run(
        [sys.executable, "run.py", "export", "--db", url, "--format", "json", "--out", str(out)],
        cwd=ROOT, check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    exported = {Document.model_validate_json(p.read_text(encoding="utf-8")).document.doc_id for p in out.glob("*.json")}
    assert exported == {*documents[documents.open_review == 0].doc_id, waiting[0]}


def test_the_python_api(reports: list[Path], tmp_path: Path) -> None:
    import pipeline

    document = pipeline.extract(reports[0], config={"tables": {"engine": "vector"}})
    assert document.to_json()["schema"] == "budgetdoc/1"
    frames = document.to_pandas()
    assert set(frames) == set(TABLES) and len(frames["figures"]) == len(document.figures)
    with pipeline.Store(f"sqlite:///{tmp_path / 'api.db'}") as store:
        store.add(document)
        assert store.finished() == {document.document.doc_id}
    with pytest.raises(pipeline.InputError):
        pipeline.extract(tmp_path / "missing.pdf")
    with pytest.raises(pipeline.ConfigError):
        pipeline.extract(reports[0], config={"tables": {"engine": "nonesuch"}})
