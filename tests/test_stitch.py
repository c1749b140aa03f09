"""stitch: parts of a table joined on structure, not on absolute positions."""

from __future__ import annotations

import pytest

from pipeline.model import Table, TableCell
from pipeline.stitch import continues, joined, stitch
from pipeline.tables import TableOptions

# A three-column indicator form's boundaries on a straight page, in points.
EDGES = (72.0, 180.0, 400.0, 523.0)


def _part(page: int, rows: list[list[str]], top: float, shift: float = 0.0, scale: float = 1.0) -> Table:
    """A part of a table drawn on ``page``: lying ``shift`` points to the right
    and ``scale``d about the left margin, as a page drifts in a feeder."""
    edges = [EDGES[0] + shift + (x - EDGES[0]) * scale for x in EDGES]
    cells = [
        TableCell(r, c, 1, 1, text, (edges[c], top + 20 * r, edges[c + 1], top + 20 * r + 20), 0.99, page)
        for r, texts in enumerate(rows)
        for c, text in enumerate(texts)
    ]
    return Table(page, (edges[0], top, edges[-1], top + 20 * len(rows)), len(rows), 3, cells, [page])


HEADER = ["三级指标", "年度指标值", "实际完成值"]
FIRST = [HEADER, ["服务人次", ">=1600 人", "=1684 人"]]
REST = [["满意度", ">=90%", "=96%"], ["总分", "", "98.5"]]


@pytest.mark.parametrize(("shift", "scale"), [(0.0, 1.0), (42.0, 1.0), (-40.0, 0.97), (30.0, 1.03)])
def test_a_part_shifted_and_scaled_on_its_page_is_still_the_same_table(shift: float, scale: float) -> None:
    first = _part(1, FIRST, 700)
    rest = _part(2, REST, 80, shift=shift, scale=scale)
    [table] = stitch([[first], [rest]])
    assert table.pages == [1, 2] and (table.n_rows, table.n_cols) == (4, 3)
    assert [cell.text for cell in table.rows()[2]] == REST[0]
    assert table.cell_at(3, 2).text == "98.5" and table.cell_at(3, 2).page == 2


def test_a_repeated_header_with_an_ocr_slip_is_dropped() -> None:
    first = _part(1, FIRST, 700)
    rest = _part(2, [["三级指标", "年度指标值", "实际完成直"], *REST], 80, shift=25.0)
    [table] = stitch([[first], [rest]])
    assert table.n_rows == 4
    assert [cell.text for cell in table.rows()[2]] == REST[0]


def test_columns_in_other_proportions_are_another_table() -> None:
    first = _part(1, FIRST, 700)
    other = _part(2, REST, 80)
    for cell in other.cells:  # the inner boundary moves by a tenth of the width
        x0, y0, x1, y1 = cell.bbox
        cell.bbox = (x0 + 45 if cell.col == 1 else x0, y0, x1 + 45 if cell.col == 0 else x1, y1)
    assert not continues(first, other, TableOptions())
    assert len(stitch([[first], [other]])) == 2


def test_a_part_much_narrower_is_another_table() -> None:
    first = _part(1, FIRST, 700)
    narrow = _part(2, REST, 80, scale=0.85)
    assert not continues(first, narrow, TableOptions())


def test_a_table_over_three_drifting_pages_keeps_its_columns() -> None:
    parts = [_part(1, FIRST, 700), _part(2, [REST[0]] * 3, 80, shift=30, scale=1.02),
             _part(3, [REST[1]], 80, shift=-35, scale=0.98)]
    [table] = stitch([[part] for part in parts])
    assert table.pages == [1, 2, 3] and table.n_cols == 3 and table.n_rows == 6
    assert [cell.col for cell in table.rows()[5]] == [0, 1, 2]


def test_join_of_parts_with_a_missing_rule_puts_cells_on_the_union_of_columns() -> None:
    first = _part(1, FIRST, 700)
    rest = _part(2, REST, 80, shift=20)
    merged = [c for c in rest.cells if c.row == 1 and c.col in (0, 1)]
    merged[0].bbox = (merged[0].bbox[0], merged[0].bbox[1], merged[1].bbox[2], merged[0].bbox[3])
    merged[0].colspan = 2
    rest.cells.remove(merged[1])
    table = joined(first, rest, TableOptions())
    total = table.cell_at(3, 0)
    assert total is not None and total.colspan == 2 and total.text == "总分"


def test_a_first_data_row_like_the_head_of_a_headerless_part_is_kept() -> None:
    first = _part(1, [["合计", "0.00", "12.00"], ["其中", "0.00", "3.00"]], 700)
    rest = _part(2, [["合计", "0.00", "15.00"], ["其他", "1.00", "2.00"]], 80)
    [table] = stitch([[first], [rest]])
    assert table.n_rows == 4 and table.cell_at(2, 2).text == "15.00"
