"""The nine 决算报表 of a synthetic report, laid out as ruled tables, with truth.

Two regional layouts, with habits drawn independently inside each:

* ``urumqi`` (today's corpus region): the tables close the report under
  第四部分 部门决算报表, titles numbered 公开01表 … or not, codes in one
  科目编码 column, the 合计 row first;
* ``national`` (the reference template, shared/reference): the tables come
  as 第二部分 before the 情况说明, codes in one 功能分类科目编码 column or
  split in 类/款/项, the 合计 row first or last, notes under each table.

Either may print in 万元 or 元, with a 栏次 row, with the header repeated on
a continuation page, blank or 0.00 for nothing.  ``statement_blocks``
returns the blocks to print and the truth's ``statements`` (docs/truth-format.md).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from tests.corpus.spec import Block, CellSpec, GridTable, PageBreak, Para
from tests.corpus.statement_data import (
    BUDGET_COLUMNS,
    EXPENDITURE_COLUMNS,
    INCOME_COLUMNS,
    Row,
    codes,
    statement_rows,
    sums,
)
from tests.corpus.wording import money_value, text_value

REGIONS = ("urumqi", "national")
TITLES = {
    "income_expenditure_summary": "收入支出决算总表",
    "income": "收入决算表",
    "expenditure": "支出决算表",
    "fiscal_summary": "财政拨款收入支出决算总表",
    "general_expenditure": "一般公共预算财政拨款支出决算表",
    "general_basic": "一般公共预算财政拨款基本支出决算表",
    "three_public": "财政拨款“三公”经费支出决算表",
    "fund": "政府性基金预算财政拨款收入支出决算表",
    "capital": "国有资本经营预算财政拨款收入支出决算表",
}
# Print order: the national template moves 三公 before the two budget tables.
_FORMS = [
    "income_expenditure_summary",
    "income",
    "expenditure",
    "fiscal_summary",
    "general_expenditure",
    "general_basic",
]
ORDER = {
    "urumqi": [*_FORMS, "fund", "capital", "three_public"],
    "national": [*_FORMS, "three_public", "fund", "capital"],
}
ALL_CLASSES = [name for code, name in codes()["function"].items() if len(code) == 3]
INCOME_LABELS = ["本年收入合计", "财政拨款收入", "上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入"]
EXPENDITURE_LABELS = ["本年支出合计", "基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出"]
NUMERALS = "一二三四五六七八九十"
EMPTY_NOTES = {
    "fund": "没有政府性基金预算财政拨款收入和支出",
    "capital": "没有国有资本经营预算财政拨款收入和支出",
    "three_public": "无财政拨款“三公”经费支出",
}


# The cells that state a contract figure (output-format.md: "Figures the statements
# state … are figures too"): (form, side, row name, column) -> figure key.
FIGURE_CELLS = [
    ("income_expenditure_summary", "income", "总计", "amount", "income_total"),
    ("income_expenditure_summary", "income", "本年收入合计", "amount", "income_year"),
    ("income_expenditure_summary", "income", "使用非财政拨款结余", "amount", "nonfiscal_balance_used"),
    ("income_expenditure_summary", "income", "年初结转和结余", "amount", "carryover_begin"),
    ("income_expenditure_summary", "expenditure", "总计", "amount", "expenditure_total"),
    ("income_expenditure_summary", "expenditure", "本年支出合计", "amount", "expenditure_year"),
    ("income_expenditure_summary", "expenditure", "结余分配", "amount", "balance_distribution"),
    ("income_expenditure_summary", "expenditure", "年末结转和结余", "amount", "carryover_end"),
    *[
        ("income", None, "合计", column, key)
        for column, key in [
            ("fiscal", "fiscal_income"),
            ("superior_subsidy", "superior_subsidy_income"),
            ("business", "business_income"),
            ("operating", "operating_income"),
            ("affiliate", "affiliate_income"),
            ("other", "other_income"),
        ]
    ],
    *[
        ("expenditure", None, "合计", column, key)
        for column, key in [
            ("basic", "basic_expenditure"),
            ("project", "project_expenditure"),
            ("remit_superior", "remit_superior_expenditure"),
            ("operating", "operating_expenditure"),
            ("affiliate_subsidy", "affiliate_subsidy_expenditure"),
        ]
    ],
    ("fiscal_summary", "income", "总计", "amount", "fiscal_total"),
    ("fiscal_summary", "income", "年初财政拨款结转和结余", "amount", "fiscal_carryover_begin"),
    ("fiscal_summary", "expenditure", "年末财政拨款结转和结余", "total", "fiscal_carryover_end"),
    ("fiscal_summary", "expenditure", "本年支出合计", "total", "fiscal_expenditure_year"),
    ("general_expenditure", None, "合计", "total", "general_expenditure"),
    ("general_expenditure", None, "合计", "basic", "general_basic_expenditure"),
    ("general_basic", None, "人员经费合计", "amount", "personnel_expenditure"),
    ("general_basic", None, "公用经费合计", "amount", "public_expenditure"),
    ("fund", None, "合计", "expenditure_total", "fund_expenditure_year"),
    ("capital", None, "合计", "expenditure_total", "capital_expenditure_year"),
    *[
        ("three_public", None, None, column, key)
        for column, key in [
            ("total_actual", "three_public_total"),
            ("total_budget", "three_public_budget"),
            ("overseas_actual", "overseas_expenditure"),
            ("vehicle_total_actual", "vehicle_total_expenditure"),
            ("vehicle_purchase_actual", "vehicle_purchase_expenditure"),
            ("vehicle_operation_actual", "vehicle_operation_expenditure"),
            ("reception_actual", "reception_expenditure"),
        ]
    ],
]


def stated_figures(statements: list[dict[str, Any]]) -> dict[str, str]:
    """The figures the printed statements state (blank cells state nothing)."""
    found: dict[str, str] = {}
    by_form = {record["form"]: record for record in statements}
    for form, side, name, column, key in FIGURE_CELLS:
        rows = [row for row in by_form[form]["rows"] if row["side"] == side and (name is None or row["name"] == name)]
        value = rows[0]["values"].get(column) if rows else None
        if value is not None:
            found.setdefault(key, value)
    return found


def region_of(seed: int) -> str:
    """The regional layout of a seed's report: the first draw of its statement stream."""
    return StatementHabits.draw(random.Random(f"statements/{seed}"), True).region


