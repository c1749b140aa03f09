"""OCR engines behind one interface, chosen by name.

    engine = get_engine("rapidocr")            # or "tesseract", "paddleocr"
    lines = engine.read(page_image, regions, page=3, to_points=cleaned.to_points(dpi))
    text, confidence = engine.read_cell(cell_crop)

Engines are built once per (name, options) and reused: loading the models
costs far more than reading a page.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from pipeline.ocr.base import OcrEngine, OcrOptions, PixelLine, RegionReader


def _rapidocr(options: OcrOptions) -> OcrEngine:
    from pipeline.ocr.rapid import RapidOcrEngine

    return RapidOcrEngine(options)


def _tesseract(options: OcrOptions) -> OcrEngine:
    from pipeline.ocr.tesseract import TesseractEngine

    return TesseractEngine(options)


def _paddleocr(options: OcrOptions) -> OcrEngine:
    from pipeline.ocr.paddle import PaddleOcrEngine

    return PaddleOcrEngine(options)


# Imports stay inside the builders so that choosing one engine never loads
# another's libraries.
ENGINES: dict[str, Callable[[OcrOptions], OcrEngine]] = {
    "rapidocr": _rapidocr,
    "tesseract": _tesseract,
    "paddleocr": _paddleocr,
}


def get_engine(name: str = "rapidocr", options: OcrOptions | None = None) -> OcrEngine:
    """The engine called ``name`` (a key of ``ENGINES``), built with ``options``."""
    if name not in ENGINES:
        raise ValueError(f"unknown OCR engine {name!r}; choose one of {sorted(ENGINES)}")
    return _build(name, options or OcrOptions())


@cache
def _build(name: str, options: OcrOptions) -> OcrEngine:
    return ENGINES[name](options)


__all__ = ["ENGINES", "OcrEngine", "OcrOptions", "PixelLine", "RegionReader", "get_engine"]
