"""reading.build_lines / paragraphs on real PDFs and on hand-placed chars."""

from __future__ import annotations

import pytest

from pipeline.ingest import open_pdf
from pipeline.model import Char, Page, Paragraph, Table, TableCell
from pipeline.reading import build_lines, paragraphs
from pipeline.tables import recognise
from tests.born_digital import (
    AFTER_TABLE_PARAGRAPH,
    FILLER_PARAGRAPHS,
    HEADER,
    PAGE_BREAK_PARAGRAPH,
    TITLE,
    WRAPPED_PARAGRAPH,
    as_extracted,
    report_files,
)


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> list[Page]:
    source = open_pdf(report_files(tmp_path_factory.mktemp("reading")))
    for page in source.pages:
        page.tables = recognise(page)
    return source.pages


@pytest.fixture(scope="module")
def flow(pages: list[Page]) -> list[Paragraph]:
    return paragraphs(pages)


def _texts(flow: list[Paragraph]) -> list[str]:
    return [p.text for p in flow]


def test_document_order_and_kinds(flow: list[Paragraph]) -> None:
    assert [(p.kind, p.text) for p in flow] == [
        ("title", as_extracted(TITLE)),
        ("heading", "第一部分单位概况"),
        ("heading", "一、收入支出决算总体情况说明"),
        ("text", as_extracted(WRAPPED_PARAGRAPH)),
        *[("text", text) for text in FILLER_PARAGRAPHS],
        ("heading", "二、支出决算具体情况"),
        ("text", as_extracted(PAGE_BREAK_PARAGRAPH)),
        ("text", as_extracted(AFTER_TABLE_PARAGRAPH)),
        ("text", "预算绩效的情况说明如下表所示。"),
    ]


def test_wrapped_paragraph_keeps_numbers_whole(flow: list[Paragraph]) -> None:
    text = _texts(flow)[3]
    assert "收入总计3,369.63万元" in text and "下降6.39%" in text


def test_paragraph_over_page_break_is_one(flow: list[Paragraph]) -> None:
    [paragraph] = [p for p in flow if p.text.startswith("社会保障和就业支出(类)")]
    assert set(paragraph.char_pages) == {1, 2}
    assert paragraph.text.count("社会保障和就业支出(类)民政管理事务(款)行政运行(项):支出决算数为756.84万元") == 5


def test_headers_footers_and_page_numbers_stay_out(pages: list[Page], flow: list[Paragraph]) -> None:
    body = "".join(_texts(flow))
    assert "- 1 -" not in body and "-1-" not in body
    assert body.count(HEADER) == 1  # the title itself, not the running header
    for page in pages[:4]:
        kinds = {line.kind for line in page.lines}
        assert {"header", "footer"} <= kinds


def test_table_text_is_not_running_text(flow: list[Paragraph]) -> None:
    body = "".join(_texts(flow))
    assert "年初预算数" not in body and "服务对象第3项" not in body


def test_locate_traces_text_to_page_and_box(flow: list[Paragraph]) -> None:
    paragraph = flow[3]
    start = paragraph.text.index("3,369.63")
    page, box, confidence = paragraph.locate(start, start + len("3,369.63"))
    assert page == 1 and confidence == 1.0
    assert box[2] - box[0] == pytest.approx(8 * 6.0, abs=1)  # eight half-width chars of 12pt
    split = next(p for p in flow if set(p.char_pages) == {1, 2})
    assert len(split.char_pages) == len(split.text) == len(split.char_boxes) == len(split.char_conf)
    last = len(split.text) - 1
    assert split.locate(last, last + 1)[0] == 2


def _chars(text: str, x: float, top: float, size: float = 12.0, advance: float | None = None) -> list[Char]:
    """One line of chars, CJK a full em wide and ASCII half, placed by hand."""
    chars = []
    for ch in text:
        width = size if ord(ch) > 0x2000 else size / 2
        if not ch.isspace():
            chars.append(Char(ch, (x, top, x + width, top + size), size))
        x += width if advance is None else advance
    return chars


