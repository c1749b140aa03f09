"""Draw a ``ReportSpec`` as a born-digital A4 PDF with reportlab platypus.

Tables are ruled grids (every cell border a real 0.5 pt line) that may run
over a page break.  reportlab refuses to split a table inside a row span, and
the official 绩效自评表 forms are made of row spans (年度绩效指标完成情况 spans
every indicator row), so ``_GridPiece`` splits the grid itself: a span cut by
the break keeps its text above the break and continues as an empty cell below,
as a word processor draws it.  Header rows are not repeated.

Each report must have a table crossing a page break.  If the natural layout
gives none, the report is laid out again with blank space before the tallest
table so that it starts low enough on its page to be cut.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from tests.corpus import fonts
from tests.corpus.spec import Block, GridTable, Heading, Para, ReportSpec, Style
from tests.corpus.spec import PageBreak as PageBreakSpec

RULE_WIDTH = 0.5
CELL_PADDING = 2.5
ALIGNMENTS = {"center": TA_CENTER, "left": TA_LEFT, "right": TA_RIGHT, "justify": TA_JUSTIFY}


@dataclass
class RenderInfo:
    """What the layout turned out to be: page count and, per GridTable in
    block order, the 1-based pages it has cells on."""

    pages: int
    table_pages: list[list[int]]


def render(spec: ReportSpec, path: str | Path) -> RenderInfo:
    """Write ``spec`` as a PDF at ``path``; at least one table crosses a page break."""
    fonts.register_fonts()
    layout = _Layout(spec)
    info = layout.build(path)
    if info.table_pages and not any(len(pages) > 1 for pages in info.table_pages):
        layout.push_tallest_table_down()
        info = layout.build(path)
        if not any(len(pages) > 1 for pages in info.table_pages):
            raise RuntimeError(f"{spec.name}: no table crosses a page break")
    return info


class _Styles:
    """Paragraph styles derived from a report's ``Style``, one per font used."""

    def __init__(self, style: Style) -> None:
        self.style = style
        size, leading = style.size, style.size * style.leading
        table_size = style.table_font_size
        self._bases = {
            "body": ParagraphStyle("body", fontSize=size, leading=leading, alignment=TA_JUSTIFY,
                                   firstLineIndent=2 * size, spaceAfter=size * 0.3),
            "h0": ParagraphStyle("h0", fontSize=size + 7, leading=(size + 7) * 1.5, alignment=TA_CENTER,
                                 spaceBefore=size, spaceAfter=size * 1.5),
            "h1": ParagraphStyle("h1", fontSize=size + 1, leading=(size + 1) * 1.6, firstLineIndent=2 * size,
                                 spaceBefore=size * 0.6, spaceAfter=size * 0.3, keepWithNext=1),
            "h2": ParagraphStyle("h2", fontSize=size, leading=leading, firstLineIndent=2 * size,
                                 spaceBefore=size * 0.3, keepWithNext=1),
            "h3": ParagraphStyle("h3", fontSize=size, leading=leading, firstLineIndent=2 * size, keepWithNext=1),
            "table_title": ParagraphStyle("table_title", fontSize=table_size + 6, leading=(table_size + 6) * 1.5,
                                          alignment=TA_CENTER),
            "table_subtitle": ParagraphStyle("table_subtitle", fontSize=table_size + 2,
                                             leading=(table_size + 2) * 1.6, alignment=TA_CENTER,
                                             spaceAfter=table_size * 0.5),
            "table_unit": ParagraphStyle("table_unit", fontSize=table_size + 1, leading=(table_size + 1) * 1.5,
                                         alignment=TA_RIGHT),
        }
        for align, code in ALIGNMENTS.items():
            self._bases[f"cell_{align}"] = ParagraphStyle(f"cell_{align}", fontSize=table_size,
                                                          leading=table_size * 1.3, alignment=code)
        self._fonts = {"h0": style.heading_font, "h1": style.heading_font, "h2": "kai",
                       "table_title": style.heading_font}
        self._cache: dict[tuple[str, str], ParagraphStyle] = {}

    def paragraph(self, text: str, kind: str) -> Paragraph:
        """``text`` as a CJK-wrapping Paragraph in the font of ``kind``, or the fallback font."""
        font = fonts.font_for(self._fonts.get(kind, self.style.font), text)
        key = (kind, font)
        if key not in self._cache:
            self._cache[key] = ParagraphStyle(f"{kind}-{font}", parent=self._bases[kind], fontName=font,
                                              wordWrap="CJK")
        return Paragraph(escape(text), self._cache[key])


