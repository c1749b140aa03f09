"""Table rules found in the pixels of a scanned page.

``ruling_lines`` finds the ruled lines of tables with plain morphology,
returning the same ``Segment`` type the born-digital path reads from vector
graphics, so one lattice grid builder serves both once the segments are
mapped to points (``segments_to_points``).  Strokes too faint or too soft
to be printed (folds, shadows) and lines across the whole sheet are left
out.  Everything here works in pixels of the image it is given.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from pipeline.imaging import as_grey, paper_level
from pipeline.model import Segment
from pipeline.preprocess import Affine


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
