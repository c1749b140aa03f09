"""Scanned pages through the flow: image-only copies of a born-digital report
must give the same tables and paragraphs as the original (real OCR models).

A few pages only: OCR costs seconds a page on the CI's two cores.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageDraw

from pipeline.config import ConfigError
from pipeline.ingest import open_pdf
from pipeline.model import BBox, Char, Line, Page, Paragraph, Table, TableCell
from pipeline.ocr import get_engine
from pipeline.ocr.base import PixelLine, clean_cell, text_rows
from pipeline.preprocess import Affine, flatten_folds, suppress_red_seals
from pipeline.reading import paragraphs
from pipeline.ruling import RulingOptions, ruling_lines
from pipeline.scan import (
    PageView,
    ScanOptions,
    cell_chars_of_rows,
    cell_text_rows,
    drop_stray_points,
    font_sizes,
    is_noise_reading,
    pair_bracket_widths,
    read_scanned_page,
    settle_widths,
)
from pipeline.scan.cells import smoothed_strokes
from pipeline.stitch import stitch
from pipeline.tables import recognise
from tests.born_digital import LONG_TABLE_ROWS, PAGE_BREAK_PARAGRAPH, as_extracted, report_files
from tests.corpus.degrade import scan_preset
from tests.scanned import BODY_PX, character_error_rate, font

# The report's first four pages: text, a merged-cell table, and a table
# crossing the break from page 3 to page 4.
PAGES = [0, 1, 2, 3]


@pytest.fixture(scope="module")
def original(tmp_path_factory: pytest.TempPathFactory) -> list[Page]:
    source = open_pdf(report_files(tmp_path_factory.mktemp("scan")))
    for page in source.pages:
        page.tables = recognise(page)
    return source.pages[: len(PAGES)]


@pytest.fixture(scope="module")
def scan_pdf(original: list[Page], tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("scan") / "scanned.pdf"
    return scan_preset(original[0].file, target, "300dpi-clean", pages=PAGES)


@pytest.fixture(scope="module")
def scanned(scan_pdf: Path, pipeline) -> list[Page]:
    """The scanned copy read page by page as the flow reads OCR pages."""
    pages = open_pdf(scan_pdf).pages
    for page in pages:
        read_scanned_page(page, pipeline.scan, pipeline.tables)
        page.tables = recognise(page)
    return pages


@pytest.fixture(scope="module")
def scanned_flow(scanned: list[Page]) -> list[Paragraph]:
    return paragraphs(scanned)


def _structure(table: Table) -> set[tuple[int, int, int, int]]:
    return {(c.row, c.col, c.rowspan, c.colspan) for c in table.cells}


def _same_width(text: str) -> str:
    """OCR cannot tell full-width brackets and colons from half-width ones."""
    return text.translate(str.maketrans("（）：", "():"))


def test_pages_without_text_layer_are_ocr_pages(scanned: list[Page]) -> None:
    assert [page.source for page in scanned] == ["ocr"] * len(PAGES)
    assert all(page.chars and 0.0 < min(c.confidence for c in page.chars) <= 1.0 for page in scanned)


def test_tables_have_the_grid_of_the_original(original: list[Page], scanned: list[Page]) -> None:
    expected = stitch([page.tables for page in original], pages=original)
    found = stitch([page.tables for page in scanned], pages=scanned)
    assert [t.pages for t in found] == [t.pages for t in expected] == [[2], [3, 4]]
    for table, truth in zip(found, expected, strict=True):
        assert (table.n_rows, table.n_cols) == (truth.n_rows, truth.n_cols)
        assert _structure(table) == _structure(truth)
        for cell in table.cells:
            truth_cell = truth.cell_at(cell.row, cell.col)
            assert cell.bbox == pytest.approx(truth_cell.bbox, abs=2.5)
            assert character_error_rate(_same_width(cell.text), _same_width(truth_cell.text)) <= 0.1, cell


def test_stitched_table_reads_every_row(scanned: list[Page]) -> None:
    table = stitch([page.tables for page in scanned], pages=scanned)[-1]
    assert table.n_rows == LONG_TABLE_ROWS
    assert [table.cell_at(row, 2).text for row in range(1, LONG_TABLE_ROWS)] == [
        f"服务对象第{row}项" for row in range(1, LONG_TABLE_ROWS)
    ]


def test_cell_confidence_comes_from_the_ocr(scanned: list[Page]) -> None:
    cells = [cell for page in scanned for table in page.tables for cell in table.cells if cell.text]
    assert all(0.0 < cell.confidence <= 1.0 for cell in cells)
    assert min(cell.confidence for cell in cells) < 1.0


def test_paragraph_over_page_break_is_one(scanned_flow: list[Paragraph]) -> None:
    [paragraph] = [p for p in scanned_flow if _same_width(p.text).startswith("社会保障和就业支出(类)")]
    assert set(paragraph.char_pages) == {1, 2}
    assert character_error_rate(_same_width(paragraph.text), as_extracted(PAGE_BREAK_PARAGRAPH)) <= 0.02
    assert _same_width(paragraph.text).count("民政管理事务(款)行政运行(项)") == 5


def test_headings_headers_and_footers(scanned: list[Page], scanned_flow: list[Paragraph]) -> None:
    kinds = [(p.kind, p.text) for p in scanned_flow[:3]]
    assert [kind for kind, _ in kinds] == ["title", "heading", "heading"], kinds
    assert kinds[2][1] == "一、收入支出决算总体情况说明"
    body = "".join(p.text for p in scanned_flow)
    assert "-1-" not in body and "- 1 -" not in body
    # The running header is read and kept out of the flow; a lone page number
    # may not be detected at all on a scan, and must not reach the text if it is.
    assert "header" in {line.kind for line in scanned[0].lines}


def test_mixed_pdf_is_routed_per_page(original: list[Page], scan_pdf: Path, pipeline, tmp_path: Path) -> None:
    mixed = pdfium.PdfDocument.new()
    mixed.import_pages(pdfium.PdfDocument(original[0].file), [1])  # born-digital page with a table
    mixed.import_pages(pdfium.PdfDocument(str(scan_pdf)), [1])  # the same page, scanned
    mixed.save(tmp_path / "mixed.pdf")
    document = pipeline.run(tmp_path / "mixed.pdf")
    assert document.document.page_sources == ["text", "ocr"]
    text_grid, ocr_grid = document.tables
    assert (text_grid.n_rows, text_grid.n_cols) == (ocr_grid.n_rows, ocr_grid.n_cols) == (4, 4)
    assert {c.text for c in text_grid.cells} == {c.text for c in ocr_grid.cells}


def _line(text: str, x0: float, width: float, height: float) -> Line:
    return Line(text, (x0, 100.0, x0 + width, 100.0 + height), 1, [], [])


def test_font_sizes_come_from_line_widths() -> None:
    # Detector boxes give a 9pt header and 12pt body one height; widths do not.
    lines = [
        _line("乌鲁木齐市民政局部门决算", 190, 108.5, 13.4),  # 12 ems of 9pt
        _line("拟订社会救助规划、政策和标准", 72, 168.0, 13.4),  # 14 ems of 12pt
        _line("供养工作；拟订社会保障兜底", 72, 161.5, 13.5),
        _line("明", 300, 20.0, 17.6),  # too short to measure: like the nearest box height
        _line("二〇二四年度部门决算公开说", 80, 234.0, 17.5),  # 13 ems of 18pt
    ]
    assert font_sizes(lines, ScanOptions()) == [9.0, 12.2, 12.2, 18.0, 18.0]


def test_bracket_and_colon_widths_follow_the_print() -> None:
    size = 12.0

    def boxes(advances: list[float]) -> list[BBox]:
        lefts = [72.0 + sum(advances[:i]) for i in range(len(advances))]
        return [(x, 100.0, x + a, 112.0) for x, a in zip(lefts, advances, strict=True)]

    # Half-width brackets and colon in 支出(类)民政(项):支, read as full-width.
    assert settle_widths("支出（类）民政（项）：支", boxes([12, 12, 6, 12, 6, 12, 12, 6, 12, 6, 6, 12]), size, 0.8) == (
        "支出(类)民政(项):支"
    )
    # Full-width ones at a line start, read half-width: the closing one decides.
    assert settle_widths("(一)拟订", boxes([12, 12, 12, 12, 12]), size, 0.8) == "（一）拟订"
    assert settle_widths("3,369", boxes([6, 6, 6, 6, 6]), size, 0.8) == "3,369"


def test_scan_section_of_the_config() -> None:
    options = ScanOptions.from_config({"dpi": 300, "preprocess": {"deskew": False}, "ocr": {"threads": 1}})
    assert (options.dpi, options.preprocess.deskew, options.ocr.threads) == (300, False, 1)
    assert options.preprocess.suppress_seals  # untouched keys keep their defaults
    with pytest.raises(ConfigError, match="dpii"):
        ScanOptions.from_config({"dpii": 300})
    with pytest.raises(ConfigError, match="deskw"):
        ScanOptions.from_config({"preprocess": {"deskw": False}})


def test_chars_carry_ocr_sizes(scanned: list[Page]) -> None:
    body: list[Char] = scanned[0].chars
    sizes = sorted(c.size for c in body)
    # 12pt body text: the estimate must be within a point of it.
    assert sizes[len(sizes) // 2] == pytest.approx(12.0, abs=1.0)


def test_a_fold_across_the_page_is_no_rule() -> None:
    # A table's rules in black, and a fold: a soft grey crease from edge to edge.
    page = np.full((600, 800), 250, np.uint8)
    for y in (100, 160, 220, 280):
        page[y : y + 2, 100:700] = 20
    for x in (100, 400, 698):
        page[100:282, x : x + 2] = 20
    rows = np.arange(600, dtype=np.float32)[:, None] - 190
    page = (page * (1 - 0.28 * np.exp(-((rows / 4.7) ** 2)))).astype(np.uint8)
    horizontal = sorted(round(s.y0) for s in ruling_lines(page) if s.horizontal)
    assert horizontal == [101, 161, 221, 281]
    # Either test alone drops it: too faint for a rule, and across the whole sheet.
    assert not any(abs(s.y0 - 190) < 3 for s in ruling_lines(page, RulingOptions(min_rule_contrast=0)))
    both_off = ruling_lines(page, RulingOptions(min_rule_contrast=0, max_page_span=1.1))
    assert any(abs(s.y0 - 190) < 3 for s in both_off if s.horizontal)  # the switches off keep it


def test_faint_sharp_rules_are_rules_and_a_fold_as_faint_is_not() -> None:
    """Thin rules of a blurred 150 dpi scan come under half way to the ink;
    their edges are sharp, where a fold's slope is soft."""
    page = np.full((600, 800), 250, np.uint8)
    page[20:40, 20:60] = 20  # some print at full ink
    faint = 250 - round(0.42 * 230)  # 0.42 of the way from paper to ink
    for y in (100, 160, 220, 280):
        page[y : y + 2, 100:700] = faint
    for x in (100, 400, 698):
        page[100:282, x : x + 2] = faint
    rows = np.arange(600, dtype=np.float32)[:, None] - 420
    page[:, 150:650] = (page[:, 150:650] * (1 - 0.42 * np.exp(-((rows / 4.7) ** 2)))).astype(np.uint8)
    every_stroke = ruling_lines(page, RulingOptions(min_rule_contrast=0))
    assert sorted(round(s.y0) for s in every_stroke if s.horizontal) == [101, 161, 221, 281, 420]  # the fold too
    found = ruling_lines(page)
    assert sorted(round(s.y0) for s in found if s.horizontal) == [101, 161, 221, 281]
    assert sorted(round(s.x0) for s in found if not s.horizontal) == [101, 401, 699]
    # Without the sharp path, the contrast test alone drops the rules too.
    assert ruling_lines(page, RulingOptions(sharp_rule_contrast=0.5)) == []


