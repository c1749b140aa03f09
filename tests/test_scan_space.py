"""Field accuracy on scans at fixed points of the damage space (issue 8's bars).

One whole report per point, at a held-out seed (``space.TEST_SEED``), each
page drawn on its own inside the point's ranges (skew, feeder drift, blur,
noise, seals, folds), read by the full pipeline and scored per section
against its exact truth.  The 150 dpi JPEG q40 point lies in a held-out
region of the space; no point's seed or page draws were tuned on.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.evaluate import Evaluation, evaluate
from pipeline.model import Document
from tests.corpus.degrade import scan_point
from tests.corpus.generate import generate
from tests.corpus.space import TEST_POINTS, TEST_SEED, fixed_scan

SECTIONS = ("document", "figures", "expenditure_items", "class_totals", "performance", "performance_indicators")
CONFIDENT = 0.95
MOST_WRONG_WHEN_CONFIDENT = 0.005


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    [pdf] = generate(tmp_path_factory.mktemp("scan-space"), [TEST_SEED], statements=False)
    return pdf, json.loads(pdf.with_suffix(".truth.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module", params=sorted(TEST_POINTS))
def scanned_run(request, report, pipeline, tmp_path_factory) -> tuple[str, Document, dict]:
    pdf, truth = report
    scanner, ranges, _ = TEST_POINTS[request.param]
    point = fixed_scan(scanner, truth["pages"], TEST_SEED, **ranges)
    scanned = scan_point(pdf, tmp_path_factory.mktemp("scans") / f"{request.param}.pdf", point, seed=TEST_SEED)
    document = pipeline.run(scanned)
    assert set(document.document.page_sources) == {"ocr"}
    return request.param, document, truth


@pytest.fixture(scope="module")
def scored(scanned_run) -> tuple[str, Evaluation]:
    name, document, truth = scanned_run
    return name, evaluate(document, truth)


def test_field_f1_per_section_meets_the_bar(scored: tuple[str, Evaluation]) -> None:
    name, evaluation = scored
    bar = TEST_POINTS[name][2]
    scores = evaluation.scores()
    below = {s: round(scores[s].f1, 4) for s in SECTIONS if scores[s].tp + scores[s].fn and scores[s].f1 < bar}
    wrong = [(r.path, r.predicted, r.truth) for r in evaluation.wrong()][:12]
    assert not below, f"{name}: sections below {bar}: {below}; first errors: {wrong}"


def test_every_table_found_once_with_its_pages(scanned_run) -> None:
    """Ruled tables from the pixels, stitched across page breaks whatever
    each page's skew and drift, and no table where the page has running text."""
    name, document, truth = scanned_run
    assert [table.pages for table in document.tables] == truth["table_pages"], name


def test_no_table_is_lost(scanned_run) -> None:
    """Every table of the truth is in the output, read into a record or sent
    to review, with the pages it was found on."""
    name, document, truth = scanned_run
    covered = {page for table in document.tables for page in table.pages}
    lost = [pages for pages in truth["table_pages"] if pages[0] not in covered]
    assert not lost, f"{name}: tables on pages {lost} are in no output table"
    records = {table.record for table in document.tables if table.status == "auto"}
    review = [table.pages for table in document.tables if table.status == "review"]
    assert len(records) + len(review) >= len(truth["performance"]), (name, records, review)
    assert all(table.page and table.bbox for table in document.tables)


def test_confident_fields_on_scans_are_right(scored: tuple[str, Evaluation]) -> None:
    name, evaluation = scored
    confident = [r for r in evaluation.results if r.predicted is not None and (r.confidence or 0) >= CONFIDENT]
    wrong = [(r.path, r.predicted, r.truth, r.confidence) for r in confident if not r.correct]
    assert confident
    assert len(wrong) <= MOST_WRONG_WHEN_CONFIDENT * len(confident), (
        f"{name}: {len(wrong)} of {len(confident)} wrong: {wrong[:10]}"
    )
