"""A statement grid's data rows: code, name, level and values per lane.

A 功能分类 code is printed in one column (``2080505``) or in three (类 ``208``,
款 ``05``, 项 ``05``, the upper levels often left blank below their first
row); either way the row's code is the whole 3, 5 or 7 digits.  Values are
amounts in 万元 (a table in 元 is converted).  A 栏次 row, a header label
printed among the data and a lane with nothing in it are no data rows.
"""

from __future__ import annotations

import re

from pipeline.model import Field, RowLevel, StatementRow, Table, TableCell
from pipeline.normalize import Normalized, amount, text
from pipeline.records.fields import field_from_cell
from pipeline.records.rules import ConfidenceFactors
from pipeline.records.statements.header import Header, Lane, covering, is_sequence_row, value_text
from pipeline.records.statements.rules import StatementRules, label, row_name

_DIGITS = re.compile(r"\d+")
_LEVEL_BY_LENGTH: dict[int, RowLevel] = {3: "lei", 5: "kuan", 7: "xiang"}


def read_rows(
    table: Table, header: Header, rules: StatementRules, unit: str, factors: ConfidenceFactors
) -> list[StatementRow]:
    grid = covering(table)
    by_row = table.rows()
    data_rows = []
    for r in range(header.first_row, table.n_rows):
        texts = [t for c in by_row[r] if (t := label(c.text))]
        if r in header.skipped_rows or is_sequence_row(texts, rules) or _repeated_header(texts, rules):
            continue
        data_rows.append(r)
    rows: list[StatementRow] = []
    for lane in header.lanes:  # the left lane first, as the contract reads two-lane tables
        upper: dict[int, str] = {}  # the codes of the 类 and 款 above, for split code columns
        for r in data_rows:
            row = _lane_row(grid, r, lane, upper, rules, unit, factors)
            if row is not None:
                rows.append(row)
    return rows


def _repeated_header(texts: list[str], rules: StatementRules) -> bool:
    """The header printed again on a continuation page: labels only, 项目 or 科目编码 among them."""
    vocabulary = rules.vocabulary
    return (
        bool(texts)
        and all(t in vocabulary for t in texts)
        and any(t in rules.name_labels or t in rules.code_labels for t in texts)
    )


def _lane_row(
    grid: list[list[TableCell | None]],
    r: int,
    lane: Lane,
    upper: dict[int, str],
    rules: StatementRules,
    unit: str,
    factors: ConfidenceFactors,
) -> StatementRow | None:
    name_col = lane.name
    name_cell = grid[r][name_col.index] if name_col is not None else None
    if name_cell is not None and name_cell.row != r:
        name_cell = None  # a name spanning rows belongs to its first row
    code, code_cell = _code(grid, r, lane, name_cell, upper)
    blank_name = name_cell is None or not label(name_cell.text)
    if blank_name and code_cell is not None and label(code_cell.text) and not _DIGITS.search(code_cell.text):
        name_cell, code_cell, code = code_cell, None, ""  # 合计 printed across the code columns
    values: dict[str, Field] = {}
    stated = False
    for column in lane.values:
        cell = grid[r][column.index]
        raw = value_text(cell, r, rules)
        stated = stated or raw is not None
        reading = amount(raw, unit) if raw is not None else Normalized(None)
        values[column.key or f"col_{column.index}"] = field_from_cell(
            reading, cell if raw is not None else None, factors
        )
    name_text = name_cell.text if name_cell is not None else ""
    if not code and not label(name_text) and not stated:
        return None
    name = text(name_text)
    level = _LEVEL_BY_LENGTH.get(len(code)) if code else None
    if level is None and row_name(name_text).endswith(rules.total_rows):
        level = "total"
    return StatementRow(
        side=lane.side if lane.side in ("income", "expenditure") else None,  # type: ignore[arg-type]
        code=field_from_cell(Normalized(code or None), code_cell if code else None, factors),
        name=field_from_cell(name, name_cell if name.value else None, factors),
        level=level,
        values=values,
    )


def _code(
    grid: list[list[TableCell | None]], r: int, lane: Lane, name_cell: TableCell | None, upper: dict[int, str]
) -> tuple[str, TableCell | None]:
    """The row's whole code, and the cell it was read from (the last printed part)."""
    parts: list[str] = []
    last: TableCell | None = None
    for column in lane.codes:
        cell = grid[r][column.index]
        if cell is None or cell.row != r or cell is name_cell:
            parts.append("")
            continue
        digits = "".join(_DIGITS.findall(cell.text))
        parts.append(digits)
        if digits or last is None:
            last = cell
    code = _split_code(parts, upper) if len(parts) > 1 else "".join(parts)
    if len(code) in (3, 5):
        upper[len(code)] = code
    return code, last


def _split_code(parts: list[str], upper: dict[int, str]) -> str:
    """类/款/项 columns: blank upper levels come from the rows above."""
    first = next((i for i, p in enumerate(parts) if p), None)
    if first is None:
        return ""
    if max(len(p) for p in parts) >= 5:
        return max(parts, key=len)  # each column printed the whole code
    prefix = ""
    if first > 0 and len(parts[first]) == 2:
        prefix = upper.get(3 + 2 * (first - 1), "")
    return prefix + "".join(parts[first:])
