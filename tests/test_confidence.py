"""Confidence: calibration fit and the status each field gets."""

from __future__ import annotations

import random
from pathlib import Path

from pipeline.confidence import ConfidenceOptions, fit_calibration, save_calibrations, score
from pipeline.model import Check, Document, DocumentInfo, Figure


def test_fit_is_monotone_and_tracks_accuracy() -> None:
    rng = random.Random(0)
    raw = [rng.random() for _ in range(5000)]
    correct = [rng.random() < x for x in raw]
    calibration = fit_calibration(raw, correct)
    grid = [i / 100 for i in range(101)]
    mapped = [calibration(x) for x in grid]
    assert mapped == sorted(mapped)
    assert abs(calibration(0.8) - 0.8) < 0.08
    assert calibration(1.0) < 1.0  # never certain from a finite sample


def _document(*figures: Figure, checks: list[Check] | None = None) -> Document:
    info = DocumentInfo(doc_id="sha256:0", file="x.pdf", pages=2, page_sources=["text", "ocr"])
    return Document(document=info, figures=list(figures), checks=checks or [])


def _figure(key: str, confidence: float, page: int, status: str = "auto") -> Figure:
    return Figure(key=key, label=key, value="1.00", confidence=confidence, page=page, status=status)


def test_each_page_source_has_its_own_map_and_low_fields_go_to_review(tmp_path: Path) -> None:
    text_fit = fit_calibration([0.99] * 500 + [0.5] * 500, [True] * 500 + [False] * 500)
    ocr_fit = fit_calibration([0.99] * 100, [True] * 50 + [False] * 50)
    path = tmp_path / "calibration.json"
    save_calibrations(path, {"text": text_fit, "ocr": ocr_fit})

    document = score(
        _document(_figure("income_total", 0.99, page=1), _figure("income_year", 0.99, page=2)),
        ConfidenceOptions(calibration=str(path)),
    )
    on_text, on_ocr = document.figures
    assert on_text.confidence > 0.95 and on_text.status == "auto"
    assert on_ocr.confidence < 0.6 and on_ocr.status == "review"


def test_a_failed_check_sends_its_fields_to_review_and_people_win() -> None:
    check = Check(rule="a = b", passed=False, fields=["figures.income_total", "figures.income_year"], message="1 != 2")
    document = score(
        _document(
            _figure("income_total", 1.0, page=1),
            _figure("income_year", 1.0, page=1, status="corrected"),
            _figure("carryover_begin", 1.0, page=1),
            checks=[check],
        ),
        ConfidenceOptions(calibration=None),
    )
    total, corrected, untouched = document.figures
    assert (total.status, total.confidence) == ("review", 0.5)
    assert (corrected.status, corrected.confidence) == ("corrected", 1.0)
    assert untouched.status == "auto"