def test_cell_crop_loses_rule_remnants_and_specks_not_points() -> None:
    crop = np.full((40, 200), 255, np.uint8)
    crop[:, 0:2] = 0  # remnant of the left rule
    crop[38:40, 50:120] = 0  # and of the bottom one
    for x in (40, 70, 100):  # three "characters"
        crop[10:30, x : x + 20] = 0
    crop[27:30, 63:66] = 0  # a decimal point between two of them
    crop[28:31, 122:125] = 0  # a full stop ending the line, low after the last
    crop[12:15, 22:25] = 0  # dust before the value
    crop[5:8, 160:163] = 0  # dust after it, high
    cleaned = clean_cell(crop, speck_px=4, rule_px=4)
    assert cleaned[:, 0:2].min() == 255 and cleaned[38:40].min() == 255
    assert cleaned[27:30, 63:66].max() == 0 and cleaned[28:31, 122:125].max() == 0
    assert cleaned[12:15, 22:25].min() == 255 and cleaned[5:8, 160:163].min() == 255
    assert text_rows(cleaned) == [(40, 10, 125, 31)]
    # An empty cell with only dust in it has no text row at all.
    empty = np.full((40, 200), 255, np.uint8)
    empty[20:23, 90:93] = 0
    assert text_rows(clean_cell(empty, speck_px=4, rule_px=4)) == []


