"""The two-lane 决算报表 (收入支出决算总表, 财政拨款收入支出决算总表, the
基本支出 table) and the 三公 table, after the reference template's layouts.

A two-lane table prints its 收入 rows beside its 支出 rows, the closing
rows (本年收入合计 | 本年支出合计 … 总计 | 总计) side by side at the bottom;
the truth reads the left lane first, then the right.
"""

from __future__ import annotations

from typing import Any

from tests.corpus.spec import CellSpec, GridTable
from tests.corpus.statement_data import THREE_PUBLIC_PARTS, Row
from tests.corpus.statement_tables import ALL_CLASSES, ordinal, truth_row

Lane = list[Row | None]


def _level(name: str) -> str | None:
    return "total" if name.endswith(("合计", "总计")) else None


def _named(rows: list[tuple[str, dict[str, int | None]]], side: str | None, numbered: bool) -> list[Row]:
    return [
        Row(f"{ordinal(i)}、{name}" if numbered else name, None, _level(name), values, side)
        for i, (name, values) in enumerate(rows, 1)
    ]


def _closing(rows: list[tuple[str, dict[str, int | None]]], side: str | None) -> list[Row]:
    return [Row(name, None, _level(name), values, side) for name, values in rows]


def _side_by_side(
    tables: Any,
    form: str,
    header: list[list[CellSpec | None]],
    lanes: list[tuple[Lane, list[str], int]],
    widths: list[float],
) -> tuple[GridTable, dict[str, Any]]:
    """Rows of each lane printed beside each other; a lane is (rows, columns, name span)."""
    depth = max(len(rows) for rows, _, _ in lanes)
    body: list[list[CellSpec | None]] = []
    truth: list[list[dict[str, Any]]] = [[] for _ in lanes]
    for r in range(depth):
        cells: list[CellSpec | None] = []
        for index, (rows, columns, span) in enumerate(lanes):
            row = rows[r] if r < len(rows) else None
            if row is None:
                cells += [CellSpec("")] * (span + len(columns))
                continue
            if row.code is not None:
                cells += [CellSpec(row.code, align="left"), CellSpec(row.name, align="left")]
            else:
                cells += [
                    CellSpec(row.name, colspan=span, align="left" if row.level != "total" else "center"),
                    *[None] * (span - 1),
                ]
            values = {}
            for key in columns:
                text, value = tables.number(row.values.get(key))
                cells.append(CellSpec(text, align="right"))
                values[key] = value
            truth[index].append(truth_row(row, values))
        body.append(cells)
    table = tables.grid(form, header, body, widths)
    columns = list(dict.fromkeys(key for _, cols, _ in lanes for key in cols))
    return table, tables.truth(form, table, columns, [row for lane in truth for row in lane])


def _pad(top: list[Row], bottom: list[Row], height: int) -> Lane:
    return [*top, *[None] * (height - len(top)), *bottom]


def _classes(tables: Any, source: list[Row], columns: list[str], side: str) -> list[Row]:
    """The 支出 lane's 类 rows: every class of the template or only those used."""
    by_name = {row.name: row.values for row in source}
    names = ALL_CLASSES if tables.habits.all_classes else [row.name for row in source]
    numbered = tables.habits.region == "national"
    return _named([(name, by_name.get(name, dict.fromkeys(columns))) for name in names], side, numbered)


