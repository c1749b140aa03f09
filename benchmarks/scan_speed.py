"""Scanned pages: seconds per page, against raw whole-page RapidOCR, memory, and accuracy per preset.

    .venv/bin/python -m benchmarks.scan_speed [--seeds 1 ...] [--pages 4] [--presets ...] [--accuracy] [--ablate]
        [--engine rapidocr|tesseract|paddleocr] [--config my.yaml]

A generated report (``tests.corpus.generate``) is turned into image-only
copies, one per degradation preset (``tests/corpus/degrade.py``).  For each:

* speed: ``Pipeline.run`` on ``--pages`` of its pages (render, clean,
  rules, layout, OCR, tables, reading, extraction, checks) against raw
  whole-page RapidOCR of the same pages rendered at the same dpi, in the
  same process (wall and CPU seconds per page, and their ratio; the issue's
  bar is 1.3);
* accuracy (``--accuracy``): field F1 per section of the whole scanned
  reports against their truth, pooled over ``--seeds`` (speed is timed on
  the first), with each report's overall F1;
* ``--ablate``: the first preset again with each cleaning step switched off
  in turn (time per page and, with ``--accuracy``, overall F1).

Peak RSS of this one process (one worker: the corpus is made in a child
process) is printed at the end.
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import replace
from multiprocessing import get_context
from pathlib import Path

from pipeline.config import load_config
from pipeline.evaluate import evaluate, summarise
from pipeline.flow import Pipeline
from pipeline.ocr import get_engine
from pipeline.preprocess import render_page
from tests.corpus.degrade import PRESETS, scan_preset
from tests.corpus.generate import generate

ABLATIONS: dict[str, dict[str, object]] = {
    "no seal suppression": {"suppress_seals": False},
    "no illumination flattening": {"flatten_illumination": False},
    "no denoise": {"denoise": "none"},
    "no deskew": {"deskew": False},
    "sauvola binarisation": {"binarize": "sauvola"},
}


class Clock:
    """Wall and CPU seconds (all threads) of the blocks timed with it."""

    def __init__(self) -> None:
        self.wall = 0.0
        self.cpu = 0.0

    @contextmanager
    def timing(self) -> Iterator[None]:
        wall, cpu = time.perf_counter(), time.process_time()
        yield
        self.wall += time.perf_counter() - wall
        self.cpu += time.process_time() - cpu


def speed(pipeline: Pipeline, scanned: Path, pages: int) -> tuple[Clock, Clock]:
    """Clocks for the full pipeline and for raw whole-page OCR over ``pages`` pages."""
    engine = get_engine("rapidocr", pipeline.scan.ocr)  # the baseline, whichever engine the pipeline uses
    # Models load on first use; neither side should pay for that.
    pipeline.run(scanned)
    raw, full = Clock(), Clock()
    with full.timing():
        pipeline.run(scanned)
    for index in range(pages):
        with raw.timing():
            engine.read(render_page(scanned, index, pipeline.scan.dpi))
    return full, raw


def accuracy(pipeline: Pipeline, reports: list[tuple[Path, Path]]) -> tuple[dict[str, float], list[float]]:
    """Field F1 per section pooled over the (scanned, truth) reports, and each report's overall F1."""
    evaluations = [
        evaluate(pipeline.run(scanned), json.loads(truth.read_text(encoding="utf-8"))) for scanned, truth in reports
    ]
    pooled = {section: score.f1 for section, score in summarise(evaluations).scores().items()}
    each = [summarise([evaluation]).scores()["overall"].f1 for evaluation in evaluations]
    return pooled, each


def make_scans(out: Path, seeds: list[int], presets: list[str], pages: int, whole: bool) -> list[Path]:
    """The reports of ``seeds`` and their scans: the first ``pages`` pages of
    the first report per preset, and (``whole``) every report per preset."""
    report_pdfs = generate(out, seeds, statements=False)
    for preset in presets:
        scan_preset(report_pdfs[0], _sample(out, preset), preset, pages=list(range(pages)))
        for pdf in report_pdfs if whole else []:
            scan_preset(pdf, _whole(pdf, preset)[0], preset)
    return report_pdfs


def _sample(out: Path, preset: str) -> Path:
    return out / f"{preset}-sample.pdf"


def _whole(report_pdf: Path, preset: str) -> tuple[Path, Path]:
    """The whole report scanned with ``preset``, and its truth."""
    return report_pdf.with_name(f"{report_pdf.stem}-{preset}.pdf"), report_pdf.with_suffix(".truth.json")


def with_preprocess(pipeline: Pipeline, dpi: int, **changes: object) -> Pipeline:
    scan = replace(pipeline.scan, dpi=dpi, preprocess=replace(pipeline.scan.preprocess, **changes))
    return replace(pipeline, scan=scan)


def report(label: str, full: Clock, raw: Clock, pages: int) -> None:
    print(
        f"{label:32s} pipeline {full.wall / pages:5.2f} s/page (cpu {full.cpu / pages:5.2f})   "
        f"raw rapidocr {raw.wall / pages:5.2f} s/page (cpu {raw.cpu / pages:5.2f})   "
        f"ratio {full.wall / raw.wall:4.2f} (cpu {full.cpu / raw.cpu:4.2f})"
    )


def print_scores(label: str, scores: dict[str, float]) -> None:
    print(f"{label:32s} " + "  ".join(f"{section}={f1:.4f}" for section, f1 in scores.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1], help="corpus seeds of the reports")
    parser.add_argument("--pages", type=int, default=4, help="pages timed per preset")
    parser.add_argument("--presets", nargs="+", choices=sorted(PRESETS), default=list(PRESETS))
    parser.add_argument("--accuracy", action="store_true", help="also field F1 of the whole report per preset")
    parser.add_argument("--config", default=None, help="YAML overriding configs/default.yaml")
    parser.add_argument("--engine", default=None, help="OCR engine of the pipeline (default: configs' scan.engine)")
    parser.add_argument("--ablate", action="store_true", help="each cleaning step off in turn, on the first preset")
    args = parser.parse_args()

    pipeline = Pipeline.from_config(load_config(args.config))
    if args.engine:
        pipeline = replace(pipeline, scan=replace(pipeline.scan, engine=args.engine))
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        # The corpus is drawn and degraded in a child process, so the peak
        # RSS printed below is the pipeline's alone.
        with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
            report_pdfs = pool.submit(make_scans, out, args.seeds, args.presets, args.pages, args.accuracy).result()
        runs: list[tuple[str, Callable[[], Pipeline], str]] = [
            (preset, lambda p=preset: with_preprocess(pipeline, PRESETS[p]["dpi"]), preset) for preset in args.presets
        ]
        if args.ablate:
            first = args.presets[0]
            runs += [
                (f"{first}, {name}", lambda c=changes: with_preprocess(pipeline, PRESETS[first]["dpi"], **c), first)
                for name, changes in ABLATIONS.items()
            ]
        for label, configured, preset in runs:
            chosen = configured()
            full, raw = speed(chosen, _sample(out, preset), args.pages)
            report(label, full, raw, args.pages)
            if args.accuracy:
                pooled, each = accuracy(chosen, [_whole(pdf, preset) for pdf in report_pdfs])
                print_scores(label, pooled)
                print(f"{'':32s} overall per report: " + "  ".join(f"{f1:.4f}" for f1 in each))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this worker: {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
