"""Which way up a scan is: 0, 90, 180 or 270 degrees.

Entry point: ``quarter_turns(image, engine) -> int``, the clockwise quarter
turns (0-3) that make the page upright.

The recogniser is asked: a few of the longest lines of ink are read as
they lie and turned half round; upright Chinese print reads at 0.93-0.99
confidence, turned print at 0.15-0.45.  The first line that reads surely
one way settles it, so an upright page costs one recognition.  Only when
no line of the page as it lies reads surely is it tried a quarter turn
round.  (Ink profiles cannot tell sideways from upright here: Chinese is
set on a square grid, so its characters line up down the page as well as
across it.)
"""

from __future__ import annotations

import cv2
import numpy as np

from pipeline.imaging import as_grey, ink_mask
from pipeline.ocr import OcrEngine

# Width the page is shrunk to for finding lines.
_PROFILE_WIDTH = 800
# Lines sampled per way the page may lie, at most this many line heights
# long, and the confidence that settles the question on one line.
_SAMPLE_LINES = 4
_STRIP_HEIGHTS = 14
_SURE = 0.9
_MIN_CHARS = 4


def quarter_turns(image: np.ndarray, engine: OcrEngine) -> int:
    """Clockwise quarter turns that make ``image`` upright (0 when it has too
    little text to tell)."""
    grey = as_grey(image)
    totals: dict[int, float] = {}
    for turns in (0, 1):
        turned = np.ascontiguousarray(np.rot90(grey, -turns)) if turns else grey
        small = _shrunk(turned)
        ink = ink_mask(small)
        if ink.mean() < 0.002:
            return 0
        for strip in _line_strips(turned, ink, turned.shape[1] / small.shape[1]):
            for half_turns, piece in ((0, strip), (2, np.ascontiguousarray(np.rot90(strip, 2)))):
                line, score = engine.read_line(piece)
                if len(line.text.strip()) >= _MIN_CHARS and score >= _SURE:
                    return turns + half_turns
                totals[turns + half_turns] = totals.get(turns + half_turns, 0.0) + (score if line.text else 0.0)
    return max(totals, key=lambda way: totals[way]) if totals and max(totals.values()) > 0 else 0


def _shrunk(grey: np.ndarray) -> np.ndarray:
    factor = min(1.0, _PROFILE_WIDTH / max(grey.shape))
    return cv2.resize(grey, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)


def _line_strips(grey: np.ndarray, small_ink: np.ndarray, scale: float) -> list[np.ndarray]:
    """Crops of the longest text lines (full resolution), each at most
    twenty line heights long."""
    # Smeared along the line by less than the gap between lines (about half
    # an em at single spacing), so that characters of one line join and the
    # lines of a sideways page do not.
    smeared = cv2.dilate(small_ink.astype(np.uint8), np.ones((1, _smear_px(small_ink)), np.uint8))
    count, _, stats, _ = cv2.connectedComponentsWithStats(smeared, connectivity=8)
    boxes = []
    for label in range(1, count):
        x, y, w, h = stats[label, :4]
        if h >= 3 and w >= 6 * h and _glyph_gaps(small_ink[y : y + h, x : x + w]) >= 0.3 * w / h:
            boxes.append((x, y, w, h))  # a line of characters, not a rule, seal arc or glyph
    boxes.sort(key=lambda box: -box[2])
    strips = []
    for x, y, w, h in boxes[:_SAMPLE_LINES]:
        x0, y0 = int(x * scale), int(max(0, y - 1) * scale)
        y1 = int((y + h + 1) * scale)
        x1 = int(min(x + w, x + _STRIP_HEIGHTS * h) * scale)
        strip = grey[y0:y1, x0:x1]
        if strip.size:
            strips.append(np.ascontiguousarray(strip))
    return strips


def _smear_px(ink: np.ndarray) -> int:
    """A third of the median height of the ink's blobs (glyphs or their parts)."""
    _, _, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    heights = stats[1:, cv2.CC_STAT_HEIGHT]
    heights = heights[heights >= 3]
    return max(2, round(float(np.median(heights)) / 3)) if len(heights) else 2


def _glyph_gaps(ink: np.ndarray) -> int:
    """How many times the ink of a line starts anew along it (about once per character)."""
    inked = ink.any(axis=0).astype(np.int8)
    return int(np.count_nonzero(np.diff(inked) == 1))
