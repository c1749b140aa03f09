"""The arithmetic every check shares: a stated value with its rounding, and
a sum that fails only beyond the rounding of its terms.

A value written with two decimals is off by at most 0.005 (``per_value``),
so an identity over n such values may miss by 0.005·n.  A difference within
that is no failure, but an auditor still sees it: the check passes with
severity ``note`` (a note sends nothing to the correction queue).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from pipeline.model import Check, Field

_LAST_NUMBER = re.compile(r"(\d+)(?:\s*\.\s*(\d+))?(?!.*\d)", re.S)


@dataclass(frozen=True, slots=True)
class Stated:
    """A field's value as a number, with its contract path."""

    path: str
    number: Decimal
    text: str
    half_unit: Decimal  # half of the last written digit: the rounding error


def _written_half_unit(field: Field, value: Decimal) -> Decimal:
    """Half a unit of the last digit as written ("78.3%" -> 0.05, "100%" -> 0.5)."""
    if field.source and (match := _LAST_NUMBER.search(field.source)):
        decimals = len(match.group(2) or "")
    else:
        exponent = value.as_tuple().exponent
        decimals = -exponent if isinstance(exponent, int) else 0
    return Decimal(5) / Decimal(10) ** (decimals + 1)


def stated(field: Field | None, path: str) -> Stated | None:
    if field is None or field.value is None or isinstance(field.value, bool):
        return None
    try:
        number = Decimal(str(field.value))
    except InvalidOperation:
        return None
    return Stated(path, number, str(field.value), _written_half_unit(field, number))


def check(
    rule: str,
    passed: bool,
    values: list[Stated],
    message: str,
    rule_id: str | None = None,
    pages: list[int] | None = None,
) -> Check:
    return Check(
        rule=rule,
        passed=passed,
        fields=[v.path for v in values],
        message=message,
        id=rule_id,
        severity=None if passed else "error",
        pages=pages or [],
    )


def sum_check(
    rule: str,
    total: Stated,
    parts: list[Stated],
    per_value: Decimal,
    rule_id: str | None = None,
    pages: list[int] | None = None,
) -> Check:
    """total = Σ parts, failing beyond ``per_value`` per term (0 for whole counts);
    a difference within that passes as a note."""
    values = [total, *parts]
    exact_integers = all(v.number == v.number.to_integral_value() and "." not in v.text for v in values)
    tolerance = Decimal(0) if exact_integers else Decimal(per_value) * len(values)
    difference = total.number - sum((p.number for p in parts), Decimal(0))
    passed = abs(difference) <= tolerance
    relation = "=" if passed else "!="
    message = f"{total.text} {relation} {' + '.join(p.text for p in parts)}"
    if passed and difference:
        message += f" (differs by {abs(difference)}, within the rounding of {tolerance})"
    result = check(rule, passed, values, message, rule_id, pages)
    if passed and difference:
        result.severity = "note"
    return result


_HUNDRED = Decimal(100)


def ratio_within_rounding(rate: Stated, part: Stated, whole: Stated) -> tuple[bool, Decimal] | None:
    """Whether ``rate`` = part / whole × 100 could be the rounding of the
    exact ratio (each term off by its half unit), and the ratio itself;
    None when the whole is within rounding of 0 (no rate to hold it to)."""
    corners = [
        a / b * _HUNDRED
        for a in (part.number - part.half_unit, part.number + part.half_unit)
        for b in (whole.number - whole.half_unit, whole.number + whole.half_unit)
        if b > 0
    ]
    if whole.number <= whole.half_unit or not corners:
        return None
    passed = min(corners) - rate.half_unit <= rate.number <= max(corners) + rate.half_unit
    return passed, part.number / whole.number * _HUNDRED
