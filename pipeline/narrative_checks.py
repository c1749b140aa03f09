"""Checks of the 情况说明 against itself and against the 决算报表.

``narrative_checks(document, per_value)``: rule ids

* ``narrative.item`` — an item's amount against its 项 row in the table
  (一般公共预算财政拨款支出决算表 for 一般公共预算 lines, the fund and capital
  tables for theirs), and its names against the table's names for the code;
* ``share.amount`` / ``share.sum`` — a class total's share against amount ÷
  一般公共预算财政拨款支出, and the shares adding to 100;
* ``completion.rate`` / ``completion.zero_budget`` — 完成年初预算的 Z% against
  amount ÷ 年初预算, and a rate stated against a budget of 0;
* ``template.reason`` — a line that changed, or missed its budget, stated
  without its reason;
* ``template.department`` — the department a table names (编制单位) against
  the one of the title.
"""

from __future__ import annotations

import re
from decimal import Decimal

from pipeline.checks_arith import Stated, check, ratio_within_rounding, stated, sum_check
from pipeline.model import Check, Document, ExpenditureItem, Statement
from pipeline.records.statements.rules import label

_HUNDRED = Decimal(100)
_ITEM_TABLE = {
    "general": ("general_expenditure", "total"),
    "fund": ("fund", "expenditure_total"),
    "capital": ("capital", "expenditure_total"),
}
# Written alike: 规划和自然资源局 / 规划与自然资源局, （本级） or not.
_DEPARTMENT_NOISE = re.compile(r"\(本级\)|[和与及]")


def _rows_by_code(statements: list[Statement], form: str) -> dict[str, tuple[int, int]]:
    found = {}
    for s, statement in enumerate(statements):
        if statement.form == form:
            for r, row in enumerate(statement.rows):
                if isinstance(row.code.value, str) and len(row.code.value) == 7:
                    found.setdefault(row.code.value, (s, r))
    return found


def _item_against_tables(document: Document, per_value: Decimal) -> list[Check]:
    checks: list[Check] = []
    rows = {budget: _rows_by_code(document.statements, form) for budget, (form, _) in _ITEM_TABLE.items()}
    for i, item in enumerate(document.expenditure_items):
        form, column = _ITEM_TABLE[item.budget]
        place = rows[item.budget].get(item.code or "")
        if place is None:
            checks += _renamed(document, i, item, form, column, per_value)
            continue
        s, r = place
        statement = document.statements[s]
        amount = stated(item.amount, f"expenditure_items[{i}].amount")
        cell = stated(statement.rows[r].values.get(column), f"statements.{s}.rows.{r}.values.{column}")
        if amount and cell:
            rule = f"expenditure_items[{i}].amount = its 项 row in {form} ({item.code})"
            checks.append(sum_check(rule, amount, [cell], per_value, "narrative.item", list(statement.pages)))
    return checks


def _renamed(
    document: Document, i: int, item: ExpenditureItem, form: str, column: str, per_value: Decimal
) -> list[Check]:
    """An item whose names no 项 row carries: its line is the row under the same
    类 and 款 that no other item names, printed under another name (the one
    such row, or the one of the same amount)."""
    amount = stated(item.amount, f"expenditure_items[{i}].amount")
    named = {(x.lei.value, x.kuan.value, x.xiang.value) for x in document.expenditure_items}
    for s, statement in enumerate(document.statements):
        if statement.form != form:
            continue
        candidates = []
        lei = kuan = None
        for r, row in enumerate(statement.rows):
            code, name = row.code.value, row.name.value
            if not isinstance(code, str):
                continue
            if len(code) == 3:
                lei = name
            elif len(code) == 5:
                kuan = name
            elif (lei, kuan) == (item.lei.value, item.kuan.value) and (lei, kuan, name) not in named:
                candidates.append((r, row))
        same_amount = [
            (r, row)
            for r, row in candidates
            if amount and (cell := stated(row.values.get(column), "")) and abs(cell.number - amount.number) <= per_value
        ]
        chosen = same_amount or (candidates if len(candidates) == 1 else [])
        if chosen:
            r, row = chosen[0]
            message = f"the text names {row.code.value} {item.xiang.value}; the table prints {row.name.value}"
            return [
                Check(
                    rule=f"expenditure_items[{i}].xiang = the table's name for {row.code.value}",
                    passed=False,
                    fields=[f"expenditure_items[{i}].xiang", f"statements.{s}.rows.{r}.name"],
                    message=message,
                    id="narrative.item",
                    severity="warning",
                    pages=list(statement.pages),
                )
            ]
    return []


