"""Splits a report's paragraphs into the sections its headings open.

A label means different things in different sections (年初预算数 in 四 is
the 财政拨款 budget, in 五(一) the 一般公共预算 budget), so every rule names
the sections it reads.  Headings are recognised by a marker (第X部分, 一、,
(一)) followed by a keyword of ``configs/rules/sections.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.model import Paragraph
from pipeline.records.rules import SectionNode, compact

_NUMERALS = "一二三四五六七八九十"
_PART = re.compile(rf"^第([{_NUMERALS}]+)部分")
_LEVEL1 = re.compile(rf"^([{_NUMERALS}]{{1,3}})[、.]")
_LEVEL2 = re.compile(rf"^\(([{_NUMERALS}]{{1,3}})\)")
# A heading's keyword sits right after its marker; body text that merely
# starts with "一、" has its words further on.
_HEADING_REACH = 40
# Page furniture and table text are not running text.
_SKIPPED_KINDS = frozenset({"header", "footer", "table", "figure"})
_HEADING_KINDS = frozenset({"heading", "title"})


@dataclass(slots=True)
class SectionBlock:
    """Consecutive paragraphs of one section (``None``: before any heading)."""

    section: str | None
    paragraphs: list[Paragraph] = field(default_factory=list)


def _chinese_ordinal(numeral: str) -> int:
    """一..九十九 as an integer (for part numbers without a known keyword)."""
    if numeral == "十":
        return 10
    if numeral.startswith("十"):
        return 10 + _NUMERALS.index(numeral[1]) + 1
    if "十" in numeral:
        tens, _, ones = numeral.partition("十")
        return (_NUMERALS.index(tens) + 1) * 10 + (_NUMERALS.index(ones) + 1 if ones else 0)
    return _NUMERALS.index(numeral) + 1


def _best_match(nodes: tuple[SectionNode, ...], heading: str) -> SectionNode | None:
    """The node whose longest keyword occurs in ``heading``."""
    best: SectionNode | None = None
    best_length = 0
    for node in nodes:
        for keyword in node.keywords:
            if len(keyword) > best_length and keyword in heading:
                best, best_length = node, len(keyword)
    return best


class SectionTracker:
    """Follows the heading hierarchy paragraph by paragraph."""

    def __init__(self, parts: tuple[SectionNode, ...]) -> None:
        self._parts = parts
        self._part: SectionNode | None = None
        self._level1: SectionNode | None = None
        self.current: str | None = None

    def feed(self, text: str, heading: bool = True) -> bool:
        """Updates the current section if ``text`` (compact) opens one; an
        unknown numbered section opens only on a paragraph set as a heading
        (a reason's "二、…" part is body text)."""
        if match := _PART.match(text):
            return self._open_part(match, text)
        if match := _LEVEL1.match(text):
            return self._open_level1(text[match.end() : match.end() + _HEADING_REACH], heading)
        if match := _LEVEL2.match(text):
            return self._open_level2(text[match.end() : match.end() + _HEADING_REACH])
        return False

    def _open_part(self, match: re.Match[str], text: str) -> bool:
        heading = text[match.end() : match.end() + _HEADING_REACH]
        part = _best_match(self._parts, heading)
        if part is None:
            number = str(_chinese_ordinal(match.group(1)))
            part = next((p for p in self._parts if p.id == number), SectionNode(number, (), ()))
        self._part, self._level1, self.current = part, None, part.id
        return True

    def _open_level1(self, heading: str, set_as_heading: bool) -> bool:
        candidates = self._part.children if self._part else ()
        node = _best_match(candidates, heading)
        if node is None and self._part is None:
            node = _best_match(tuple(c for p in self._parts for c in p.children), heading)
        if node is None:
            if self._part is None or not self._part.children or not set_as_heading:
                return False  # a numbered list inside a part without sections, or body text
            # An unknown section of a known part: stop earlier rules leaking in.
            self._level1, self.current = None, f"{self._part.id}.?"
            return True
        self._level1, self.current = node, node.id
        return True

    def _open_level2(self, heading: str) -> bool:
        node = _best_match(self._level1.children, heading) if self._level1 else None
        if node is None:
            every = tuple(grandchild for p in self._parts for c in p.children for grandchild in c.children)
            node = _best_match(every, heading) if self._level1 is None else None
        if node is None:
            return False
        self.current = node.id
        return True


def split_sections(paragraphs: list[Paragraph], parts: tuple[SectionNode, ...]) -> list[SectionBlock]:
    """Paragraphs grouped by the section they belong to, in document order."""
    tracker = SectionTracker(parts)
    blocks: list[SectionBlock] = [SectionBlock(None)]
    for paragraph in paragraphs:
        if paragraph.kind in _SKIPPED_KINDS:
            continue
        if tracker.feed(compact(paragraph.text), paragraph.kind in _HEADING_KINDS):
            blocks.append(SectionBlock(tracker.current))
        blocks[-1].paragraphs.append(paragraph)
    return [block for block in blocks if block.paragraphs]
