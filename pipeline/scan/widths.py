"""Punctuation widths on scans: full-width （：，） or half-width (:,), settled
from the printed width of each mark, its bracket partner, or the page's votes.

The recogniser confuses the two forms; the ink shows which was printed.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

import numpy as np

from pipeline.cjk import is_cjk
from pipeline.model import BBox, Char


def ems(text: str) -> float:
    """The width of ``text`` in ems: CJK (wide) characters one, others half; spaces nothing."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.5 for ch in text if not ch.isspace())


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
                own = after - before - (ems(chars[i - 1]) + ems(chars[i + 1])) * size / 2
                decided[i] = own >= full_width_em * size
    for i, full in _partners(chars, decided).items():
        decided.setdefault(i, full)
    if cjk_brackets_full:
        for i, ch in enumerate(chars):
            inside = chars[i + 1 : i + 2] if ch in "(（" else chars[i - 1 : i] if ch in ")）" else []
            if i not in decided and inside and is_cjk(inside[0]):
                decided[i] = True
    for i, full in decided.items():
        chars[i] = _HALF_TO_FULL.get(chars[i], chars[i]) if full else _FULL_TO_HALF.get(chars[i], chars[i])
    return "".join(chars)


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


@dataclass(slots=True)
class WidthVotes:
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
