"""Value normalisation: the contract's rules (docs/truth-format.md) as small
pure functions.

Every function takes text as read and returns a ``Normalized``: the value
(``None`` when the text states nothing) and ``repaired`` — whether the text
had to be mended to give it (spaces inside a number, a name broken by
spaces), so the confidence stage can show it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Normalized(Generic[T]):
    value: T | None
    repaired: bool = False


# Direction words decide the sign of a change or growth rate (the contract
# reads the sign from the wording, never from the number).
POSITIVE_WORDS: tuple[str, ...] = ("增加", "增长", "上升", "提高")
NEGATIVE_WORDS: tuple[str, ...] = ("减少", "下降", "降低")
DIRECTION_WORDS: tuple[str, ...] = POSITIVE_WORDS + NEGATIVE_WORDS

# Character-for-character folding used for matching: full-width digits,
# letters and punctuation to ASCII, curly quotes to '"'.  One character in,
# one character out, so positions in folded text are positions in the source.
_FOLD_PAIRS = {chr(0xFF10 + i): str(i) for i in range(10)}
_FOLD_PAIRS |= {chr(0xFF21 + i): chr(0x41 + i) for i in range(26)}
_FOLD_PAIRS |= {chr(0xFF41 + i): chr(0x61 + i) for i in range(26)}
_FOLD_PAIRS |= {
    "（": "(",
    "）": ")",
    "：": ":",
    "，": ",",
    "；": ";",
    "．": ".",
    "％": "%",
    "＋": "+",
    "－": "-",
    "−": "-",
    "＝": "=",
    "＞": ">",
    "＜": "<",
    "／": "/",
    "“": '"',
    "”": '"',
    "＂": '"',
    "‘": "'",
    "’": "'",
    "〔": "(",
    "〕": ")",
    "【": "(",
    "】": ")",
    "\u3000": " ",
}
_FOLD_TABLE = str.maketrans(_FOLD_PAIRS)

_EMPTY_CELLS = frozenset({"", "—", "-", "－", "–", "―", "——", "--", "/", "／", "ı", "_"})

_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_NUMBER = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?|[-+]?\.\d+")
_SPACE_INSIDE = re.compile(r"\s")
# Whitespace is dropped unless it separates two ASCII word characters
# ("SOS 儿童村" -> "SOS儿童村", but "Windows 10" keeps its space).
_DROPPABLE_SPACE = re.compile(r"(?<![A-Za-z0-9])\s+|\s+(?![A-Za-z0-9])")
_CJK_SPACE_CJK = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])")
_TRAILING_PUNCT = re.compile(r"[。；;.，,\s]+$")
_CLASS_MARKER = re.compile(r"\s*[(（]\s*[类款项]\s*[)）]\s*$")
_OPERATORS = (
    ("≥", ">="),
    ("≤", "<="),
    ("≧", ">="),
    ("≦", "<="),
    ("＞", ">"),
    ("＜", "<"),
    ("＝", "="),
    ("％", "%"),
)
# Indicator values keep a space next to a number as written, but exactly one
# between a number and its CJK unit and none before % or around /.
_DROPPABLE_SPACE_STRICT = re.compile(r"(?<![A-Za-z0-9])\s+(?![A-Za-z0-9])")
_SPLIT_NUMBER = re.compile(r"(?<=\d)\s*([.,])\s*(?=\d)")
_SPACED_NUMBER = re.compile(r"\d\s*[.,]\s+\d|\d\s+[.,]\s*\d")
_SPACE_AFTER_OPERATOR = re.compile(r"^([<>]?=|[<>])\s+")
_SPACE_AROUND_SLASH = re.compile(r"\s*/\s*")
_NUMBER_THEN_CJK = re.compile(rf"(\d)\s*(?=[{_CJK}])")
_SPACE_BEFORE_PERCENT = re.compile(r"(\d)\s+%")
_UNIT_SUFFIX = re.compile(r"[分%％]$")


def fold(text: str) -> str:
    """Full-width to ASCII, character for character (length preserved)."""
    return text.translate(_FOLD_TABLE)


def direction_sign(word: str) -> int:
    """+1 for 增加/增长/上升/提高, -1 for 减少/下降/降低."""
    if word in NEGATIVE_WORDS:
        return -1
    if word in POSITIVE_WORDS:
        return 1
    raise ValueError(f"not a direction word: {word!r}")


def _parse_decimal(raw: str) -> tuple[Decimal | None, bool]:
    """A number as written (spaces, commas, full-width digits allowed)."""
    folded = fold(raw).strip()
    repaired = bool(_SPACE_INSIDE.search(folded))
    compact = _SPACE_INSIDE.sub("", folded)
    match = _NUMBER.search(compact)
    if not match:
        return None, repaired
    digits = match.group().replace(",", "").lstrip("+")
    try:
        return Decimal(digits), repaired
    except InvalidOperation:
        return None, repaired


def _two_decimals(number: Decimal) -> str:
    return str(number.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _at_least_two_decimals(number: Decimal) -> str:
    """Keeps precision as written ("0.001"), pads to two decimals ("100.00")."""
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        return str(number)
    return _two_decimals(number)


def _negate(number: Decimal) -> Decimal:
    return -abs(number)


def amount(raw: str, unit: str = "万元") -> Normalized[str]:
    """An amount in 万元 with two decimals: ``25, 169. 42`` -> ``25169.42``.

    ``unit="元"`` converts a figure written in 元 to 万元.
    """
    number, repaired = _parse_decimal(raw)
    if number is None:
        return Normalized(None, repaired)
    if unit == "元":
        number = number / Decimal(10000)
    return Normalized(_two_decimals(number), repaired)


def signed_amount(raw: str, direction: str, unit: str = "万元") -> Normalized[str]:
    """``减少 230.18`` -> ``-230.18``: the sign comes from the wording."""
    result = amount(raw, unit)
    if result.value is None:
        return result
    number = Decimal(result.value)
    number = _negate(number) if direction_sign(direction) < 0 else abs(number)
    return Normalized(_two_decimals(number), result.repaired)


def percentage(raw: str) -> Normalized[str]:
    """``100%`` -> ``100.00``, ``0.001%`` -> ``0.001``, ``-30.57%`` -> ``-30.57``."""
    number, repaired = _parse_decimal(raw)
    if number is None:
        return Normalized(None, repaired)
    return Normalized(_at_least_two_decimals(number), repaired)


def signed_percentage(raw: str, direction: str) -> Normalized[str]:
    """``下降 6.39%`` -> ``-6.39``."""
    result = percentage(raw)
    if result.value is None:
        return result
    number = Decimal(result.value)
    number = _negate(number) if direction_sign(direction) < 0 else abs(number)
    return Normalized(_at_least_two_decimals(number), result.repaired)


def count(raw: str) -> Normalized[int]:
    """People, vehicles, projects, batches: ``1,026`` -> ``1026``."""
    number, repaired = _parse_decimal(raw)
    if number is None or number != number.to_integral_value():
        return Normalized(None, repaired)
    return Normalized(int(number), repaired)


def area(raw: str) -> Normalized[str]:
    """Square metres with two decimals: ``3,777.12`` -> ``3777.12``."""
    number, repaired = _parse_decimal(raw)
    return Normalized(None if number is None else _two_decimals(number), repaired)


def text(raw: str) -> Normalized[str]:
    """Names, reasons, goals: whitespace dropped between CJK characters (and
    generally unless it separates two ASCII words), trailing 。；; stripped,
    punctuation otherwise as written.  A space between two CJK characters
    is a break in the reading, so removing it counts as a repair."""
    stripped = raw.strip()
    repaired = bool(_CJK_SPACE_CJK.search(stripped))
    cleaned = _DROPPABLE_SPACE.sub("", stripped)
    cleaned = _TRAILING_PUNCT.sub("", cleaned)
    return Normalized(cleaned or None, repaired)


def class_name(raw: str) -> Normalized[str]:
    """A 类/款/项 name without its marker: ``科学技术支出(类)`` -> ``科学技术支出``."""
    result = text(raw)
    if result.value is None:
        return result
    return Normalized(_CLASS_MARKER.sub("", result.value) or None, result.repaired)


def indicator_value(raw: str) -> Normalized[str]:
    """Indicator target/actual: ``≥67户`` -> ``>=67 户``, ``<=3500 元/ 户`` ->
    ``<=3500 元/户``, ``>= 90 %`` -> ``>=90%``; other text as written."""
    if is_empty_cell(raw):
        return Normalized(None)
    value = " ".join(raw.split())
    for symbol, ascii_op in _OPERATORS:
        value = value.replace(symbol, ascii_op)
    repaired = bool(_CJK_SPACE_CJK.search(value) or _SPACED_NUMBER.search(value))
    value = _SPLIT_NUMBER.sub(r"\1", value)
    value = _DROPPABLE_SPACE_STRICT.sub("", value)
    value = _SPACE_AFTER_OPERATOR.sub(r"\1", value)
    value = _SPACE_AROUND_SLASH.sub("/", value)
    value = _NUMBER_THEN_CJK.sub(r"\1 ", value)
    value = _SPACE_BEFORE_PERCENT.sub(r"\1%", value)
    return Normalized(value, repaired)


def is_empty_cell(raw: str | None) -> bool:
    """``—``, ``-``, ``／`` or blank: the cell states nothing."""
    return raw is None or _SPACE_INSIDE.sub("", raw) in _EMPTY_CELLS


def fund_cell(raw: str) -> Normalized[str]:
    """Fund, weight, score and rate cells: ``10.00 分`` -> ``10.00``,
    ``99.42%`` -> ``99.42``, ``—`` -> None."""
    if is_empty_cell(raw):
        return Normalized(None)
    compact = _UNIT_SUFFIX.sub("", _SPACE_INSIDE.sub("", fold(raw)))
    number, _ = _parse_decimal(compact)
    if number is None:
        return Normalized(None, True)
    repaired = bool(_SPACE_INSIDE.search(fold(raw).strip().rstrip("分%").strip()))
    return Normalized(_at_least_two_decimals(number), repaired)
