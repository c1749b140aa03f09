"""The nine 决算报表 of a synthetic report as data rows, from its accounts.

``statement_rows(account)`` turns the figures a ``_FinalAccount`` drew into
the rows each table prints, so that every identity a statement obeys holds
exactly: 类 = Σ 款 = Σ 项, 合计 = Σ 类, totals = Σ parts, the two lanes'
总计 equal, the tables agree with each other and with the narrative.
Amounts are integer cents of 万元, as everywhere in the corpus; None is a
cell the table leaves blank.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from tests.corpus.wording import split_cents

CODES_FILE = Path(__file__).resolve().parents[2] / "configs" / "codes" / "classification.yaml"

INCOME_COLUMNS = ["total", "fiscal", "superior_subsidy", "business", "operating", "affiliate", "other"]
INCOME_KEYS = {
    "fiscal": "fiscal_income",
    "superior_subsidy": "superior_subsidy_income",
    "business": "business_income",
    "operating": "operating_income",
    "affiliate": "affiliate_income",
    "other": "other_income",
}
EXPENDITURE_COLUMNS = ["total", "basic", "project", "remit_superior", "operating", "affiliate_subsidy"]
EXPENDITURE_KEYS = {
    "basic": "basic_expenditure",
    "project": "project_expenditure",
    "remit_superior": "remit_superior_expenditure",
    "operating": "operating_expenditure",
    "affiliate_subsidy": "affiliate_subsidy_expenditure",
}
BUDGET_COLUMNS = [
    "carryover_begin",
    "income_year",
    "expenditure_total",
    "expenditure_basic",
    "expenditure_project",
    "carryover_end",
]
THREE_PUBLIC_PARTS = ["total", "overseas", "vehicle_total", "vehicle_purchase", "vehicle_operation", "reception"]
# 经济分类 of the 基本支出 table: 人员经费 over 301/303, 公用经费 over 302/310.
PERSONNEL_CODES = {
    "301": ["30101", "30102", "30103", "30107", "30108", "30109", "30110", "30112", "30113", "30199"],
    "303": ["30302", "30304", "30305", "30399"],
}
PUBLIC_CODES = {
    "302": [
        "30201",
        "30202",
        "30205",
        "30206",
        "30207",
        "30211",
        "30213",
        "30215",
        "30216",
        "30217",
        "30226",
        "30228",
        "30229",
        "30231",
        "30239",
        "30299",
    ],
    "310": ["31002", "31007"],
}


@cache
def codes() -> dict[str, dict[str, str]]:
    with CODES_FILE.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def function_code(lei: str, kuan: str, xiang: str) -> str:
    """The 7-digit code of a 类/款/项 line (``configs/codes``)."""
    names = codes()["function"]
    lei_code = next(c for c, n in names.items() if len(c) == 3 and n == lei)
    kuan_code = next(c for c, n in names.items() if len(c) == 5 and c.startswith(lei_code) and n == kuan)
    return next(c for c, n in names.items() if len(c) == 7 and c.startswith(kuan_code) and n == xiang)


@dataclass
class Row:
    """A data row as printed: code (or None), name, level, values by column key."""

    name: str
    code: str | None = None
    level: str | None = None
    values: dict[str, int | None] = field(default_factory=dict)
    side: str | None = None


def hierarchy(lines: list[tuple[str, dict[str, int]]], columns: list[str]) -> list[Row]:
    """类, 款 and 项 rows in code order from (7-digit code, values) lines; the
    upper levels sum the lines below them."""
    names = codes()["function"]
    by_code: dict[str, dict[str, int]] = {}
    for code, values in lines:
        for prefix in (code[:3], code[:5], code):
            row = by_code.setdefault(prefix, dict.fromkeys(columns, 0))
            for key in columns:
                row[key] += values.get(key, 0)
    levels = {3: "lei", 5: "kuan", 7: "xiang"}
    return [Row(names[code], code, levels[len(code)], dict(values)) for code, values in sorted(by_code.items())]


def sums(rows: list[Row], columns: list[str]) -> dict[str, int]:
    return {key: sum(row.values.get(key) or 0 for row in rows if row.level == "lei") for key in columns}


def _basic_split(account: Any) -> list[tuple[int, int]]:
    """(basic, project) of each general line: 基本支出 fills the lines most like
    running costs first (行政运行, 养老, 医疗, 公积金), the rest is 项目支出."""
    running = ("行政运行", "机关事业单位", "行政单位", "住房公积金", "公务员医疗", "事业运行")
    order = sorted(range(len(account.general)), key=lambda i: (not account.general[i].xiang.startswith(running), i))
    left = account.general_basic
    split_lines = [(0, line.amount) for line in account.general]
    for i in order:
        amount = account.general[i].amount
        basic = min(amount, left)
        split_lines[i] = (basic, amount - basic)
        left -= basic
    return split_lines


def statement_rows(account: Any) -> dict[str, Any]:
    """Every table's rows, keyed by form; see the module docstring."""
    general = [(function_code(x.lei, x.kuan, x.xiang), x) for x in account.general]
    fund = [(function_code(x.lei, x.kuan, x.xiang), x) for x in account.fund]
    capital = [(function_code(x.lei, x.kuan, x.xiang), x) for x in account.capital]
    basic_project = _basic_split(account)
    weights = [max(line.amount, 1) for line in account.general]
    nonfiscal = {key: account.uses[EXPENDITURE_KEYS[key]] for key in EXPENDITURE_KEYS}
    nonfiscal["basic"] -= account.general_basic
    nonfiscal["project"] -= sum(p for _, p in basic_project) + account.fund_spent + account.capital_spent
    shares = {key: split_cents(total, weights) for key, total in nonfiscal.items()}

    spending: list[tuple[str, dict[str, int]]] = []
    for i, (code, _) in enumerate(general):
        values = {key: shares[key][i] for key in nonfiscal}
        values["basic"] += basic_project[i][0]
        values["project"] += basic_project[i][1]
        spending.append((code, values))
    spending += [(code, {"project": line.amount}) for code, line in fund + capital]
    for _, values in spending:
        values["total"] = sum(values.get(key, 0) for key in EXPENDITURE_COLUMNS[1:])
    expenditure = hierarchy(spending, EXPENDITURE_COLUMNS)

    fiscal_weights = [max(v["total"], 1) for _, v in spending]
    income_parts = {key: split_cents(account.incomes[INCOME_KEYS[key]], fiscal_weights) for key in INCOME_KEYS}
    receipts = []
    for i, (code, _) in enumerate(spending):
        values = {key: income_parts[key][i] for key in INCOME_KEYS}
        values["total"] = sum(values.values())
        receipts.append((code, values))
    income = hierarchy(receipts, INCOME_COLUMNS)

    general_rows = hierarchy(
        [
            (code, {"basic": b, "project": p, "total": b + p})
            for (code, _), (b, p) in zip(general, basic_project, strict=True)
        ],
        ["total", "basic", "project"],
    )
    by_budget = [(code, {"total": line.amount, "general": line.amount}) for code, line in general]
    by_budget += [(code, {"total": line.amount, "fund": line.amount}) for code, line in fund]
    by_budget += [(code, {"total": line.amount, "capital": line.amount}) for code, line in capital]
    fiscal_classes = [
        row for row in hierarchy(by_budget, ["total", "general", "fund", "capital"]) if row.level == "lei"
    ]
    return {
        "expenditure": expenditure,
        "income": income,
        "general_expenditure": general_rows,
        "fiscal_classes": fiscal_classes,
        "expenditure_classes": [row for row in expenditure if row.level == "lei"],
        "fund": _budget_rows(fund, account.fund_begin, account.fund_end),
        "capital": _budget_rows(capital, 0, 0),
        "general_basic": _economic_rows(account),
    }


