"""RapidOCR 3.x (PP-OCRv6 small det/rec on onnxruntime), the default engine.

The models are the ONNX files inside the rapidocr wheel.  Every model path is
given explicitly: with a path unset, rapidocr resolves a URL and calls its
downloader, which must never happen here.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np

from pipeline.config import resolve_path
from pipeline.model import BBox
from pipeline.ocr.base import ROW_PAD_PX, OcrOptions, PixelLine, RegionReader, pad_row, split_box, text_rows

_BUNDLED_MODELS = {
    "Det.model_path": "PP-OCRv6_det_small.onnx",
    "Rec.model_path": "PP-OCRv6_rec_small.onnx",
    "Cls.model_path": "ch_ppocr_mobile_v2.0_cls_mobile.onnx",
}




class RapidOcrEngine(RegionReader):
    name = "rapidocr"

    def __init__(self, options: OcrOptions) -> None:
        super().__init__(options)
        from rapidocr import RapidOCR

        self._ocr = RapidOCR(params=_params(options))
        # RapidOCR keeps per-call switches as its own state, so every call
        # states all of them; otherwise a read_cell would turn detection off
        # for the next read.  For the same reason an engine is not thread-safe.
        use_cls = options.rapidocr_use_angle_classifier
        self._full_pass = dict(
            use_det=True, use_cls=use_cls, use_rec=True, return_word_box=True, return_single_char_box=True
        )
        # Without detection, word_results hold the recogniser's raw CTC columns.
        self._line_only = dict(
            use_det=False, use_cls=False, use_rec=True, return_word_box=True, return_single_char_box=True
        )

    def _read_lines(self, image: np.ndarray) -> list[PixelLine]:
        result = self._ocr(image, **self._full_pass)
        if result.txts is None or len(result.txts) == 0:
            return []
        # rapidocr drops lines without character boxes from word_results, so
        # they line up with txts only when every line has them.
        char_results = result.word_results if len(result.word_results) == len(result.txts) else None
        lines = []
        for index, (text, score, quad) in enumerate(zip(result.txts, result.scores, result.boxes, strict=True)):
            chars = char_results[index] if char_results is not None else ()
            lines.append(_pixel_line(text, float(score), _quad_bbox(quad), chars))
        return lines

    def read_cell(self, image_crop: np.ndarray) -> tuple[str, float]:
        rows = text_rows(image_crop)
        if not rows:
            return "", 1.0
        texts, scores = [], []
        for row in rows:
            # The padded row as it is, as the recogniser reads best (not
            # cut into rows again: a lone dash would go as a rule remnant).
            line, score = self._in_pieces(pad_row(image_crop, row), self._recognise)
            if line.text:
                texts.append(line.text)
                scores.append(score)
        return "".join(texts), min(scores, default=0.0)

    def read_lines(self, image_crops: list[np.ndarray]) -> list[tuple[PixelLine, float]]:
        """``read_line`` of each crop, the recogniser run once over all their
        pieces (in rapidocr's batches of inputs of similar width): a page's
        cells cost a sixth of the model runs.  The pieces are found first
        with the recognition left out, then the same cutting is done again
        with the batch's answers, so both ways read the same pieces."""
        pieces: list[np.ndarray] = []

        def collect(piece: np.ndarray) -> tuple[PixelLine, float]:
            pieces.append(piece)
            return PixelLine("", [], []), 0.0

        for crop in image_crops:
            self._in_pieces(crop, partial(self._read_rows, recognise=collect))
        answers = iter(self._recognise_all(pieces))
        return [
            self._in_pieces(crop, partial(self._read_rows, recognise=lambda _: next(answers))) for crop in image_crops
        ]

    def _read_line(self, image_crop: np.ndarray) -> tuple[PixelLine, float]:
        return self._read_rows(image_crop, self._recognise)

    def _read_rows(
        self, image_crop: np.ndarray, recognise: Callable[[np.ndarray], tuple[PixelLine, float]]
    ) -> tuple[PixelLine, float]:
        # Each text row trimmed to its ink and padded, as the recogniser
        # reads best; a crop of several rows is read row after row.
        rows = text_rows(image_crop)
        text, boxes, confidences, scores = "", [], [], []
        for row in rows:
            line, score = recognise(pad_row(image_crop, row))
            if not line.text:
                continue
            dx, dy = row[0] - ROW_PAD_PX, row[1] - ROW_PAD_PX
            text += line.text
            boxes += [(a + dx, b + dy, c + dx, d + dy) for a, b, c, d in line.char_boxes]
            confidences += line.char_conf
            scores.append(score)
        # Rows that all read as nothing say nothing with certainty; no rows is a blank crop.
        return PixelLine(text, boxes, confidences), min(scores, default=0.0 if rows else 1.0)

    def _recognise(self, piece: np.ndarray) -> tuple[PixelLine, float]:
        """Recognition alone on ``piece``, each character boxed at its CTC column."""
        return self._recognise_all([piece])[0]

    def _recognise_all(self, pieces: list[np.ndarray]) -> list[tuple[PixelLine, float]]:
        """Recognition alone on every piece, in rapidocr's batches: each input
        made ready as a call of rapidocr's own makes it (colour, size bounds),
        each character boxed at its CTC column."""
        if not pieces:
            return []
        from rapidocr.main import RapidOCRError

        self._ocr.update_params(**self._line_only)
        inputs = [self._ocr.preprocess_img(self._ocr.load_img(piece))[0] for piece in pieces]
        try:
            result = self._ocr.recognize_txt(inputs)
        except RapidOCRError:  # what a single call logs and answers with nothing
            return [(PixelLine("", [], []), 0.0) for _ in pieces]
        return [
            _recognised(piece, text, score, columns)
            for piece, text, score, columns in zip(pieces, result.txts, result.scores, result.word_results, strict=True)
        ]


def _recognised(piece: np.ndarray, text: str, score: float, columns: object) -> tuple[PixelLine, float]:
    height, width = piece.shape[:2]
    score = float(score)
    return _columns_line(text, score, columns, float(width), float(height)), score


def _columns_line(text: str, score: float, columns: object, width: float, height: float) -> PixelLine:
    """A recognised line with each character boxed at its CTC column.

    The recogniser emits a character at the column of its input where it
    sees it, so column (index + 0.5) / count of the crop's width is its
    centre; the box around it is an em (the crop's height) wide for CJK
    characters and half that otherwise.  Falls back to proportional
    splitting when the columns do not match the text.
    """
    words = [ch for word in getattr(columns, "words", None) or [] for ch in word]
    cols = [col for word in getattr(columns, "word_cols", None) or [] for col in word]
    count = getattr(columns, "line_txt_len", 0) or 0
    confidences = list(getattr(columns, "confs", None) or [])
    visible = [ch for ch in text if not ch.isspace()]
    if not count or words != visible or len(cols) != len(visible) or len(confidences) != len(visible):
        return PixelLine(text, split_box(text, (0.0, 0.0, width, height)), [score] * len(text))
    boxes: list[BBox | None] = []
    char_conf: list[float] = []
    placed = iter(zip(cols, confidences, strict=True))
    for ch in text:
        if ch.isspace():
            boxes.append(None)
            char_conf.append(score)
            continue
        col, confidence = next(placed)
        centre = (col + 0.5) * width / count
        half = height / 2 if unicodedata.east_asian_width(ch) in "WF" else height / 4
        boxes.append((centre - half, 0.0, centre + half, height))
        char_conf.append(float(confidence))
    return PixelLine(text, _fill_space_boxes(boxes, (0.0, 0.0, width, height)), char_conf)


def _params(options: OcrOptions) -> dict[str, object]:
    import rapidocr

    model_dir = Path(rapidocr.__file__).parent / "models"
    params: dict[str, object] = {key: str(model_dir / name) for key, name in _BUNDLED_MODELS.items()}
    for path in params.values():
        if not Path(path).is_file():
            raise FileNotFoundError(f"the rapidocr wheel should ship {path}; reinstall rapidocr==3.10.0")
    if options.rapidocr_rec_model:
        params["Rec.model_path"] = str(resolve_path(options.rapidocr_rec_model))
        if options.rapidocr_rec_keys:
            params["Rec.rec_keys_path"] = str(resolve_path(options.rapidocr_rec_keys))
    params |= {
        "Global.log_level": "warning",
        "Global.text_score": options.min_confidence,
        "Global.use_cls": options.rapidocr_use_angle_classifier,
        "Det.limit_type": options.rapidocr_det_limit_type,
        "Det.limit_side_len": options.rapidocr_det_limit_side_len,
        "EngineConfig.onnxruntime.intra_op_num_threads": options.threads,
    }
    return params


def _quad_bbox(quad: np.ndarray) -> BBox:
    xs, ys = np.asarray(quad)[:, 0], np.asarray(quad)[:, 1]
    return (float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max()))


