"""Build stage inputs from plain text: for tests, fixtures and tools.

``paragraph_from_text`` gives a Paragraph with one dummy box per character
on a fixed grid; ``table_from_grid`` gives a Table from rows of cell texts
where ``<`` marks a position covered by the cell to its left and ``^`` one
covered by the cell above (so merged cells are written as they look).
"""

from __future__ import annotations

from pipeline.model import BBox, Paragraph, RegionKind, Table, TableCell, union_bbox

COVERED_BY_LEFT = "<"
COVERED_BY_ABOVE = "^"

_LEFT = 72.0
_TOP = 72.0
_CHAR_WIDTH = 10.5
_LINE_HEIGHT = 18.0
_CHARS_PER_LINE = 40
_CELL_WIDTH = 60.0
_ROW_HEIGHT = 20.0


def _char_box(index: int) -> BBox:
    column, line = index % _CHARS_PER_LINE, index // _CHARS_PER_LINE
    x0 = _LEFT + column * _CHAR_WIDTH
    y0 = _TOP + line * _LINE_HEIGHT
    return (x0, y0, x0 + _CHAR_WIDTH, y0 + _LINE_HEIGHT * 0.8)


def paragraph_from_text(text: str, page: int = 1, kind: RegionKind = "text", confidence: float = 1.0) -> Paragraph:
    """A Paragraph of ``text`` on ``page``, every character with ``confidence``."""
    return Paragraph(
        text=text,
        char_pages=[page] * len(text),
        char_boxes=[_char_box(i) for i in range(len(text))],
        char_conf=[confidence] * len(text),
        kind=kind,
    )


def paragraphs_from_text(text: str, page: int = 1) -> list[Paragraph]:
    """One Paragraph per non-blank line of ``text``."""
    return [paragraph_from_text(line, page) for line in text.splitlines() if line.strip()]


def _owners(rows: list[list[str]]) -> list[list[tuple[int, int]]]:
    """For every grid position, the (row, col) of the cell that covers it."""
    owners: list[list[tuple[int, int]]] = []
    for r, row in enumerate(rows):
        owners.append([])
        for c, text in enumerate(row):
            if text == COVERED_BY_LEFT and c > 0:
                owners[r].append(owners[r][c - 1])
            elif text == COVERED_BY_ABOVE and r > 0:
                owners[r].append(owners[r - 1][c])
            else:
                owners[r].append((r, c))
    return owners


def table_from_grid(rows: list[list[str]], page: int = 1, confidence: float = 1.0) -> Table:
    """A Table from cell texts, spans written with ``<`` and ``^``."""
    n_cols = max(len(row) for row in rows)
    padded = [row + [""] * (n_cols - len(row)) for row in rows]
    owners = _owners(padded)
    extents: dict[tuple[int, int], tuple[int, int]] = {}
    for r, row in enumerate(owners):
        for c, owner in enumerate(row):
            last_r, last_c = extents.get(owner, owner)
            extents[owner] = (max(last_r, r), max(last_c, c))
    cells: list[TableCell] = []
    for (r, c), (last_r, last_c) in sorted(extents.items()):
        bbox = (
            _LEFT + c * _CELL_WIDTH,
            _TOP + r * _ROW_HEIGHT,
            _LEFT + (last_c + 1) * _CELL_WIDTH,
            _TOP + (last_r + 1) * _ROW_HEIGHT,
        )
        text = padded[r][c]
        cells.append(
            TableCell(
                row=r,
                col=c,
                rowspan=last_r - r + 1,
                colspan=last_c - c + 1,
                text=text,
                bbox=bbox,
                confidence=confidence,
                page=page,
                char_boxes=[bbox] * len(text),
                char_conf=[confidence] * len(text),
            )
        )
    return Table(
        page=page,
        bbox=union_bbox([cell.bbox for cell in cells]),
        n_rows=len(padded),
        n_cols=n_cols,
        cells=cells,
        pages=[page],
    )
