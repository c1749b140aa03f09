"""Value normalisation: the contract's rules (docs/truth-format.md) as small
pure functions.

Every function takes text as read and returns a ``Normalized``: the value
(``None`` when the text states nothing) and how surely the text gives it —
``repaired`` when it had to be mended (spaces inside a number, a name broken
by spaces, a full-width comma among ASCII digits), ``misread`` when a
character had to be read as another (``O.00``, ``6395:02``), ``doubtful``
when the text admits more than one reading and the value is only the
literal one (``3,36``) — so the confidence stage can show it.  The OCR
confusions these repairs answer are catalogued in docs/ocr-damage.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Generic, TypeVar

from pipeline.cjk import CJK_CLASS

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Normalized(Generic[T]):
    value: T | None
    repaired: bool = False  # the text was mended to give the value
    misread: bool = False  # ... by reading a character as another (implies repaired)
    doubtful: bool = False  # the text allows another value: leave it for review


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
# How OCR reads a "-" or "—" cell of a scanned 自评表: "=" (most often),
# "_", "一", "•", "·", or a run of them ("——•=").  No value is written so.
_DASH_LOOKALIKES = re.compile(r"[-—–―－=•·_一]+")

# OCR reads these letters for a digit ("O.00", "l0.5", "1O0.00%") ...
DIGIT_LOOKALIKES: dict[str, str] = {"O": "0", "o": "0", "l": "1", "I": "1", "i": "1", "|": "1"}
# ... and these for the decimal point between two digits ("6395:02" at
# 150 dpi, "3,369。63"); in folded text "：" is ":" and "．" is "." already.
POINT_LOOKALIKES: dict[str, str] = {":": ".", "。": "."}
_DIGIT_TABLE = str.maketrans(DIGIT_LOOKALIKES)
_LOOKALIKE_LETTERS = re.escape("".join(DIGIT_LOOKALIKES))
_POINTS = re.escape("".join(POINT_LOOKALIKES))
# A run of digits, look-alike letters and separators standing alone, i.e.
# not touching another ASCII letter ("ISO9001", "Windows" are words, not
# misread numbers).  Possessive, so a run never stops short of a letter.
_NUMBER_RUN = re.compile(rf"(?<![A-Za-z])[\d{_LOOKALIKE_LETTERS}][\d{_LOOKALIKE_LETTERS}.,{_POINTS}]*+(?![A-Za-z])")
_POINT_BETWEEN_DIGITS = re.compile(rf"(?<=\d)[{_POINTS}](?=\d)")

_CJK = CJK_CLASS
# The stretch of digits, points and commas holding the number ...
_DIGIT_RUN = re.compile(r"[-+]?[\d.,]*\d")
# ... the number read from its start ...
_NUMBER = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?|[-+]?\.\d+")
# ... and how the reports write one: groups of three after a comma, at most
# one point.  Anything else ("3,36", "55.84.55", ".99") has another reading.
_WELL_FORMED_NUMBER = re.compile(r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")
# Points where thousands commas belong ("16.037.61", "1.234.567.89"): groups of
# three after the first, two decimals last.  One point alone stays decimal.
_POINTS_AS_COMMAS = re.compile(r"[-+]?\d{1,3}(?:\.\d{3})+\.\d{2}")
_FULL_WIDTH_NUMBER_CHARS = frozenset("０１２３４５６７８９，．")
_ASCII_NUMBER_CHARS = frozenset("0123456789,.")
_SPACE_INSIDE = re.compile(r"\s")
# Whitespace is dropped unless it separates two ASCII word characters
# ("SOS 儿童村" -> "SOS儿童村", but "Windows 10" keeps its space).
_DROPPABLE_SPACE = re.compile(r"(?<![A-Za-z0-9])\s+|\s+(?![A-Za-z0-9])")
_CJK_SPACE_CJK = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])")
# Specks of a scan (seal remnants, noise) that OCR reads as marks: "•" and
# "★" anywhere, "·" unless it joins two CJK characters (阿不都·热合曼).
STRAY_MARK = re.compile(rf"[•★]|(?<![{_CJK}])·|·(?![{_CJK}])")
# A bracket pair of two widths, "(本级）": OCR reads "（" as "(" (207 times
# in docs/ocr-damage.md) but never the other way, so the full-width half is
# the one written.
_MIXED_BRACKETS = re.compile(r"\(([^()（）]*)）|（([^()（）]*)\)")
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
# A speck read as "." after a number, a % or a CJK character and before a
# CJK unit or word, a % or the end ("173.元/吨", "=100%.", "基本达到.预期效果"):
# no indicator value puts a point there, only between digits.
_STRAY_POINT = re.compile(rf"(?<=[\d%{_CJK}])\s*[.。]+(?=\s*(?:[{_CJK}%/]|$))")
_UNIT_SUFFIX = re.compile(r"[分%％]$")


# 持平: a change stated as none, read as 0.00 (万元 or %).
LEVEL_WORD = "持平"


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


def _mend_run(run: re.Match[str], points: bool) -> str:
    """A number run with look-alike letters (and points) read as what they stand for."""
    text = run.group()
    if not any(char.isdigit() for char in text):
        return text  # "lO" alone is a word, not a number
    mended = text.translate(_DIGIT_TABLE)
    return _POINT_BETWEEN_DIGITS.sub(".", mended) if points else mended


def mend_digits(text: str, *, points: bool = True) -> str:
    """Look-alike letters inside numbers read as digits (``O.00`` -> ``0.00``)
    and, with ``points``, look-alike points between digits as decimal points
    (``6395:02`` -> ``6395.02``).  Words ("ISO9001") stay as written."""
    return _NUMBER_RUN.sub(lambda run: _mend_run(run, points), text)


def _mixed_width(raw: str) -> bool:
    """Full-width and ASCII digits or separators in one number ("3，369.63"):
    a typist writes one or the other, an OCR engine mixes them."""
    chars = set(raw)
    return bool(chars & _FULL_WIDTH_NUMBER_CHARS) and bool(chars & _ASCII_NUMBER_CHARS)


def _parse_decimal(raw: str) -> tuple[Decimal | None, Normalized[None]]:
    """A number as written (spaces, commas, full-width digits allowed), and
    what reading it took (the flags of a ``Normalized``)."""
    folded = fold(raw).strip()
    compact = _SPACE_INSIDE.sub("", folded)
    mended = mend_digits(compact)
    misread = mended != compact
    repaired = misread or bool(_SPACE_INSIDE.search(folded)) or _mixed_width(raw)
    run = _DIGIT_RUN.search(mended)
    digits = run.group() if run else ""
    if _POINTS_AS_COMMAS.fullmatch(digits):
        # "16.037.61": a thousands comma read as a point; only the last point is decimal.
        digits = digits.replace(".", "", digits.count(".") - 1)
        misread = repaired = True
    match = _NUMBER.match(digits) if run else None
    if run is None or match is None:
        return None, Normalized(None, repaired, misread)
    doubtful = match.group() != digits or not _WELL_FORMED_NUMBER.fullmatch(match.group())
    reading = Normalized(None, repaired, misread, doubtful)
    try:
        return Decimal(match.group().replace(",", "").lstrip("+")), reading
    except InvalidOperation:
        return None, reading


def _flagged(value: T | None, reading: Normalized) -> Normalized[T]:
    """``value`` with the repair flags of ``reading``."""
    return Normalized(value, reading.repaired, reading.misread, reading.doubtful)


def _two_decimals(number: Decimal) -> str:
    return str(number.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _at_least_two_decimals(number: Decimal) -> str:
    """Keeps precision as written ("0.001"), pads to two decimals ("100.00")."""
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        return str(number)
    return _two_decimals(number)


def amount(raw: str, unit: str = "万元") -> Normalized[str]:
    """An amount in 万元 with two decimals: ``25, 169. 42`` -> ``25169.42``.

    ``unit="元"`` converts a figure written in 元 to 万元.
    """
    number, reading = _parse_decimal(raw)
    if number is None:
        return reading
    if unit == "元":
        number = number / Decimal(10000)
    return _flagged(_two_decimals(number), reading)


def _signed(number: Decimal, direction: str) -> Decimal:
    return -abs(number) if direction_sign(direction) < 0 else abs(number)


def signed_amount(raw: str, direction: str, unit: str = "万元") -> Normalized[str]:
    """``减少 230.18`` -> ``-230.18``: the sign comes from the wording."""
    result = amount(raw, unit)
    if result.value is None:
        return result
    return _flagged(_two_decimals(_signed(Decimal(result.value), direction)), result)


def percentage(raw: str) -> Normalized[str]:
    """``100%`` -> ``100.00``, ``0.001%`` -> ``0.001``, ``-30.57%`` -> ``-30.57``."""
    number, reading = _parse_decimal(raw)
    if number is None:
        return reading
    return _flagged(_at_least_two_decimals(number), reading)


def signed_percentage(raw: str, direction: str) -> Normalized[str]:
    """``下降 6.39%`` -> ``-6.39``."""
    result = percentage(raw)
    if result.value is None:
        return result
    return _flagged(_at_least_two_decimals(_signed(Decimal(result.value), direction)), result)


def count(raw: str) -> Normalized[int]:
    """People, vehicles, projects, batches: ``1,026`` -> ``1026``."""
    number, reading = _parse_decimal(raw)
    if number is None or number != number.to_integral_value():
        return _flagged(None, reading)
    return _flagged(int(number), reading)


def area(raw: str) -> Normalized[str]:
    """Square metres with two decimals: ``3,777.12`` -> ``3777.12``."""
    number, reading = _parse_decimal(raw)
    return _flagged(None if number is None else _two_decimals(number), reading)


def _full_width_pair(match: re.Match[str]) -> str:
    inside = match.group(1) if match.group(1) is not None else match.group(2)
    return f"（{inside}）"


def text(raw: str) -> Normalized[str]:
    """Names, reasons, goals: whitespace dropped between CJK characters (and
    generally unless it separates two ASCII words), trailing 。；; stripped,
    punctuation otherwise as written.  A space between two CJK characters
    is a break in the reading, so removing it counts as a repair; so do
    dropping stray marks and mending a bracket pair of two widths."""
    stripped = raw.strip()
    unmarked = STRAY_MARK.sub("", stripped)
    mended = _MIXED_BRACKETS.sub(_full_width_pair, unmarked)
    repaired = bool(_CJK_SPACE_CJK.search(stripped)) or mended != stripped
    cleaned = _DROPPABLE_SPACE.sub("", mended)
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
    unmarked = STRAY_MARK.sub("", raw)
    value = " ".join(unmarked.split())
    for symbol, ascii_op in _OPERATORS:
        value = value.replace(symbol, ascii_op)
    # Letters only: a colon between digits is a time here ("9:00前").
    mended = mend_digits(value, points=False)
    misread = mended != value
    repaired = misread or unmarked != raw or bool(_CJK_SPACE_CJK.search(value) or _SPACED_NUMBER.search(value))
    value = mended
    pointless = _STRAY_POINT.sub("", value)
    repaired = repaired or pointless != value
    value = _SPLIT_NUMBER.sub(r"\1", pointless)
    value = _DROPPABLE_SPACE_STRICT.sub("", value)
    value = _SPACE_AFTER_OPERATOR.sub(r"\1", value)
    value = _SPACE_AROUND_SLASH.sub("/", value)
    value = _NUMBER_THEN_CJK.sub(r"\1 ", value)
    value = _SPACE_BEFORE_PERCENT.sub(r"\1%", value)
    return Normalized(value, repaired, misread)


def is_empty_cell(raw: str | None) -> bool:
    """``—``, ``-``, ``／`` or blank: the cell states nothing."""
    if raw is None:
        return True
    compact = _SPACE_INSIDE.sub("", raw)
    return compact in _EMPTY_CELLS or bool(_DASH_LOOKALIKES.fullmatch(compact))


def fund_cell(raw: str) -> Normalized[str]:
    """Fund, weight, score and rate cells: ``10.00 分`` -> ``10.00``,
    ``99.42%`` -> ``99.42``, ``—`` -> None."""
    if is_empty_cell(raw):
        return Normalized(None)
    number, reading = _parse_decimal(_UNIT_SUFFIX.sub("", raw.strip()))
    if number is None:
        return Normalized(None, True)
    return _flagged(_at_least_two_decimals(number), reading)
