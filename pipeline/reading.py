"""Running text of born-digital pages: lines, then paragraphs across pages.

Entry points:

* ``build_lines(page, options) -> list[Line]`` — the page's chars outside
  tables grouped into visual lines, top to bottom;
* ``paragraphs(pages, options) -> list[Paragraph]`` — lines in reading order
  (single column) joined into paragraphs, across page breaks, with running
  headers, footers and page numbers marked on ``page.lines`` and left out.

Layout is judged against the body's text margins, measured per page size
(the most common left edge, a high percentile of right edges), so the same
rules hold for any font size or page format.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from statistics import median

from pipeline.model import Line, Page, Paragraph, RegionKind, union_bbox
from pipeline.tables import chars_outside_tables, table_regions
from pipeline.textlines import TextRun, group_into_lines, is_word_char, line_run


@dataclass(frozen=True, slots=True)
class ReadingOptions:
    margin_band: float = 0.1  # share of page height, top and bottom, for headers/footers
    min_repeats: int = 2  # pages a margin line must appear on to be a running header/footer
    indent: float = 1.5  # first-line indent, in font sizes, that starts a paragraph
    short_line: float = 2.0  # a line ending this many font sizes before the margin ends a paragraph
    size_change: float = 0.8  # points of font size difference that break a paragraph
    paragraph_gap: float = 1.2  # vertical gap, in font sizes, that breaks a paragraph
    heading_max_chars: int = 40
    title_ratio: float = 1.15  # title font size over body size
    space_gap: float = 0.3  # gap (font sizes) that makes a space between Latin words
    number_gap: float = 1.0  # gap (font sizes) that splits two parts of a number


# 第一部分, 一、, （一）, (一), 1. / 1、 at the start of a line.  "1." must not be
# followed by a digit: a wrapped "1.5%" is not a list item.
_HEADING_START = re.compile(
    r"^(第[一二三四五六七八九十百零\d]+[部分章节条]|[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d{1,2}[.．、](?!\d))"
)
_PAGE_NUMBER = re.compile(
    r"^([-–—]?\s*\d{1,4}\s*[-–—]?|第\s*\d{1,4}\s*页(\s*[,，/]?\s*共\s*\d{1,4}\s*页)?|\d{1,4}\s*/\s*\d{1,4}|page\s*\d{1,4}(\s*of\s*\d{1,4})?)$",
    re.IGNORECASE,
)
_SENTENCE_END = "。；;！!？?"


# --------------------------------------------------------------------------
# Lines
# --------------------------------------------------------------------------


def build_lines(page: Page, options: ReadingOptions | None = None) -> list[Line]:
    """Visual lines of the page's running text (table chars left out)."""
    options = options or ReadingOptions()
    lines = []
    for chars in group_into_lines(chars_outside_tables(page)):
        run = line_run(chars, page.number, space_gap=options.space_gap, number_gap=options.number_gap)
        lines.append(
            Line(
                text=run.string(),
                bbox=union_bbox([c.bbox for c in chars]),
                page=page.number,
                char_boxes=run.boxes,
                char_conf=run.conf,
                size=median(c.size for c in chars),
            )
        )
    return lines


# --------------------------------------------------------------------------
# Paragraphs
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Margins:
    left: float
    right: float


def paragraphs(pages: list[Page], options: ReadingOptions | None = None) -> list[Paragraph]:
    """Paragraphs of the document in reading order.

    Fills ``page.lines`` (headers/footers marked there) for pages that have
    none yet, from their chars: a text layer's or, on a scanned page, the
    ones the scan stage read.
    """
    options = options or ReadingOptions()
    for page in pages:
        if not page.lines:
            page.lines = build_lines(page, options)
        for line in page.lines:
            if line.size <= 0:  # OCR lines carry no font size; their height stands in
                line.size = line.bbox[3] - line.bbox[1]
    _mark_margins(pages, options)
    body = [line for page in pages for line in page.lines if line.kind not in ("header", "footer")]
    if not body:
        return []
    body_size = _body_size(body)
    margins = _margins(pages, body, body_size)
    title_size = _title_size(pages, body_size, options)
    pages_by_number = {page.number: page for page in pages}

    result: list[Paragraph] = []
    current: list[Line] = []
    for line in body:
        if current and _breaks(current[-1], line, pages_by_number, margins, options, title_size):
            result.append(_paragraph(current, body_size, title_size, options))
            current = []
        current.append(line)
    result.append(_paragraph(current, body_size, title_size, options))
    return result


def _mark_margins(pages: list[Page], options: ReadingOptions) -> None:
    """Kind "header"/"footer" for page numbers and for lines that repeat, in
    the margin bands, across pages (digits ignored: "2024年…第3页").

    A repeat must also be of about the same size: a running header often
    repeats the document title, and the title itself must stay in the text.
    """

    def band(line: Line, page: Page) -> RegionKind | None:
        if line.bbox[3] <= page.height * options.margin_band:
            return "header"
        if line.bbox[1] >= page.height * (1 - options.margin_band):
            return "footer"
        return None

    def shape(line: Line) -> str:
        return re.sub(r"\d+", "#", line.text.replace(" ", ""))

    seen: dict[str, list[tuple[int, float]]] = defaultdict(list)  # shape -> (page, size)
    for page in pages:
        for line in page.lines:
            if band(line, page):
                seen[shape(line)].append((page.number, line.size))

    def repeated(line: Line) -> bool:
        pages_alike = {
            number for number, size in seen[shape(line)] if abs(size - line.size) <= 0.15 * max(size, line.size)
        }
        return len(pages_alike) >= options.min_repeats

    for page in pages:
        for line in page.lines:
            kind = band(line, page)
            if kind and (_PAGE_NUMBER.match(line.text) or repeated(line)):
                line.kind = kind


