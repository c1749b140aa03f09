"""Fit the confidence calibration on generated documents with known truth.

Runs the pipeline with calibration switched off on born-digital reports and
on scanned copies of some of them, pairs every predicted field's raw
confidence with whether it was right, fits one monotone map per page source
(text layer, OCR) and per source and field kind, and writes them to
models/calibration.json.  ``benchmarks/space_report.py --write-calibration``
refits the OCR maps on scans across the whole damage space, with the
poor-scan grade; run it after this script, which writes neither.  Prints, per
source, how many fields reach the review threshold and how many of those are
wrong, before and after.

    .venv/bin/python benchmarks/calibrate.py [--seeds ...] [--scan-seeds ...] [--presets ...]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.confidence import field_kind, fit_calibrations, save_calibrations
from pipeline.evaluate import FieldResult, evaluate
from pipeline.flow import Pipeline
from tests.corpus.degrade import PRESETS, scan_preset
from tests.corpus.generate import generate

# Disjoint from the seeds the tests use.
DEFAULT_SEEDS = list(range(20_001, 20_021))
DEFAULT_SCAN_SEEDS = [20_001, 20_002, 20_003]
# 150dpi-jpeg (q30) lies in a held-out region of the damage space
# (tests/corpus/space.py): calibration never sees it.
DEFAULT_PRESETS = [preset for preset in sorted(PRESETS) if preset != "150dpi-jpeg"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, nargs="*", default=DEFAULT_SEEDS)
    parser.add_argument("--scan-seeds", type=int, nargs="*", default=DEFAULT_SCAN_SEEDS)
    parser.add_argument("--presets", nargs="*", choices=sorted(PRESETS), default=DEFAULT_PRESETS)
    parser.add_argument("--out", default="models/calibration.json")
    args = parser.parse_args()

    pipeline = Pipeline.from_config()
    threshold = pipeline.confidence.review_threshold
    pipeline.confidence = dataclasses.replace(pipeline.confidence, calibration=None, failed_check_factor=1.0)
    results = collect(pipeline, args.seeds, args.scan_seeds, args.presets)

    calibrations = fit_calibrations((r.page_source, field_kind(r.path, r.predicted), r.confidence, r.correct)
                                    for r in results)
    for key, fit in calibrations.items():
        mine = [r for r in results if key in (r.page_source, f"{r.page_source}/{field_kind(r.path, r.predicted)}")]
        raw, correct = [r.confidence for r in mine], [r.correct for r in mine]
        _report(f"{key} raw", raw, correct, threshold)
        _report(f"{key} calibrated", [fit(x) for x in raw], correct, threshold)
    save_calibrations(
        args.out,
        calibrations,
        fitted_on={"text": f"seeds {args.seeds}", "ocr": f"scans of {args.scan_seeds} as {args.presets}"},
        fields={key: sum(r.page_source == key for r in results) for key in calibrations if "/" not in key},
    )
    print(f"wrote {args.out}")


def collect(pipeline: Pipeline, seeds: list[int], scan_seeds: list[int], presets: list[str]) -> list[FieldResult]:
    """Scored predicted fields (with a page) of born-digital and scanned reports."""
    results: list[FieldResult] = []
    with tempfile.TemporaryDirectory() as tmp:
        for pdf in generate(Path(tmp), seeds, kinds=("final_account", "overall_performance_report"), statements=False):
            truth = json.loads(pdf.with_suffix(".truth.json").read_text(encoding="utf-8"))
            variants = [pdf]
            if int(pdf.stem.split("-")[1]) in scan_seeds and not pdf.stem.endswith("overall"):
                variants += [scan_preset(pdf, Path(tmp) / f"{pdf.stem}-{p}.pdf", p) for p in presets]
            for variant in variants:
                results += evaluate(pipeline.run(variant), truth).results
                print(f"  scored {variant.name}", flush=True)
    return [r for r in results if r.predicted is not None and r.confidence is not None and r.page_source]


def _report(name: str, confidences: list[float], correct: list[bool], threshold: float) -> None:
    confident = [ok for c, ok in zip(confidences, correct, strict=True) if c >= threshold]
    wrong = confident.count(False)
    rate = wrong / len(confident) if confident else 0.0
    print(f"{name:16s} fields >= {threshold}: {len(confident)} of {len(correct)}, wrong {wrong} ({rate:.2%})")


if __name__ == "__main__":
    main()
