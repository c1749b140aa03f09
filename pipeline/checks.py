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

from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from pipeline.checks_arith import Stated, check, ratio_within_rounding, stated, sum_check
from pipeline.config import resolve_path
from pipeline.form_checks import form_checks, fund_checks, indicator_row_paths
from pipeline.model import Check, Document, ExpenditureItem, Figure, Performance
from pipeline.narrative_checks import narrative_checks
from pipeline.records.rules import DEFAULT_RULES_DIR, load_rules
from pipeline.statement_checks import statement_checks
from pipeline.yaml_data import load_yaml

CHECKS_FILE = "checks.yaml"

_HUNDRED = Decimal(100)


@cache
def checks_config(rules_dir: str | Path | None = None) -> dict[str, Any]:
    """``checks.yaml`` of a rules folder (configs/rules by default)."""
    path = resolve_path(rules_dir or DEFAULT_RULES_DIR) / CHECKS_FILE
    with path.open(encoding="utf-8") as handle:
        return load_yaml(handle)


def _interval(low: Decimal, high: Decimal, value: Decimal, slack: Decimal) -> bool:
    return low - slack <= value <= high + slack


def _growth_check(rule: str, amount: Stated, change: Stated, pct: Stated) -> Check | None:
    """growth = change / (amount - change) × 100; 100.00 when last year was 0."""
    values = [pct, change, amount]
    previous = amount.number - change.number
    if previous == 0:
        expected = Decimal(0) if amount.number == 0 else _HUNDRED
        passed = abs(pct.number - expected) <= pct.half_unit
        message = f"{pct.text} {'=' if passed else '!='} {expected:.2f} (last year 0)"
        return check(rule, passed, values, message)
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
    return check(rule, passed, values, message)


def _figure_checks(document: Document, config: dict[str, Any]) -> list[Check]:
    by_key = {f.key: stated(f, f"figures.{f.key}") for f in document.figures}
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
        checks.append(sum_check(rule, total, terms, per_value))
    for spec in config["growth"]:
        amount, change, pct = (by_key.get(spec[name]) for name in ("amount", "change", "pct"))
        if amount and change and pct:
            rule = f"{spec['pct']} = {spec['change']} / ({spec['amount']} - {spec['change']}) × 100"
            if found := _growth_check(rule, amount, change, pct):
                checks.append(found)
    return checks


def _repeated_figure_checks(document: Document) -> list[Check]:
    """A figure stated in several places must say the same everywhere."""
    checks: list[Check] = []
    for figure in document.figures:
        if not figure.alternates:
            continue
        others = [a for a in figure.alternates if not _within_rounding(figure, a)]
        rounded = [a for a in figure.alternates if a.value != figure.value and a not in others]
        statements = [figure, *(others or figure.alternates)]
        described = " != " if others else " = "
        message = described.join(f"{f.value} ({f.mention or f.label}, p{f.page})" for f in statements)
        cells = [f.cell for f in [figure, *figure.alternates] if f.cell]
        slipped = any(_unit_slip(figure, other) for other in others)
        if slipped:
            message += " (10000× apart: 万元 and 元 confused)"
        checks.append(
            Check(
                rule=f"{figure.key} stated alike wherever stated",
                passed=not others,
                fields=[f"figures.{figure.key}", *cells],
                message=message,
                id="template.unit_slip" if slipped else "narrative.statement" if cells else "figures.agree",
                severity="error" if others else "note" if rounded else None,
                pages=sorted({f.page for f in [figure, *figure.alternates] if f.page}),
            )
        )
    return checks


def _within_rounding(one: Figure, other: Figure) -> bool:
    """The same value, or two numbers no further apart than their rounding (1234.6 and 1234.57)."""
    if one.value == other.value:
        return True
    a, b = stated(one, ""), stated(other, "")
    return a is not None and b is not None and abs(a.number - b.number) <= a.half_unit + b.half_unit


