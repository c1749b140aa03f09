"""Performance records from 项目支出绩效自评表 / 整体支出绩效自评表 grids.

A table is one of these by its content — a name label (项目名称, 单位名称)
and an indicator header (一级指标 … 三级指标) — never by position.  Columns
are found by their header labels (``configs/rules/performance.yaml``), since
their order and number vary between forms.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from pipeline import normalize
from pipeline.cjk import CJK_CLASS
from pipeline.model import Field, FundRow, Indicator, Performance, Table, TableCell
from pipeline.normalize import Normalized
from pipeline.records import symbols
from pipeline.records.fields import field_from_cell
from pipeline.records.rules import PerformanceRules, Rules, compact

Normalizer = Callable[[str], Normalized]


# Specks a scan adds to a label cell ("总分." with dust after it, "•实际完成值",
# "年度指标.值", "全年执行数。"): no label has a point or a comma at an end,
# nor a point between two CJK characters.
_LABEL_SPECKS = re.compile(rf"^[.·•★*。，,、:：]+|[.·•★*。，,、:：]+$|(?<=[{CJK_CLASS}])[.·•★*]+(?=[{CJK_CLASS}])")
# A label this long misread by one character ("→级指标", "项目资金万元)")
# still names its column where no other label is as near.
_MIN_FUZZY_LABEL = 4


def label_text(text: str) -> str:
    """A cell's text as labels are written: compact, without specks' marks at its ends."""
    return _LABEL_SPECKS.sub("", compact(normalize.STRAY_MARK.sub("", text)))


class _Grid:
    """A table with the compact text of each cell, for label lookups.

    A cell names a label when its text is the label or, failing any exact
    match, is one edit from exactly one label of those sought (an OCR slip
    in a header: "→级指标" among the labels still missing from its row).
    """

    def __init__(self, table: Table) -> None:
        self.table = table
        self.rows = table.rows()
        self.labels = {id(cell): label_text(cell.text) for cell in table.cells}

    def label(self, cell: TableCell | None) -> str:
        return self.labels[id(cell)] if cell is not None else ""

    def find(self, labels: frozenset[str] | dict[str, str]) -> TableCell | None:
        """The first cell (reading order) whose text is one of ``labels``, else the first one edit from one."""
        cells = [cell for row in self.rows for cell in row]
        exact = next((cell for cell in cells if self.label(cell) in labels), None)
        if exact is not None:
            return exact
        return next((cell for cell in cells if _label_one_edit_away(self.label(cell), labels) is not None), None)

    def canonical(self, cell: TableCell, labels: frozenset[str] | dict[str, str]) -> str | None:
        """The label of ``labels`` that ``cell`` names (exactly or by one edit), if any."""
        text = self.label(cell)
        return text if text in labels else _label_one_edit_away(text, labels)

    def header_row(self, columns: dict[str, str], required: tuple[str, ...]) -> tuple[int, dict[str, int]] | None:
        """The last row of the first header naming every required column;
        column name -> grid column.

        Exact labels first; then each cell left over may name, by one edit,
        one of the columns the row still lacks.  A header may take two grid
        rows when the second holds nothing but labels: a seal's ring or a
        crease read as a rule cuts a header cell ("一级指标") off its row.
        """
        for index in range(len(self.rows)):
            found = self._header_labels(self.rows[index], columns)
            if all(name in found for name in required):
                return index, found
            below = self.rows[index + 1] if index + 1 < len(self.rows) else []
            below_found = self._header_labels(below, columns)
            named = sum(1 for cell in below if self.label(cell))
            if found and below_found and named == len(below_found):
                both = {**below_found, **found}
                if all(name in both for name in required):
                    return index + 1, both
        return None

    def _header_labels(self, row: list[TableCell], columns: dict[str, str]) -> dict[str, int]:
        found: dict[str, int] = {}
        leftover = []
        for cell in row:
            name = columns.get(self.label(cell))
            if name is not None and name not in found:
                found[name] = cell.col
            elif name is None:
                leftover.append(cell)
        for cell in leftover:
            missing = {label: name for label, name in columns.items() if name not in found}
            near = _label_one_edit_away(self.label(cell), missing)
            if near is not None:
                found[missing[near]] = cell.col
        return found

    def right_of(self, cell: TableCell) -> TableCell | None:
        """The first non-empty cell to the right of a label cell, same row."""
        col = cell.col + cell.colspan
        while col < self.table.n_cols:
            neighbour = self.table.cell_at(cell.row, col)
            if neighbour is None:
                col += 1
                continue
            if self.label(neighbour):
                return neighbour
            col = neighbour.col + neighbour.colspan
        return None

    def row_has(self, row: int, labels: frozenset[str] | dict[str, str]) -> bool:
        return any(self.canonical(cell, labels) is not None for cell in self.rows[row])


def _label_one_edit_away(text: str, labels: frozenset[str] | dict[str, str]) -> str | None:
    """The one label of ``labels`` (at least ``_MIN_FUZZY_LABEL`` long) one edit from ``text``."""
    if len(text) < _MIN_FUZZY_LABEL - 1:
        return None
    # Lengths first: most cells are far longer or shorter than any label.
    lengths = range(max(_MIN_FUZZY_LABEL, len(text) - 1), len(text) + 2)
    near = {label for label in labels if len(label) in lengths and _one_edit(text, label)}
    return near.pop() if len(near) == 1 else None


def _one_edit(first: str, second: str) -> bool:
    """Whether one substitution, insertion or deletion turns ``first`` into ``second``."""
    if abs(len(first) - len(second)) > 1 or first == second:
        return False
    if len(first) > len(second):
        first, second = second, first
    prefix = 0
    while prefix < len(first) and first[prefix] == second[prefix]:
        prefix += 1
    skip = 1 if len(first) == len(second) else 0
    return first[prefix + skip :] == second[prefix + 1 :]


def _cell_field(cell: TableCell | None, normalizer: Normalizer, rules: Rules, *, carried: bool = False) -> Field:
    if cell is None or normalize.is_empty_cell(cell.text):
        return Field()
    return field_from_cell(normalizer(cell.text), cell, rules.confidence, carried=carried)


def _labelled_value(grid: _Grid, labels: frozenset[str] | dict[str, str], rules: Rules) -> Field:
    label_cell = grid.find(labels)
    value_cell = grid.right_of(label_cell) if label_cell is not None else None
    return _cell_field(value_cell, normalize.text, rules)


def _below(grid: _Grid, labels: frozenset[str], rules: Rules) -> Field:
    """Goal text: the cell under its header cell."""
    header = grid.find(labels)
    if header is None:
        return Field()
    return _cell_field(grid.table.cell_at(header.row + header.rowspan, header.col), normalize.text, rules)


def _funds(grid: _Grid, rules: Rules, stop_labels: frozenset[str]) -> list[FundRow]:
    perf = rules.performance
    located = grid.header_row(perf.fund_columns, perf.fund_required)
    if located is None:
        return []
    header_row, columns = located
    first_value_col = min(columns.values())
    funds: list[FundRow] = []
    for row in range(header_row + 1, grid.table.n_rows):
        if grid.row_has(row, stop_labels):
            break
        # The label is the rightmost cell of this row left of the values; a
        # cell spanning down from the header row ("项目资金(万元)") is not.
        label_cells = [c for c in grid.rows[row] if c.col < first_value_col]
        label = _cell_field(label_cells[-1] if label_cells else None, normalize.text, rules)
        values = {
            name: _cell_field(grid.table.cell_at(row, col), normalize.fund_cell, rules) for name, col in columns.items()
        }
        if label.value is None and all(v.value is None for v in values.values()):
            continue
        money = {name: values.get(name, Field()) for name in FundRow.model_fields if name != "label"}
        funds.append(FundRow(label=label, **money))
    return funds


_INDICATOR_NORMALIZERS: dict[str, Normalizer] = {
    "level1": normalize.text,
    "level2": normalize.text,
    "level3": normalize.text,
    "target": normalize.indicator_value,
    "actual": normalize.indicator_value,
    "weight": normalize.fund_cell,
    "score": normalize.fund_cell,
    "deviation_reason": normalize.text,
}
_CARRIED_LEVELS = ("level1", "level2")


def _indicators(grid: _Grid, perf: PerformanceRules, rules: Rules) -> tuple[list[Indicator], Field]:
    """Indicator rows and the 总分 score."""
    located = grid.header_row(perf.indicator_columns, perf.indicator_required)
    if located is None:
        return [], Field()
    header_row, columns = located
    indicators: list[Indicator] = []
    carried: dict[str, Field] = {}
    carried_here: set[str] = set()  # levels the last indicator took from the row above
    for row in range(header_row + 1, grid.table.n_rows):
        if grid.row_has(row, perf.total_row) or (indicators and _one_label_cell(grid, row, columns)):
            score_col = columns.get("score")
            score_cell = grid.table.cell_at(row, score_col) if score_col is not None else None
            return indicators, _cell_field(score_cell, normalize.fund_cell, rules)
        if indicators and _lower_part_of_a_split_row(grid, row, columns):
            # A spurious rule (a seal's ring, a crease) cut the row above in
            # two: what fell below the cut (a level label, a 分值) is that row's.
            for name, normalizer in _INDICATOR_NORMALIZERS.items():
                cell = grid.table.cell_at(row, columns[name]) if name in columns else None
                if cell is None or cell.row != row or normalize.is_empty_cell(cell.text):
                    continue
                if getattr(indicators[-1], name).value is None or name in carried_here:
                    value = _cell_field(cell, normalizer, rules)
                    indicators[-1] = indicators[-1].model_copy(update={name: value})
                    if name in _CARRIED_LEVELS:
                        carried[name] = value
            continue
        fields = {
            name: _cell_field(grid.table.cell_at(row, columns[name]) if name in columns else None, normalizer, rules)
            for name, normalizer in _INDICATOR_NORMALIZERS.items()
        }
        if all(fields[name].value is None for name in ("level3", "target", "actual")):
            continue
        carried_here = set()
        for name in _CARRIED_LEVELS:
            # A merged cell the table stage did not see as a span: carry the
            # level from the row above, a little less surely.
            if fields[name].value is None and name in carried:
                carried_here.add(name)
                fields[name] = carried[name].model_copy(
                    update={"confidence": round(carried[name].confidence * rules.confidence.carried_level, 4)}
                )
            carried[name] = fields[name]
        indicators.append(Indicator(**fields))
    return indicators, Field()


def _one_label_cell(grid: _Grid, row: int, columns: dict[str, int]) -> bool:
    """Whether one cell starting on the row covers every column from 一级指标
    to 实际完成值: the 总分 row's label, which no indicator row has.  Its
    short label is read wrong often enough ("分", "总分八") to need this."""
    names = [name for name in ("level1", "level3", "target", "actual") if name in columns]
    cells = {id(cell): cell for name in names if (cell := grid.table.cell_at(row, columns[name])) is not None}
    return len(names) == 4 and len(cells) == 1 and next(iter(cells.values())).row == row


def _lower_part_of_a_split_row(grid: _Grid, row: int, columns: dict[str, int]) -> bool:
    """Whether no cell of the row's 三级指标, target or actual starts on it:
    each spans down from the row above, so the row is not an indicator of its own."""
    cells = [grid.table.cell_at(row, columns[name]) for name in ("level3", "target", "actual") if name in columns]
    return bool(cells) and all(cell is not None and cell.row < row for cell in cells)


def read_form(table: Table, rules: Rules) -> Performance | None:
    """The performance record of one table, or None when it is not a 绩效自评表."""
    perf = rules.performance
    grid = _Grid(table)
    name_cell = grid.find(perf.scope_by_name_label)
    if name_cell is None or grid.header_row(perf.indicator_columns, perf.indicator_required) is None:
        return None
    supervisor = {label for label, name in perf.header_fields.items() if name == "supervisor"}
    implementer = {label for label, name in perf.header_fields.items() if name == "implementer"}
    indicator_labels = frozenset(label for label, name in perf.indicator_columns.items() if name == "level1")
    indicators, total_score = _indicators(grid, perf, rules)
    symbols.settle(indicators, perf.symbols)
    return Performance(
        scope=perf.scope_by_name_label[grid.canonical(name_cell, perf.scope_by_name_label)],
        name=_cell_field(grid.right_of(name_cell), normalize.text, rules),
        supervisor=_labelled_value(grid, frozenset(supervisor), rules),
        implementer=_labelled_value(grid, frozenset(implementer), rules),
        funds=_funds(grid, rules, perf.goal_expected | indicator_labels),
        goal_expected=_below(grid, perf.goal_expected, rules),
        goal_actual=_below(grid, perf.goal_actual, rules),
        indicators=indicators,
        total_score=total_score,
    )