def statement_pages(seed: int, truth: dict[str, Any]) -> list[int]:
    """0-based pages of the nine tables: the grids in print order are the nine
    then the 自评表 in the national layout (第二部分), the other way round in urumqi's."""
    grids, nine = truth["table_pages"], len(truth["statements"])
    chosen = grids[:nine] if region_of(seed) == "national" else grids[len(grids) - nine :]
    return sorted({page - 1 for grid in chosen for page in grid})


def ordinal(n: int) -> str:
    """一, 二 … 二十四 (n from 1)."""
    if n <= 10:
        return NUMERALS[n - 1]
    tens, units = divmod(n, 10)
    return (NUMERALS[tens - 1] if tens > 1 else "") + "十" + (NUMERALS[units - 1] if units else "")


@dataclass
class StatementHabits:
    region: str
    numbered: bool  # 公开01表 before the title
    split_codes: bool  # 类/款/项 in three columns
    sparse_codes: bool  # with split codes: only the new part on each row
    sequence_row: bool  # a 栏次 row under the header
    in_yuan: bool  # amounts in 元
    repeat_header: bool  # the header again on a continuation page
    total_first: bool  # 合计 above the lines
    all_classes: bool  # the summaries list every 类, used or not
    zero_blank: bool  # nothing printed as blank, not 0.00
    thousands: bool
    notes: bool  # 注：本表反映… under each table
    maker_line: bool  # 编制单位：… beside the unit
    grouped_header: bool  # 决算数 over the 财政拨款 summary's expenditure columns

    @classmethod
    def draw(cls, rng: random.Random, thousands: bool) -> StatementHabits:
        region = rng.choice(REGIONS)
        national = region == "national"
        return cls(
            region=region,
            numbered=rng.random() < (0.2 if national else 0.6),
            split_codes=national and rng.random() < 0.5,
            sparse_codes=rng.random() < 0.5,
            sequence_row=rng.random() < 0.4,
            in_yuan=rng.random() < 0.2,
            repeat_header=rng.random() < 0.5,
            total_first=rng.random() < (0.5 if national else 0.9),
            all_classes=national or rng.random() < 0.3,
            zero_blank=rng.random() < 0.4,
            thousands=thousands,
            notes=national or rng.random() < 0.3,
            maker_line=rng.random() < 0.3,
            grouped_header=rng.random() < 0.4,
        )