def test_semicolon_and_colon_ending_a_row_keep_both_dots() -> None:
    """At a wrapped row's end nothing stands right of ； or ： to vouch for
    its upper dot, which is speck-sized at 300 dpi: the dots vouch for each
    other.  (Losing it turned ； into ， in long 偏差原因 cells.)"""
    crop = np.full((40, 200), 255, np.uint8)
    for x in (40, 70, 100):
        crop[10:30, x : x + 20] = 0
    crop[14:17, 124:127] = 0  # ；: the dot above ...
    crop[21:25, 124:127] = 0  # ... and the comma below, both speck-sized
    crop[14:17, 150:153] = 0  # dust high after the row, nothing under it
    cleaned = clean_cell(crop, speck_px=4, rule_px=4)
    assert cleaned[14:17, 124:127].max() == 0 and cleaned[21:25, 124:127].max() == 0
    assert cleaned[14:17, 150:153].min() == 255


def test_a_cell_bracket_pair_read_in_two_widths_is_full_width() -> None:
    assert pair_bracket_widths("乌财社〔2022]207号") == "乌财社〔2022〕207号"
    assert pair_bracket_widths("项目资金（万元)") == "项目资金（万元）"
    assert pair_bracket_widths("支出(项）") == "支出（项）"
    assert pair_bracket_widths("支出(项)与（类）") == "支出(项)与（类）"  # pairs read alike stay


