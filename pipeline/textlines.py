"""Characters → visual lines → text, shared by running text and table cells.

Chinese text carries no spaces between characters, and a text layer's own
space characters are unreliable (justified text spreads glyphs; some
producers emit no spaces at all), so ingest drops whitespace and the
spacing is decided here from geometry alone: a space only between two
Latin/digit characters separated by a real gap.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.model import BBox, Char

# Characters inside a written number; a gap between two of them must be
# much wider before it splits the number ("3, 369. 63" from justified text).
_NUMBER_CHARS = frozenset("0123456789,.%")


def is_word_char(ch: str) -> bool:
    """Latin letters, digits and ASCII punctuation: the only characters that
    are ever separated by a space."""
    return "!" <= ch <= "~" or "\u00c0" <= ch <= "\u024f"


def is_latin_letter(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()


@dataclass(slots=True)
class TextRun:
    """Text with one box, page and confidence per character."""

    text: list[str]
    boxes: list[BBox]
    pages: list[int]
    conf: list[float]

    @classmethod
    def empty(cls) -> TextRun:
        return cls([], [], [], [])

    def append(self, text: str, box: BBox, page: int, conf: float) -> None:
        self.text.append(text)
        self.boxes.append(box)
        self.pages.append(page)
        self.conf.append(conf)

    def extend(self, other: TextRun) -> None:
        self.text.extend(other.text)
        self.boxes.extend(other.boxes)
        self.pages.extend(other.pages)
        self.conf.extend(other.conf)

    def join(self, other: TextRun) -> None:
        """Append ``other`` as the next line: no separator between CJK
        characters, one space between two Latin words."""
        if self.text and other.text and is_latin_letter(self.text[-1][-1]) and is_latin_letter(other.text[0][0]):
            self.append(" ", self.boxes[-1], self.pages[-1], self.conf[-1])
        self.extend(other)

    def string(self) -> str:
        return "".join(self.text)


def group_into_lines(chars: list[Char]) -> list[list[Char]]:
    """Chars grouped into visual lines, top to bottom, each left to right.

    A char joins the current line while its vertical centre lies inside the
    box of the line's first char; this keeps punctuation and mixed font
    sizes on their line without letting tall chars swallow the next line.
    """
    ordered = sorted(chars, key=lambda c: (c.bbox[1] + c.bbox[3], c.bbox[0]))
    lines: list[list[Char]] = []
    line_bottom = float("-inf")
    for char in ordered:
        centre = (char.bbox[1] + char.bbox[3]) / 2
        if not lines or centre > line_bottom:
            lines.append([char])
            line_bottom = char.bbox[3]
        else:
            lines[-1].append(char)
    for line in lines:
        line.sort(key=lambda c: c.bbox[0])
    return lines


def line_run(chars: list[Char], page: int, *, space_gap: float = 0.3, number_gap: float = 1.0) -> TextRun:
    """One line's chars (left to right) as text; ``space_gap``/``number_gap``
    are the gaps, in multiples of the font size, that make a space between
    Latin words and inside a number respectively."""
    run = TextRun.empty()
    previous: Char | None = None
    for char in chars:
        if previous is not None and _space_between(previous, char, space_gap, number_gap):
            gap_box = (previous.bbox[2], previous.bbox[1], char.bbox[0], previous.bbox[3])
            run.append(" ", gap_box, page, min(previous.confidence, char.confidence))
        run.append(char.text, char.bbox, page, char.confidence)
        previous = char
    return run


def _space_between(left: Char, right: Char, space_gap: float, number_gap: float) -> bool:
    a, b = left.text[-1], right.text[0]
    if not (is_word_char(a) and is_word_char(b)):
        return False
    size = max(left.size, right.size, 1.0)
    factor = number_gap if a in _NUMBER_CHARS and b in _NUMBER_CHARS else space_gap
    return right.bbox[0] - left.bbox[2] > factor * size


def chars_text(chars: list[Char], page: int) -> TextRun:
    """A block of chars (a table cell) as one run: lines top to bottom,
    joined without a separator between CJK characters."""
    run = TextRun.empty()
    for line in group_into_lines(chars):
        run.join(line_run(line, page))
    return run
