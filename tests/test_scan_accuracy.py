"""Field accuracy on scanned copies of a generated report (issue 3's test bars).

One whole report per preset, scanned with the corpus's degradations (skew,
blur, noise, JPEG, red seal, fold line), read by the full pipeline and scored
per section against its exact truth.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.evaluate import Evaluation, evaluate
from pipeline.model import Document
from tests.corpus.degrade import scan_preset
from tests.corpus.generate import generate

REPORT_SEED = 11
SECTIONS = ("document", "figures", "expenditure_items", "class_totals", "performance", "performance_indicators")
BARS = {"300dpi-clean": 0.98, "200dpi-seal-skew-noise": 0.95}


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    [pdf] = generate(tmp_path_factory.mktemp("scan-accuracy"), [REPORT_SEED])
    return pdf, json.loads(pdf.with_suffix(".truth.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module", params=sorted(BARS))
def scanned_run(request, report, pipeline, tmp_path_factory) -> tuple[str, Document, dict]:
    pdf, truth = report
    scanned = scan_preset(pdf, tmp_path_factory.mktemp("scans") / f"{request.param}.pdf", request.param)
    document = pipeline.run(scanned)
    assert set(document.document.page_sources) == {"ocr"}
    return request.param, document, truth


@pytest.fixture(scope="module")
def scored(scanned_run) -> tuple[str, Evaluation]:
    preset, document, truth = scanned_run
    return preset, evaluate(document, truth)


def test_every_table_found_once_with_its_pages(scanned_run) -> None:
    """Ruled tables from the pixels, stitched across page breaks, and no
    table where the page has running text (the unruled-table finders run)."""
    preset, document, truth = scanned_run
    assert [table.pages for table in document.tables] == truth["table_pages"], preset


def test_field_f1_per_section_meets_the_bar(scored: tuple[str, Evaluation]) -> None:
    preset, evaluation = scored
    scores = evaluation.scores()
    below = {s: round(scores[s].f1, 4) for s in SECTIONS if scores[s].tp + scores[s].fn and scores[s].f1 < BARS[preset]}
    wrong = [(r.path, r.predicted, r.truth) for r in evaluation.wrong()][:12]
    assert not below, f"{preset}: sections below {BARS[preset]}: {below}; first errors: {wrong}"


def test_confident_fields_on_scans_are_right(scored: tuple[str, Evaluation]) -> None:
    preset, evaluation = scored
    confident = [r for r in evaluation.results if r.predicted is not None and (r.confidence or 0) >= 0.95]
    wrong = [(r.path, r.predicted, r.truth, r.confidence) for r in confident if not r.correct]
    assert confident
    assert len(wrong) <= 0.01 * len(confident), f"{preset}: {len(wrong)} of {len(confident)} wrong: {wrong[:10]}"