class _Grid:
    """One GridTable being laid out, and the pages its pieces were drawn on."""

    def __init__(self, table: GridTable, styles: _Styles) -> None:
        self.spec = table
        self.styles = styles
        self.n_cols = len(table.rows[0])
        self.cells = [(r, c, cell) for r, row in enumerate(table.rows) for c, cell in enumerate(row) if cell]
        self.pages: list[int] = []
        self.start_avail = 0.0  # space left on the page where the first piece was drawn
        self.total_height = 0.0  # title plus all rows, as one piece

    def title(self) -> list[Paragraph]:
        paras = []
        if self.spec.title:
            paras.append(self.styles.paragraph(self.spec.title, "table_title"))
        if self.spec.subtitle:
            paras.append(self.styles.paragraph(self.spec.subtitle, "table_subtitle"))
        if self.spec.unit:
            paras.append(self.styles.paragraph(self.spec.unit, "table_unit"))
        return paras

    def shown_rows(self, start: int, stop: int) -> list[int]:
        """The grid rows a piece draws: its own, after the repeated header on a continuation."""
        repeat = self.spec.repeat_rows if start >= self.spec.repeat_rows else 0
        return [*range(repeat if start else 0), *range(start, stop)]

    def table(self, start: int, stop: int, width: float) -> Table:
        """Rows [start, stop) as a reportlab Table (after the repeated header
        rows on a continuation); spans are clipped to the rows shown."""
        total = sum(self.spec.col_widths)
        col_widths = [width * w / total for w in self.spec.col_widths]
        shown = self.shown_rows(start, stop)
        data: list[list[Paragraph | str]] = [[""] * self.n_cols for _ in shown]
        commands: list[tuple] = [
            ("GRID", (0, 0), (-1, -1), RULE_WIDTH, "black"),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            *((side, (0, 0), (-1, -1), CELL_PADDING) for side in ("LEFTPADDING", "TOPPADDING", "BOTTOMPADDING")),
            # CJK wrapping hangs a closing 。，） past the line end: keep its centre inside the cell.
            ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING + self.styles.style.table_font_size / 2),
        ]
        for r, c, cell in self.cells:
            # A span cut at the top of the rows shown continues as an empty cell.
            positions = [i for i, row in enumerate(shown) if r <= row < r + cell.rowspan]
            if not positions:
                continue
            top, last = positions[0], positions[-1]
            if shown[top] == r:
                data[top][c] = self.styles.paragraph(cell.text, f"cell_{cell.align}")
            if last > top or cell.colspan > 1:
                commands.append(("SPAN", (c, top), (c + cell.colspan - 1, last)))
        return Table(data, colWidths=col_widths, style=TableStyle(commands))


class _GridPiece(Flowable):
    """Rows [start, stop) of a grid; the piece holding row 0 also draws the title."""

    MIN_ROWS_UNDER_TITLE = 2  # never leave a title with fewer rows at a page bottom

    def __init__(self, grid: _Grid, start: int, stop: int) -> None:
        super().__init__()
        self.grid, self.start, self.stop = grid, start, stop
        self._title = grid.title() if start == 0 else []
        self._table: Table | None = None
        self._avail = 0.0

    def _gap(self) -> float:
        """Blank space above a title, parting it from what precedes."""
        return self.grid.styles.style.table_font_size * 2 if self._title else 0.0

    def _title_height(self, width: float) -> float:
        return self._gap() + sum(p.wrap(width, 1e6)[1] + p.getSpaceAfter() for p in self._title)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self._avail = avail_height
        self._table = self.grid.table(self.start, self.stop, avail_width)
        _, table_height = self._table.wrap(avail_width, avail_height)
        self.width, self.height = avail_width, self._title_height(avail_width) + table_height
        if self.start == 0 and self.stop == len(self.grid.spec.rows):
            self.grid.total_height = self.height
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        room = avail_height - self._title_height(avail_width)
        full = self.grid.table(self.start, self.stop, avail_width)
        full.wrap(avail_width, 1e9)  # every row measured (reportlab stops at the height given)
        repeated = len(self.grid.shown_rows(self.start, self.stop)) - (self.stop - self.start)
        heights = full._rowHeights  # set by wrap; reportlab has no public accessor
        rows, used = 0, sum(heights[:repeated])
        for height in heights[repeated:]:
            if used + height > room:
                break
            rows, used = rows + 1, used + height
        fewest = self.MIN_ROWS_UNDER_TITLE if self._title else 1
        if self.start == 0:
            fewest += self.grid.spec.repeat_rows  # never a header alone
        # Cut spans can make the upper piece taller than its rows were in the
        # whole table (a label needing more lines than its remaining rows give).
        while rows >= fewest:
            upper = _GridPiece(self.grid, self.start, self.start + rows)
            if upper.wrap(avail_width, avail_height)[1] <= avail_height:
                return [upper, _GridPiece(self.grid, self.start + rows, self.stop)]
            rows -= 1
        return []

    def draw(self) -> None:
        if self.start == 0:
            self.grid.start_avail = self._avail
        self.grid.pages.append(self.canv.getPageNumber())
        y = self.height - self._gap()
        for para in self._title:
            _, height = para.wrap(self.width, 1e6)
            y -= height
            para.drawOn(self.canv, 0, y)
            y -= para.getSpaceAfter()
        assert self._table is not None
        self._table.drawOn(self.canv, 0, 0)