def test_a_fold_shadow_is_lifted_and_text_kept() -> None:
    page = np.full((300, 400), 250, np.uint8)
    page[50:70, 100:120] = 30  # a character
    rows = np.arange(300, dtype=np.float32)[:, None] - 150
    folded = (page * (1 - 0.28 * np.exp(-((rows / 4.7) ** 2)))).astype(np.uint8)
    lifted = flatten_folds(folded)
    assert lifted[148:153].min() >= 245 and folded[148:153].min() < 190
    assert lifted[50:70, 100:120].max() <= 35
    assert np.array_equal(flatten_folds(page), page)  # nothing to lift: untouched


def test_a_seal_leaves_no_outline_and_keeps_the_text_under_it() -> None:
    # A red ring over paper and a black character, and the ring's rim as a
    # 200 dpi JPEG leaves it: pale, pinkish, below the saturation limit.
    page = np.full((120, 160, 3), 250, np.float32)
    page[50:70, 60:80] = 25  # a character
    yy, xx = np.mgrid[:120, :160]
    radius = np.hypot(yy - 60, xx - 80)
    ink = np.clip(1.0 - np.abs(radius - 40) / 4, 0, 1)[:, :, None]  # the ring, soft-edged
    star = ((np.abs(yy - 60) < 12) & (np.abs(xx - 70) < 12))[:, :, None] * 0.9  # ink over the character
    alpha = np.maximum(ink, star)
    red = np.array([36, 28, 205], np.float32)  # BGR
    page = page * (1 - alpha) + page * red / 255 * alpha
    rim = (np.abs(radius - 40) > 2.5) & (np.abs(radius - 40) < 4)
    page[rim] = page[rim] * 0.5 + np.mean(page[rim], axis=1, keepdims=True) * 0.5  # chroma halved
    grey = suppress_red_seals(np.clip(page, 0, 255).astype(np.uint8))
    seal_only = (alpha[:, :, 0] > 0.1) & ~((yy >= 48) & (yy < 72) & (xx >= 58) & (xx < 82))
    assert grey[seal_only].min() >= 200  # no grey outline left to read
    assert grey[52:68, 62:78].max() <= 60  # the character under the ink stays