class _Tables:
    def __init__(self, account: Any, habits: StatementHabits) -> None:
        self.account, self.habits = account, habits
        self.rows = statement_rows(account)
        self.unit = "元" if habits.in_yuan else "万元"

    # -- cells ------------------------------------------------------------

    def number(self, cents: int | None) -> tuple[str, str | None]:
        """(printed text, truth value) of an amount."""
        if cents is None or (cents == 0 and self.habits.zero_blank):
            return "", None
        printed = cents * 10000 if self.habits.in_yuan else cents  # in cents of 元: 1 万元 = 10000 元
        sign = "-" if printed < 0 else ""
        units, hundredths = divmod(abs(printed), 100)
        whole = f"{units:,}" if self.habits.thousands else str(units)
        return f"{sign}{whole}.{hundredths:02d}", money_value(cents)

    def code_cells(self, row: Row, previous: Row | None) -> list[CellSpec]:
        code = row.code or ""
        if not self.habits.split_codes:
            return [CellSpec(code, align="left")]
        parts = [code[:3], code[3:5], code[5:7]]
        if self.habits.sparse_codes and previous is not None and previous.code:
            parts = [
                "" if code[:end] == previous.code[:end] else part for part, end in zip(parts, (3, 5, 7), strict=True)
            ]
        return [CellSpec(part) for part in parts]

    # -- one table --------------------------------------------------------

    def grid(
        self, form: str, header: list[list[CellSpec | None]], body: list[list[CellSpec | None]], widths: list[float]
    ) -> GridTable:
        number = f"公开{ORDER[self.habits.region].index(form) + 1:02d}表 " if self.habits.numbered else ""
        unit = f"单位：{self.unit}"
        if self.habits.maker_line:
            unit = f"编制单位：{self.account.dept.name}　　　　{unit}"
        return GridTable(
            header + body,
            widths,
            title=f"{number}{TITLES[form]}",
            unit=unit,
            repeat_rows=len(header) if self.habits.repeat_header else 0,
        )

    def sequence(self, label_span: int, n_values: int) -> list[list[CellSpec | None]]:
        if not self.habits.sequence_row:
            return []
        return [
            [
                CellSpec("栏次", colspan=label_span),
                *[None] * (label_span - 1),
                *[CellSpec(str(i)) for i in range(1, n_values + 1)],
            ]
        ]

    def classified(
        self,
        form: str,
        labels: list[str],
        columns: list[str],
        rows: list[Row],
        group: list[tuple[str, int]] | None = None,
    ) -> tuple[GridTable, dict[str, Any]]:
        """A 功能分类 table: 项目 (code, 科目名称) then value columns; ``group``
        puts a label over some value columns (本年支出 over 合计/基本/项目)."""
        n_code = 3 if self.habits.split_codes else 1
        span = n_code + 1
        n_values = len(columns)
        depth = 2 + (1 if self.habits.split_codes else 0)
        header: list[list[CellSpec | None]] = [[None] * (span + n_values) for _ in range(depth)]
        header[0][0] = CellSpec("项目", colspan=span)
        code_label = "功能分类科目编码" if self.habits.region == "national" else "科目编码"
        header[1][0] = CellSpec(code_label, colspan=n_code)
        header[1][n_code] = CellSpec("科目名称", rowspan=depth - 1)
        if self.habits.split_codes:
            for i, level in enumerate("类款项"):
                header[2][i] = CellSpec(level)
        over = {start + k: (name, start, width) for name, start, width in _groups(group) for k in range(width)}
        for i, text in enumerate(labels):
            col = span + i
            if i in over:
                name, start, width = over[i]
                if i == start:
                    header[0][col] = CellSpec(name, colspan=width)
                header[1][col] = CellSpec(text, rowspan=depth - 1)
            else:
                header[0][col] = CellSpec(text, rowspan=depth)
        body = self.sequence(span, n_values)
        # A table without lines prints its 合计 blank.
        total = Row("合计", None, "total", sums(rows, columns) if rows else dict.fromkeys(columns))
        printed = [total, *rows] if self.habits.total_first else [*rows, total]
        truth_rows = []
        previous: Row | None = None
        for row in printed:
            if row.level == "total":
                cells = [CellSpec("合计", colspan=span), *[None] * (span - 1)]
            else:
                cells = [*self.code_cells(row, previous), CellSpec(row.name, align="left")]
                previous = row
            values = {}
            for key in columns:
                text, value = self.number(row.values.get(key))
                cells.append(CellSpec(text, align="right"))
                values[key] = value
            body.append(cells)
            truth_rows.append(truth_row(row, values))
        widths = [1.0] * n_code if self.habits.split_codes else [1.6]
        table = self.grid(form, header, body, [*widths, 3.2, *[1.5] * n_values])
        return table, self.truth(form, table, columns, truth_rows)

    def truth(self, form: str, table: GridTable, columns: list[str], rows: list[dict[str, Any]]) -> dict[str, Any]:
        empty = all(v is None for row in rows for v in row["values"].values())
        return {
            "form": form,
            "title": text_value(table.title or ""),
            "unit": self.unit,
            "empty": empty,
            "columns": columns,
            "rows": rows,
        }


