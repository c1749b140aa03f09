"""PaddleOCR 3.x adapter, an optional extra.

Not installed by default: paddleocr 3.7 pulls paddlex, which pins an older
numpy and opencv-contrib-python (a second cv2 that clashes with the pinned
OpenCV).  Install it in its own environment and point
``OcrOptions.paddle_model_dir`` at a folder with the det and rec inference
models (sub-folders named like ``OcrOptions.paddle_det_model``); the adapter
refuses to run without them, because PaddleOCR would otherwise download them.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from pipeline.ocr.base import OcrOptions, PixelLine, RegionReader, pad_row, split_box, text_rows


class PaddleOcrEngine(RegionReader):
    name = "paddleocr"

    def __init__(self, options: OcrOptions) -> None:
        super().__init__(options)
        det_dir, rec_dir = _model_dirs(options)
        # PaddleX probes its model hosts at import time unless told not to.
        os.environ.setdefault("PADDLE_PDX_DISABLE_MODEL_SOURCE_CHECK", "True")
        try:
            from paddleocr import PaddleOCR, TextRecognition
        except ImportError as error:
            raise ImportError(
                "the 'paddleocr' engine needs paddleocr 3.x and paddlepaddle, which are not installed "
                "(they conflict with this project's numpy/OpenCV pins); use 'rapidocr' or 'tesseract', "
                "or install them in a separate environment"
            ) from error
        self._ocr = PaddleOCR(
            text_detection_model_name=options.paddle_det_model,
            text_detection_model_dir=str(det_dir),
            text_recognition_model_name=options.paddle_rec_model,
            text_recognition_model_dir=str(rec_dir),
            use_doc_orientation_classify=False,
            use_doc_unwarping=False,
            use_textline_orientation=False,
            text_rec_score_thresh=options.min_confidence,
            device="cpu",
        )
        self._recogniser = TextRecognition(model_name=options.paddle_rec_model, model_dir=str(rec_dir), device="cpu")

    def _read_lines(self, image: np.ndarray) -> list[PixelLine]:
        lines = []
        for result in self._ocr.predict(image):
            for text, score, box in zip(result["rec_texts"], result["rec_scores"], result["rec_boxes"], strict=True):
                if text:
                    bbox = tuple(float(v) for v in box)
                    lines.append(PixelLine(text, split_box(text, bbox), [float(score)] * len(text)))
        return lines

    def read_cell(self, image_crop: np.ndarray) -> tuple[str, float]:
        rows = text_rows(image_crop)
        if not rows:
            return "", 1.0
        results = [next(iter(self._recogniser.predict(pad_row(image_crop, row)))) for row in rows]
        return "".join(r["rec_text"] for r in results), min(float(r["rec_score"]) for r in results)


def _model_dirs(options: OcrOptions) -> tuple[Path, Path]:
    if options.paddle_model_dir is None:
        raise ValueError(
            "the 'paddleocr' engine needs OcrOptions.paddle_model_dir: local models, nothing is downloaded"
        )
    root = Path(options.paddle_model_dir)
    dirs = (root / options.paddle_det_model, root / options.paddle_rec_model)
    missing = [str(d) for d in dirs if not d.is_dir()]
    if missing:
        raise FileNotFoundError(f"PaddleOCR model folders not found: {', '.join(missing)}")
    return dirs
