"""Arithmetic and consistency checks over an extracted Document.

``run(document)`` returns one Check per rule that could run (every field it
needs is stated); a failed check names its fields as contract paths
(``figures.income_total``, ``expenditure_items[3].amount``,
``performance[2].indicators[4].score``) so they go to the correction queue.

Tolerances come from rounding: a value written with two decimals is off by
at most 0.005, so an identity over n such values may miss by 0.005·n
(``configs/rules/checks.yaml`` documents the numbers).  Growth rates and
execution rates are checked against the interval the rounded inputs allow.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from pipeline.config import resolve_path
from pipeline.extract.rules import DEFAULT_RULES_DIR, load_rules
from pipeline.form_checks import form_checks
from pipeline.model import Check, Document, ExpenditureItem, Field, Performance

CHECKS_FILE = "checks.yaml"

_LAST_NUMBER = re.compile(r"(\d+)(?:\s*\.\s*(\d+))?(?!.*\d)", re.S)
_HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class _Stated:
    """A field's value as a number, with its contract path."""

    path: str
    number: Decimal
    text: str
    half_unit: Decimal  # half of the last written digit: the rounding error


@cache
def _config(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _written_half_unit(field: Field, value: Decimal) -> Decimal:
    """Half a unit of the last digit as written ("78.3%" -> 0.05, "100%" -> 0.5)."""
    if field.source and (match := _LAST_NUMBER.search(field.source)):
        decimals = len(match.group(2) or "")
    else:
        exponent = value.as_tuple().exponent
        decimals = -exponent if isinstance(exponent, int) else 0
    return Decimal(5) / Decimal(10) ** (decimals + 1)


def _stated(field: Field | None, path: str) -> _Stated | None:
    if field is None or field.value is None or isinstance(field.value, bool):
        return None
    try:
        number = Decimal(str(field.value))
    except InvalidOperation:
        return None
    return _Stated(path, number, str(field.value), _written_half_unit(field, number))


def _check(rule: str, passed: bool, values: list[_Stated], message: str) -> Check:
    return Check(rule=rule, passed=passed, fields=[v.path for v in values], message=message)


def _sum_check(rule: str, total: _Stated, parts: list[_Stated], per_value: Decimal) -> Check:
    values = [total, *parts]
    exact_integers = all(v.number == v.number.to_integral_value() and "." not in v.text for v in values)
    tolerance = Decimal(0) if exact_integers else per_value * len(values)
    passed = abs(total.number - sum((p.number for p in parts), Decimal(0))) <= tolerance
    relation = "=" if passed else "!="
    return _check(rule, passed, values, f"{total.text} {relation} {' + '.join(p.text for p in parts)}")


def _interval(low: Decimal, high: Decimal, value: Decimal, slack: Decimal) -> bool:
    return low - slack <= value <= high + slack


def _growth_check(rule: str, amount: _Stated, change: _Stated, pct: _Stated) -> Check | None:
    """growth = change / (amount - change) × 100; 100.00 when last year was 0."""
    values = [pct, change, amount]
    previous = amount.number - change.number
    if previous == 0:
        expected = Decimal(0) if amount.number == 0 else _HUNDRED
        passed = abs(pct.number - expected) <= pct.half_unit
        message = f"{pct.text} {'=' if passed else '!='} {expected:.2f} (last year 0)"
        return _check(rule, passed, values, message)
    corners = []
    for a in (amount.number - amount.half_unit, amount.number + amount.half_unit):
        for c in (change.number - change.half_unit, change.number + change.half_unit):
            if (a - c) * previous <= 0:
                return None  # last year indistinguishable from 0: no rate to hold it to
            corners.append(c / (a - c) * _HUNDRED)
    passed = _interval(min(corners), max(corners), pct.number, pct.half_unit)
    expected = change.number / previous * _HUNDRED
    message = (
        f"{pct.text} {'≈' if passed else '!='} {change.text} / ({amount.text} - {change.text}) × 100 = {expected:.2f}"
    )
    return _check(rule, passed, values, message)


def _figure_checks(document: Document, config: dict[str, Any]) -> list[Check]:
    by_key = {f.key: _stated(f, f"figures.{f.key}") for f in document.figures}
    per_value = Decimal(str(config["per_value"]))
    checks: list[Check] = []
    for spec in config["sums"]:
        total = by_key.get(spec["total"])
        parts = [by_key.get(key) for key in spec["parts"]]
        if total is None or any(p is None for p in parts):
            continue
        optional = [v for key in spec.get("optional", []) if (v := by_key.get(key)) is not None]
        terms = [p for p in parts if p is not None] + optional
        rule = f"{spec['total']} = {' + '.join(v.path.removeprefix('figures.') for v in terms)}"
        checks.append(_sum_check(rule, total, terms, per_value))
    for spec in config["growth"]:
        amount, change, pct = (by_key.get(spec[name]) for name in ("amount", "change", "pct"))
        if amount and change and pct:
            rule = f"{spec['pct']} = {spec['change']} / ({spec['amount']} - {spec['change']}) × 100"
            if check := _growth_check(rule, amount, change, pct):
                checks.append(check)
    return checks


def _repeated_figure_checks(document: Document) -> list[Check]:
    """A figure stated in several places must say the same everywhere."""
    checks: list[Check] = []
    for figure in document.figures:
        if not figure.alternates:
            continue
        others = [a for a in figure.alternates if a.value != figure.value]
        statements = [figure, *(others or figure.alternates)]
        described = " != " if others else " = "
        message = described.join(f"{f.value} ({f.mention or f.label}, p{f.page})" for f in statements)
        checks.append(
            Check(
                rule=f"{figure.key} stated alike wherever stated",
                passed=not others,
                fields=[f"figures.{figure.key}"],
                message=message,
            )
        )
    return checks


def _item_checks(document: Document, config: dict[str, Any]) -> list[Check]:
    checks: list[Check] = []
    for index, item in enumerate(document.expenditure_items):
        path = f"expenditure_items[{index}]"
        amount = _stated(item.amount, f"{path}.amount")
        change = _stated(item.change, f"{path}.change")
        pct = _stated(item.growth_pct, f"{path}.growth_pct")
        if amount and change and pct:
            rule = f"{path}.growth_pct = change / (amount - change) × 100"
            if check := _growth_check(rule, amount, change, pct):
                checks.append(check)
    return checks


def _amounts(items: list[tuple[int, ExpenditureItem]]) -> list[_Stated] | None:
    stated = [_stated(item.amount, f"expenditure_items[{i}].amount") for i, item in items]
    return None if any(s is None for s in stated) else [s for s in stated if s is not None]


def _total_checks(document: Document, config: dict[str, Any]) -> list[Check]:
    """Class totals against their 项 lines; lines and classes against the figures."""
    per_value = Decimal(str(config["per_value"]))
    by_key = {f.key: _stated(f, f"figures.{f.key}") for f in document.figures}
    numbered = list(enumerate(document.expenditure_items))
    checks: list[Check] = []
    for index, class_total in enumerate(document.class_totals):
        total = _stated(class_total.amount, f"class_totals[{index}].amount")
        lines = [
            (i, item)
            for i, item in numbered
            if item.budget == class_total.budget and item.lei.value == class_total.lei.value
        ]
        amounts = _amounts(lines) if lines else None
        if total and amounts:
            rule = f"class_totals[{index}].amount = sum of its 项 lines ({class_total.lei.value})"
            checks.append(_sum_check(rule, total, amounts, per_value))
    for budget, key in config["items_total"].items():
        total = by_key.get(key)
        lines = [(i, item) for i, item in numbered if item.budget == budget]
        amounts = _amounts(lines) if lines else None
        if total and amounts:
            checks.append(_sum_check(f"{key} = sum of the {budget} 项 lines", total, amounts, per_value))
    for budget, key in config["class_totals_total"].items():
        total = by_key.get(key)
        classes = [
            _stated(c.amount, f"class_totals[{i}].amount")
            for i, c in enumerate(document.class_totals)
            if c.budget == budget
        ]
        if total and classes and all(classes):
            stated = [c for c in classes if c is not None]
            checks.append(_sum_check(f"{key} = sum of the {budget} class totals", total, stated, per_value))
    return checks


def _execution_rate_check(path: str, executed: _Stated, budget: _Stated, rate: _Stated) -> Check | None:
    if budget.number <= budget.half_unit:
        return None
    corners = [
        e / b * _HUNDRED
        for e in (executed.number - executed.half_unit, executed.number + executed.half_unit)
        for b in (budget.number - budget.half_unit, budget.number + budget.half_unit)
    ]
    passed = _interval(min(corners), max(corners), rate.number, rate.half_unit)
    expected = executed.number / budget.number * _HUNDRED
    message = f"{rate.text} {'≈' if passed else '!='} {executed.text} / {budget.text} × 100 = {expected:.2f}"
    return _check(f"{path}.execution_rate = executed / annual_budget × 100", passed, [rate, executed, budget], message)


def _performance_checks(index: int, record: Performance, config: dict[str, Any]) -> list[Check]:
    path = f"performance[{index}]"
    checks: list[Check] = []
    fund_scores: list[_Stated] = []
    for row_index, row in enumerate(record.funds):
        row_path = f"{path}.funds[{row_index}]"
        executed = _stated(row.executed, f"{row_path}.executed")
        budget = _stated(row.annual_budget, f"{row_path}.annual_budget")
        rate = _stated(row.execution_rate, f"{row_path}.execution_rate")
        if executed and budget and rate and (check := _execution_rate_check(row_path, executed, budget, rate)):
            checks.append(check)
        if score := _stated(row.score, f"{row_path}.score"):
            fund_scores.append(score)
    indicator_scores: list[_Stated] = []
    for ind_index, indicator in enumerate(record.indicators):
        ind_path = f"{path}.indicators[{ind_index}]"
        score = _stated(indicator.score, f"{ind_path}.score")
        weight = _stated(indicator.weight, f"{ind_path}.weight")
        if score:
            indicator_scores.append(score)
        if score and weight:
            passed = score.number <= weight.number + score.half_unit
            message = f"{score.text} {'<=' if passed else '>'} {weight.text}"
            checks.append(_check(f"{ind_path}.score <= weight", passed, [score, weight], message))
    total = _stated(record.total_score, f"{path}.total_score")
    if total and indicator_scores:
        terms = fund_scores[:1] + indicator_scores
        tolerance = Decimal(str(config["score_per_term"])) * len(terms)
        passed = abs(total.number - sum((t.number for t in terms), Decimal(0))) <= tolerance
        message = f"{total.text} {'=' if passed else '!='} {' + '.join(t.text for t in terms)}"
        checks.append(_check(f"{path}.total_score = fund score + indicator scores", passed, [total, *terms], message))
    return checks


def run(document: Document, rules_dir: str | Path | None = None) -> list[Check]:
    """Every check whose fields the document states, passed or failed;
    tolerances come from ``checks.yaml`` in ``rules_dir`` (configs/rules)."""
    config = _config(resolve_path(rules_dir or DEFAULT_RULES_DIR) / CHECKS_FILE)
    checks = _figure_checks(document, config)
    checks += _repeated_figure_checks(document)
    checks += _item_checks(document, config)
    checks += _total_checks(document, config)
    total_labels = load_rules(resolve_path(rules_dir or DEFAULT_RULES_DIR)).performance.total_row
    for index, record in enumerate(document.performance):
        checks += _performance_checks(index, record, config)
        checks += form_checks(index, record, total_labels)
    return checks
