"""Paragraph text in the form rules are written for, with a way back.

Rules match *folded, compact* text: full-width characters as ASCII, all
whitespace and the stray marks of a scan (``normalize.STRAY_MARK``) removed,
so ``年初 财政拨款结转和结余 148. 88 万元``, ``本年支出·0.00 万元`` and
``年初财政拨款结转和结余148.88万元`` read alike.  ``TextStream`` keeps, for
every character of that text, the paragraph and position it came from, so a
match can be reported with the text as read, its page, box and confidence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.cjk import CJK_CLASS
from pipeline.model import BBox, Paragraph, union_bbox
from pipeline.normalize import STRAY_MARK, fold

_CJK_SPACE_CJK = re.compile(rf"[{CJK_CLASS}]\s+[{CJK_CLASS}]")


@dataclass(frozen=True, slots=True)
class Evidence:
    """Where a span of compact text came from."""

    source: str  # the text as read, paragraphs joined
    page: int
    bbox: BBox
    confidence: float  # minimum character confidence over the span
    broken_text: bool  # whitespace between two CJK characters inside the span
    joined: bool  # the span runs over a paragraph break
    stray_marks: bool  # a scan speck read as a mark was skipped inside the span


class TextStream:
    """One or more paragraphs, folded and compacted, joined end to end."""

    def __init__(self, paragraphs: Sequence[Paragraph]) -> None:
        self.paragraphs = list(paragraphs)
        chars: list[str] = []
        self._paragraph_of: list[int] = []
        self._position_of: list[int] = []
        self.paragraph_ends: list[int] = []  # compact index just past each paragraph
        for index, paragraph in enumerate(self.paragraphs):
            folded = fold(paragraph.text)
            stray = {match.start() for match in STRAY_MARK.finditer(folded)}
            for position, char in enumerate(folded):
                if not char.isspace() and position not in stray:
                    chars.append(char)
                    self._paragraph_of.append(index)
                    self._position_of.append(position)
            self.paragraph_ends.append(len(chars))
        self.text = "".join(chars)

    def paragraph_index(self, position: int) -> int:
        """The paragraph that compact character ``position`` came from."""
        return self._paragraph_of[position]

    def _segments(self, start: int, end: int) -> list[tuple[Paragraph, int, int]]:
        """The source slices (paragraph, start, end) covering compact ``[start, end)``."""
        segments: list[tuple[Paragraph, int, int]] = []
        index = start
        while index < end:
            paragraph_index = self._paragraph_of[index]
            last = min(end, self.paragraph_ends[paragraph_index]) - 1
            segments.append(
                (
                    self.paragraphs[paragraph_index],
                    self._position_of[index],
                    self._position_of[last] + 1,
                )
            )
            index = last + 1
        return segments

    def source(self, start: int, end: int) -> str:
        """The text as read behind compact ``[start, end)``."""
        return "".join(p.text[s:e] for p, s, e in self._segments(start, end))

    def evidence(self, start: int, end: int) -> Evidence:
        """Source, page, box, confidence and reading flaws of compact ``[start, end)``."""
        segments = self._segments(start, max(end, start + 1))
        first_paragraph, first_start, first_end = segments[0]
        page, bbox, _ = first_paragraph.locate(first_start, first_end)
        boxes = [bbox]
        confidence = 1.0
        for paragraph, seg_start, seg_end in segments:
            seg_page, seg_box, seg_conf = paragraph.locate(seg_start, seg_end)
            confidence = min(confidence, seg_conf)
            if seg_page == page:
                boxes.append(seg_box)
        source = "".join(p.text[s:e] for p, s, e in segments)
        return Evidence(
            source=source,
            page=page,
            bbox=union_bbox(boxes),
            confidence=confidence,
            broken_text=bool(_CJK_SPACE_CJK.search(source)),
            joined=len(segments) > 1,
            stray_marks=bool(STRAY_MARK.search(source)),
        )