def _shares(document: Document, per_value: Decimal) -> list[Check]:
    totals = [(i, c) for i, c in enumerate(document.class_totals) if c.budget == "general"]
    general = next((f for f in document.figures if f.key == "general_expenditure"), None)
    whole = stated(general, "figures.general_expenditure")
    checks: list[Check] = []
    shares: list[Stated] = []
    exact = Decimal(0)  # the rounding of shares of nothing: a class of 0.00 has exactly 0%
    for i, total in totals:
        amount = stated(total.amount, f"class_totals[{i}].amount")
        share = stated(total.share_pct, f"class_totals[{i}].share_pct")
        if share is not None:
            shares.append(share)
            if amount is not None and amount.number == 0:
                exact += share.half_unit
        if amount and share and whole and whole.number > 0:
            expected = amount.number / whole.number * _HUNDRED
            slack = share.half_unit + (amount.half_unit + whole.half_unit) / whole.number * _HUNDRED
            passed = abs(share.number - expected) <= slack
            message = f"{share.text} {'≈' if passed else '!='} {amount.text} / {whole.text} × 100 = {expected:.2f}"
            checks.append(
                check(
                    f"class_totals[{i}].share_pct = amount / general_expenditure × 100",
                    passed,
                    [share, amount, whole],
                    message,
                    "share.amount",
                )
            )
    if len(shares) > 1 and len(shares) == len(totals):
        # Each share is rounded: their sum may miss 100 by half a unit per share.
        total = sum((s.number for s in shares), Decimal(0))
        slack = sum((s.half_unit for s in shares), Decimal(0)) - exact
        passed = abs(total - _HUNDRED) <= slack
        message = f"{' + '.join(s.text for s in shares)} = {total} {'≈' if passed else '!='} 100"
        checks.append(check("class_totals share_pct add up to 100", passed, shares, message, "share.sum"))
    return checks


def _completion(document: Document) -> list[Check]:
    checks: list[Check] = []
    for i, item in enumerate(document.expenditure_items):
        path = f"expenditure_items[{i}]"
        rate = stated(item.completion_pct, f"{path}.completion_pct")
        budget = stated(item.initial_budget, f"{path}.initial_budget")
        amount = stated(item.amount, f"{path}.amount")
        if not (rate and budget and amount):
            continue
        if budget.number == 0:
            checks.append(
                check(
                    f"{path}: no completion rate against a 年初预算 of 0",
                    False,
                    [rate, budget],
                    f"完成年初预算的{rate.text}% with a 年初预算 of {budget.text}",
                    "completion.zero_budget",
                )
            )
            continue
        ratio = ratio_within_rounding(rate, amount, budget)
        if ratio is None:
            continue  # a budget within rounding of 0: no rate to hold it to
        passed, expected = ratio
        checks.append(
            check(
                f"{path}.completion_pct = amount / initial_budget × 100",
                passed,
                [rate, amount, budget],
                f"{rate.text} {'≈' if passed else '!='} {amount.text} / {budget.text} × 100 = {expected:.2f}",
                "completion.rate",
            )
        )
    return checks


def _reasons(document: Document) -> list[Check]:
    checks: list[Check] = []
    for i, item in enumerate(document.expenditure_items):
        changed = item.change.value not in (None, "0.00")
        missed = item.initial_budget is not None and item.initial_budget.value not in (None, item.amount.value)
        if (changed or missed) and item.reason.value is None:
            what = "a change on last year" if changed else "a budget–actual gap"
            checks.append(
                Check(
                    rule=f"expenditure_items[{i}]: {what} states its reason",
                    passed=False,
                    fields=[f"expenditure_items[{i}].reason"],
                    id="template.reason",
                    severity="warning",
                    message=f"{item.xiang.value}: {what} without 主要原因",
                    pages=[item.amount.page] if item.amount.page else [],
                )
            )
    return checks


def _department(document: Document) -> list[Check]:
    title = document.document.department.value
    makers = {s.maker for s in document.statements if s.maker}
    if not title or not makers:
        return []
    checks = []
    for maker in sorted(makers):
        same = label(maker) == label(title)
        alike = _DEPARTMENT_NOISE.sub("", label(maker)) in _DEPARTMENT_NOISE.sub("", label(title))
        checks.append(
            Check(
                rule="the tables name the department of the title",
                passed=same or alike,
                fields=["document.department"],
                id="template.department",
                severity=None if same else "note" if alike else "warning",
                message=f"title: {title}; 编制单位: {maker}",
            )
        )
    return checks


def _purposes(document: Document, families: dict[str, list[str]]) -> list[Check]:
    checks: list[Check] = []
    for i, item in enumerate(document.expenditure_items):
        purpose = item.purpose.value if item.purpose is not None else None
        if not purpose or not item.xiang.value:
            continue
        subject = {family for family, words in families.items() if any(w in item.xiang.value for w in words)}
        named = {family for family, words in families.items() if any(w in purpose for w in words)}
        if subject and named:
            passed = bool(subject & named)
            checks.append(
                Check(
                    rule=f"expenditure_items[{i}]: its purpose fits its 科目",
                    passed=passed,
                    fields=[f"expenditure_items[{i}].purpose", f"expenditure_items[{i}].xiang"],
                    message=f"{item.xiang.value}: 主要用于 {purpose}",
                    id="template.purpose",
                    severity=None if passed else "warning",
                )
            )
    return checks


def narrative_checks(document: Document, per_value: Decimal, families: dict[str, list[str]]) -> list[Check]:
    return [
        *_purposes(document, families),
        *_item_against_tables(document, per_value),
        *_shares(document, per_value),
        *_completion(document),
        *_reasons(document),
        *_department(document),
    ]
