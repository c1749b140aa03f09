"""Symbols of indicator targets and actuals, settled from their context.

A scan loses or bends the small marks of a cell — ``%`` read as ``°``, a
``/`` of ``元/人/月`` gone, the ``=`` before an actual dropped, ``<=`` read
as ``<`` — and the recogniser is often sure of what it read.  Habits of
the forms give the context to settle them: a row's target and actual are
measured in the same unit, and one form is filled in one hand (its numeric
actuals all carry ``=`` or none do; its limits are all ``>=``/``<=`` or all
strict), as are the forms of one document.  Entry points:
``settle(indicators, rules)`` for each form, then ``doubt_lost_equals(forms,
rules)`` for the document; the rules are data (``indicator_symbols`` in
``configs/rules/performance.yaml``).

A value changed keeps its ``source`` as read and loses confidence; a symbol
that stays against the form's habit loses confidence too, so the correction
queue sees both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.cjk import is_cjk
from pipeline.model import Field, Indicator
from pipeline.records.rules import SymbolRules

_DOUBLED_EQUALS = re.compile(r"^(>|<)?==+")
_QUANTITY = re.compile(r"^(?P<op>>=|<=|=|>|<)?(?P<number>-?\d+(?:\.\d+)?)(?P<gap>\s?)(?P<unit>[^\d\s].*)?$")
_STRICT = {">": ">=", "<": "<="}


@dataclass(frozen=True, slots=True)
class _Quantity:
    op: str
    number: str
    gap: str
    unit: str

    def text(self) -> str:
        gap = "" if self.unit in ("", "%") else self.gap
        return f"{self.op}{self.number}{gap}{self.unit}"


def _quantity(field: Field) -> _Quantity | None:
    if not isinstance(field.value, str):
        return None
    match = _QUANTITY.match(field.value)
    if match is None:
        return None
    return _Quantity(match["op"] or "", match["number"], match["gap"], match["unit"] or "")


def _changed(field: Field, quantity: _Quantity, factor: float) -> Field:
    return field.model_copy(update={"value": quantity.text(), "confidence": round(field.confidence * factor, 4)})


def _doubted(field: Field, factor: float) -> Field:
    return field.model_copy(update={"confidence": round(field.confidence * factor, 4)})


def settle(indicators: list[Indicator], rules: SymbolRules) -> None:
    """Settle the symbols of one form's indicator values in place."""
    for indicator in indicators:
        _single_equals(indicator, rules)
        _same_unit_on_both_sides(indicator, rules)
        _known_slashed_units(indicator, rules)
        _doubt_percent_lookalikes(indicator, rules)
        _doubt_lost_number(indicator, rules)
        _doubt_stray_marks(indicator, rules)
    _equals_habit(indicators, rules)
    _limit_habit(indicators, rules)


def _single_equals(indicator: Indicator, rules: SymbolRules) -> None:
    """``>==80%``: a stroke of ``=`` read twice."""
    for side in ("target", "actual"):
        field = getattr(indicator, side)
        if isinstance(field.value, str) and _DOUBLED_EQUALS.match(field.value):
            value = _DOUBLED_EQUALS.sub(lambda m: f"{m.group(1) or ''}=", field.value)
            update = {"value": value, "confidence": round(field.confidence * rules.repair_factor, 4)}
            setattr(indicator, side, field.model_copy(update=update))


def _same_unit_on_both_sides(indicator: Indicator, rules: SymbolRules) -> None:
    """A unit that differs from the partner's by a lost or bent mark takes the partner's."""
    target, actual = _quantity(indicator.target), _quantity(indicator.actual)
    if target is None or actual is None or target.unit == actual.unit:
        return
    for side, mine, theirs in (("target", target, actual), ("actual", actual, target)):
        unit = _mended_unit(mine.unit, theirs.unit, rules)
        if unit is None and not mine.unit and theirs.unit == "%" and _comparable(mine.number, theirs.number):
            unit = "%"  # "=100" beside ">=90%": the % dropped
        if unit is not None:
            field = getattr(indicator, side)
            setattr(indicator, side, _changed(field, _Quantity(mine.op, mine.number, mine.gap or " ", unit),
                                              rules.repair_factor))
            return


def _known_slashed_units(indicator: Indicator, rules: SymbolRules) -> None:
    """A unit that forms write with slashes, read with every one of them lost
    (``1420元人``) and not mended by its partner: the slashes are given
    back.  A unit with a slash left is as written (元/人月 is a unit too)."""
    for side in ("target", "actual"):
        quantity = _quantity(getattr(indicator, side))
        unit = rules.slashed_units.get(quantity.unit) if quantity is not None else None
        if unit is not None:
            mended = _Quantity(quantity.op, quantity.number, quantity.gap, unit)
            setattr(indicator, side, _changed(getattr(indicator, side), mended, rules.repair_factor))


def _comparable(number: str, partner: str) -> bool:
    """Two numbers that could measure the same share: both at most 100 and
    within a factor of two (so "950" or "3" beside "90%" are left alone)."""
    a, b = float(number), float(partner)
    return 0 < a <= 100 and 0 < b <= 100 and 0.5 <= a / b <= 2


