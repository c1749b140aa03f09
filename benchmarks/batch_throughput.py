"""Batch throughput: documents/hour, pages/min per kind, 1 and 2 workers, peak RSS,
and the speed goals of issue 10 as ratios measured in this one run.

    .venv/bin/python -m benchmarks.batch_throughput [--reports 6] [--scanned 2] [--scan-pages 3]

A mixed batch is generated: ``--reports`` born-digital reports of both
genres and ``--scanned`` of them scanned (``tests/corpus/degrade.py``,
the ``200dpi-seal-skew-noise`` preset, their first ``--scan-pages`` pages).  Printed:

* start-up: wall seconds of ``run.py extract`` on a one-page born-digital
  PDF, a fresh process each time (goal ≤ 1 s);
* born-digital, warm, one core: pages/s of ``Pipeline.run`` and the ratio to
  pypdfium2's own read of every character and its box on the same pages
  (goal ≥ 60 pages/s);
* scanned: ``Pipeline.run`` against raw whole-page RapidOCR of the same pages
  at the same dpi, summed over every scanned report (goal ≤ 1.0×);
* the driver's share: seconds per born-digital document of what the batch
  driver does with a worker's result (parse its JSON, ``Store.add`` into a
  fresh store) against the seconds a worker took to read it;
* ``run.py batch`` over the whole batch with 1 and 2 workers, each in a fresh
  store: wall seconds, documents/hour, pages/min of each kind (from the
  documents' own timings), the scaling (goal ≥ 1.8× on 2 cores) and the peak
  RSS of the largest process (goal ≤ 1.5 GB per worker).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pypdfium2 as pdfium

from benchmarks.scan_speed import speed
from pipeline.flow import Pipeline
from pipeline.model import Document
from pipeline.store import Store
from tests.corpus.degrade import scan_preset
from tests.corpus.generate import generate

ROOT = Path(__file__).resolve().parents[1]


def make_batch(folder: Path, reports: int, scanned: int, scan_pages: int) -> tuple[list[Path], list[Path]]:
    seeds = list(range(83001, 83001 + max(1, reports // 2)))
    born = generate(folder / "born", seeds, kinds=("final_account", "overall_performance_report"))[:reports]
    scans = []
    for report in born[:scanned]:
        target = folder / "scanned" / f"{report.stem}-scan.pdf"
        target.parent.mkdir(parents=True, exist_ok=True)
        scan_preset(report, target, "200dpi-seal-skew-noise", pages=list(range(scan_pages)))
        scans.append(target)
    return born, scans


def start_up(folder: Path, report: Path) -> float:
    """Best of three: a fresh ``run.py extract`` of a one-page born-digital PDF."""
    one = folder / "one-page.pdf"
    source = pdfium.PdfDocument(report)
    single = pdfium.PdfDocument.new()
    single.import_pages(source, [1])
    single.save(one)
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, str(ROOT / "run.py"), "extract", str(one), "--out", str(folder / "start-up")],
            check=True, capture_output=True, cwd=ROOT,
        )  # fmt: skip
        best = min(best, time.perf_counter() - started)
    return best


def born_digital(pipeline: Pipeline, reports: list[Path]) -> tuple[float, float]:
    """Pages/s of the pipeline (warm) and of pypdfium2's character-and-box read."""
    for report in reports[:1]:
        pipeline.run(report)  # warm-up: spaCy and the rules load once per process
    pages = 0
    started = time.perf_counter()
    for report in reports:
        pages += pipeline.run(report).document.pages
    ours = pages / (time.perf_counter() - started)
    started = time.perf_counter()
    for report in reports:
        _characters_and_boxes(report)
    return ours, pages / (time.perf_counter() - started)


def store_share(pipeline: Pipeline, reports: list[Path], folder: Path) -> tuple[float, float]:
    """Seconds per document of reading each report (warm) and of the driver's
    part: parsing the worker's JSON and adding it to a fresh SQLite store."""
    read = write = 0.0
    with Store(f"sqlite:///{folder / 'store-share.db'}") as store:
        for report in reports:
            started = time.perf_counter()
            payload = pipeline.run(report).model_dump_json(by_alias=True)
            read += time.perf_counter() - started
            started = time.perf_counter()
            store.add(Document.model_validate_json(payload), [str(report)])
            write += time.perf_counter() - started
    return read / len(reports), write / len(reports)


def _characters_and_boxes(path: Path) -> int:
    document = pdfium.PdfDocument(path)
    count = 0
    for page in document:
        text = page.get_textpage()
        for index in range(text.count_chars()):
            text.get_charbox(index)
            count += 1
        text.get_text_range()
    document.close()
    return count