def summary(tables: Any) -> tuple[GridTable, dict[str, Any]]:
    a, numbered = tables.account, tables.habits.region == "national"
    general_income = a.general_total + (a.fiscal_end - a.fund_end) - (a.fiscal_begin - a.fund_begin)
    fund_income = a.fund_spent + a.fund_end - a.fund_begin
    income = _named(
        [
            ("一般公共预算财政拨款收入", {"amount": general_income}),
            ("政府性基金预算财政拨款收入", {"amount": fund_income}),
            ("国有资本经营预算财政拨款收入", {"amount": a.capital_spent}),
            *[
                (label, {"amount": a.incomes[key]})
                for key, label in [
                    ("superior_subsidy_income", "上级补助收入"),
                    ("business_income", "事业收入"),
                    ("operating_income", "经营收入"),
                    ("affiliate_income", "附属单位上缴收入"),
                    ("other_income", "其他收入"),
                ]
            ],
        ],
        "income",
        numbered,
    )
    spending = _classes(
        tables,
        [Row(r.name, None, None, {"amount": r.values["total"]}) for r in tables.rows["expenditure_classes"]],
        ["amount"],
        "expenditure",
    )
    height = max(len(income), len(spending))
    left = _pad(
        income,
        _closing(
            [
                ("本年收入合计", {"amount": a.income_year}),
                ("使用非财政拨款结余", {"amount": a.balance_used}),
                ("年初结转和结余", {"amount": a.carry_begin}),
                ("总计", {"amount": a.total}),
            ],
            "income",
        ),
        height,
    )
    right = _pad(
        spending,
        _closing(
            [
                ("本年支出合计", {"amount": a.expenditure_year}),
                ("结余分配", {"amount": a.distribution}),
                ("年末结转和结余", {"amount": a.carry_end}),
                ("总计", {"amount": a.total}),
            ],
            "expenditure",
        ),
        height,
    )
    header: list[list[CellSpec | None]] = [
        [CellSpec("收入", colspan=2), None, CellSpec("支出", colspan=2), None],
        [CellSpec("项目"), CellSpec("决算数"), CellSpec("项目"), CellSpec("决算数")],
    ]
    return _side_by_side(
        tables,
        "income_expenditure_summary",
        header,
        [(left, ["amount"], 1), (right, ["amount"], 1)],
        [3.2, 1.5, 3.2, 1.5],
    )


def fiscal_summary(tables: Any) -> tuple[GridTable, dict[str, Any]]:
    a = tables.account
    general_begin, general_end = a.fiscal_begin - a.fund_begin, a.fiscal_end - a.fund_end
    general_income = a.general_total + general_end - general_begin
    budgets = ["一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款"]
    incomes = [general_income, a.fund_spent + a.fund_end - a.fund_begin, a.capital_spent]
    columns = ["total", "general", "fund", "capital"]
    left = _named([(name, {"amount": value}) for name, value in zip(budgets, incomes, strict=True)], "income", True)
    spending = _classes(tables, tables.rows["fiscal_classes"], columns, "expenditure")
    height = max(len(left), len(spending))
    begins = _named(
        [(name, {"amount": v}) for name, v in zip(budgets, [general_begin, a.fund_begin, 0], strict=True)],
        "income",
        True,
    )
    left_lane = _pad(
        left,
        [
            *_closing(
                [("本年收入合计", {"amount": a.fiscal_income}), ("年初财政拨款结转和结余", {"amount": a.fiscal_begin})],
                "income",
            ),
            *begins,
            *_closing([("总计", {"amount": a.fiscal_total})], "income"),
        ],
        height,
    )
    spent = {"total": a.fiscal_exp, "general": a.general_total, "fund": a.fund_spent, "capital": a.capital_spent}
    ends = {"total": a.fiscal_end, "general": general_end, "fund": a.fund_end, "capital": 0}
    right_lane = _pad(
        spending,
        [
            *_closing([("本年支出合计", spent), ("年末财政拨款结转和结余", ends)], "expenditure"),
            None,
            None,
            None,
            *_closing([("总计", {k: spent[k] + ends[k] for k in columns})], "expenditure"),
        ],
        height,
    )
    labels = ["合计", "一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款"]
    if tables.habits.grouped_header:
        header: list[list[CellSpec | None]] = [
            [CellSpec("收入", colspan=2), None, CellSpec("支出", colspan=5), None, None, None, None],
            [
                CellSpec("项目", rowspan=2),
                CellSpec("决算数", rowspan=2),
                CellSpec("项目", rowspan=2),
                CellSpec("决算数", colspan=4),
                None,
                None,
                None,
            ],
            [None, None, None, *[CellSpec(label) for label in labels]],
        ]
    else:
        header = [
            [CellSpec("收入", colspan=2), None, CellSpec("支出", colspan=5), None, None, None, None],
            [CellSpec("项目"), CellSpec("决算数"), CellSpec("项目"), *[CellSpec(label) for label in labels]],
        ]
    return _side_by_side(
        tables,
        "fiscal_summary",
        header,
        [(left_lane, ["amount"], 1), (right_lane, columns, 1)],
        [2.6, 1.3, 2.6, 1.2, 1.3, 1.3, 1.3],
    )


