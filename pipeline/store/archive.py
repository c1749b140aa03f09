"""Checks across an archive: a report's 上年 figures against last year's report.

A report states this year's amount and its change over last year (the
``growth`` pairs of ``checks.yaml``, and each 项 line of the narrative), so
amount − change is what last year's report of the same department printed.
Where the store has that report, the two are compared within the rounding
of the three numbers; a disagreement is a failed check of both documents
(``archive.previous_year`` on the later one, ``archive.next_year`` on the
earlier one), each naming only its own fields.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from pipeline.checks import checks_config
from pipeline.checks_arith import stated, sum_check
from pipeline.model import Check, Document, Field

ARCHIVE_PREFIX = "archive."
_BRACKETS = re.compile(r"[\s（）()【】\[\]〔〕]")


@dataclass(frozen=True, slots=True)
class ArchiveRules:
    drop: tuple[str, ...]
    region: re.Pattern[str]
    growth: tuple[tuple[str, str], ...]  # (amount key, change key)
    per_value: Decimal


@cache
def archive_rules(rules_dir: str | Path | None = None) -> ArchiveRules:
    config = checks_config(rules_dir)
    archive = config["archive"]
    suffixes = "|".join(sorted(map(re.escape, archive["region_suffixes"]), key=len, reverse=True))
    return ArchiveRules(
        drop=tuple(sorted(archive["department_drop"], key=len, reverse=True)),
        # One region name or more (新疆维吾尔自治区乌鲁木齐市天山区): short names, each ending in a suffix.
        region=re.compile(rf"(?:.{{1,10}}?(?:{suffixes}))+"),
        growth=tuple((pair["amount"], pair["change"]) for pair in config["growth"]),
        per_value=Decimal(str(config["per_value"])),
    )


def department_key(name: str | None, rules: ArchiveRules) -> str | None:
    """The department's name without 本级/汇总, brackets and spaces."""
    if not name:
        return None
    text = _BRACKETS.sub("", name)
    for word in rules.drop:
        text = text.replace(word, "")
    return text or None


def same_department(first: str | None, second: str | None, rules: ArchiveRules) -> bool:
    """Equal keys, or equal once the longer one's leading region names are dropped."""
    if not first or not second:
        return False
    if first == second:
        return True
    longer, shorter = (first, second) if len(first) > len(second) else (second, first)
    return longer.endswith(shorter) and rules.region.fullmatch(longer[: -len(shorter)]) is not None


def year_over_year(
    later: Document, earlier: Document, rules: ArchiveRules
) -> tuple[list[Check], list[Check]]:
    """The checks of ``later`` against ``earlier`` (one fiscal year before),
    as the later document's checks and as the earlier document's."""
    for_later: list[Check] = []
    for_earlier: list[Check] = []
    year = later.document.fiscal_year.value
    for this, change, before, before_path in _pairs(later, earlier, rules):
        result = sum_check(
            f"{this.path} − {change.path} = {before_path} of the {year - 1} report",
            this,
            [change, before],
            rules.per_value,
        )
        relation = "=" if result.passed else "≠"
        last_year = this.number - change.number
        for_later.append(
            Check(
                rule=result.rule,
                passed=result.passed,
                fields=[this.path, change.path],
                message=f"{this.text} − {change.text} = {last_year} {relation} {before.text} "
                f"in the {year - 1} report ({earlier.document.doc_id})",
                id=f"{ARCHIVE_PREFIX}previous_year",
                severity=result.severity,
            )
        )
        for_earlier.append(
            Check(
                rule=f"{before_path} = {this.path} − {change.path} of the {year} report",
                passed=result.passed,
                fields=[before_path],
                message=f"{before.text} {relation} {this.text} − {change.text} = {last_year} "
                f"in the {year} report ({later.document.doc_id})",
                id=f"{ARCHIVE_PREFIX}next_year",
                severity=result.severity,
            )
        )
    return for_later, for_earlier


def _pairs(later: Document, earlier: Document, rules: ArchiveRules):
    """(this year's amount, its change, last year's amount, its path in the earlier report)."""
    now = {figure.key: figure for figure in later.figures}
    then = {figure.key: figure for figure in earlier.figures}
    for amount, change in rules.growth:
        values = _stated_pair(now.get(amount), now.get(change), f"figures.{amount}", f"figures.{change}")
        before = stated(then.get(amount), f"figures.{amount}")
        if values and before:
            yield *values, before, before.path
    earlier_items = {(item.budget, item.code): (i, item) for i, item in enumerate(earlier.expenditure_items)}
    for i, item in enumerate(later.expenditure_items):
        j, match = earlier_items.get((item.budget, item.code), (None, None)) if item.code else (None, None)
        if match is None:
            continue
        prefix = f"expenditure_items[{i}]"
        values = _stated_pair(item.amount, item.change, f"{prefix}.amount", f"{prefix}.change")
        before = stated(match.amount, f"expenditure_items[{j}].amount")
        if values and before:
            yield *values, before, before.path


def _stated_pair(amount: Field | None, change: Field | None, amount_path: str, change_path: str):
    this, delta = stated(amount, amount_path), stated(change, change_path)
    return (this, delta) if this and delta else None


def without_archive_checks(checks: list[Check]) -> list[Check]:
    return [check for check in checks if not (check.id or "").startswith(ARCHIVE_PREFIX)]