def _body_size(body: list[Line]) -> float:
    """The font size most text is set in (weighted by characters)."""
    sizes: Counter[float] = Counter()
    for line in body:
        sizes[round(line.size, 1)] += len(line.text)
    return sizes.most_common(1)[0][0]


def _margins(pages: list[Page], body: list[Line], body_size: float) -> dict[int, _Margins]:
    """Text margins per page, measured over all pages of the same size."""
    size_of = {page.number: (round(page.width), round(page.height)) for page in pages}
    by_format: dict[tuple[int, int], list[Line]] = {}
    for line in body:
        by_format.setdefault(size_of[line.page], []).append(line)
    measured = {page_format: _measured(lines, body_size) for page_format, lines in by_format.items()}
    margins = {number: measured[page_format] for number, page_format in size_of.items() if page_format in measured}
    # A scan lies on the glass where the feeder put it, shifted by up to a
    # centimetre or two from page to page: its margins are its own, where it
    # has lines enough to tell.
    for page in pages:
        own = [line for line in body if line.page == page.number and abs(line.size - body_size) < 0.5]
        if page.source == "ocr" and len(own) >= _OWN_MARGIN_LINES:
            margins[page.number] = _measured(own, body_size)
    return margins


_OWN_MARGIN_LINES = 6
_LEFT_BIN_PT = 2  # OCR line boxes jitter by a point or so


def _measured(lines: list[Line], body_size: float) -> _Margins:
    text_lines = [line for line in lines if abs(line.size - body_size) < 0.5] or lines
    lefts = Counter(round(line.bbox[0] / _LEFT_BIN_PT) * _LEFT_BIN_PT for line in text_lines)
    rights = sorted(line.bbox[2] for line in text_lines)
    return _Margins(left=float(lefts.most_common(1)[0][0]), right=rights[int(0.9 * (len(rights) - 1))])


def _title_size(pages: list[Page], body_size: float, options: ReadingOptions) -> float | None:
    """The largest font size on page 1, when it is clearly a title size."""
    first = [line for line in pages[0].lines if line.kind == "text"]
    largest = max((line.size for line in first), default=0.0)
    return largest if largest >= body_size * options.title_ratio else None


def _breaks(
    previous: Line,
    line: Line,
    pages: dict[int, Page],
    margins: dict[int, _Margins],
    options: ReadingOptions,
    title_size: float | None,
) -> bool:
    """Whether ``line`` starts a new paragraph after ``previous``."""
    if title_size is not None and _is_title_line(previous, title_size) and _is_title_line(line, title_size):
        return False  # a title wrapped over lines is centred, not indented
    size = max(line.size, 1.0)
    if abs(line.size - previous.size) > options.size_change:
        return True
    if _HEADING_START.match(line.text):
        return True
    if line.page == previous.page:
        if _table_between(pages[line.page], previous.bbox[3], line.bbox[1]):
            return True
        if line.bbox[1] - previous.bbox[3] > options.paragraph_gap * size:
            return True
    elif line.page != previous.page + 1:
        return True
    margin = margins[line.page]
    if line.bbox[0] - margin.left > options.indent * size:
        return True
    room = margins[previous.page].right - previous.bbox[2]
    # A line ending short is a paragraph end, unless the next line's first
    # word (a number like "756.84") was too wide for the room left.
    return room > options.short_line * size and _first_word_width(line) < room


def _first_word_width(line: Line) -> float:
    """Width of the line's leading Latin/digit word, or of its first char."""
    end = 1
    if is_word_char(line.text[0]):
        while end < len(line.text) and is_word_char(line.text[end]):
            end += 1
    return line.char_boxes[end - 1][2] - line.char_boxes[0][0]


def _is_title_line(line: Line, title_size: float) -> bool:
    return line.page == 1 and abs(line.size - title_size) < 0.5


def _table_between(page: Page, top: float, bottom: float) -> bool:
    return any(top - 1 <= region[1] and region[3] <= bottom + 1 for region in table_regions(page))


def _paragraph(lines: list[Line], body_size: float, title_size: float | None, options: ReadingOptions) -> Paragraph:
    run = TextRun.empty()
    for line in lines:
        run.join(TextRun(list(line.text), line.char_boxes, [line.page] * len(line.text), line.char_conf))
    text = run.string()
    return Paragraph(
        text=text,
        char_pages=run.pages,
        char_boxes=run.boxes,
        char_conf=run.conf,
        kind=_paragraph_kind(lines, text, body_size, title_size, options),
    )


def _paragraph_kind(
    lines: list[Line],
    text: str,
    body_size: float,
    title_size: float | None,
    options: ReadingOptions,
) -> RegionKind:
    first = lines[0]
    if title_size is not None and _is_title_line(first, title_size):
        return "title"
    short = len(text) <= options.heading_max_chars and text[-1] not in _SENTENCE_END
    if short and len(lines) == 1 and (_HEADING_START.match(text) or first.size > body_size + options.size_change):
        return "heading"
    return "text"
