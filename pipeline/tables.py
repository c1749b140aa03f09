"""Ruled tables of born-digital pages as grids with spans.

Entry points:

* ``recognise(page, options) -> list[Table]`` — the tables of one page, by
  the engine named in ``TableOptions.engine``: ``"vector"`` (default) reads
  the page's vector rules exactly; ``"camelot"`` runs camelot's lattice
  parser on the rendered page (slow; kept for comparison).
* stitching a table split by a page break into one is ``pipeline.stitch``.
* ``table_regions(page)`` / ``chars_outside_tables(page)`` — what reading
  needs to keep table text out of running text (from ``page.tables``).

The vector engine does what camelot lattice does on an image, on exact
vectors: snap and merge collinear rules, find tables as clusters of
touching rules, take the distinct rule positions as grid lines, and merge
grid rectangles where an inner rule is missing (rowspan/colspan).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

from pipeline.model import BBox, Char, Page, Segment, Table, TableCell, union_bbox
from pipeline.textlines import chars_text


@dataclass(frozen=True, slots=True)
class TableOptions:
    engine: str = "vector"  # "vector" | "camelot"
    snap_tolerance: float = 2.0  # rule positions closer than this are one grid line
    join_tolerance: float = 2.0  # collinear rules with a smaller gap are one rule
    min_cells: int = 2  # a lone framed box is a frame, not a table
    # stitch: column boundaries of two parts agree within this share of the table's width,
    # after each part is scaled to the same width
    column_tolerance: float = 0.012
    width_tolerance: float = 0.07  # stitch: parts' widths may differ by this share (feeder drift)
    margin_band: float = 0.1  # stitch: share of page height holding headers/footers
    # stitch: a first row matching this starts a new form instead of continuing one
    new_table_first_row: str = r"^(项目名称|项目支出绩效自评表|部门（单位）名称|单位名称|部门名称)"
    camelot_backend: str = "pdfium"
    camelot_line_scale: int = 40


class TableEngine(Protocol):
    name: str

    def recognise(self, page: Page) -> list[Table]: ...


def recognise(page: Page, options: TableOptions | None = None) -> list[Table]:
    """Tables of a born-digital page, top to bottom."""
    options = options or TableOptions()
    return get_engine(options).recognise(page)


def get_engine(options: TableOptions) -> TableEngine:
    engines: dict[str, Callable[[TableOptions], TableEngine]] = {"vector": VectorEngine, "camelot": CamelotEngine}
    try:
        return engines[options.engine](options)
    except KeyError:
        raise ValueError(f"unknown table engine {options.engine!r}; known: {sorted(engines)}") from None


# --------------------------------------------------------------------------
# Grid with spans (shared by both engines)
# --------------------------------------------------------------------------

# (row, col) -> whether a rule separates the cell from its right neighbour /
# from the one below.
EdgeTest = Callable[[int, int], bool]


Span = tuple[int, int, int, int]  # row, col, rowspan, colspan


def span_cells(n_rows: int, n_cols: int, right_edge: EdgeTest, bottom_edge: EdgeTest) -> list[Span]:
    """(row, col, rowspan, colspan) of the merged cells of a grid.

    Row-major and greedy: a cell grows right while no rule closes it, then
    down while no rule closes its whole width — the rectangles a ruled table
    is drawn with, and never overlapping.
    """
    taken = [[False] * n_cols for _ in range(n_rows)]
    cells: list[Span] = []
    for row in range(n_rows):
        for col in range(n_cols):
            if taken[row][col]:
                continue
            colspan = 1
            while col + colspan < n_cols and not taken[row][col + colspan] and not right_edge(row, col + colspan - 1):
                colspan += 1
            rowspan = 1
            while row + rowspan < n_rows and all(
                not taken[row + rowspan][c] and not bottom_edge(row + rowspan - 1, c) for c in range(col, col + colspan)
            ):
                rowspan += 1
            for r in range(row, row + rowspan):
                for c in range(col, col + colspan):
                    taken[r][c] = True
            cells.append((row, col, rowspan, colspan))
    return cells


# --------------------------------------------------------------------------
# Vector engine
# --------------------------------------------------------------------------


@dataclass(slots=True)
class _Rule:
    """An axis-aligned rule: ``at`` is its y (horizontal) or x (vertical)."""

    at: float
    start: float
    end: float


class VectorEngine:
    name = "vector"

    def __init__(self, options: TableOptions | None = None) -> None:
        self.options = options or TableOptions()

    def recognise(self, page: Page) -> list[Table]:
        if not page.rules:  # a scanned page has them once the scan stage has read its image
            return []
        horizontals, verticals = self._rules(page.rules)
        tables = []
        for cluster_h, cluster_v in _touching_clusters(horizontals, verticals, self.options.snap_tolerance):
            table = self._table(page, cluster_h, cluster_v)
            if table is not None:
                tables.append(table)
        tables.sort(key=lambda t: t.bbox[1])
        return tables

    def _rules(self, segments: list[Segment]) -> tuple[list[_Rule], list[_Rule]]:
        horizontal = [_Rule(s.y0, s.x0, s.x1) for s in segments if s.horizontal]
        vertical = [_Rule(s.x0, s.y0, s.y1) for s in segments if not s.horizontal]
        snap, join = self.options.snap_tolerance, self.options.join_tolerance
        return _merge_collinear(horizontal, snap, join), _merge_collinear(vertical, snap, join)

    def _table(self, page: Page, horizontals: list[_Rule], verticals: list[_Rule]) -> Table | None:
        tol = self.options.snap_tolerance
        # Outer ends of the rules count as grid lines too, so an open-sided
        # table still gets its first and last column.
        xs = _snap([v.at for v in verticals] + [h.start for h in horizontals] + [h.end for h in horizontals], tol)
        ys = _snap([h.at for h in horizontals] + [v.start for v in verticals] + [v.end for v in verticals], tol)
        n_rows, n_cols = len(ys) - 1, len(xs) - 1
        if n_rows < 1 or n_cols < 1:
            return None
        verticals_at = _rules_by_line(verticals, xs, tol)
        horizontals_at = _rules_by_line(horizontals, ys, tol)

        def right_edge(row: int, col: int) -> bool:
            return _covers(verticals_at[col + 1], (ys[row] + ys[row + 1]) / 2, tol)

        def bottom_edge(row: int, col: int) -> bool:
            return _covers(horizontals_at[row + 1], (xs[col] + xs[col + 1]) / 2, tol)

        spans = span_cells(n_rows, n_cols, right_edge, bottom_edge)
        if len(spans) < self.options.min_cells:
            return None
        cells = _fill_cells(page, spans, xs, ys)
        bbox = (xs[0], ys[0], xs[-1], ys[-1])
        return Table(page=page.number, bbox=bbox, n_rows=n_rows, n_cols=n_cols, cells=cells, pages=[page.number])


def _merge_collinear(rules: list[_Rule], snap: float, join: float) -> list[_Rule]:
    """Rules on one line (within ``snap``) and touching (gap below ``join``)
    become one; cell-by-cell borders become full-length rules."""
    merged: list[_Rule] = []
    for group in _groups_by(sorted(rules, key=lambda r: r.at), lambda r: r.at, snap):
        at = sum(r.at for r in group) / len(group)
        current: _Rule | None = None
        for rule in sorted(group, key=lambda r: r.start):
            if current is not None and rule.start <= current.end + join:
                current.end = max(current.end, rule.end)
            else:
                current = _Rule(at, rule.start, rule.end)
                merged.append(current)
    return merged


def _groups_by(items: list, key: Callable, tol: float) -> Iterable[list]:
    """Runs of sorted ``items`` whose consecutive keys differ by at most ``tol``."""
    group: list = []
    for item in items:
        if group and key(item) - key(group[-1]) > tol:
            yield group
            group = []
        group.append(item)
    if group:
        yield group


def _snap(values: list[float], tol: float) -> list[float]:
    return [sum(g) / len(g) for g in _groups_by(sorted(values), lambda v: v, tol)]


def _touching_clusters(
    horizontals: list[_Rule], verticals: list[_Rule], tol: float
) -> list[tuple[list[_Rule], list[_Rule]]]:
    """Groups of rules connected through crossings; a group with at least two
    rules each way is a table candidate."""
    parent = list(range(len(horizontals) + len(verticals)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    offset = len(horizontals)
    for i, h in enumerate(horizontals):
        for j, v in enumerate(verticals):
            if h.start - tol <= v.at <= h.end + tol and v.start - tol <= h.at <= v.end + tol:
                parent[find(i)] = find(offset + j)
    groups: dict[int, tuple[list[_Rule], list[_Rule]]] = {}
    for i, h in enumerate(horizontals):
        groups.setdefault(find(i), ([], []))[0].append(h)
    for j, v in enumerate(verticals):
        groups.setdefault(find(offset + j), ([], []))[1].append(v)
    return [(h, v) for h, v in groups.values() if len(h) >= 2 and len(v) >= 2]


def _rules_by_line(rules: list[_Rule], lines: list[float], tol: float) -> list[list[_Rule]]:
    by_line: list[list[_Rule]] = [[] for _ in lines]
    for rule in rules:
        index = min(range(len(lines)), key=lambda k: abs(lines[k] - rule.at))
        if abs(lines[index] - rule.at) <= tol:
            by_line[index].append(rule)
    return by_line


def _covers(rules: list[_Rule], position: float, tol: float) -> bool:
    return any(r.start - tol <= position <= r.end + tol for r in rules)


def _fill_cells(page: Page, spans: list[Span], xs: list[float], ys: list[float]) -> list[TableCell]:
    """Cells with their text: each char goes to the grid square holding its centre."""
    owner: dict[tuple[int, int], int] = {}
    for index, (row, col, rowspan, colspan) in enumerate(spans):
        for r in range(row, row + rowspan):
            for c in range(col, col + colspan):
                owner[(r, c)] = index
    chars_of: list[list[Char]] = [[] for _ in spans]
    for char in page.chars:
        cx = (char.bbox[0] + char.bbox[2]) / 2
        cy = (char.bbox[1] + char.bbox[3]) / 2
        if xs[0] < cx < xs[-1] and ys[0] < cy < ys[-1]:
            chars_of[owner[(bisect_right(ys, cy) - 1, bisect_right(xs, cx) - 1)]].append(char)
    cells = []
    for (row, col, rowspan, colspan), chars in zip(spans, chars_of, strict=True):
        run = chars_text(chars, page.number)
        cells.append(
            TableCell(
                row=row,
                col=col,
                rowspan=rowspan,
                colspan=colspan,
                text=run.string(),
                bbox=(xs[col], ys[row], xs[col + colspan], ys[row + rowspan]),
                confidence=min(run.conf, default=1.0),
                page=page.number,
                char_boxes=run.boxes,
                char_conf=run.conf,
            )
        )
    return cells


# --------------------------------------------------------------------------
# Camelot engine
# --------------------------------------------------------------------------


class CamelotEngine:
    """camelot's lattice parser on the page image (pdfium backend).

    Slow (renders the page and runs OpenCV); here to compare against and for
    PDFs whose rules are images rather than vectors.
    """

    name = "camelot"

    def __init__(self, options: TableOptions | None = None) -> None:
        self.options = options or TableOptions()

    def recognise(self, page: Page) -> list[Table]:
        import camelot  # heavy import, only when this engine is chosen

        if not page.file:
            raise ValueError(f"page {page.number}: the camelot engine needs Page.file (the PDF path)")
        found = camelot.read_pdf(
            page.file,
            pages=str(page.number),
            flavor="lattice",
            backend=self.options.camelot_backend,
            line_scale=self.options.camelot_line_scale,
            suppress_stdout=True,
        )
        tables = [_from_camelot(table, page) for table in found]
        return sorted((t for t in tables if len(t.cells) >= self.options.min_cells), key=lambda t: t.bbox[1])


def _from_camelot(found, page: Page) -> Table:
    """camelot's grid (one Cell per grid square, with flags for which of its
    borders are drawn) → our cells with spans, in top-left coordinates."""
    grid = found.cells
    n_rows, n_cols = len(grid), len(grid[0])
    spans = span_cells(
        n_rows,
        n_cols,
        right_edge=lambda r, c: grid[r][c].right or grid[r][c + 1].left,
        bottom_edge=lambda r, c: grid[r][c].bottom or grid[r + 1][c].top,
    )
    cells = []
    for row, col, rowspan, colspan in spans:
        squares = [grid[r][c] for r in range(row, row + rowspan) for c in range(col, col + colspan)]
        text = _join_camelot_text(s.text for s in squares)
        bbox = union_bbox([(s.x1, page.height - s.y2, s.x2, page.height - s.y1) for s in squares])
        cells.append(TableCell(row, col, rowspan, colspan, text, bbox, 1.0, page.number))
    return Table(page.number, union_bbox([c.bbox for c in cells]), n_rows, n_cols, cells, [page.number])


def _join_camelot_text(texts: Iterable[str]) -> str:
    """camelot keeps pdfminer's line breaks and spaces; cell text wraps, so
    lines join without a separator (a space only between Latin words)."""
    pieces = [piece.strip() for text in texts for piece in text.splitlines() if piece.strip()]
    joined = ""
    for piece in pieces:
        if joined and joined[-1].isascii() and joined[-1].isalpha() and piece[0].isascii() and piece[0].isalpha():
            joined += " "
        joined += piece
    return re.sub(r"(?<=[^\x00-\x7f]) (?=[^\x00-\x7f])", "", joined)


# --------------------------------------------------------------------------
# Table regions for reading
# --------------------------------------------------------------------------


def table_regions(page: Page) -> list[BBox]:
    """Boxes of the tables on ``page`` (from ``page.tables``), top to bottom."""
    regions = []
    for table in page.tables:
        boxes = [cell.bbox for cell in table.cells if cell.page == page.number]
        if boxes:
            regions.append(union_bbox(boxes))
    return sorted(regions, key=lambda box: box[1])


def chars_outside_tables(page: Page) -> list[Char]:
    """The page's chars that are not inside one of its tables: running text."""
    regions = table_regions(page)
    if not regions:
        return list(page.chars)
    return [char for char in page.chars if not any(_centre_inside(char.bbox, box) for box in regions)]


def _centre_inside(inner: BBox, outer: BBox) -> bool:
    cx = (inner[0] + inner[2]) / 2
    cy = (inner[1] + inner[3]) / 2
    return outer[0] <= cx <= outer[2] and outer[1] <= cy <= outer[3]
