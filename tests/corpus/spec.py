"""What the corpus generator renders: a report as a list of blocks plus its truth.

A ``ReportSpec`` is independent of how it is drawn: ``render.py`` turns it
into a born-digital PDF, ``degrade.py`` turns that into scans.  ``truth``
follows ``docs/truth-format.md`` (the contract's shape with every Field
reduced to its normalised value).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Heading:
    text: str
    level: int = 1  # 0 = document title, 1 = 第一部分/一、, 2 = (一), 3 = 1.


@dataclass
class Para:
    text: str


@dataclass
class CellSpec:
    text: str
    rowspan: int = 1
    colspan: int = 1
    align: str = "center"  # center | left | right


@dataclass
class GridTable:
    """A ruled table.  ``rows[r][c]`` is a CellSpec at its top-left grid
    position, or None where a span from another cell covers it."""

    rows: list[list[CellSpec | None]]
    col_widths: list[float]  # relative widths, normalised by the renderer
    title: str | None = None  # e.g. 项目支出绩效自评表
    subtitle: str | None = None  # e.g. (2024 年度)
    unit: str | None = None  # a right-aligned line under the title: 单位：万元
    repeat_rows: int = 0  # header rows printed again on each continuation page


@dataclass
class PageBreak:
    pass


Block = Heading | Para | GridTable | PageBreak


@dataclass
class Style:
    font: str = "song"  # song | kai | fangsong | hei
    size: float = 11.0
    leading: float = 1.6  # line height as a multiple of size
    margin_mm: float = 25.0
    table_font_size: float = 8.5
    thousands: bool = True  # 3,369.63 vs 3369.63
    page_numbers: bool = True
    header_text: str | None = None
    page_number_format: str = "第 {n} 页"  # or "- {n} -"
    heading_font: str = "hei"  # font key of level-0/1 headings and table titles


@dataclass
class ReportSpec:
    name: str
    blocks: list[Block]
    truth: dict[str, Any]
    style: Style = field(default_factory=Style)
