"""Fit the confidence calibration on generated documents with known truth.

Runs the pipeline with calibration switched off, pairs every predicted
field's raw confidence with whether it was right, fits a monotone map and
writes it to models/calibration.json.  Prints the error rate among fields at
or above the review threshold before and after.

    .venv/bin/python benchmarks/calibrate.py [--seeds 20001 20002 ...]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.confidence import fit_calibration
from pipeline.evaluate import evaluate, summarise
from pipeline.flow import Pipeline
from tests.corpus.generate import generate

DEFAULT_SEEDS = list(range(20_001, 20_021))  # disjoint from the seeds the tests use


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, nargs="*", default=DEFAULT_SEEDS)
    parser.add_argument("--out", default="models/calibration.json")
    args = parser.parse_args()

    pipeline = Pipeline.from_config()
    threshold = pipeline.confidence.review_threshold
    pipeline.confidence = dataclasses.replace(pipeline.confidence, calibration=None, failed_check_factor=1.0)
    with tempfile.TemporaryDirectory() as tmp:
        evaluations = []
        for pdf in generate(Path(tmp), args.seeds):
            truth = json.loads(pdf.with_suffix(".truth.json").read_text(encoding="utf-8"))
            evaluations.append(evaluate(pipeline.run(pdf), truth))
    results = [r for r in summarise(evaluations).results if r.predicted is not None and r.confidence is not None]
    raw = [r.confidence for r in results]
    correct = [r.correct for r in results]
    calibration = fit_calibration(raw, correct)
    calibration.save(args.out, fitted_on=f"{len(results)} fields from seeds {args.seeds[0]}..{args.seeds[-1]}")
    _report("raw", raw, correct, threshold)
    _report("calibrated", [calibration(x) for x in raw], correct, threshold)
    print(f"wrote {args.out}")


def _report(name: str, confidences: list[float], correct: list[bool], threshold: float) -> None:
    confident = [ok for c, ok in zip(confidences, correct, strict=True) if c >= threshold]
    wrong = confident.count(False)
    rate = wrong / len(confident) if confident else 0.0
    print(f"{name:11s} fields >= {threshold}: {len(confident)} of {len(correct)}, wrong {wrong} ({rate:.2%})")


if __name__ == "__main__":
    main()
