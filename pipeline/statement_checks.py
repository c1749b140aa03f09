"""Checks an auditor runs on the 决算报表: within each table, across tables,
and whether the nine are all there.

``statement_checks(document, config)`` returns one Check per rule that
could run.  Rule ids: ``statement.levels`` (类 = Σ 款 = Σ 项, 合计 = Σ 类),
``statement.columns`` (a total column = Σ its parts), ``statement.balance``
(年初 + 收入 = 支出 + 年末), ``statement.lanes`` (a lane's 合计/总计 rows,
and the two 总计 equal), ``statement.across`` (the same sum in two tables),
``template.tables`` (the nine present), ``template.empty`` (an empty table
explained), ``template.code`` (a code printed with another 科目名称 than the
code list or the rest of the document gives it).  Arithmetic follows
``pipeline.checks_arith.sum_check``: it fails beyond the rounding of its terms,
and a difference within rounding is a note.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from pipeline.checks_arith import Stated, stated, sum_check
from pipeline.config import CONFIG_DIR
from pipeline.model import Check, Document, Statement
from pipeline.records.statements.rules import label, row_name
from pipeline.yaml_data import load_yaml

CODES_FILE = CONFIG_DIR / "codes" / "classification.yaml"

@cache
def code_names() -> dict[str, str]:
    """功能分类 and 经济分类 code -> 科目名称 (compact), from ``configs/codes``."""
    with CODES_FILE.open(encoding="utf-8") as handle:
        data = load_yaml(handle)
    return {code: label(name) for kind in ("function", "economic") for code, name in data[kind].items()}


def _cell(statement: Statement, s: int, r: int, key: str) -> Stated | None:
    value = statement.rows[r].values.get(key)
    return stated(value, f"statements.{s}.rows.{r}.values.{key}")


def _levels(s: int, statement: Statement, per_value: Any) -> list[Check]:
    """类 = Σ 款, 款 = Σ 项 (by code), and 合计 = Σ 类, column by column."""
    checks: list[Check] = []
    rows = statement.rows
    coded = [(r, row) for r, row in enumerate(rows) if isinstance(row.code.value, str)]
    for r, row in coded:
        code = row.code.value
        children = [
            c
            for c, child in coded
            if child.side == row.side and len(child.code.value) == len(code) + 2 and child.code.value.startswith(code)
        ]
        if children:
            checks += _column_sums(
                s, statement, r, children, "statement.levels", f"{row.name.value} ({code})", per_value
            )
    for r, row in enumerate(rows):
        if row.level == "total" and row_name(row.name.value or "") == "合计" and statement.form != "general_basic":
            classes = [c for c, child in coded if child.level == "lei" and child.side == row.side]
            if classes:
                checks += _column_sums(s, statement, r, classes, "statement.levels", "合计", per_value)
    return checks


def _column_sums(
    s: int, statement: Statement, total_row: int, part_rows: list[int], rule_id: str, what: str, per_value: Any
) -> list[Check]:
    checks = []
    for key in statement.rows[total_row].values:
        total = _cell(statement, s, total_row, key)
        parts = [_cell(statement, s, r, key) for r in part_rows]
        if total is None or not any(parts):
            continue
        terms = [p for p in parts if p is not None]
        rule = f"{statement.form}: {what} {key} = sum of its {len(terms)} rows"
        checks.append(sum_check(rule, total, terms, per_value, rule_id, list(statement.pages)))
    return checks


def _row_columns(s: int, statement: Statement, config: dict[str, Any], per_value: Any) -> list[Check]:
    checks: list[Check] = []
    sums = config["column_sums"].get(statement.form, {})
    balances = config["balances"].get(statement.form)
    for r, row in enumerate(statement.rows):
        name = row.name.value or statement.form
        for total_key, part_keys in sums.items():
            total = _cell(statement, s, r, total_key)
            parts = [_cell(statement, s, r, key) for key in part_keys if key in row.values]
            if total is None or not any(parts):
                continue
            terms = [p for p in parts if p is not None]
            rule = f"{statement.form}: {name} {total_key} = {' + '.join(k for k in part_keys if k in row.values)}"
            checks.append(sum_check(rule, total, terms, per_value, "statement.columns", list(statement.pages)))
        if balances:
            left = [_cell(statement, s, r, key) for key in balances[0]]
            right = [_cell(statement, s, r, key) for key in balances[1]]
            if all(left) and all(right):
                rule = f"{statement.form}: {name} {' + '.join(balances[0])} = {' + '.join(balances[1])}"
                lhs = [v for v in left if v is not None]
                rhs = [v for v in right if v is not None]
                checks.append(
                    sum_check(
                        rule, lhs[0], [*rhs, *_negated(lhs[1:])], per_value, "statement.balance", list(statement.pages)
                    )
                )
    return checks


def _negated(values: list[Stated]) -> list[Stated]:
    return [Stated(v.path, -v.number, f"-{v.text}", v.half_unit) for v in values]


def _find(statements: list[Statement], form: str, side: str | None, name: str) -> tuple[int, int] | None:
    """The first row of ``form`` named ``name`` (alternatives split by |) on ``side``."""
    wanted = {row_name(alternative) for alternative in name.split("|")}
    for s, statement in enumerate(statements):
        if statement.form != form:
            continue
        for r, row in enumerate(statement.rows):
            if (side is None or row.side == side) and row_name(row.name.value or "") in wanted:
                return s, r
    return None


def _lane_checks(statements: list[Statement], config: dict[str, Any], per_value: Any) -> list[Check]:
    checks: list[Check] = []
    for form, side, total_name, parts in config["lane_sums"]:
        found = _find(statements, form, side, total_name)
        if found is None:
            continue
        s, r = found
        statement = statements[s]
        lane = [i for i, row in enumerate(statement.rows) if row.side == statement.rows[r].side]
        if parts == "above":  # a 其中 row is inside the row above it: not a part of its own
            after = _last_total(statement, lane, r)
            part_rows = [
                i for i in lane
                if after < i < r and statement.rows[i].level != "total"
                and not label(statement.rows[i].name.value or "").startswith("其中")
            ]
        elif parts == "classes":
            start = _lane_start(statement, r)
            part_rows = [i for i in range(start, r) if statement.rows[i].level == "lei"]
        else:
            found_parts = [_find([statement], form, side, name) for name in parts]
            if any(part is None for part in found_parts):
                continue  # a part printed under another name: no sum to hold it to
            part_rows = [part[1] for part in found_parts if part is not None]
        if part_rows:
            checks += _column_sums(s, statement, r, part_rows, "statement.lanes", total_name, per_value)
    for form in config["lanes_equal"]:
        income, expenditure = _find(statements, form, "income", "总计"), _find(statements, form, "expenditure", "总计")
        if income and expenditure and income[0] == expenditure[0]:
            s, statement = income[0], statements[income[0]]
            left = _cell(statement, s, income[1], "amount")
            right = [_cell(statement, s, expenditure[1], key) for key in ("amount", "total")]
            right_value = next((v for v in right if v is not None), None)
            if left and right_value:
                checks.append(
                    sum_check(
                        f"{form}: 收入总计 = 支出总计",
                        left,
                        [right_value],
                        per_value,
                        "statement.lanes",
                        list(statement.pages),
                    )
                )
    return checks


def _last_total(statement: Statement, lane: list[int], before: int) -> int:
    totals = [i for i in lane if i < before and statement.rows[i].level == "total"]
    return max(totals) if totals else -1


def _lane_start(statement: Statement, r: int) -> int:
    """The first row of the lane holding row ``r`` in a table read lane after lane."""
    start = 0
    for i in range(r):
        if statement.rows[i].level == "total":
            start = i + 1
    return start


def _across(statements: list[Statement], config: dict[str, Any], per_value: Any) -> list[Check]:
    checks: list[Check] = []
    for total_cell, part_cells in config["across"]:
        total = _value_at(statements, total_cell)
        parts = [_value_at(statements, cell) for cell in part_cells]
        if total is None or any(p is None for p in parts):
            continue
        terms = [p for p in parts if p is not None]
        rule = f"{_describe(total_cell)} = {' + '.join(_describe(c) for c in part_cells)}"
        forms = {total_cell[0], *(c[0] for c in part_cells)}
        pages = sorted({page for s in statements if s.form in forms for page in s.pages})
        checks.append(sum_check(rule, total, terms, per_value, "statement.across", pages))
    return checks


def _value_at(statements: list[Statement], cell: list[Any]) -> Stated | None:
    form, side, name, key = cell
    found = _find(statements, form, side, name)
    return _cell(statements[found[0]], found[0], found[1], key) if found else None


def _describe(cell: list[Any]) -> str:
    form, side, name, key = cell
    return f"{form}{'.' + side if side else ''}[{name}].{key}"


def _completeness(document: Document, config: dict[str, Any]) -> list[Check]:
    if document.document.kind != "final_account" or not document.statements:
        return []  # a 说明 whose tables come in another file (第四部分 …（见附表）)
    forms = {s.form for s in document.statements}
    missing = [form for form in config["required"] if form not in forms]
    checks = [
        Check(
            rule="the nine 决算报表 are all printed",
            passed=not missing,
            fields=[],
            message="missing: " + ", ".join(missing) if missing else "all nine found",
            id="template.tables",
            severity="warning" if missing else None,
        )
    ]
    for s, statement in enumerate(document.statements):
        if not statement.empty:
            continue
        explained = statement.empty_note is not None
        message = statement.empty_note or "printed empty, and neither a note nor the text says why"
        checks.append(
            Check(
                rule=f"{statement.form}: an empty table is explained",
                passed=explained,
                fields=[f"statements.{s}.title"],
                id="template.empty",
                severity=None if explained else "warning",
                pages=list(statement.pages),
                message=message,
            )
        )
    return checks


def _codes(document: Document) -> list[Check]:
    """A code printed with a name the code list or the document's other rows disagree with."""
    known = code_names()
    seen: dict[str, set[str]] = {}
    for statement in document.statements:
        for row in statement.rows:
            if isinstance(row.code.value, str) and row.name.value:
                seen.setdefault(row.code.value, set()).add(label(row.name.value))
    checks: list[Check] = []
    for s, statement in enumerate(document.statements):
        for r, row in enumerate(statement.rows):
            code, name = row.code.value, row.name.value
            if not isinstance(code, str) or not name:
                continue
            expected = known.get(code)
            others = seen.get(code, set()) - {label(name)}
            if (expected is None or expected == label(name)) and not others:
                continue
            wrong = expected is not None and expected != label(name)
            message = (
                f"{code} is {expected} in the code list, printed {name}"
                if wrong
                else f"{code} printed as {name} here and as {'/'.join(sorted(others))} elsewhere"
            )
            checks.append(
                Check(
                    rule=f"{statement.form}: code {code} matches its 科目名称",
                    passed=False,
                    fields=[f"statements.{s}.rows.{r}.code", f"statements.{s}.rows.{r}.name"],
                    message=message,
                    id="template.code",
                    severity="warning",
                    pages=list(statement.pages),
                )
            )
    return checks


def statement_checks(document: Document, config: dict[str, Any], per_value: Any) -> list[Check]:
    checks: list[Check] = []
    for s, statement in enumerate(document.statements):
        checks += _levels(s, statement, per_value)
        checks += _row_columns(s, statement, config, per_value)
    checks += _lane_checks(document.statements, config, per_value)
    checks += _across(document.statements, config, per_value)
    checks += _completeness(document, config)
    checks += _codes(document)
    return checks