def general_basic(tables: Any) -> tuple[GridTable, dict[str, Any]]:
    a = tables.account
    personnel, public = tables.rows["general_basic"]
    height = max(len(personnel), len(public))
    left = _pad(personnel, [Row("人员经费合计", None, "total", {"amount": a.personnel})], height)
    right = _pad(public, [Row("公用经费合计", None, "total", {"amount": a.public})], height)
    code = "经济分类科目编码" if tables.habits.region == "national" else "科目编码"
    header: list[list[CellSpec | None]] = [[CellSpec(code), CellSpec("科目名称"), CellSpec("决算数")] * 2]
    return _side_by_side(
        tables, "general_basic", header, [(left, ["amount"], 2), (right, ["amount"], 2)], [1.1, 2.6, 1.3, 1.1, 2.6, 1.3]
    )


def three_public(tables: Any) -> tuple[GridTable, dict[str, Any]]:
    a = tables.account
    spent, budgets = a.three_public_spent, a.three_public_budgets
    parts = {
        "overseas": "因公出国（境）费",
        "vehicle_purchase": "公务用车购置费",
        "vehicle_operation": "公务用车运行维护费",
        "reception": "公务接待费",
    }
    actual = {key: spent[label] for key, label in parts.items()}
    budget = {key: budgets[label] for key, label in parts.items()}
    for values in (actual, budget):
        values["vehicle_total"] = values["vehicle_purchase"] + values["vehicle_operation"]
        values["total"] = values["overseas"] + values["vehicle_total"] + values["reception"]
    row = Row(
        "",
        None,
        None,
        {
            f"{part}_{kind}": source[part]
            for part in THREE_PUBLIC_PARTS
            for kind, source in (("budget", budget), ("actual", actual))
        },
    )
    columns = list(row.values)
    header: list[list[CellSpec | None]] = [
        [
            CellSpec("合计", colspan=2, rowspan=2),
            None,
            CellSpec("因公出国（境）费", colspan=2, rowspan=2),
            None,
            CellSpec("公务用车购置及运行维护费", colspan=6),
            None,
            None,
            None,
            None,
            None,
            CellSpec("公务接待费", colspan=2, rowspan=2),
            None,
        ],
        [None] * 4
        + [
            CellSpec("小计", colspan=2),
            None,
            CellSpec("公务用车购置费", colspan=2),
            None,
            CellSpec("公务用车运行维护费", colspan=2),
            None,
        ]
        + [None] * 2,
        [CellSpec(label) for _ in range(6) for label in ("预算数", "决算数")],
    ]
    if tables.habits.region == "national":
        header.insert(0, [CellSpec("财政拨款“三公”经费", colspan=12), *[None] * 11])
    cells, values = [], {}
    for key in columns:
        text, value = tables.number(row.values[key])
        cells.append(CellSpec(text, align="right"))
        values[key] = value
    table = tables.grid("three_public", header, [cells], [1.0] * 12)
    return table, tables.truth("three_public", table, columns, [truth_row(row, values)])


def lane_tables(tables: Any) -> dict[str, tuple[GridTable, dict[str, Any]]]:
    return {
        "income_expenditure_summary": summary(tables),
        "fiscal_summary": fiscal_summary(tables),
        "general_basic": general_basic(tables),
        "three_public": three_public(tables),
    }