def _groups(group: list[tuple[str, int]] | None) -> list[tuple[str, int, int]]:
    """(label, first value column, width) from (label, width) runs; None label: no group."""
    runs, start = [], 0
    for name, width in group or []:
        if name:
            runs.append((name, start, width))
        start += width
    return runs


def truth_row(row: Row, values: dict[str, str | None]) -> dict[str, Any]:
    return {
        "side": row.side,
        "code": row.code,
        "name": text_value(row.name) if row.name else None,
        "level": row.level,
        "values": values,
    }


def statement_blocks(account: Any, habits: StatementHabits) -> tuple[list[Block], list[dict[str, Any]]]:
    """The tables in print order (each on a new page, notes below) and their truth."""
    from tests.corpus.statement_lanes import lane_tables  # the two-lane and the 三公 layouts

    tables = _Tables(account, habits)
    made: dict[str, tuple[GridTable, dict[str, Any]]] = lane_tables(tables)
    made["income"] = tables.classified("income", INCOME_LABELS, INCOME_COLUMNS, tables.rows["income"])
    made["expenditure"] = tables.classified(
        "expenditure", EXPENDITURE_LABELS, EXPENDITURE_COLUMNS, tables.rows["expenditure"]
    )
    made["general_expenditure"] = tables.classified(
        "general_expenditure",
        ["合计", "基本支出", "项目支出"],
        ["total", "basic", "project"],
        tables.rows["general_expenditure"],
    )
    for form in ("fund", "capital"):
        made[form] = tables.classified(
            form,
            ["年初结转和结余", "本年收入", "合计", "基本支出", "项目支出", "年末结转和结余"],
            BUDGET_COLUMNS,
            tables.rows[form],
            group=[(None, 2), ("本年支出", 3), (None, 1)],
        )
    blocks: list[Block] = []
    truth: list[dict[str, Any]] = []
    for form in ORDER[habits.region]:
        table, record = made[form]
        blocks += [PageBreak(), table]
        if record["empty"]:
            why = EMPTY_NOTES.get(form, "没有此项收支")
            blocks.append(Para(f"说明：{account.dept.name}本年度{why}，故本表无数据。"))
        elif habits.notes:
            blocks.append(Para(f"注：本表反映部门本年度{TITLES[form].removesuffix('决算表')}情况。"))
        truth.append(record)
    return blocks, truth