def batch(inputs: list[Path], workers: int, folder: Path, threads: int | None) -> dict[str, float]:
    """One ``run.py batch`` in a fresh store: wall time, peak RSS of its largest process, rates.
    ``threads``: the OCR engine's threads per worker (None: the batch shares the cores out)."""
    url = f"sqlite:///{folder / f'workers-{workers}-{threads}.db'}"
    config = []
    if threads is not None:
        (folder / "threads.yaml").write_text(f"scan:\n  ocr:\n    threads: {threads}\n")
        config = ["--config", str(folder / "threads.yaml")]
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "run.py"), "batch", *map(str, inputs), "--db", url, "--workers", str(workers),
         *config],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) not in (0, 3):
        raise SystemExit(f"run.py batch exited with {os.waitstatus_to_exitcode(status)}")
    result = {"wall": wall, "peak_mb": usage.ru_maxrss / 1024}
    with Store(url) as store:
        entries = list(store.entries(include_unreviewed=True))
    for kind in ("text", "ocr"):
        pages = sum(e[0].document.page_sources.count(kind) for e in entries)
        seconds = sum(sum(e[0].document.timings.values()) for e in entries if kind in e[0].document.page_sources)
        result[f"{kind}_pages"] = pages
        result[f"{kind}_seconds"] = seconds
    result["documents"] = len(entries)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=6, help="born-digital reports (both genres)")
    parser.add_argument("--scanned", type=int, default=2, help="of them also scanned")
    parser.add_argument("--scan-pages", type=int, default=3, help="pages of each scan")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="batch-throughput-") as temporary:
        folder = Path(temporary)
        born, scans = make_batch(folder, args.reports, args.scanned, args.scan_pages)
        print(f"batch: {len(born)} born-digital reports, {len(scans)} scanned ({args.scan_pages} pages each)")
        print(f"start-up   run.py extract, one born-digital page: {start_up(folder, born[0]):.2f} s wall (goal ≤ 1 s)")
        pipeline = Pipeline.from_config()
        ours, pdfium_rate = born_digital(pipeline, born)
        print(
            f"born-digital warm, one core: {ours:.1f} pages/s; pypdfium2 chars+boxes {pdfium_rate:.1f} pages/s; "
            f"ratio {ours / pdfium_rate:.3f} (goal ≥ 60 pages/s)"
        )
        read, write = store_share(pipeline, born, folder)
        print(
            f"driver's part per born-digital document (parse, store): {write:.3f} s; a worker's read of it "
            f"{read:.3f} s; ratio {write / read:.2f} (the driver does it for every worker)"
        )
        if scans:
            clocks = [speed(pipeline, scan, args.scan_pages) for scan in scans]
            ours, raw = (sum(clock[side].wall for clock in clocks) for side in (0, 1))
            pages = args.scan_pages * len(scans)
            print(
                f"scanned: pipeline {ours / pages:.2f} s/page, raw whole-page RapidOCR "
                f"{raw / pages:.2f} s/page, ratio {ours / raw:.2f} (goal ≤ 1.0)"
            )
        # One core per worker (the scaling of processes), then the default: one
        # worker given both cores' OCR threads against two with one each.
        for threads in (1, None):
            _scaling([*born, *scans], folder, threads)


def _scaling(inputs: list[Path], folder: Path, threads: int | None) -> None:
    print("OCR threads 1 per worker" if threads else "OCR threads: the cores shared out (default)")
    runs = {workers: batch(inputs, workers, folder, threads) for workers in (1, 2)}
    for workers, run in runs.items():
        text_rate = run["text_pages"] / run["text_seconds"] * 60 if run["text_seconds"] else 0.0
        ocr_rate = run["ocr_pages"] / run["ocr_seconds"] * 60 if run["ocr_seconds"] else 0.0
        print(
            f"  batch, {workers} worker(s): {run['wall']:.1f} s wall, {run['documents'] / run['wall'] * 3600:.0f} "
            f"documents/hour; per worker {text_rate:.0f} born-digital pages/min, {ocr_rate:.1f} scanned "
            f"pages/min; peak RSS of one process {run['peak_mb']:.0f} MB (goal ≤ 1536)"
        )
    print(f"  scaling 2 workers / 1: {runs[1]['wall'] / runs[2]['wall']:.2f}x (goal ≥ 1.8 on 2 cores)")


if __name__ == "__main__":
    main()
