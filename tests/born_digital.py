"""Small born-digital PDFs drawn with reportlab for the ingest/reading/tables tests.

``build_report`` draws a five-page report whose layout is known exactly:

1. title, headings, an indented paragraph wrapped over lines, and a long
   paragraph that runs off the bottom of the page;
2. the rest of that paragraph, a ruled table with merged cells and wrapped
   cell text, then a short paragraph;
3. a paragraph and a table that starts low on the page…
4. …and continues here, its 一级指标 cell split by the page break;
5. an image only (a "scan").

Every text page has a running header and a page number footer.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

FONT = "Song"
FONT_FILE = "/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf"
PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 72.0
BODY_SIZE = 12.0
LEADING = 1.6 * BODY_SIZE
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN

HEADER = "乌鲁木齐市民政局（本级）2024年度部门决算公开说明"
TITLE = "乌鲁木齐市民政局（本级）2024年度部门决算公开说明"
WRAPPED_PARAGRAPH = (
    "2024 年度收入总计 3,369.63 万元，其中：本年收入合计 3,067.22 万元，使用非财政拨款结余"
    "（含专用结余）0.00 万元，年初结转和结余 302.41 万元。收入支出总体与上年相比，减少 230.18 万元，"
    "下降 6.39%，主要原因是：本年居家和社区基本养老服务提升项目按照合同约定支付款项。"
)
PAGE_BREAK_PARAGRAPH = (
    "社会保障和就业支出(类)民政管理事务(款)行政运行(项):支出决算数为 756.84 万元，比上年决算增加 7.14 万元，"
    "增长 0.95%，主要原因是：本年在职工人员工资调增，导致相关人员经费较上年有所增加。"
) * 5
FILLER_PARAGRAPHS = [
    f"（{n}）拟订社会救助规划、政策和标准，健全城乡社会救助体系；指导特困群体供养工作；拟订社会保障兜底脱贫"
    f"政策和标准，指导城乡最低生活保障、困难群体专项救助、临时救助相关工作并组织实施，第{n}项。"
    for n in "一二三四五六"
]
AFTER_TABLE_PARAGRAPH = "以上为项目资金情况，Word Excel 文件另附。"
BEFORE_LONG_TABLE = "预算绩效的情况说明如下表所示。"

# (row, col, rowspan, colspan, text) for the table on page 2: a header cell
# spanning two columns, a label spanning two rows and a long wrapped cell.
MERGED_TABLE = {
    "widths": [90.0, 90.0, 110.0, 161.0],
    "rows": 4,
    "cells": [
        (0, 0, 1, 2, "项目名称"),
        (0, 2, 1, 2, "居家和社区基本养老服务提升项目"),
        (1, 0, 2, 1, "年度资金总额"),
        (1, 1, 1, 1, "年初预算数"),
        (1, 2, 1, 1, "3,369.63"),
        (1, 3, 1, 1, "按照合同约定支付款项，部分进度款未达到支付条件，款项未全额支付"),
        (2, 1, 1, 1, "全年执行数"),
        (2, 2, 1, 1, "3,067.22"),
        (2, 3, 1, 1, "100%"),
        (3, 0, 1, 4, "总分 93.99"),
    ],
}

LONG_TABLE_WIDTHS = [70.0, 80.0, 140.0, 80.0, 81.0]
LONG_TABLE_ROWS = 12  # rows 0..5 on page 3, 6..11 on page 4


@dataclass
class Cell:
    row: int
    col: int
    rowspan: int
    colspan: int
    text: str


def long_table_cells() -> list[Cell]:
    """A 绩效指标 table: header row, 一级指标 label covering rows 1-8 (split by
    the page break after row 5) and 9-11, three-level indicators."""
    header = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值"]
    cells = [Cell(0, col, 1, 1, text) for col, text in enumerate(header)]
    cells.append(Cell(1, 0, 8, 1, "产出指标"))
    cells.append(Cell(9, 0, 3, 1, "效益指标"))
    for row in range(1, LONG_TABLE_ROWS):
        cells.append(Cell(row, 1, 1, 1, "数量指标" if row < 9 else "社会效益指标"))
        cells.append(Cell(row, 2, 1, 1, f"服务对象第{row}项"))
        cells.append(Cell(row, 3, 1, 1, f">={60 + row}户"))
        cells.append(Cell(row, 4, 1, 1, f"={90 + row}户"))
    return cells


def register_font() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, FONT_FILE))


def wrap(text: str, width: float, size: float, first_indent: float = 0.0) -> list[str]:
    """Greedy wrap at any character (CJK style)."""
    lines: list[str] = []
    current = ""
    limit = width - first_indent
    for ch in text:
        if pdfmetrics.stringWidth(current + ch, FONT, size) > limit:
            lines.append(current)
            current, limit = "", width
        current += ch
    if current:
        lines.append(current)
    return lines


class ReportWriter:
    """Flows paragraphs down the page; starts new pages with header and footer."""

    def __init__(self, path: Path) -> None:
        register_font()
        self.canvas = Canvas(str(path), pagesize=A4)
        self.page = 1
        self.y = MARGIN  # top-left origin, like the pipeline
        self._decorate()

    def pdf_y(self, top: float) -> float:
        return PAGE_HEIGHT - top

    def _decorate(self) -> None:
        c = self.canvas
        c.setFont(FONT, 9)
        c.drawCentredString(PAGE_WIDTH / 2, self.pdf_y(40), HEADER)
        c.drawCentredString(PAGE_WIDTH / 2, self.pdf_y(PAGE_HEIGHT - 40), f"- {self.page} -")

    def new_page(self) -> None:
        self.canvas.showPage()
        self.page += 1
        self.y = MARGIN
        self._decorate()

    def line(self, text: str, size: float = BODY_SIZE, x: float = MARGIN, centred: bool = False) -> None:
        if self.y + size * 1.6 > PAGE_HEIGHT - MARGIN:
            self.new_page()
        self.canvas.setFont(FONT, size)
        baseline = self.pdf_y(self.y + size)
        if centred:
            self.canvas.drawCentredString(PAGE_WIDTH / 2, baseline, text)
        else:
            self.canvas.drawString(x, baseline, text)
        self.y += size * 1.6

    def paragraph(self, text: str, indent: bool = True) -> None:
        first_indent = 2 * BODY_SIZE if indent else 0.0
        for i, line in enumerate(wrap(text, TEXT_WIDTH, BODY_SIZE, first_indent)):
            self.line(line, x=MARGIN + (first_indent if i == 0 else 0.0))

    def table(self, widths: list[float], row_height: float, n_rows: int, cells: list[Cell], rows_here: range) -> None:
        """Draw rows ``rows_here`` of a ruled table at the current position;
        a span that leaves the range is clipped to it (a page break)."""
        c = self.canvas
        c.setLineWidth(0.5)
        xs = [MARGIN]
        for w in widths:
            xs.append(xs[-1] + w)
        top = self.y
        first, last = rows_here.start, rows_here.stop
        for cell in cells:
            r0 = max(cell.row, first)
            r1 = min(cell.row + cell.rowspan, last)
            if r0 >= r1:
                continue
            x0, x1 = xs[cell.col], xs[cell.col + cell.colspan]
            y0 = top + (r0 - first) * row_height
            y1 = top + (r1 - first) * row_height
            c.rect(x0, self.pdf_y(y1), x1 - x0, y1 - y0, stroke=1, fill=0)
            if r0 == cell.row:
                self._cell_text(cell.text, x0, y0, x1 - x0)
        self.y = top + (last - first) * row_height + 10

    def _cell_text(self, text: str, x0: float, y0: float, width: float) -> None:
        size = 9.0
        self.canvas.setFont(FONT, size)
        for i, line in enumerate(wrap(text, width - 6, size)):
            self.canvas.drawString(x0 + 3, self.pdf_y(y0 + 4 + (i + 1) * size * 1.3), line)

    def save(self) -> None:
        self.canvas.save()


def build_report(path: Path, image_file: Path) -> Path:
    w = ReportWriter(path)
    # Page 1
    w.line(TITLE, size=18, centred=True)
    w.y += 10
    w.line("第一部分 单位概况", size=14)
    w.line("一、收入支出决算总体情况说明")
    w.paragraph(WRAPPED_PARAGRAPH)
    for text in FILLER_PARAGRAPHS:
        w.paragraph(text)
    w.line("二、支出决算具体情况")
    w.paragraph(PAGE_BREAK_PARAGRAPH)
    # Page 2 (the paragraph above ends part-way down it)
    assert w.page == 2, "the long paragraph must cross the page break"
    w.y += 10
    merged_cells = [Cell(*cell) for cell in MERGED_TABLE["cells"]]
    w.table(MERGED_TABLE["widths"], 40.0, MERGED_TABLE["rows"], merged_cells, range(0, 4))
    w.paragraph(AFTER_TABLE_PARAGRAPH)
    # Pages 3-4: a table crossing the page break
    w.new_page()
    w.paragraph(BEFORE_LONG_TABLE)
    w.y = PAGE_HEIGHT - MARGIN - 6 * 30.0
    w.table(LONG_TABLE_WIDTHS, 30.0, LONG_TABLE_ROWS, long_table_cells(), range(0, 6))
    w.new_page()
    w.table(LONG_TABLE_WIDTHS, 30.0, LONG_TABLE_ROWS, long_table_cells(), range(6, LONG_TABLE_ROWS))
    # Page 5: a scanned page (an image, no text layer)
    w.canvas.showPage()
    w.canvas.drawImage(str(image_file), MARGIN, MARGIN, width=TEXT_WIDTH, height=TEXT_WIDTH * 1.2)
    w.save()
    return path


def write_scan_image(path: Path) -> Path:
    """A grey noisy image standing in for a scanned page."""
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(0)
    pixels = (200 + rng.integers(0, 55, size=(300, 250))).astype("uint8")
    Image.fromarray(pixels, mode="L").save(path)
    return path


def report_files(directory: Path) -> Path:
    """The report PDF in ``directory``, drawn on first use."""
    pdf = directory / "report.pdf"
    if not pdf.exists():
        build_report(pdf, write_scan_image(directory / "scan.png"))
    return pdf


def as_extracted(text: str) -> str:
    """``text`` as the reader returns it: spaces kept only between Latin words."""
    import re

    return re.sub(r"(?<![A-Za-z]) | (?![A-Za-z])", "", text)
