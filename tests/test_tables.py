"""tables.recognise / stitch.stitch on real ruled tables, and the camelot engine."""

from __future__ import annotations

import pytest

from pipeline.ingest import open_pdf
from pipeline.model import Page, Source, Table, TableCell
from pipeline.stitch import stitch
from pipeline.tables import (
    TableOptions,
    chars_outside_tables,
    get_engine,
    recognise,
)
from tests.born_digital import LONG_TABLE_ROWS, MERGED_TABLE, as_extracted, report_files


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Source:
    source = open_pdf(report_files(tmp_path_factory.mktemp("tables")))
    for page in source.pages:
        page.tables = recognise(page)
    return source


def _spans(table: Table) -> set[tuple[int, int, int, int, str]]:
    return {(c.row, c.col, c.rowspan, c.colspan, c.text) for c in table.cells}


def test_merged_cells_and_wrapped_text(source: Source) -> None:
    [table] = source.pages[1].tables
    assert (table.n_rows, table.n_cols) == (4, 4)
    expected = {(r, c, rs, cs, as_extracted(text)) for r, c, rs, cs, text in MERGED_TABLE["cells"]}
    assert _spans(table) == expected
    assert table.bbox == pytest.approx((72.0, 158.8, 523.0, 318.8), abs=0.1)
    wrapped = table.cell_at(1, 3)
    assert wrapped is not None and len(wrapped.char_boxes) == len(wrapped.text)
    assert wrapped.bbox == pytest.approx((252.0 + 110.0, 198.8, 523.0, 238.8), abs=0.1)
    assert table.cell_at(2, 0) is table.cell_at(1, 0)  # the rowspan label
    assert wrapped.confidence == 1.0 and wrapped.page == 2


def test_pages_without_rules_have_no_tables(source: Source) -> None:
    assert source.pages[0].tables == [] and source.pages[4].tables == []


def test_table_chars_are_not_running_text(source: Source) -> None:
    outside = "".join(c.text for c in chars_outside_tables(source.pages[1]))
    assert "年初预算数" not in outside and "3,369.63" not in outside
    assert "以上为项目资金情况" in outside


def test_table_across_page_break_is_stitched(source: Source) -> None:
    tables = stitch([page.tables for page in source.pages])
    assert len(tables) == 2
    table = tables[1]
    assert table.pages == [3, 4] and table.page == 3
    assert (table.n_rows, table.n_cols) == (LONG_TABLE_ROWS, 5)
    assert [table.cell_at(row, 2).text for row in range(1, LONG_TABLE_ROWS)] == [
        f"服务对象第{row}项" for row in range(1, LONG_TABLE_ROWS)
    ]
    label_cells = sorted((c.row, c.rowspan, c.text, c.page, c.continues_above) for c in table.cells if c.col == 0)
    # 产出指标 covers rows 1-8 but the page break cuts it: rows 6-8 are a
    # separate, empty cell on page 4 that continues the label above.
    assert label_cells == [
        (0, 1, "一级指标", 3, False),
        (1, 5, "产出指标", 3, False),
        (6, 3, "", 4, True),
        (9, 3, "效益指标", 4, False),
    ]


def test_stitch_with_pages_sees_text_between(source: Source) -> None:
    tables = stitch([page.tables for page in source.pages], pages=source.pages)
    assert [t.pages for t in tables] == [[2], [3, 4]]


def _grid(page: int, first_row: list[str], top: float) -> Table:
    widths = [(72.0, 200.0), (200.0, 523.0)]
    cells = [
        TableCell(row, col, 1, 1, text, (x0, top + 20 * row, x1, top + 20 * row + 20), 1.0, page)
        for row, texts in enumerate([first_row, ["数量指标", "98户"]])
        for col, (text, (x0, x1)) in enumerate(zip(texts, widths, strict=True))
    ]
    return Table(page, (72.0, top, 523.0, top + 40), 2, 2, cells, [page])


def test_a_new_form_on_the_next_page_is_not_stitched() -> None:
    first = _grid(1, ["项目名称", "养老服务"], 700)
    new_form = _grid(2, ["项目名称", "儿童福利"], 72)
    assert len(stitch([[first], [new_form]])) == 2


def test_repeated_header_row_is_dropped() -> None:
    first = _grid(1, ["指标", "完成值"], 700)
    repeated = _grid(2, ["指标", "完成值"], 72)
    [table] = stitch([[first], [repeated]])
    assert table.n_rows == 3 and table.pages == [1, 2]
    assert [c.text for c in table.rows()[2]] == ["数量指标", "98户"]


def test_different_columns_are_not_stitched() -> None:
    first = _grid(1, ["指标", "完成值"], 700)
    other = _grid(2, ["指标", "完成值"], 72)
    for cell in other.cells:
        cell.bbox = (cell.bbox[0], cell.bbox[1], cell.bbox[2] - 30, cell.bbox[3])
    assert len(stitch([[first], [other]])) == 2


def test_unknown_engine_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown table engine"):
        get_engine(TableOptions(engine="magic"))


def test_camelot_engine_finds_the_same_spans(source: Source) -> None:
    page: Page = source.pages[1]
    engine = get_engine(TableOptions(engine="camelot"))
    assert engine.name == "camelot"
    [table] = engine.recognise(page)
    [vector] = page.tables
    structure = {(r, c, rs, cs) for r, c, rs, cs, _ in _spans(table)}
    assert structure == {(r, c, rs, cs) for r, c, rs, cs, _ in _spans(vector)}
    assert table.cell_at(0, 0).text == "项目名称"
    assert table.bbox == pytest.approx(vector.bbox, abs=2)
