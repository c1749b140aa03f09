"""Accuracy on generated born-digital reports with exact truth (issue 2's bar)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.evaluate import Evaluation, evaluate, summarise
from tests.corpus.generate import generate

SYNTHETIC_SEEDS = [101, 102, 103, 104, 105]
F1_BAR = 0.99


@pytest.fixture(scope="module")
def evaluation(tmp_path_factory, pipeline, seeds_dir) -> Evaluation:
    out = tmp_path_factory.mktemp("corpus")
    pdfs = generate(out, SYNTHETIC_SEEDS, kinds=("final_account", "overall_performance_report"), seeds_dir=seeds_dir)
    results = []
    for pdf in pdfs:
        truth = json.loads(Path(pdf).with_suffix(".truth.json").read_text(encoding="utf-8"))
        results.append(evaluate(pipeline.run(pdf), truth))
    return summarise(results)


@pytest.mark.parametrize(
    "section",
    ["overall", "document", "figures", "expenditure_items", "class_totals", "performance", "performance_indicators"],
)
def test_field_f1_per_section(evaluation: Evaluation, section: str) -> None:
    score = evaluation.scores()[section]
    wrong = [r for r in evaluation.wrong() if section in ("overall", r.section)][:10]
    assert score.tp > 0, f"no {section} fields were scored"
    assert score.f1 >= F1_BAR, f"{section}: F1 {score.f1:.4f} < {F1_BAR}; first errors: {wrong}"


def test_high_confidence_is_calibrated(evaluation: Evaluation) -> None:
    confident = [r for r in evaluation.results if r.predicted is not None and (r.confidence or 0) >= 0.95]
    errors = [r for r in confident if not r.correct]
    assert confident
    assert len(errors) / len(confident) <= 0.01, errors[:10]
