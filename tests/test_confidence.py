"""Confidence: calibration fit and the status each field gets."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from pipeline.confidence import (
    IDENTITY,
    ConfidenceOptions,
    PageGrade,
    calibration_for,
    doubtful_share,
    field_kind,
    fit_calibration,
    read_calibration_file,
    save_calibrations,
    score,
)
from pipeline.model import Char, Check, Document, DocumentInfo, Figure, Page


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


def test_long_text_is_a_kind_of_its_own() -> None:
    assert field_kind("performance[0].name", "短名") == "text"
    assert field_kind("performance[0].goal_actual", "年度内完成内部审计业务5个，完成政策宣传册的印制") == "long_text"
    assert field_kind("performance[0].indicators[0].actual", "完全达到预期效果的情况") == "indicator"
    assert field_kind("figures.income_total", "3369.63") == "amount"


def _scanned_page(number: int, confidences: list[float]) -> Page:
    chars = [Char(text="字", bbox=(0, 0, 1, 1), confidence=value) for value in confidences]
    return Page(number=number, width=595, height=842, source="ocr", chars=chars)


def test_a_poor_scan_is_noted_and_calibrated_by_its_own_maps(tmp_path: Path) -> None:
    ocr_fit = fit_calibration([0.99] * 100, [True] * 99 + [False])
    poor_fit = fit_calibration([0.99] * 100, [True] * 80 + [False] * 20)
    path = tmp_path / "calibration.json"
    grade = PageGrade(below=0.995, share=0.25)
    save_calibrations(path, {"ocr": ocr_fit, "ocr-poor/amount": poor_fit}, grade)
    assert read_calibration_file(path)[1] == grade

    info = DocumentInfo(doc_id="sha256:0", file="x.pdf", pages=2, page_sources=["ocr", "ocr"])
    document = Document(document=info, figures=[_figure("income_total", 0.99, page=1),
                                                 _figure("income_year", 0.99, page=2)])
    clean, poor = _scanned_page(1, [1.0] * 9 + [0.9]), _scanned_page(2, [1.0] * 7 + [0.9] * 3)
    document = score(document, ConfidenceOptions(calibration=str(path)), pages=[clean, poor])

    on_clean, on_poor = document.figures
    assert on_clean.confidence > 0.95 and on_clean.status == "auto"
    assert on_poor.confidence < 0.85 and on_poor.status == "review"
    [note] = document.document.page_notes
    assert (note.page, note.kind) == (2, "poor_scan") and "30%" in note.message
    score(document, ConfidenceOptions(calibration=str(path)), pages=[clean, poor])
    assert len(document.document.page_notes) == 1  # scored again: noted once


def test_a_malformed_grade_is_refused_when_the_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "calibration.json"
    save_calibrations(path, {"ocr": fit_calibration([0.99] * 10, [True] * 10)})
    data = json.loads(path.read_text(encoding="utf-8"))
    for bad in ({"below": 0.995, "share": "a quarter"}, {"below": 0.995, "share": 0.25, "extra": 1}):
        path.write_text(json.dumps({**data, "poor_scan": bad}), encoding="utf-8")
        with pytest.raises(TypeError):
            read_calibration_file(path)


def test_a_poor_scan_without_maps_of_its_own_uses_the_ocr_ones() -> None:
    ocr, ocr_amount = fit_calibration([0.5] * 50, [True] * 50), fit_calibration([0.5] * 50, [False] * 50)
    calibrations = {"ocr": ocr, "ocr/amount": ocr_amount}
    assert calibration_for(calibrations, "ocr-poor", "amount") is ocr_amount
    assert calibration_for(calibrations, "ocr-poor", "text") is ocr
    assert calibration_for(calibrations, "text", "text") is IDENTITY


def test_without_a_grade_in_the_calibration_no_page_is_graded(tmp_path: Path) -> None:
    path = tmp_path / "calibration.json"
    save_calibrations(path, {"ocr": fit_calibration([0.99] * 100, [True] * 100)})
    info = DocumentInfo(doc_id="sha256:0", file="x.pdf", pages=1, page_sources=["ocr"])
    document = Document(document=info, figures=[_figure("income_total", 0.99, page=1)])
    document = score(document, ConfidenceOptions(calibration=str(path)), pages=[_scanned_page(1, [0.5] * 10)])
    assert document.document.page_notes == []
    assert doubtful_share(_scanned_page(1, [0.5, 1.0]).chars) == 0.5
    assert doubtful_share([]) is None