def _page(number: int, lines: list[list[Char]], tables: list[Table] | None = None) -> Page:
    chars = [c for line in lines for c in line]
    return Page(number, 595.0, 842.0, "text", chars=chars, tables=tables or [])


def test_spaces_only_between_latin_words() -> None:
    page = _page(1, [_chars("采用 Word Excel 格式，合计 3,369.63 万元", 72, 100)])
    [line] = build_lines(page)
    assert line.text == "采用Word Excel格式，合计3,369.63万元"
    assert len(line.char_boxes) == len(line.text)


def test_justified_number_is_not_split() -> None:
    # Letter-spaced digits: every char 1.5pt further apart than its width.
    page = _page(1, [_chars("合计3,369.63", 72, 100, advance=7.5)])
    assert build_lines(page)[0].text == "合计3,369.63"


FULL = "一" * 37  # fills the 444pt text width at 12pt


def test_page_break_join_across_a_table_and_headers() -> None:
    table_cell = TableCell(0, 0, 1, 1, "表", (72, 700, 516, 760), 1.0, 1)
    table = Table(1, (72, 700, 516, 760), 1, 1, [table_cell], [1])
    page_one = _page(
        1,
        [
            _chars("第3页", 270, 810),
            _chars("　　" + "二" * 35, 72, 600),
            _chars(FULL, 72, 620),
            _chars(FULL[:-1] + "，", 72, 640),
        ],
        [table],
    )
    page_two = _page(2, [_chars("第4页", 270, 810), _chars("延续到下一页。", 72, 80), _chars("　　新段落。", 72, 100)])
    flow = paragraphs([page_one, page_two])
    assert [p.text for p in flow] == ["二" * 35 + FULL + FULL[:-1] + "，延续到下一页。", "新段落。"]


def test_no_join_across_a_table_on_the_same_page() -> None:
    table_cell = TableCell(0, 0, 1, 1, "表", (72, 130, 516, 190), 1.0, 1)
    table = Table(1, (72, 130, 516, 190), 1, 1, [table_cell], [1])
    page = _page(1, [_chars(FULL, 72, 100), _chars(FULL, 72, 200), _chars("结束。", 72, 220)], [table])
    assert [p.text for p in paragraphs([page])] == [FULL, FULL + "结束。"]


def test_page_number_forms_are_footers() -> None:
    pages = [
        _page(n, [_chars(FULL, 72, 100), _chars(footer, 280, 800)])
        for n, footer in enumerate(["第1页 共3页", "- 2 -", "3"], start=1)
    ]
    paragraphs(pages)
    assert [[line.kind for line in page.lines] for page in pages] == [["text", "footer"]] * 3


def test_title_inside_the_header_band_stays_despite_a_running_header_of_the_same_text() -> None:
    running_header = "昌吉市教育局（本级）2025年度部门决算公开说明"
    first = _page(
        1, [_chars(running_header, 100, 20, size=9), _chars(running_header, 60, 50, size=17), _chars(FULL, 72, 120)]
    )
    second = _page(2, [_chars(running_header, 100, 20, size=9), _chars(FULL, 72, 120)])
    flow = paragraphs([first, second])
    assert flow[0].kind == "title"
    assert flow[0].text == running_header
    assert [line.kind for line in first.lines] == ["header", "text", "text"]


def test_a_scan_shifted_on_the_glass_keeps_its_paragraphs() -> None:
    """Page 2 lies 30 pt further right (feeder drift): judged against page 1's
    margin, every line of it would look indented and start a paragraph."""
    def page(number: int, left: float) -> Page:
        lines = [_chars("　　" + "二" * 35, left, 100)] + [_chars(FULL, left, 120 + 20 * k) for k in range(7)]
        built = _page(number, lines)
        built.source = "ocr"
        return built

    first, shifted = page(1, 72), page(2, 102)
    for each in (first, shifted):
        each.lines = build_lines(each)
    flow = paragraphs([first, shifted])
    assert [p.text[:3] for p in flow] == ["二二二", "二二二"]  # one paragraph per indented first line