@dataclass
class _Layout:
    """The report's flowables, rebuilt for every layout pass."""

    spec: ReportSpec
    spacers: dict[int, float] = field(default_factory=dict)  # grid index -> blank space before it
    grids: list[_Grid] = field(default_factory=list)

    def build(self, path: str | Path) -> RenderInfo:
        style = self.spec.style
        margin = style.margin_mm * mm
        doc = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=margin, rightMargin=margin,
                                topMargin=margin, bottomMargin=margin, title=self.spec.name,
                                author="budgetdoc corpus", creator="budgetdoc corpus", invariant=1)
        styles = _Styles(style)
        self.grids = []
        story = [flowable for block in self.spec.blocks for flowable in self._flowables(block, styles)]
        page_furniture = _PageFurniture(style)
        doc.build(story, onFirstPage=page_furniture, onLaterPages=page_furniture)
        return RenderInfo(pages=page_furniture.pages,
                          table_pages=[sorted(set(grid.pages)) for grid in self.grids])

    def _flowables(self, block: Block, styles: _Styles) -> list[Flowable]:
        if isinstance(block, Heading):
            return [styles.paragraph(block.text, f"h{min(block.level, 3)}")]
        if isinstance(block, Para):
            return [styles.paragraph(block.text, "body")]
        if isinstance(block, PageBreakSpec):
            return [PageBreak()]
        grid = _Grid(block, styles)
        self.grids.append(grid)
        blank = self.spacers.get(len(self.grids) - 1)
        piece = _GridPiece(grid, 0, len(block.rows))
        return [Spacer(1, blank), piece] if blank else [piece]

    def push_tallest_table_down(self) -> None:
        """Put blank space before the tallest table (each fits on a page, or
        it would have crossed a break) so that only half of it fits where it starts."""
        index = max(range(len(self.grids)), key=lambda i: self.grids[i].total_height)
        grid = self.grids[index]
        self.spacers[index] = grid.start_avail - grid.total_height / 2


class _PageFurniture:
    """Draws the running header and the page number on every page."""

    def __init__(self, style: Style) -> None:
        self.style = style
        self.pages = 0

    def __call__(self, canvas: Canvas, doc: SimpleDocTemplate) -> None:
        self.pages = canvas.getPageNumber()
        width, height = A4
        margin = self.style.margin_mm * mm
        canvas.saveState()
        if self.style.header_text:
            text = self.style.header_text
            canvas.setFont(fonts.font_for(self.style.font, text), 9)
            canvas.drawCentredString(width / 2, height - margin * 0.6, text)
            canvas.setLineWidth(RULE_WIDTH)
            canvas.line(margin, height - margin * 0.6 - 4, width - margin, height - margin * 0.6 - 4)
        if self.style.page_numbers:
            text = self.style.page_number_format.format(n=self.pages)
            canvas.setFont(fonts.font_for(self.style.font, text), 10)
            canvas.drawCentredString(width / 2, margin * 0.45, text)
        canvas.restoreState()
