"""Tables split by a page break, joined on their structure.

Entry points:

* ``stitch(tables_by_page, options, pages) -> list[Table]`` — every table of a
  document in order, a table continued on the next page joined into one;
* ``continues(first, second, options)`` / ``joined(first, second, options)``
  — the same test and join for two given parts, for readers that place a
  part stitching left alone (``extract.performance`` gives a part without a
  header the column roles of the part before it).

Two parts are one table when their columns agree *in proportion*: each
part's column boundaries are taken relative to its own outer edges, so a
scanned page that lies shifted or scaled on the glass (feeder drift) still
matches, and the widths of the two parts may differ by ``width_tolerance``.
Absolute x positions are never compared.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import replace

from pipeline.model import Page, Table, TableCell
from pipeline.tables import TableOptions

# A repeated header row read by OCR on a second page may differ by a slip or two.
_REPEATED_HEADER_SIMILARITY = 0.85


def stitch(
    tables_by_page: list[list[Table]],
    options: TableOptions | None = None,
    pages: list[Page] | None = None,
) -> list[Table]:
    """All tables of a document in order, a table continued on the next page
    joined into one.

    The last table of page N continues as the first table of page N+1 when
    ``continues`` says so and, with ``pages``, no body text stands between
    them (below the first, above the second, outside the header/footer
    bands).  ``joined`` says how the parts become one grid.
    """
    options = options or TableOptions()
    page_by_number = {page.number: page for page in pages or []}
    stitched: list[Table] = []
    for page_tables in tables_by_page:
        for index, table in enumerate(page_tables):
            previous = stitched[-1] if stitched else None
            if (
                index == 0
                and previous is not None
                and continues(previous, table, options)
                and _nothing_between(previous, table, options, page_by_number)
            ):
                stitched[-1] = joined(previous, table, options)
            else:
                stitched.append(table)
    return stitched


def continues(first: Table, second: Table, options: TableOptions) -> bool:
    """Whether ``second``, on the page after ``first`` ends, can be its continuation:
    proportional columns agree and its first row does not start a new form."""
    if first.pages[-1] != second.page - 1:
        return False
    if not _compatible_columns(first, second, options):
        return False
    first_row = "".join(cell.text for cell in second.rows()[0])
    return not re.search(options.new_table_first_row, first_row)


def joined(first: Table, second: Table, options: TableOptions, onto_first: bool = False) -> Table:
    """``second`` appended below ``first``: rows renumbered, pages kept, and
    both parts put on the union of their column boundaries, each cell's
    boundaries taken in proportion to its own page's part of the table.
    With ``onto_first``, ``second`` is put on ``first``'s columns alone
    (each cell to the nearest): for a part whose columns did not agree,
    whose own extra boundaries would shift its cells off the first's.

    A merged cell cut by the page break stays two cells: the part on the
    new page becomes a cell of the new rows.  An empty cell in the new
    part's first row under a cell of the same columns is flagged
    ``continues_above`` (it may be such a rest; a blank cell looks the
    same), so a reader can carry the label down.  A header row repeated on
    the new page is dropped.
    """
    frames = {**_page_frames(first), **_page_frames(second)}
    own = _relative_edges(first, frames)
    edges = own if onto_first else _snap(own + _relative_edges(second, frames), options.column_tolerance)
    first_cells = [_on_columns(cell, edges, frames) for cell in first.cells]
    second_cells = [_on_columns(cell, edges, frames) for cell in second.cells]
    first_grid = replace(first, cells=first_cells, n_cols=len(edges) - 1)
    first_rows = first_grid.rows()
    second_rows = replace(second, cells=second_cells).rows()
    skip = 1 if first.n_rows > 1 and _same_row(first_rows[0], second_rows[0]) else 0
    offset = first.n_rows - skip
    cells = list(first_cells)
    for cell in second_cells:
        if cell.row < skip:
            continue
        continues_above = False
        if cell.row == skip and not cell.text:
            above = first_grid.cell_at(first.n_rows - 1, cell.col)
            continues_above = above is not None and (above.col, above.colspan) == (cell.col, cell.colspan)
        cells.append(replace(cell, row=cell.row + offset, continues_above=continues_above))
    return Table(
        page=first.page,
        bbox=first.bbox,
        n_rows=first.n_rows + second.n_rows - skip,
        n_cols=len(edges) - 1,
        cells=cells,
        pages=first.pages + [p for p in second.pages if p not in first.pages],
    )


Frame = tuple[float, float]  # left and right edge of a table's part on one page


def _page_frames(table: Table) -> dict[int, Frame]:
    frames: dict[int, Frame] = {}
    for cell in table.cells:
        left, right = frames.get(cell.page, (cell.bbox[0], cell.bbox[2]))
        frames[cell.page] = (min(left, cell.bbox[0]), max(right, cell.bbox[2]))
    return frames


def _share(x: float, frame: Frame) -> float:
    width = frame[1] - frame[0]
    return (x - frame[0]) / width if width > 0 else 0.0


def _relative_edges(table: Table, frames: dict[int, Frame], page: int | None = None) -> list[float]:
    """Column boundaries as shares of the width of the part they sit in (of ``page`` only, if given)."""
    cells = [cell for cell in table.cells if page is None or cell.page == page]
    return sorted({_share(x, frames[cell.page]) for cell in cells for x in (cell.bbox[0], cell.bbox[2])})


def _compatible_columns(first: Table, second: Table, options: TableOptions) -> bool:
    """The parts where the break cuts them (``first`` on its last page) are
    as wide within ``width_tolerance``, and their inner boundaries sit at
    the same shares of the width: all of them (one in four may be a stray)
    where both show as many, else half of the sparser part's.  A part need
    not show every column rule: a piece of a form holding only its 项目名称
    rows has few."""
    frames = {**_page_frames(first), **_page_frames(second)}
    width_a = frames[first.pages[-1]][1] - frames[first.pages[-1]][0]
    width_b = frames[second.page][1] - frames[second.page][0]
    if min(width_a, width_b) <= 0 or abs(width_a / width_b - 1) > options.width_tolerance:
        return False
    a = _relative_edges(first, frames, first.pages[-1])[1:-1]
    b = _relative_edges(second, frames, second.page)[1:-1]
    fewer, more = sorted((a, b), key=len)
    tol = options.column_tolerance
    shared = sum(1 for x in fewer if any(abs(x - y) <= tol for y in more))
    if len(a) == len(b):  # as many columns on both sides: they must be the same ones, a stray rule aside
        return shared >= len(fewer) - len(fewer) // 4
    return shared * 2 >= len(fewer)


def _snap(values: list[float], tol: float) -> list[float]:
    """Sorted distinct positions, those within ``tol`` of the previous kept one merged."""
    kept: list[float] = []
    for value in sorted(values):
        if not kept or value - kept[-1] > tol:
            kept.append(value)
    return kept


def _on_columns(cell: TableCell, edges: list[float], frames: dict[int, Frame]) -> TableCell:
    frame = frames[cell.page]

    def nearest(x: float) -> int:
        share = _share(x, frame)
        return min(range(len(edges)), key=lambda k: abs(edges[k] - share))

    col = nearest(cell.bbox[0])
    return replace(cell, col=col, colspan=max(1, nearest(cell.bbox[2]) - col))


def _same_row(first: list[TableCell], second: list[TableCell]) -> bool:
    """The same header: as many cells, and nearly the same text (OCR slips
    aside); a row with digits in it is data, repeated only if exactly equal."""
    if len(first) != len(second):
        return False
    a, b = "|".join(cell.text for cell in first), "|".join(cell.text for cell in second)
    if a == b:
        return True
    if any(ch.isdigit() for ch in a + b):
        return False
    return difflib.SequenceMatcher(a=a, b=b, autojunk=False).ratio() >= _REPEATED_HEADER_SIMILARITY


def _nothing_between(first: Table, second: Table, options: TableOptions, pages: dict[int, Page]) -> bool:
    return _nothing_below(first, pages.get(first.pages[-1]), options) and _nothing_above(
        second, pages.get(second.page), options
    )


def _nothing_below(table: Table, page: Page | None, options: TableOptions) -> bool:
    if page is None:
        return True
    bottom = max(cell.bbox[3] for cell in table.cells if cell.page == page.number)
    limit = page.height * (1 - options.margin_band)
    return not any(bottom < c.bbox[1] and c.bbox[3] < limit for c in page.chars)


def _nothing_above(table: Table, page: Page | None, options: TableOptions) -> bool:
    if page is None:
        return True
    limit = page.height * options.margin_band
    return not any(limit < c.bbox[1] and c.bbox[3] < table.bbox[1] for c in page.chars)
