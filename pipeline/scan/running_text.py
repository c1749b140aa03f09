"""Running text of a scanned page (what lies outside its tables): lines read
by detection and recognition, made into chars with shared font sizes.

Entry point: ``running_text_chars(view, grids, engine, options)``.
"""

from __future__ import annotations

import re
from dataclasses import replace
from statistics import median

from pipeline.cjk import CJK_CLASS
from pipeline.model import Char, Line, Table
from pipeline.ocr import OcrEngine
from pipeline.scan.options import ScanOptions
from pipeline.scan.view import PageView
from pipeline.scan.widths import ems, settle_widths


def running_text_chars(view: PageView, grids: list[Table], engine: OcrEngine, options: ScanOptions) -> list[Char]:
    """Chars of the text outside tables: one detection + recognition pass
    over the page with the tables painted white, so table text is read
    only once, from the cells."""
    image = view.tables_painted_out(grids, options.table_margin_pt)
    lines = engine.read(image, page=view.number, to_points=view.to_points)
    sizes = font_sizes(lines, options)
    chars: list[Char] = []
    for line, size in zip(lines, sizes, strict=True):
        line = drop_stray_points(line)
        text = settle_widths(line.text, line.char_boxes, size, options.full_width_em)
        chars += line_chars(replace(line, text=text), size, options.char_box_height)
    return chars


# Specks read as "." where no point is written: before the list number that
# opens a line (".2.科学技术支出", ".九、财政拨款…", ".本年在职人员减少"), beside a
# colon (".:本年未安排"), and after a number that has its decimal point
# already, before a CJK unit or % ("483.86.万元").
_STRAY_POINT = re.compile(
    rf"^[.·](?=[\d{CJK_CLASS}（(:：])|[.·](?=[:：])|(?<=[:：])[.·]|(?<=\d\.\d\d)\.(?=[{CJK_CLASS}%])"
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
        length = ems(line.text)
        measured.append((line.bbox[2] - line.bbox[0]) / length if length >= options.min_ems else None)
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


def line_chars(line: Line, size: float, box_height: float) -> list[Char]:
    """The visible chars of an OCR line; spacing is left to the geometry,
    as ingest does for text layers."""
    middle = (line.bbox[1] + line.bbox[3]) / 2
    half = size * box_height / 2
    return [
        Char(text=ch, bbox=(box[0], middle - half, box[2], middle + half), size=size, confidence=conf)
        for ch, box, conf in zip(line.text, line.char_boxes, line.char_conf, strict=True)
        if not ch.isspace()
    ]
