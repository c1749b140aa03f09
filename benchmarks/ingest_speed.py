"""Pages per second of the born-digital path, against pdfplumber, same pages, same run.

    .venv/bin/python -m benchmarks.ingest_speed [--pdf FILE ...] [--copies 10]

Without ``--pdf`` it draws the test report (tests/born_digital.py) and
repeats its four text pages ``--copies`` times.  Stages timed on one core:
ingest (open_pdf), tables (recognise + stitch), reading (build_lines +
paragraphs); pdfplumber does extract_words + find_tables on every page.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium

from pipeline import reading, stitch, tables
from pipeline.ingest import open_pdf
from tests.born_digital import report_files


def repeated_report(directory: Path, copies: int) -> Path:
    """The test report's text pages, ``copies`` times over, as one PDF."""
    report = pdfium.PdfDocument(report_files(directory))
    merged = pdfium.PdfDocument.new()
    for _ in range(copies):
        merged.import_pages(report, [0, 1, 2, 3])
    path = directory / f"report_x{copies}.pdf"
    merged.save(path)
    return path


def timed(action: Callable[[], object], repeat: int = 3) -> float:
    """Best of ``repeat`` wall-clock runs, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - start)
    return best


def born_digital(path: Path) -> dict[str, float]:
    """Seconds per stage for one PDF."""
    source = open_pdf(path)
    seconds = {"ingest": timed(lambda: open_pdf(path))}

    def find_tables() -> None:
        for page in source.pages:
            page.tables = tables.recognise(page)
        stitch.stitch([page.tables for page in source.pages])

    seconds["tables"] = timed(find_tables)

    def read() -> None:
        for page in source.pages:
            page.lines = reading.build_lines(page)
        reading.paragraphs(source.pages)

    seconds["reading"] = timed(read)
    return seconds


def plumber(path: Path) -> float:
    def run() -> None:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_words()
                page.find_tables()

    return timed(run, repeat=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pdf", type=Path, nargs="*", help="PDFs to time (default: the drawn test report)")
    parser.add_argument("--copies", type=int, default=10, help="repeats of the drawn report's 4 text pages")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        paths = args.pdf or [repeated_report(Path(tmp), args.copies)]
        n_pages = sum(len(pdfium.PdfDocument(path)) for path in paths)
        totals = {"ingest": 0.0, "tables": 0.0, "reading": 0.0}
        plumber_seconds = 0.0
        for path in paths:
            for stage, seconds in born_digital(path).items():
                totals[stage] += seconds
            plumber_seconds += plumber(path)
    ours = sum(totals.values())
    print(f"{n_pages} pages in {len(paths)} file(s)")
    for stage, seconds in totals.items():
        print(f"  {stage:<8} {n_pages / seconds:9.1f} pages/s")
    print(f"  {'all':<8} {n_pages / ours:9.1f} pages/s  (ingest + tables + reading)")
    print(f"  pdfplumber extract_words+find_tables {n_pages / plumber_seconds:7.1f} pages/s")
    print(f"  ratio: {plumber_seconds / ours:.1f}x faster than pdfplumber")


if __name__ == "__main__":
    main()
