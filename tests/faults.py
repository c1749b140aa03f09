"""A fault-injecting OCR engine, in the manner of OCRmyPDF's test plugins.

It wraps a real engine and raises on the page (or the call) it is told to,
so a test proves that one failing page costs that page and nothing else.
Registered under ``faulty`` in ``pipeline.ocr.ENGINES`` by ``install``.
What the real engine answers is remembered by image, so a reference run
and a failing run of the same document pay for the OCR once.
"""

from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass

import numpy as np

from pipeline import ocr
from pipeline.ocr import OcrEngine, OcrOptions


class InjectedFault(RuntimeError):
    """What the faulty engine raises."""


@dataclass
class Plan:
    fail_on_page: int | None = None  # raise when reading this page's running text
    fail_on_call: int | None = None  # raise on this (1-based) call of any method
    calls: int = 0


PLAN = Plan()
_ANSWERS: dict[tuple, object] = {}


class FaultyEngine:
    name = "faulty"

    def __init__(self, options: OcrOptions) -> None:
        self.inner: OcrEngine = ocr.get_engine("rapidocr", options)

    def _tick(self, page: int | None = None) -> None:
        PLAN.calls += 1
        if PLAN.fail_on_call == PLAN.calls or (page is not None and page == PLAN.fail_on_page):
            raise InjectedFault(f"injected fault (call {PLAN.calls}, page {page})")

    def read(self, image: np.ndarray, regions=None, *, page: int = 1, to_points=None):
        self._tick(page)
        key = ("read", _digest(image), page, repr(regions), repr(to_points))
        return _remembered(key, lambda: self.inner.read(image, regions, page=page, to_points=to_points))

    def read_cell(self, image_crop: np.ndarray):
        self._tick()
        return _remembered(("cell", _digest(image_crop)), lambda: self.inner.read_cell(image_crop))

    def read_line(self, image_crop: np.ndarray):
        self._tick()
        return _remembered(("line", _digest(image_crop)), lambda: self.inner.read_line(image_crop))

    def read_lines(self, image_crops: list[np.ndarray]):
        for _ in image_crops:  # a call per line, as if read one by one
            self._tick()
        key = ("lines", *(_digest(crop) for crop in image_crops))
        return _remembered(key, lambda: self.inner.read_lines(image_crops))


def _digest(image: np.ndarray) -> tuple:
    return image.shape, hashlib.blake2b(np.ascontiguousarray(image).tobytes(), digest_size=16).digest()


def _remembered(key: tuple, answer):
    if key not in _ANSWERS:
        _ANSWERS[key] = answer()
    return copy.deepcopy(_ANSWERS[key])


def install(monkeypatch, **plan) -> None:
    """Register the engine and set what it fails on (reset for each test)."""
    monkeypatch.setitem(ocr.ENGINES, "faulty", FaultyEngine)
    monkeypatch.setattr(PLAN, "fail_on_page", plan.get("fail_on_page"))
    monkeypatch.setattr(PLAN, "fail_on_call", plan.get("fail_on_call"))
    monkeypatch.setattr(PLAN, "calls", 0)
