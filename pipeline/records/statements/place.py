"""What stands around a statement grid: its title and unit line above, its
notes below (注：… / 说明：…本表无数据).

Text is looked for between the grid and the table above it on the same
page (or the page top), at most ``title_reach`` points up, and below the
grid's last row at most ``note_reach`` points down, character by character,
so a title that the paragraph builder joined to the text around it is still
found where it stands.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.model import BBox, Field, Paragraph, Table, union_bbox
from pipeline.normalize import text
from pipeline.records.statements.rules import StatementRules, label


@dataclass
class Piece:
    """Characters of one paragraph inside a band of a page."""

    text: str
    boxes: list[BBox]
    conf: list[float]
    page: int

    def field(self, start: int = 0, end: int | None = None) -> Field:
        end = len(self.text) if end is None else end
        boxes = self.boxes[start:end] or self.boxes
        return Field(
            value=text(self.text[start:end]).value,
            confidence=round(min(self.conf[start:end] or [0.0]), 4),
            page=self.page,
            bbox=[round(v, 2) for v in union_bbox(boxes)],
            source=self.text[start:end].strip(),
        )


@dataclass
class Surroundings:
    title: Piece | None
    title_form: str | None
    unit: str | None
    maker: str | None  # 编制单位
    note: str | None  # the sentence saying the table is empty on purpose


def _pieces(paragraphs: list[Paragraph], page: int, top: float, bottom: float) -> list[Piece]:
    """The parts of paragraphs whose characters sit on ``page`` between ``top`` and ``bottom``."""
    pieces = []
    for paragraph in paragraphs:
        if page not in paragraph.char_pages:
            continue
        chosen = [
            i
            for i, (p, box) in enumerate(zip(paragraph.char_pages, paragraph.char_boxes, strict=True))
            if p == page and box[1] >= top - 1 and box[3] <= bottom + 1
        ]
        if chosen:
            pieces.append(
                Piece(
                    "".join(paragraph.text[i] for i in chosen),
                    [paragraph.char_boxes[i] for i in chosen],
                    [paragraph.char_conf[i] for i in chosen],
                    page,
                )
            )
    return pieces


def _bottom_on(table: Table, page: int) -> float:
    bottoms = [c.bbox[3] for c in table.cells if c.page == page]
    return max(bottoms) if bottoms else table.bbox[3]


def _top_on(table: Table, page: int) -> float:
    tops = [c.bbox[1] for c in table.cells if c.page == page]
    return min(tops) if tops else table.bbox[1]


def surroundings(table: Table, others: list[Table], paragraphs: list[Paragraph], rules: StatementRules) -> Surroundings:
    first = (table.pages or [table.page])[0]
    top = _top_on(table, first)
    ceiling = max(
        [top - rules.title_reach]
        + [
            _bottom_on(other, first)
            for other in others
            if other is not table and first in (other.pages or [other.page]) and _bottom_on(other, first) <= top
        ]
    )
    above = sorted(_pieces(paragraphs, first, ceiling, top), key=lambda piece: -piece.boxes[-1][3])
    title, form, unit, maker = None, None, None, None
    for piece in above:  # nearest first
        compact = label(piece.text)
        if unit is None and (match := rules.unit.search(compact)):
            unit = match.group(1)
        if maker is None and (match := rules.maker.search(compact)):
            maker = match.group("name")
        if title is None:
            form = rules.title_form(piece.text)
            if form is not None:
                title = _without_unit(piece, rules)
    last = (table.pages or [table.page])[-1]
    bottom = _bottom_on(table, last)
    floor = min(
        [bottom + rules.note_reach]
        + [
            _top_on(other, last)
            for other in others
            if other is not table and last in (other.pages or [other.page]) and _top_on(other, last) >= bottom
        ]
    )
    below = _pieces(paragraphs, last, bottom, floor)
    note = next((piece.text.strip() for piece in below if rules.empty_note.search(label(piece.text))), None)
    return Surroundings(title, form, unit, maker, note)


def _without_unit(piece: Piece, rules: StatementRules) -> Piece:
    """A title line joined to its unit line (收入决算表 单位：万元) loses the unit."""
    for i in range(len(piece.text)):
        if rules.unit.match(label(piece.text[i:])):
            return Piece(piece.text[:i], piece.boxes[:i], piece.conf[:i], piece.page)
    return piece
