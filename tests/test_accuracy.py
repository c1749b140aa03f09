"""Accuracy on generated born-digital reports with exact truth (issue 2's bar)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.evaluate import Evaluation, evaluate, summarise
from pipeline.model import Document
from tests.corpus.generate import generate

SYNTHETIC_SEEDS = [101, 102, 103, 104, 105]
F1_BAR = 0.99


@pytest.fixture(scope="module")
def extracted(tmp_path_factory, pipeline, seeds_dir) -> list[tuple[Document, dict]]:
    out = tmp_path_factory.mktemp("corpus")
    pdfs = generate(out, SYNTHETIC_SEEDS, kinds=("final_account", "overall_performance_report"), seeds_dir=seeds_dir)
    return [
        (pipeline.run(pdf), json.loads(Path(pdf).with_suffix(".truth.json").read_text(encoding="utf-8")))
        for pdf in pdfs
    ]


@pytest.fixture(scope="module")
def evaluation(extracted) -> Evaluation:
    return summarise(evaluate(document, truth) for document, truth in extracted)


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


def test_every_table_found_once_with_its_pages(extracted) -> None:
    for document, truth in extracted:
        assert [table.pages for table in document.tables] == truth["table_pages"], truth["name"]
        assert len(document.tables) == truth["n_tables"]
