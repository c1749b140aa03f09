"""How one report writes numbers and punctuation, and the truth's normal forms.

Amounts are kept as integer cents (万元 × 100) and percentages as integer
hundredths of a percent, so every identity holds exactly and rounding happens
in one place (``ratio``).  ``Voice`` holds a report's writing habits (thousands
separators, spaces around numbers, full- or half-width punctuation, "100%" for
100.00%); the ``*_value`` functions give the normalised truth strings.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

HALF_WIDTH = str.maketrans({"，": ",", "：": ":", "；": ";"})
MARKERS_HALF = {"（类）": "(类)", "（款）": "(款)", "（项）": "(项)"}
OPERATORS = {"≥": ">=", "≤": "<=", "＝": "=", "＞": ">", "＜": "<"}
WHITESPACE = re.compile(r"\s+")
NUMBER_BEFORE_CJK = re.compile(r"(\d)(?=[\u4e00-\u9fff])")


def ratio(numerator: int, denominator: int) -> int:
    """numerator / denominator in hundredths of a percent, rounded half up."""
    value = Decimal(numerator) * 10000 / Decimal(denominator)
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def growth(amount: int, change: int) -> int:
    """Growth over last year (last year = amount - change); 100.00% when
    last year was nothing, 0.00% when both years were nothing."""
    last = amount - change
    if last == 0:
        return 10000 if change > 0 else 0
    return ratio(change, last)


def difference_rate(final: int, budget: int) -> int:
    """预决算差异率: (决算 - 预算) / 预算, 100.00% for an unbudgeted spend."""
    if budget == 0:
        return 10000 if final > 0 else 0
    return ratio(final - budget, budget)


def share(part: int, whole: int) -> int:
    return ratio(part, whole) if whole else 0


def split_cents(total: int, weights: list[float]) -> list[int]:
    """``total`` cents in parts proportional to ``weights`` (all zero: evenly), adding up exactly."""
    if not weights:
        return []
    if sum(weights) <= 0:
        weights = [1.0] * len(weights)
    scale = sum(weights)
    parts = [int(total * w / scale) for w in weights]
    parts[max(range(len(parts)), key=lambda i: weights[i])] += total - sum(parts)
    return parts


def money_value(cents: int) -> str:
    """Truth form of an amount: ``-1234.50``."""
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


pct_value = money_value  # hundredths of a percent print like cents


def text_value(text: str) -> str:
    """Truth form of a text: no whitespace, no closing 。/；/;/. ."""
    return WHITESPACE.sub("", text).rstrip("。；;.")


def indicator_value(text: str) -> str:
    """Truth form of a 年度指标值/实际完成值: ASCII operators, no space after
    them, one space between a number and a CJK unit, none before %."""
    for wide, ascii_op in OPERATORS.items():
        text = text.replace(wide, ascii_op)
    return NUMBER_BEFORE_CJK.sub(r"\1 ", WHITESPACE.sub("", text))


@dataclass
class Voice:
    """One report's writing habits."""

    rng: random.Random
    thousands: bool = True
    spaced: bool = True  # "合计 3,067.22 万元" vs "合计3,067.22万元"
    punctuation: str = "full"  # full | half | mixed (chosen per paragraph)
    half_markers: bool = True  # "(类)" vs "（类）"
    trim_whole_percent: bool = False  # "100%" for 100.00%

    @property
    def gap(self) -> str:
        return " " if self.spaced else ""

    def amount(self, cents: int, trim_whole: bool = False) -> str:
        """A bare amount as printed: ``3,369.63`` (``20`` for 20.00 if ``trim_whole``)."""
        sign = "-" if cents < 0 else ""
        units, hundredths = divmod(abs(cents), 100)
        whole = f"{units:,}" if self.thousands else str(units)
        if trim_whole and hundredths == 0:
            return f"{sign}{whole}"
        return f"{sign}{whole}.{hundredths:02d}"

    def money(self, cents: int) -> str:
        return f"{self.gap}{self.amount(cents)}{self.gap}万元"

    def percent(self, hundredths: int) -> str:
        text = pct_value(hundredths)
        if self.trim_whole_percent and text.endswith(".00"):
            text = text[:-3]
        return f"{text}%"

    def pct(self, hundredths: int) -> str:
        return f"{self.gap}{self.percent(hundredths)}"

    def count(self, number: int | str, unit: str) -> str:
        return f"{self.gap}{number}{self.gap}{unit}"

    def year(self, year: int) -> str:
        """``2024 年度`` at the start of a sentence."""
        return f"{year}{self.gap}年度"

    def change(self, cents: int, growth_hundredths: int) -> str:
        """``增加 7.14 万元，增长 0.95%`` / ``减少 …，下降 …``; no change reads as 增加 0.00."""
        if cents < 0:
            return f"减少{self.money(-cents)}，下降{self.pct(-growth_hundredths)}"
        return f"增加{self.money(cents)}，增长{self.pct(growth_hundredths)}"

    def marker(self, level: str) -> str:
        """``(类)`` / ``（类）``; converted by ``finish`` in the half-marker style."""
        return f"（{level}）"

    def half_width(self) -> bool:
        """Whether the next paragraph uses half-width ，：；."""
        if self.punctuation == "mixed":
            return self.rng.random() < 0.5
        return self.punctuation == "half"

    def finish(self, text: str, half: bool | None = None) -> str:
        """A paragraph written with full-width punctuation, in this report's style."""
        if self.half_markers:
            for wide, narrow in MARKERS_HALF.items():
                text = text.replace(wide, narrow)
        if half is None:
            half = self.half_width()
        if half:
            text = text.translate(HALF_WIDTH)
        return text

