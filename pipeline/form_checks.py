"""Checks that a 绩效自评表's indicator rows have the shape of indicator rows.

On a damaged scan the grid can go wrong in ways the arithmetic checks do not
see and the recogniser is sure of: a spurious rule splits a row in two, a
missed column rule shifts a row's cells one column to the left, the 总分 row
is read as an indicator.  Every value is then read well, into the wrong
field.  These checks look at a form's own structure, no vocabulary:

* an indicator row states its 分值 (weight), in a form that has them;
* a 三级指标 is not a "…指标" label of the form's 一级/二级 columns (a shift);
* a 偏差原因 is not a bare number (a shift of 分值/得分 into it);
* no level holds the total row's label;
* no cell holds a label of the indicator header (the header of a form's
  continuation page read as a row);
* no row repeats an earlier one cell for cell (a row read twice where a
  spurious rule cut a cell in two);
* 分值, 执行率 and 得分 are stated on the first fund row (年度资金总额)
  only, not on the rows below it, which carry "—" there;
* no fund row without a label repeats the row above value for value (a
  cell spanning rows whose text the grid gave to each of them).

``form_checks(index, record, rules)`` returns one Check per form; when it
fails it names every field of the rows that broke a rule.
``fund_checks(index, record, rules)`` returns two for its fund rows, naming
the values out of place.
"""

from __future__ import annotations

import re

from pipeline.checks_arith import stated
from pipeline.model import Check, Field, FundRow, Indicator, Performance
from pipeline.records.rules import PerformanceRules, compact

_BARE_NUMBER = re.compile(r"^[-+]?\d+(\.\d+)?$")
_LEVELS = ("level1", "level2")
# Level labels are named "…指标" (数量指标, 社会效益指标); a measure's name,
# which a 三级指标 is, may repeat a level ("服务对象满意度") but is not one.
_LEVEL_SUFFIX = "指标"


def form_checks(index: int, record: Performance, rules: PerformanceRules) -> list[Check]:
    if not record.indicators:
        return []
    labels = {_text(getattr(row, name)) for row in record.indicators for name in _LEVELS} - {""}
    weighted = any(row.weight.value is not None for row in record.indicators)  # a form with a 分值 column
    header_labels = frozenset(rules.indicator_columns)
    broken: list[tuple[int, str]] = []
    seen: dict[tuple[str, ...], int] = {}
    for row_index, row in enumerate(record.indicators):
        cells = tuple(_text(getattr(row, name)) for name in Indicator.model_fields)
        reason = _broken(row, labels, rules.total_row, weighted) or _header_cell(cells, header_labels)
        if reason is None and any(cells) and cells in seen:
            reason = f"repeats row {seen[cells]} cell for cell"
        seen.setdefault(cells, row_index)
        if reason:
            broken.append((row_index, reason))
    path = f"performance[{index}]"
    fields = indicator_row_paths(path, record, [row_index for row_index, _ in broken])
    message = "; ".join(f"row {row_index}: {reason}" for row_index, reason in broken) or "every row well formed"
    return [
        Check(rule=f"{path}.indicators are whole indicator rows", passed=not broken, fields=fields, message=message)
    ]


def fund_checks(index: int, record: Performance, rules: PerformanceRules) -> list[Check]:
    """The rows below 年度资金总额 state no 分值, 执行率 or 得分, and none
    without a label is the row above read again."""
    if len(record.funds) < 2:
        return []
    path = f"performance[{index}].funds"
    return [_total_only(path, record, rules), _no_row_read_twice(path, record)]


def _no_row_read_twice(path: str, record: Performance) -> Check:
    """A fund row with no label whose stated values are all the row above's
    is that row again: on a scan a tall 年度资金总额 cell, or a rule lost
    between two rows, gives one row's text to two grid rows.  No form leaves
    a fund row's label blank and repeats the amounts above it."""
    repeats = [(row, stated) for row in range(1, len(record.funds))
               if (stated := _repeated_values(record.funds[row], record.funds[row - 1]))]  # fmt: skip
    return Check(
        id="performance.funds.read_twice",
        rule=f"{path}: no row without a label repeats the row above",
        passed=not repeats,
        fields=[f"{path}[{row}].{name}" for row, stated in repeats for name in stated],
        message="; ".join(f"row {row} repeats row {row - 1}: {', '.join(stated)}" for row, stated in repeats)
        or "no row repeats the one above",
    )


def _repeated_values(fund: FundRow, above: FundRow) -> list[str]:
    """The names of ``fund``'s stated values when it has no label and they
    all equal ``above``'s, one of them not zero (rows of 0.00 are alike
    without being one row); else none."""
    if fund.label.value is not None:
        return []
    values = {name: getattr(fund, name) for name in FundRow.model_fields if name != "label"}
    given = {name: field for name, field in values.items() if field.value is not None}
    # A value that is no number (stated: None) is as telling as a non-zero one.
    telling = any((number := stated(field, name)) is None or number.number != 0 for name, field in given.items())
    if telling and all(field.value == getattr(above, name).value for name, field in given.items()):
        return list(given)
    return []


def _total_only(path: str, record: Performance, rules: PerformanceRules) -> Check:
    out_of_place = [(row, name, value) for row, fund in enumerate(record.funds[1:], start=1)
                    for name in rules.fund_total_only if (value := getattr(fund, name).value) is not None]  # fmt: skip
    message = "; ".join(f"row {row} ('{_text(record.funds[row].label)}') states {name} {value}"
                        for row, name, value in out_of_place)  # fmt: skip
    return Check(
        rule=f"{path} state 分值, 执行率 and 得分 on the total row only",
        passed=not out_of_place,
        fields=[f"{path}[{row}].{name}" for row, name, _ in out_of_place],
        message=message or "only the total row states them",
    )


def indicator_row_paths(path: str, record: Performance, rows: list[int] | None = None) -> list[str]:
    """The paths of every stated field of the indicator ``rows`` (all rows
    by default) of the form at ``path``: what waits for a person when a row
    is in doubt."""
    indices = range(len(record.indicators)) if rows is None else rows
    return [
        f"{path}.indicators[{row_index}].{name}"
        for row_index in indices
        for name in Indicator.model_fields
        if getattr(record.indicators[row_index], name).value is not None
    ]


def _broken(row: Indicator, labels: set[str], total_labels: frozenset[str], weighted: bool) -> str | None:
    level3 = _text(row.level3)
    if weighted and level3 and row.weight.value is None:
        return f"'{level3}' states no 分值"
    if level3 in labels and level3.endswith(_LEVEL_SUFFIX):
        return f"三级指标 '{level3}' is a level label of the form"
    reason = _text(row.deviation_reason)
    if _BARE_NUMBER.match(reason):
        return f"偏差原因 '{reason}' is a number"
    for name in ("level1", "level2", "level3"):
        text = _text(getattr(row, name))
        if any(label in text for label in total_labels):
            return f"{name} '{text}' holds the total row's label"
    return None


def _header_cell(cells: tuple[str, ...], header_labels: frozenset[str]) -> str | None:
    for text in cells:
        if text and compact(text) in header_labels:
            return f"'{text}' is a label of the indicator header"
    return None


def _text(field: Field) -> str:
    return "".join(str(field.value).split()) if field.value is not None else ""
