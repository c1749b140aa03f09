"""Tables printed without rules on a scanned page: where they are, and the
cell borders SLANet-plus predicts for them.

Entry points: ``unruled_table_regions(view, grids, options)`` and
``predicted_borders(view, box)``.
"""

from __future__ import annotations

import math
from statistics import median

import numpy as np

from pipeline.imaging import ink_mask
from pipeline.layout import Region, aligned_tables, detect, runs
from pipeline.model import BBox, Segment, Table
from pipeline.preprocess import Affine
from pipeline.scan.options import ScanOptions
from pipeline.scan.slanet import table_structure
from pipeline.scan.view import PageView


def unruled_table_regions(view: PageView, grids: list[Table], options: ScanOptions) -> list[BBox]:
    """Boxes (points) of tables with no grid of rules: whitespace-aligned
    blocks first (their boxes are tight), then CDLA table regions that
    overlap none of them.  Rules inside such a box (a three-line table's)
    give way to the predicted cell borders."""
    candidates: list[Region] = []
    if options.column_alignment:
        candidates += aligned_tables(view.tables_painted_out(grids, options.table_margin_pt), options.alignment)
    if options.layout:
        candidates += [region for region in detect(view.image, options.layout_model) if region.kind == "table"]
    boxes: list[BBox] = []
    for region in candidates:
        box = view.to_points.bbox(region.bbox)
        if not any(_overlap(box, other) for other in [*boxes, *(grid.bbox for grid in grids)]):
            boxes.append(box)
    return boxes


def predicted_borders(view: PageView, box: BBox) -> list[Segment]:
    """SLANet-plus cell borders of the table in ``box``, in points."""
    x0, y0, x1, y1 = view.pixel_box(box)
    crop_to_points = Affine.translation(x0, y0).then(view.to_points)
    return [crop_to_points.segment(s) for s in predicted_cell_borders(view.image[y0:y1, x0:x1])]


def _overlap(first: BBox, second: BBox) -> bool:
    return first[0] < second[2] and second[0] < first[2] and first[1] < second[3] and second[1] < first[3]


def inside(rule: Segment, box: BBox) -> bool:
    return box[0] <= rule.x0 <= box[2] and box[1] <= rule.y0 <= box[3]


def predicted_cell_borders(table_image: np.ndarray) -> list[Segment]:
    """Cell borders of a table image without rules, in its pixels.

    SLANet-plus predicts the table's structure (cells with row/column spans)
    and a box per cell.  Each grid line is put at the median of the cell
    edges that lie on it, then moved into the nearest blank band of the ink
    (predicted boxes are loose: a line may cut the second line of a wrapped
    cell), and rows or columns left without ink at the table's edges are
    dropped.  Every cell contributes its four sides on those lines: merged
    cells leave the inner rules out, as a drawn table does.
    """
    structure, boxes = table_structure(table_image)
    if not structure:
        return []
    ink = ink_mask(table_image)
    xs = _snapped(_grid_lines(structure, boxes, column=True), ink.any(axis=0))
    ys = _snapped(_grid_lines(structure, boxes, column=False), ink.any(axis=1))
    structure, xs, ys = _without_empty_edges(structure, xs, ys, ink)
    segments = []
    for row0, row1, col0, col1 in structure:
        left, right, top, bottom = xs[col0], xs[col1 + 1], ys[row0], ys[row1 + 1]
        segments += [
            Segment(left, top, right, top),
            Segment(left, bottom, right, bottom),
            Segment(left, top, left, bottom),
            Segment(right, top, right, bottom),
        ]
    return segments


def _snapped(lines: list[float], has_ink: np.ndarray) -> list[float]:
    """Each line moved to the middle of the nearest run without ink (kept
    where it is when no run is nearer than half the distance to a neighbour)."""
    blank = runs(~has_ink, 0)
    snapped = []
    for index, line in enumerate(lines):
        neighbours = [abs(line - lines[i]) for i in (index - 1, index + 1) if 0 <= i < len(lines)]
        reach = min(neighbours, default=float(len(has_ink))) / 2
        nearest = min(blank, key=lambda run: _distance(line, run), default=None)
        if nearest is not None and 0 < _distance(line, nearest) <= reach:
            line = (nearest[0] + nearest[1]) / 2
        snapped.append(float(np.clip(line, 0, len(has_ink))))
    return snapped


def _distance(position: float, run: tuple[int, int]) -> float:
    return max(run[0] - position, position - run[1], 0.0)


def _without_empty_edges(
    structure: list[tuple[int, int, int, int]], xs: list[float], ys: list[float], ink: np.ndarray
) -> tuple[list[tuple[int, int, int, int]], list[float], list[float]]:
    """The grid less any first or last row or column with no ink."""

    def empty(lo: float, hi: float, column: bool) -> bool:
        band = ink[:, int(lo) : math.ceil(hi)] if column else ink[int(lo) : math.ceil(hi)]
        return not band.any()

    while len(ys) > 2 and empty(ys[-2], ys[-1], column=False):
        ys = ys[:-1]
    while len(ys) > 2 and empty(ys[0], ys[1], column=False):
        ys = ys[1:]
        structure = [(r0 - 1, r1 - 1, c0, c1) for r0, r1, c0, c1 in structure]
    while len(xs) > 2 and empty(xs[-2], xs[-1], column=True):
        xs = xs[:-1]
    while len(xs) > 2 and empty(xs[0], xs[1], column=True):
        xs = xs[1:]
        structure = [(r0, r1, c0 - 1, c1 - 1) for r0, r1, c0, c1 in structure]
    rows, cols = len(ys) - 1, len(xs) - 1
    kept = [
        (max(r0, 0), min(r1, rows - 1), max(c0, 0), min(c1, cols - 1))
        for r0, r1, c0, c1 in structure
        if r1 >= 0 and c1 >= 0 and r0 < rows and c0 < cols
    ]
    return kept, xs, ys


def _grid_lines(structure: list[tuple[int, int, int, int]], boxes: np.ndarray, column: bool) -> list[float]:
    """Position of each grid line from the cell boxes whose sides lie on it."""
    first, last, lo, hi = (2, 3, 0, 2) if column else (0, 1, 1, 3)
    count = max(cell[last] for cell in structure) + 2
    on_line: list[list[float]] = [[] for _ in range(count)]
    for cell, box in zip(structure, boxes, strict=True):
        on_line[cell[first]].append(float(box[lo]))
        on_line[cell[last] + 1].append(float(box[hi]))
    positions = [median(values) if values else math.nan for values in on_line]
    # A line no cell edge lies on (a prediction gap) sits between its neighbours.
    for index, value in enumerate(positions):
        if math.isnan(value):
            known = [(i, v) for i, v in enumerate(positions) if not math.isnan(v)]
            before = max((item for item in known if item[0] < index), default=known[0])
            after = min((item for item in known if item[0] > index), default=known[-1])
            span = after[0] - before[0] or 1
            positions[index] = before[1] + (after[1] - before[1]) * (index - before[0]) / span
    return positions