def _doubt_percent_lookalikes(indicator: Indicator, rules: SymbolRules) -> None:
    """A ``°`` left after the partner could not settle it (both sides bent,
    or no partner) is most likely a ``%`` still: kept as read, less surely."""
    for side in ("target", "actual"):
        quantity = _quantity(getattr(indicator, side))
        if quantity is not None and quantity.unit in rules.percent_lookalikes:
            setattr(indicator, side, _doubted(getattr(indicator, side), rules.doubt_factor))


def _doubt_lost_number(indicator: Indicator, rules: SymbolRules) -> None:
    """A side that reads as nothing but its partner's unit (``年`` beside
    ``1 年``) lost its number, and whatever sign stood before it: kept as
    read, less surely."""
    for side, other in (("target", "actual"), ("actual", "target")):
        field, partner = getattr(indicator, side), _quantity(getattr(indicator, other))
        bare_unit = partner is not None and partner.unit and isinstance(field.value, str)
        if bare_unit and field.value.strip() == partner.unit:
            setattr(indicator, side, _doubted(field, rules.doubt_factor))


def _doubt_stray_marks(indicator: Indicator, rules: SymbolRules) -> None:
    """A dot between two Chinese characters (``达到预期·效果``) that the
    partner does not print at the same place is more likely a speck the scan
    read as one than the dot of a unit written on both sides (``元/人·学期``):
    kept as read, less surely."""
    for side, other in (("target", "actual"), ("actual", "target")):
        field, partner = getattr(indicator, side), getattr(indicator, other).value
        partner_dots = _dots_between_characters(partner, rules.stray_marks) if isinstance(partner, str) else set()
        if isinstance(field.value, str) and _dots_between_characters(field.value, rules.stray_marks) - partner_dots:
            setattr(indicator, side, _doubted(field, rules.doubt_factor))


def _dots_between_characters(text: str, marks: tuple[str, ...]) -> set[str]:
    """Each dot of ``marks`` with the two Chinese characters around it, as three letters."""
    return {
        before + mark + after
        for before, mark, after in zip(text, text[1:], text[2:], strict=False)
        if mark in marks and is_cjk(before) and is_cjk(after)
    }


def _mended_unit(unit: str, partner: str, rules: SymbolRules) -> str | None:
    """``partner`` where ``unit`` is a damaged copy of it, else None."""
    if partner == "%" and unit in rules.percent_lookalikes:
        return "%"
    if "/" in partner and unit.replace("/", "") == partner.replace("/", "") and unit.count("/") < partner.count("/"):
        return partner
    return None


def _equals_habit(indicators: list[Indicator], rules: SymbolRules) -> None:
    """Numeric actuals of a form that mostly write ``=`` all do."""
    actuals = [(indicator, q) for indicator in indicators if (q := _quantity(indicator.actual)) is not None]
    equals = sum(q.op == "=" for _, q in actuals)
    if equals < rules.equals_habit_count or equals < rules.equals_habit_share * len(actuals):
        return
    for indicator, q in actuals:
        if not q.op:
            indicator.actual = _changed(indicator.actual, _Quantity("=", q.number, q.gap, q.unit), rules.repair_factor)


def doubt_lost_equals(forms: list[list[Indicator]], rules: SymbolRules) -> None:
    """A bare numeric actual in a form that writes ``=`` before others, in a
    document whose forms carry at least ``equals_doubt_count`` of them, may
    have lost it too: a pale ``=`` goes on several rows of a scan, so a
    form can keep too few for its own habit to show.  It stays as read,
    less surely.  A form written bare throughout is left alone.  Run after
    ``settle`` on every form of the document."""
    actuals = [[(indicator, q) for indicator in form if (q := _quantity(indicator.actual)) is not None]
               for form in forms]  # fmt: skip
    if sum(q.op == "=" for form in actuals for _, q in form) < rules.equals_doubt_count:
        return
    for form in actuals:
        if any(q.op == "=" for _, q in form):
            for indicator, q in form:
                if not q.op:
                    indicator.actual = _doubted(indicator.actual, rules.doubt_factor)


def _limit_habit(indicators: list[Indicator], rules: SymbolRules) -> None:
    """A strict ``<``/``>`` among a form's ``<=``/``>=`` targets may be one that
    lost its ``=``, and a bare or ``=`` target short of 100 % one that lost its
    ``>``: they stay as read, less surely."""
    targets = [(indicator, q) for indicator in indicators if (q := _quantity(indicator.target)) is not None]
    inclusive = sum(q.op in _STRICT.values() for _, q in targets)
    # A strict limit, or a bare or "=" target short of 100 %, among limits:
    # the "<"/">" or the "=" may be what is left of one.
    odd = [indicator for indicator, q in targets
           if q.op in _STRICT or (q.op in ("", "=") and not (q.unit == "%" and float(q.number) >= 100))]
    if inclusive >= rules.limit_habit_count and len(odd) < inclusive:
        for indicator in odd:
            indicator.target = _doubted(indicator.target, rules.doubt_factor)