def test_commas_of_a_wrapped_cell_are_kept() -> None:
    # Two lines of a wrapped cell: the first ends "增加，", the second starts
    # with a comma that wrapping pushed there ("，产生差异"); dust before the
    # first line goes.
    crop = np.full((70, 200), 255, np.uint8)
    for x in (30, 60, 90):
        crop[8:28, x : x + 20] = 0  # line 1
        crop[38:58, x + 30 : x + 50] = 0  # line 2, after its comma
    crop[24:28, 113:116] = 0  # closing comma of line 1, low, right after it
    crop[54:58, 45:48] = 0  # leading comma of line 2, low, right before its ink
    crop[22:25, 12:15] = 0  # dust before line 1
    cleaned = clean_cell(crop, speck_px=4, rule_px=4)
    assert cleaned[24:28, 113:116].max() == 0 and cleaned[54:58, 45:48].max() == 0
    assert cleaned[22:25, 12:15].min() == 255


def test_dust_read_as_points_in_running_text_is_dropped() -> None:
    text = ".2.科学技术支出(类)483.86.万元，占25.05%。"
    line = Line(
        text=text,
        bbox=(0, 0, 1, 1),
        page=1,
        char_boxes=[(i, 0, i + 1, 1) for i in range(len(text))],
        char_conf=[1.0] * len(text),
        size=1,
        kind="text",
    )
    mended = drop_stray_points(line)
    assert mended.text == "2.科学技术支出(类)483.86万元，占25.05%。"
    assert len(mended.char_boxes) == len(mended.char_conf) == len(mended.text)
    assert drop_stray_points(replace(line, text="增长3.14.5" + text[10:])).text.startswith("增长3.14.5")
    for damaged, meant in [
        (".九、财政拨款“三公”经费支出决算情况说明", "九、财政拨款“三公”经费支出决算情况说明"),
        ("主要原因是.:本年未安排居家养老资金", "主要原因是:本年未安排居家养老资金"),
        (".本年在职人员减少", "本年在职人员减少"),
    ]:
        assert drop_stray_points(_text_line(damaged)).text == meant


def _text_line(text: str) -> Line:
    boxes = [(float(i), 0.0, i + 1.0, 1.0) for i in range(len(text))]
    return Line(
        text=text, bbox=(0, 0, 1, 1), page=1, char_boxes=boxes, char_conf=[1.0] * len(text), size=1, kind="text"
    )


def test_a_cell_row_read_as_marks_only_is_noise() -> None:
    assert is_noise_reading("•") and is_noise_reading(" $ ") and is_noise_reading("*.")
    assert not is_noise_reading("—") and not is_noise_reading("") and not is_noise_reading("10.5")


def _cell_rows(lines: list[str]) -> list:
    """A drawn table cell (200 dpi, body size) cut into its text rows as the scan stage cuts them."""
    face = font(BODY_PX)
    canvas = Image.new("L", (40 + int(max(face.getlength(line) for line in lines)), 30 + 44 * len(lines)), 255)
    draw = ImageDraw.Draw(canvas)
    for index, line in enumerate(lines):
        draw.text((20, 15 + 44 * index), line, font=face, fill=0)
    view = PageView(np.array(canvas), Affine(), 1, 200.0)
    cell = TableCell(0, 0, 1, 1, "", (0.0, 0.0, float(canvas.width), float(canvas.height)), 1.0, 1)
    return cell_text_rows(view, cell, 0.0, 4, 4)


