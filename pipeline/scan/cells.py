"""Table cells of a scanned page read by recognition alone (no detection).

Entry point: ``cell_chars(view, grids, engine, options)``: chars spread over
each cell's text rows, so the grid's cell filling puts each back in its cell.
A wrapped cell's rows are read side by side as one line, however long:
the engines cut a line wider than they can take into pieces
(``pipeline.ocr.base.wide_pieces``).
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import median

import cv2
import numpy as np

from pipeline.imaging import ink_mask
from pipeline.model import BBox, Char, Table, TableCell
from pipeline.ocr import OcrEngine, PixelLine
from pipeline.ocr.base import ROW_PAD_PX, clean_cell, pad_row, split_box, text_rows
from pipeline.preprocess import Affine
from pipeline.scan.options import ScanOptions
from pipeline.scan.running_text import line_chars
from pipeline.scan.view import PageView
from pipeline.scan.widths import WidthVotes, pair_bracket_widths, settle_widths

# What the recogniser makes of a dash standing alone in a cell.
_DASH_READINGS = frozenset({"一", "1", "-", "—", "–", "_", "－", "l", "I"})

# What the recogniser makes of a speck (dust, seal grain) alone on a row; no
# cell says only this.
_NOISE_MARKS = frozenset("•·●★☆*$+.,'`°^~")


@dataclass(frozen=True, slots=True)
class TextRow:
    """One text row of a cell: its crop, padded for the recogniser, where
    its ink lies in points, and the map from the crop's pixels to points."""

    crop: np.ndarray
    bbox: BBox
    to_points: Affine
    height_px: int
    width_px: int
    darkest: int  # the darkest pixel of its ink


def cell_chars(view: PageView, grids: list[Table], engine: OcrEngine, options: ScanOptions) -> list[Char]:
    """Chars of every table cell, spread over the cell's recognised text rows
    so that the grid's cell filling puts each back into its cell."""
    to_px = view.dpi / 72.0  # the resolution rendered at, which the pixel budget may have lowered
    speck_px, rule_px = round(options.cell_speck_pt * to_px), round(options.cell_rule_pt * to_px)
    cells = [
        cell_text_rows(view, cell, options.cell_inset_pt, speck_px, rule_px, options.bitonal_cells)
        for grid in grids
        for cell in grid.cells
    ]
    every_row = [row for rows in cells for row in rows]
    if not every_row:
        return []
    typical = median(row.height_px for row in every_row)
    ink = median(row.darkest for row in every_row)
    faint = 255 - options.faint_row_contrast * (255 - ink)
    votes = WidthVotes()
    plans = [_cell_plan(rows, typical, faint, options) for rows in cells]
    # One batched recognition for the page's cell lines: most are short
    # numbers, and the recogniser pads each input to a fixed width anyway.
    read = iter(engine.read_lines([plan.crop for plan in plans if plan.crop is not None]))
    chars = [
        char
        for plan in plans
        for char in _plan_chars(plan, next(read) if plan.crop is not None else None, engine, typical, options, votes)
    ]
    votes.settle()
    return chars


@dataclass(frozen=True, slots=True)
class _CellPlan:
    """How one cell is read: its rows too tall for one line (by detection),
    and the one line its other rows make (``crop``: the single row, or the
    wrapped rows side by side, each starting at ``starts``)."""

    tall: list[TextRow]
    lines: list[TextRow]
    crop: np.ndarray | None
    starts: list[int]


def _cell_plan(rows: list[TextRow], typical: float, faint: float, options: ScanOptions) -> _CellPlan:
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
    if len(lines) == 1:
        return _CellPlan(tall, lines, lines[0].crop, [0])
    if lines:
        return _CellPlan(tall, lines, *_side_by_side(lines, round(options.joined_row_gap * typical)))
    return _CellPlan(tall, lines, None, [])


def cell_chars_of_rows(
    rows: list[TextRow],
    engine: OcrEngine,
    typical: float,
    faint: float,
    options: ScanOptions,
    votes: WidthVotes | None = None,
) -> list[Char]:
    """The chars of one cell from its text rows (``typical``: the page's
    median row height; rows paler than ``faint`` are remnants; ``votes``
    gathers the page's punctuation widths, else the cell's own settle)."""
    own_votes = votes is None
    votes = votes if votes is not None else WidthVotes()
    plan = _cell_plan(rows, typical, faint, options)
    read = engine.read_line(plan.crop) if plan.crop is not None else None
    chars = _plan_chars(plan, read, engine, typical, options, votes)
    if own_votes:
        votes.settle()
    return chars


def _plan_chars(
    plan: _CellPlan,
    read: tuple[PixelLine, float] | None,
    engine: OcrEngine,
    typical: float,
    options: ScanOptions,
    votes: WidthVotes,
) -> list[Char]:
    """A cell's chars: its tall rows detected and read, then its line as ``read``."""
    chars: list[Char] = []
    for row in plan.tall:
        # Wrapped lines that the ink projection could not split apart.
        # Detector boxes are padded (``box_to_font_size``): sized by them,
        # the chars of neighbouring lines would overlap and interleave.
        for line in engine.read(row.crop, to_points=row.to_points):
            size = (line.bbox[3] - line.bbox[1]) / options.box_to_font_size
            chars += line_chars(line, size, options.char_box_height)
    if read is None:
        return chars
    line, confidence = read
    if len(plan.lines) == 1:
        return chars + _single_row_chars(plan.lines[0], line, confidence, typical, options, votes)
    return chars + _wrapped_rows_chars(plan, line, confidence, typical, options, votes)


