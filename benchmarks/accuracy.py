"""Accuracy and speed on freshly generated born-digital reports.

Generates reports from random seeds (printed, so a run can be repeated with
--seeds), runs the full pipeline on one core and prints field P/R/F1 per
section and pages per second, with pdfplumber's plain text extraction of the
same pages, timed in the same run, as the baseline.

    .venv/bin/python benchmarks/accuracy.py [--n 8] [--seeds 1 2 3]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pdfplumber

from pipeline.evaluate import evaluate, summarise
from pipeline.flow import Pipeline
from tests.corpus.generate import generate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=8, help="number of seeds (each gives a 决算 and a 自评报告)")
    parser.add_argument("--seeds", type=int, nargs="*", help="explicit seeds instead of random ones")
    parser.add_argument("--with-seed-docs", action="store_true", help="also the reports made from ../shared/seeds")
    args = parser.parse_args()
    seeds = args.seeds or random.SystemRandom().sample(range(1_000_000, 9_999_999), args.n)
    print(f"seeds: {' '.join(map(str, seeds))}")
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, as the goal is stated

    with tempfile.TemporaryDirectory() as tmp:
        seeds_dir = Path(__file__).resolve().parents[2] / "shared" / "seeds" if args.with_seed_docs else None
        pdfs = generate(Path(tmp), seeds, kinds=("final_account", "overall_performance_report"), seeds_dir=seeds_dir)
        pipeline = Pipeline.from_config()
        pipeline.run(pdfs[0])  # warm-up: spaCy and pattern compilation are paid once per process

        evaluations, pages, ours = [], 0, 0.0
        for pdf in pdfs:
            started = time.perf_counter()
            document = pipeline.run(pdf)
            ours += time.perf_counter() - started
            pages += document.document.pages
            truth = json.loads(pdf.with_suffix(".truth.json").read_text(encoding="utf-8"))
            evaluations.append(evaluate(document, truth))
        baseline = _pdfplumber_seconds(pdfs)

    total = summarise(evaluations)
    print(f"{'section':24s} {'P':>7s} {'R':>7s} {'F1':>7s} {'fields':>7s}")
    for section, score in total.scores().items():
        print(f"{section:24s} {score.precision:7.4f} {score.recall:7.4f} {score.f1:7.4f} {score.tp + score.fn:7d}")
    print(f"pages: {pages}  pipeline: {pages / ours:.1f} pages/s  "
          f"pdfplumber extract_text: {pages / baseline:.1f} pages/s  ratio: {baseline / ours:.2f}x")
    for result in total.wrong()[:15]:
        print(f"  wrong: {result.path}: got {result.predicted!r} want {result.truth!r}")


def _pdfplumber_seconds(pdfs: list[Path]) -> float:
    started = time.perf_counter()
    for pdf in pdfs:
        with pdfplumber.open(pdf) as document:
            for page in document.pages:
                page.extract_text()
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