def _pixel_line(text: str, score: float, line_box: BBox, chars: tuple) -> PixelLine:
    """A line with one box per character of ``text``, spaces included.

    rapidocr boxes every non-space character (``chars``: (char, score, quad)).
    Spaces get the gap between their neighbours.  If the characters do not
    match the text one for one, the line box is split proportionally instead.
    """
    visible = [ch for ch in text if not ch.isspace()]
    if len(chars) != len(visible) or any(c[0] != ch for c, ch in zip(chars, visible, strict=True)):
        return PixelLine(text, split_box(text, line_box), [score] * len(text))

    boxes: list[BBox | None] = []
    confidences: list[float] = []
    found = iter(chars)
    for ch in text:
        if ch.isspace():
            boxes.append(None)
            confidences.append(score)
        else:
            _, char_score, quad = next(found)
            boxes.append(_quad_bbox(quad))
            confidences.append(float(char_score))
    return PixelLine(text, _fill_space_boxes(boxes, line_box), confidences)


def _fill_space_boxes(boxes: list[BBox | None], line_box: BBox) -> list[BBox]:
    """Box each space (``None``) as the gap between its neighbours."""
    filled: list[BBox] = []
    for index, box in enumerate(boxes):
        if box is not None:
            filled.append(box)
            continue
        left = filled[-1][2] if filled else line_box[0]
        after = next((b for b in boxes[index + 1 :] if b is not None), None)
        right = after[0] if after is not None else line_box[2]
        filled.append((left, line_box[1], max(left, right), line_box[3]))
    return filled