def _budget_rows(lines: list[tuple[str, Any]], begin: int, end: int) -> list[Row]:
    """政府性基金 / 国有资本经营: carry-overs spread over the lines by their spending."""
    weights = [max(line.amount, 1) for _, line in lines]
    begins, ends = split_cents(begin, weights), split_cents(end, weights)
    rows = []
    for (code, line), b, e in zip(lines, begins, ends, strict=True):
        rows.append(
            (
                code,
                {
                    "carryover_begin": b,
                    "income_year": line.amount + e - b,
                    "expenditure_total": line.amount,
                    "expenditure_basic": 0,
                    "expenditure_project": line.amount,
                    "carryover_end": e,
                },
            )
        )
    return hierarchy(rows, BUDGET_COLUMNS)


def _economic_rows(account: Any) -> tuple[list[Row], list[Row]]:
    """The 基本支出 table's two lanes: 人员经费 (301, 303) and 公用经费 (302, 310)."""
    rng = account.statement_rng
    names = codes()["economic"]

    def lane(total: int, groups: dict[str, list[str]], group_weights: list[float]) -> list[Row]:
        rows = []
        for (group, members), amount in zip(groups.items(), split_cents(total, group_weights), strict=True):
            chosen = sorted(rng.sample(members, rng.randint(2, len(members))))
            parts = split_cents(amount, [rng.uniform(0.2, 3) for _ in chosen])
            rows.append(Row(names[group], group, "lei", {"amount": amount}))
            rows += [Row(names[code], code, "kuan", {"amount": part}) for code, part in zip(chosen, parts, strict=True)]
        return rows

    personnel = lane(account.personnel, PERSONNEL_CODES, [rng.uniform(5, 9), rng.uniform(0.3, 1.5)])
    public = lane(account.public, PUBLIC_CODES, [rng.uniform(5, 9), rng.uniform(0, 0.6)])
    return personnel, public