def _unit_slip(one: Figure, other: Figure) -> bool:
    """Two statements of a figure 10000× apart: one written in 元 and read as 万元."""
    a, b = stated(one, ""), stated(other, "")
    if a is None or b is None or a.number == 0 or b.number == 0:
        return False
    small, large = sorted((abs(a.number), abs(b.number)))
    return abs(large / 10000 - small) <= Decimal("0.01") + small * Decimal("0.001")


def _item_checks(document: Document, config: dict[str, Any]) -> list[Check]:
    checks: list[Check] = []
    for index, item in enumerate(document.expenditure_items):
        path = f"expenditure_items[{index}]"
        amount = stated(item.amount, f"{path}.amount")
        change = stated(item.change, f"{path}.change")
        pct = stated(item.growth_pct, f"{path}.growth_pct")
        if amount and change and pct:
            rule = f"{path}.growth_pct = change / (amount - change) × 100"
            if found := _growth_check(rule, amount, change, pct):
                checks.append(found)
    return checks


def _amounts(items: list[tuple[int, ExpenditureItem]]) -> list[Stated] | None:
    amounts = [stated(item.amount, f"expenditure_items[{i}].amount") for i, item in items]
    return None if any(a is None for a in amounts) else [a for a in amounts if a is not None]


def _total_checks(document: Document, config: dict[str, Any]) -> list[Check]:
    """Class totals against their 项 lines; lines and classes against the figures."""
    per_value = Decimal(str(config["per_value"]))
    by_key = {f.key: stated(f, f"figures.{f.key}") for f in document.figures}
    numbered = list(enumerate(document.expenditure_items))
    checks: list[Check] = []
    for index, class_total in enumerate(document.class_totals):
        total = stated(class_total.amount, f"class_totals[{index}].amount")
        lines = [
            (i, item)
            for i, item in numbered
            if item.budget == class_total.budget and item.lei.value == class_total.lei.value
        ]
        amounts = _amounts(lines) if lines else None
        if total and amounts:
            rule = f"class_totals[{index}].amount = sum of its 项 lines ({class_total.lei.value})"
            checks.append(sum_check(rule, total, amounts, per_value))
    for budget, key in config["items_total"].items():
        total = by_key.get(key)
        lines = [(i, item) for i, item in numbered if item.budget == budget]
        amounts = _amounts(lines) if lines else None
        if total and amounts:
            checks.append(sum_check(f"{key} = sum of the {budget} 项 lines", total, amounts, per_value))
    for budget, key in config["class_totals_total"].items():
        total = by_key.get(key)
        classes = [
            stated(c.amount, f"class_totals[{i}].amount")
            for i, c in enumerate(document.class_totals)
            if c.budget == budget
        ]
        if total and classes and all(classes):
            terms = [c for c in classes if c is not None]
            checks.append(sum_check(f"{key} = sum of the {budget} class totals", total, terms, per_value))
    return checks


def _execution_rate_check(path: str, executed: Stated, budget: Stated, rate: Stated) -> Check | None:
    ratio = ratio_within_rounding(rate, executed, budget)
    if ratio is None:
        return None
    passed, expected = ratio
    message = f"{rate.text} {'≈' if passed else '!='} {executed.text} / {budget.text} × 100 = {expected:.2f}"
    return check(f"{path}.execution_rate = executed / annual_budget × 100", passed, [rate, executed, budget], message)


