"""A statement grid's header: where the data starts, what each column is,
and the lanes of a two-lane table.

The header is read on structure, not on positions: the rows at the top
whose every cell is a header label (``StatementRules.vocabulary``), each
column's labels top to bottom through the spans, then each column's role
(code, name, value, ignored) from its deepest label.  A lane starts at each
code or name column that follows values (收入 | 支出, or the 基本支出
table's two halves).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.model import Table, TableCell
from pipeline.normalize import is_empty_cell
from pipeline.records.statements.rules import StatementRules, label, row_name

_NUMERIC = re.compile(r"-?[\d,.]+")
_SEQUENCE = re.compile(r"\d{1,2}")


@dataclass
class Column:
    index: int
    labels: list[str]  # compact header labels, top to bottom
    role: str = "value"  # code | name | value | ignored
    key: str | None = None


@dataclass
class Lane:
    columns: list[Column] = field(default_factory=list)
    side: str | None = None

    @property
    def codes(self) -> list[Column]:
        return [c for c in self.columns if c.role == "code"]

    @property
    def name(self) -> Column | None:
        return next((c for c in self.columns if c.role == "name"), None)

    @property
    def values(self) -> list[Column]:
        return [c for c in self.columns if c.role == "value"]


@dataclass
class Header:
    first_row: int  # the first data row
    columns: list[Column]
    lanes: list[Lane]
    unit: str | None  # a unit printed inside the grid's top rows
    skipped_rows: set[int]  # 栏次 rows below the header

    @property
    def labels(self) -> set[str]:
        return {word for column in self.columns for word in column.labels}


def covering(table: Table) -> list[list[TableCell | None]]:
    """The cell covering each grid position."""
    grid: list[list[TableCell | None]] = [[None] * table.n_cols for _ in range(table.n_rows)]
    for cell in table.cells:
        for r in range(cell.row, min(cell.row + cell.rowspan, table.n_rows)):
            for c in range(cell.col, min(cell.col + cell.colspan, table.n_cols)):
                grid[r][c] = cell
    return grid


def is_number(text: str) -> bool:
    return bool(_NUMERIC.fullmatch(label(text)))


def is_sequence_row(texts: list[str], rules: StatementRules) -> bool:
    """A 栏次 row: 栏次/行次, or only small numbers counting up."""
    if any(t in rules.ignored_labels for t in texts):
        return True
    numbers = [int(t) for t in texts if _SEQUENCE.fullmatch(t)]
    counting = numbers == list(range(numbers[0], numbers[0] + len(numbers))) if numbers else False
    return len(numbers) >= 2 and len(numbers) == len(texts) and counting


def read_header(table: Table, rules: StatementRules) -> Header:
    grid = covering(table)
    vocabulary = rules.vocabulary
    first, unit, named = 0, None, False
    label_columns: set[int] = set()  # the columns under 科目编码 / 科目名称
    rows = table.rows()
    for r in range(table.n_rows):
        starts = [c for c in rows[r] if label(c.text)]
        texts = [rules.header_label(c.text) for c in starts]
        if not texts:
            if named:
                break
            continue
        if named and any(row_name(c.text) in rules.total_rows and c.col in label_columns for c in starts):
            break  # 合计 under the 科目编码/科目名称 header: the first data row
        if all(rules.unit.search(t) or any(p.search(t) for _, p in rules.titles) for t in texts):
            unit = unit or next((m.group(1) for t in texts if (m := rules.unit.search(t))), None)
            first = r + 1
            continue
        if not all(t in vocabulary for t in texts):
            break
        named = named or any(t in rules.name_labels for t in texts)
        label_columns |= {
            col for c, t in zip(starts, texts, strict=True) if t in rules.name_labels or t in rules.code_labels
            for col in range(c.col, c.col + c.colspan)
        }
        first = r + 1
    skipped = set()
    while first < table.n_rows and is_sequence_row(
        [rules.header_label(c.text) for c in rows[first] if label(c.text)], rules
    ):
        skipped.add(first)
        first += 1
    header_rows = [r for r in range(first) if r not in skipped]
    columns = [Column(c, _column_labels(grid, c, header_rows, rules)) for c in range(table.n_cols)]
    for column in columns:
        column.role = _role(column.labels, rules)
    _extend_from_data(table, grid, columns, first, rules)
    return Header(first, columns, _lanes(columns, rules), unit, skipped)


def _column_labels(grid: list[list[TableCell | None]], col: int, rows: list[int], rules: StatementRules) -> list[str]:
    labels: list[str] = []
    for r in rows:
        cell = grid[r][col]
        text = rules.header_label(cell.text) if cell is not None else ""
        if text and (not labels or labels[-1] != text):
            labels.append(text)
    return labels


def _extend_from_data(
    table: Table, grid: list[list[TableCell | None]], columns: list[Column], first: int, rules: StatementRules
) -> None:
    """Header labels printed on the first data row's value cells (本年支出's
    合计/基本支出/项目支出 beside the 合计 row in some templates)."""
    if first >= table.n_rows:
        return
    for column in columns:
        cell = grid[first][column.index]
        if column.role != "value" or cell is None or cell.row != first or cell.col == 0:
            continue  # a 科目名称 is no label, however close to one it reads
        text = rules.header_label(cell.text)
        if text in rules.vocabulary and not is_number(text) and text not in column.labels:
            column.labels.append(text)


def _role(labels: list[str], rules: StatementRules) -> str:
    for word in reversed(labels):
        if word in rules.ignored_labels:
            return "ignored"
        if word in rules.code_labels:
            return "code"
        if word in rules.name_labels:
            return "name"
        if word not in rules.sides:
            return "value"
    return "value"


def _lanes(columns: list[Column], rules: StatementRules) -> list[Lane]:
    lanes: list[Lane] = []
    for column in columns:
        starts_lane = column.role in ("code", "name") and (
            not lanes or lanes[-1].values or (column.role == "name" and lanes[-1].name is not None)
        )
        if not lanes or starts_lane:
            lanes.append(Lane())
        lanes[-1].columns.append(column)
    for lane in lanes:
        sides = [rules.sides[w] for c in lane.columns for w in c.labels if w in rules.sides]
        lane.side = sides[0] if sides else None
    return lanes


def key_columns(header: Header, form: str, rules: StatementRules) -> None:
    """Each value column's key for ``form`` (``col_N`` where none matches)."""
    for column in (c for lane in header.lanes for c in lane.values):
        column.key = _three_public_key(column.labels, rules) if form == "three_public" else None
        if column.key is None and form in rules.columns:
            column.key = _best_key(column.labels, rules.columns[form])
        column.key = column.key or f"col_{column.index}"


def _best_key(labels: list[str], by_key: dict[str, tuple[tuple[str, ...], ...]]) -> str | None:
    best: tuple[int, int, int] | None = None
    chosen = None
    for order, (key, sets) in enumerate(by_key.items()):
        for words in sets:
            if not all(w in labels for w in words):
                continue
            rank = (len(words), max(labels.index(w) for w in words), -order)
            if best is None or rank > best:
                best, chosen = rank, key
    return chosen


def _three_public_key(labels: list[str], rules: StatementRules) -> str | None:
    part = _best_key(labels, rules.three_public_parts)
    measure = next((m for m, words in rules.three_public_measures.items() if any(w in labels for w in words)), None)
    return f"{part}_{measure}" if part and measure else None


def value_text(cell: TableCell | None, row: int, rules: StatementRules) -> str | None:
    """The printed value of a cell on ``row``, or None (blank, ``-``, a label)."""
    if cell is None or cell.row != row or is_empty_cell(cell.text):
        return None
    text = rules.header_label(cell.text)
    if text in rules.vocabulary and not is_number(text):
        return None
    return cell.text