def _single_row_chars(
    row: TextRow, line: PixelLine, confidence: float, typical: float, options: ScanOptions, votes: WidthVotes
) -> list[Char]:
    if is_noise_reading(line.text):
        return []
    if line.text.strip() in _DASH_READINGS and row.height_px < options.dash_row_ratio * typical:
        # A lone flat stroke: the recogniser scales it to full row height and
        # reads 一 or 1, but in a form it is the dash of a cell with no
        # value.  (Rule remnants are flat too; they read as nothing.)
        return _spread("—", row.bbox, confidence)
    if _unread_lead_px(line.char_boxes, row.crop) > options.unread_ink_rows * row.height_px:
        confidence *= options.unread_ink_factor
    em = _cell_em(typical, options)
    text = settle_widths(
        line.text, line.char_boxes, em, options.full_width_em, _blank_columns(row.crop), cjk_brackets_full=True
    )
    votes.count(text)
    return _spread(pair_bracket_widths(text), row.bbox, confidence)


def _wrapped_rows_chars(
    plan: _CellPlan, line: PixelLine, confidence: float, typical: float, options: ScanOptions, votes: WidthVotes
) -> list[Char]:
    """The text rows of one wrapped cell, read as a single line side by side.

    Read row by row, the recogniser drops a comma that wrapping pushed to the
    start of a row ("，产生差异"); in one line it sits between words as
    written.  Each row's share of the text is the characters centred on it;
    punctuation widths are measured within a row (the join between rows is
    not printed spacing), and a comma or colon at a row's edge is left to
    the page's ``votes``.
    """
    rows, starts = plan.lines, plan.starts
    if is_noise_reading(line.text):
        return []
    shares: list[list[int]] = [[] for _ in rows]
    for index, (left, _, right, _) in enumerate(line.char_boxes):
        row = int(np.searchsorted(starts, (left + right) / 2, side="right")) - 1
        shares[min(max(row, 0), len(rows) - 1)].append(index)
    em = _cell_em(typical, options)
    blank = _blank_columns(plan.crop)
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


def _side_by_side(rows: list[TextRow], gap: int) -> tuple[np.ndarray, list[int]]:
    """The rows' ink set side by side on one line, ``gap`` pixels apart and
    vertically centred, and where each row starts along it."""
    pad = ROW_PAD_PX
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
    return ~ink_mask(crop).any(axis=0)


def _unread_lead_px(char_boxes: list[BBox], crop: np.ndarray) -> float:
    """How far the row's ink starts before the first character box the
    recogniser gave (0 without boxes: an engine that gives none).  Only the
    lead is measured: the boxes' right ends drift on long rows."""
    inked = np.flatnonzero(~_blank_columns(crop))
    if not char_boxes or not inked.size:
        return 0.0
    return max(0.0, char_boxes[0][0] - inked[0])


def _cell_em(typical_row_px: float, options: ScanOptions) -> float:
    """The font size of cell text, in pixels, from the page's typical cell row (its ink height)."""
    return typical_row_px / options.ink_height_em


def is_noise_reading(text: str) -> bool:
    """Whether a cell row reads as nothing but the marks specks are read as."""
    return bool(text.strip()) and set(text.strip()) <= _NOISE_MARKS


def cell_text_rows(
    view: PageView, cell: TableCell, inset_pt: float, speck_px: int, rule_px: int, bitonal_cells: str = "none"
) -> list[TextRow]:
    x0, y0, x1, y1 = view.pixel_box(cell.bbox, inset_pt)
    crop = clean_cell(view.image[y0:y1, x0:x1], speck_px, rule_px)
    if view.bitonal:
        crop = smoothed_strokes(crop, bitonal_cells)
    cell_to_points = Affine.translation(x0, y0).then(view.to_points)
    pad = ROW_PAD_PX
    return [
        TextRow(
            crop=pad_row(crop, row, pad),
            bbox=cell_to_points.bbox(row),
            to_points=Affine.translation(row[0] - pad, row[1] - pad).then(cell_to_points),
            height_px=row[3] - row[1],
            width_px=row[2] - row[0],
            darkest=int(crop[row[1] : row[3], row[0] : row[2]].min()),
        )
        for row in text_rows(crop)
    ]


def smoothed_strokes(crop: np.ndarray, how: str) -> np.ndarray:
    """A bitonal cell's ink before recognition: as it is (``none``), with
    one-pixel gaps in its strokes closed (``close``), or re-rendered grey
    (``smooth``: the soft edges a grey scan has, which the recogniser was
    trained on)."""
    if how == "close":  # ink is dark: closing the ink is an opening of the grey image
        return cv2.morphologyEx(crop, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))
    if how == "smooth":
        return cv2.GaussianBlur(crop, (0, 0), 0.7)
    return crop


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