@pytest.mark.parametrize(
    "lines",
    [
        ["上级资金（万元）"],
        ["上级资金(万元)"],
        ["满意度问卷调查，满意度较预期增加"],
        ["满意度问卷调查,满意度较预期增加"],
        ["根据实际需求开展服务，服务", "人次较计划增加", "，产生差异"],
        ["根据实际需求开展服务,服务", "人次较计划增加", ",产生差异"],
        ["上级资金", "（万元）"],  # at the rows' ends no width shows: CJK inside makes them full-width
    ],
)
def test_cell_punctuation_takes_its_printed_width(lines: list[str], pipeline) -> None:
    """Rows of a cell (a wrapped one read side by side as one line) with
    commas and brackets in the width they are printed in, whatever the
    recogniser guessed: the width is measured in the crop's ink."""
    rows = _cell_rows(lines)
    assert len(rows) == len(lines)
    engine = get_engine("rapidocr", pipeline.scan.ocr)
    typical = float(np.median([row.height_px for row in rows]))
    chars = cell_chars_of_rows(rows, engine, typical, 255.0, pipeline.scan)
    assert "".join(c.text for c in chars) == "".join(lines)


def test_bitonal_cell_strokes_closed_or_re_rendered_grey() -> None:
    crop = np.full((20, 30), 255, np.uint8)
    crop[8:12, 2:14] = 0
    crop[8:12, 15:28] = 0  # a stroke broken by a one-pixel gap at x=14
    closed = smoothed_strokes(crop, "close")
    assert closed[9, 14] == 0 and closed[2, 2] == 255
    smooth = smoothed_strokes(crop, "smooth")
    assert 0 < smooth[7, 8] < 255  # soft edges, as a grey scan has
    assert smoothed_strokes(crop, "none") is crop


def _pale_mark_cell(mark_grey: int) -> list:
    """A cell of "=100%" whose "=" prints pale (a blurred thin stroke beside
    dark digits), cut into text rows as the scan stage cuts them."""
    face = font(BODY_PX)
    canvas = Image.new("L", (220, 60), 255)
    draw = ImageDraw.Draw(canvas)
    draw.text((20, 15), "=", font=face, fill=mark_grey)
    draw.text((20 + face.getlength("="), 15), "100%", font=face, fill=30)
    view = PageView(np.array(canvas), Affine(), 1, 200.0)
    return cell_text_rows(view, TableCell(0, 0, 1, 1, "", (0.0, 0.0, 220.0, 60.0), 1.0, 1), 0.0, 4, 4)


def test_a_pale_mark_before_a_number_stays_in_the_row_and_is_read(pipeline) -> None:
    """Otsu, split by the dark digits, puts a pale "=" with the paper; the row
    crop keeps it, so the recogniser sees it (a crop trimmed to the dark ink
    lost it where nothing could tell it had been there)."""
    [row] = _pale_mark_cell(190)
    engine = get_engine("rapidocr", pipeline.scan.ocr)
    chars = cell_chars_of_rows([row], engine, float(row.height_px), 255.0, pipeline.scan)
    assert "".join(c.text for c in chars) == "=100%"


class _MissesTheFirstMark:
    """A recogniser that reads a row but places its first character one row
    height into the ink: what RapidOCR does with a pale "=" it skips."""

    def read_line(self, crop: np.ndarray) -> tuple[PixelLine, float]:
        height = crop.shape[0]
        boxes = [(float(height + 12 * i), 0.0, float(height + 12 * (i + 1)), float(height)) for i in range(4)]
        return PixelLine("100%", boxes, [1.0] * 4), 1.0


def test_ink_before_the_first_character_read_lowers_the_confidence(pipeline) -> None:
    [row] = _pale_mark_cell(30)
    typical = float(row.height_px)
    chars = cell_chars_of_rows([row], _MissesTheFirstMark(), typical, 255.0, pipeline.scan)
    assert "".join(c.text for c in chars) == "100%"
    assert all(c.confidence == pytest.approx(pipeline.scan.unread_ink_factor) for c in chars)