def _weights_check(path: str, record: Performance, config: dict[str, Any]) -> Check | None:
    """The fund weight and every indicator's add up to the full marks.  Off
    them, a row is missing, extra (a wrapped cell read as a row of its own,
    a row read twice) or misread, and which cannot be told: every indicator
    row waits for a person.  Where a row states no weight (the form check
    names it), only a sum already over the full marks is judged."""
    weights = [stated(row.weight, f"{path}.indicators[{i}].weight") for i, row in enumerate(record.indicators)]
    terms = [w for w in weights if w is not None]
    if len(terms) < 2:
        return None
    funds = [w for i, row in enumerate(record.funds) if (w := stated(row.weight, f"{path}.funds[{i}].weight"))]
    full = Decimal(str(config["weights_total"]))
    tolerance = Decimal(str(config["score_per_term"])) * (len(terms) + 1)
    indicators_sum = sum((t.number for t in terms), Decimal(0))
    if funds:
        terms, allowed = [funds[0], *terms], [full - funds[0].number]
    else:
        allowed = [full - Decimal(str(fund)) for fund in config["fund_weight_unprinted"]]
    if all(weights):
        passed = any(abs(indicators_sum - target) <= tolerance for target in allowed)
    elif indicators_sum > max(allowed) + tolerance:
        passed = False
    else:
        return None
    message = f"{' + '.join(t.text for t in terms)} {'=' if passed else '!='} {full}"
    result = check(f"{path} weights add up to {full}", passed, terms, message)
    if not passed:
        result.fields += [p for p in indicator_row_paths(path, record) if p not in result.fields]
    return result


def _performance_checks(index: int, record: Performance, config: dict[str, Any]) -> list[Check]:
    path = f"performance[{index}]"
    checks: list[Check] = []
    fund_scores: list[Stated] = []
    for row_index, row in enumerate(record.funds):
        row_path = f"{path}.funds[{row_index}]"
        executed = stated(row.executed, f"{row_path}.executed")
        budget = stated(row.annual_budget, f"{row_path}.annual_budget")
        rate = stated(row.execution_rate, f"{row_path}.execution_rate")
        if executed and budget and rate and (found := _execution_rate_check(row_path, executed, budget, rate)):
            checks.append(found)
        if score := stated(row.score, f"{row_path}.score"):
            fund_scores.append(score)
    indicator_scores: list[Stated] = []
    for ind_index, indicator in enumerate(record.indicators):
        ind_path = f"{path}.indicators[{ind_index}]"
        score = stated(indicator.score, f"{ind_path}.score")
        weight = stated(indicator.weight, f"{ind_path}.weight")
        if score:
            indicator_scores.append(score)
        if score and weight:
            passed = score.number <= weight.number + score.half_unit
            message = f"{score.text} {'<=' if passed else '>'} {weight.text}"
            checks.append(check(f"{ind_path}.score <= weight", passed, [score, weight], message))
    if weights := _weights_check(path, record, config):
        checks.append(weights)
    total = stated(record.total_score, f"{path}.total_score")
    if total and indicator_scores:
        terms = fund_scores[:1] + indicator_scores
        tolerance = Decimal(str(config["score_per_term"])) * len(terms)
        passed = abs(total.number - sum((t.number for t in terms), Decimal(0))) <= tolerance
        message = f"{total.text} {'=' if passed else '!='} {' + '.join(t.text for t in terms)}"
        checks.append(check(f"{path}.total_score = fund score + indicator scores", passed, [total, *terms], message))
    return checks


def run(document: Document, rules_dir: str | Path | None = None) -> list[Check]:
    """Every check whose fields the document states, passed or failed;
    tolerances come from ``checks.yaml`` in ``rules_dir`` (configs/rules)."""
    config = checks_config(rules_dir)
    per_value = Decimal(str(config["per_value"]))
    groups = [
        ("figures.arithmetic", _figure_checks(document, config)),
        ("figures.agree", _repeated_figure_checks(document)),
        ("items.growth", _item_checks(document, config)),
        ("items.totals", _total_checks(document, config)),
        ("statement", statement_checks(document, config["statements"], per_value)),
        ("narrative", narrative_checks(document, per_value, config["purposes"])),
    ]
    performance_rules = load_rules(resolve_path(rules_dir or DEFAULT_RULES_DIR)).performance
    for index, record in enumerate(document.performance):
        groups.append(("performance.arithmetic", _performance_checks(index, record, config)))
        groups.append(("performance.form", form_checks(index, record, performance_rules)))
        groups.append(("performance.funds", fund_checks(index, record, performance_rules)))
    checks = []
    for rule_id, found in groups:
        for result in found:
            result.id = result.id or rule_id
            if result.severity is None and not result.passed:
                result.severity = "error"
        checks += found
    return checks
