"""Synthetic reports with exact truth.

``make_report(seed, kind)`` draws a department, a year and a set of accounts
whose figures satisfy every identity a 部门决算 obeys, then writes the report
with the sentences of the real reports (seed 000, 第二部分 一 … 十一) in one of
many writing habits.  Each figure is recorded in the truth at the moment it is
written into a sentence, so the truth holds exactly the figures the text
states.

Amounts are integer cents of 万元 and percentages integer hundredths (see
``wording``).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from typing import Any

from tests.corpus import vocab
from tests.corpus.national import NationalNarrative
from tests.corpus.performance import SelfEvaluation, TableHabits, overall_evaluation, project_evaluation
from tests.corpus.spec import Block, GridTable, Heading, PageBreak, Para, ReportSpec, Style
from tests.corpus.statement_data import function_code
from tests.corpus.statement_tables import StatementHabits, stated_figures, statement_blocks
from tests.corpus.wording import (
    Voice,
    difference_rate,
    growth,
    money_value,
    pct_value,
    share,
    split_cents,
    text_value,
)

KINDS = ("final_account", "overall_performance_report")
LEVELS = ("类", "款", "项")
CHINESE_NUMERALS = "一二三四五六七八九十"
THREE_PUBLIC_KEYS = ["overseas_expenditure", "vehicle_total_expenditure", "reception_expenditure"]


def make_report(seed: int, kind: str = "final_account", statements: bool = True) -> ReportSpec:
    """A synthetic report of ``kind``; the same seed always gives the same report.

    A final account prints its nine 决算报表 unless ``statements`` is False;
    their habits come from a random stream of their own, so the narrative
    of a seed reads the same with and without them."""
    rng = random.Random(f"{kind}/{seed}")
    if kind == "final_account":
        tables = random.Random(f"statements/{seed}") if statements else None
        return _FinalAccount(rng, f"syn-{seed:04d}", tables).spec()
    if kind == "overall_performance_report":
        return _OverallReport(rng, f"syn-{seed:04d}-overall").spec()
    raise ValueError(f"unknown report kind {kind!r}; expected one of {KINDS}")


# --------------------------------------------------------------------------
# Drawing numbers
# --------------------------------------------------------------------------


def cents_between(rng: random.Random, low: float, high: float) -> int:
    """An amount between ``low`` and ``high`` 万元, log-uniform, in cents."""
    return round(10 ** rng.uniform(math.log10(low * 100), math.log10(high * 100)))


def _wan(cents: int) -> float:
    """Cents as 万元."""
    return cents / 100


def _change(rng: random.Random, amount: int) -> int:
    """This year's amount minus last year's: new spending, gone, unchanged or moved."""
    roll = rng.random()
    if amount == 0:
        return 0 if roll < 0.4 else -cents_between(rng, 1, 100)
    if roll < 0.12:
        return amount  # nothing last year: 增长 100.00%
    if roll < 0.17:
        return 0  # 增加 0.00 万元，增长 0.00%
    return amount - int(amount * rng.uniform(0.4, 1.8))


def _some(rng: random.Random, probability: float, low: float, high: float) -> int:
    """With ``probability`` an amount between ``low`` and ``high`` 万元, else nothing."""
    return cents_between(rng, low, high) if rng.random() < probability else 0


@dataclass
class Line:
    """One 类/款/项 expenditure line."""

    budget: str  # general | fund | capital
    lei: str
    kuan: str
    xiang: str
    amount: int
    change: int
    reason: str


@dataclass
class Department:
    name: str  # as in the title: 乌鲁木齐市民政局（本级）
    unit: str  # without （本级）: the 主管部门 of its projects
    classes: list[str]  # the 类 of its own business


def _department(rng: random.Random) -> Department:
    city = rng.choice(vocab.CITIES)
    if rng.random() < 0.3:
        name = f"{city}{rng.choice(vocab.DISTRICTS)}{rng.choice(vocab.STREETS)}街道办事处"
        return Department(name, name, [rng.choice(vocab.STREET_CLASSES)])
    bureau = rng.choice(list(vocab.BUREAUS))
    unit = f"{city}{bureau}"
    return Department(f"{unit}（本级）" if rng.random() < 0.5 else unit, unit, list(vocab.BUREAUS[bureau]))


def _reason(rng: random.Random, pool: list[str]) -> str:
    things = rng.sample(vocab.THINGS, 2)
    return rng.choice(pool).format(thing=things[0], thing2=things[1])


def _line_reason(rng: random.Random, amount: int, change: int) -> str:
    """主要原因 of one line; sometimes a numbered list, long enough to wrap."""
    if amount == 0:
        pool = vocab.REASONS_GONE
    elif change == amount:
        pool = vocab.REASONS_NEW
    elif change == 0:
        pool = vocab.REASONS_SAME
    else:
        pool = vocab.REASONS_UP if change > 0 else vocab.REASONS_DOWN
    if pool in (vocab.REASONS_UP, vocab.REASONS_DOWN) and rng.random() < 0.25:
        picks = rng.sample(pool, rng.randint(2, 3))
        return "；".join(f"{i}.{_reason(rng, [p])}" for i, p in enumerate(picks, 1))
    return _reason(rng, pool)


def _style(rng: random.Random, header: str) -> Style:
    size = rng.choice([10.0, 10.5, 11.0, 12.0])
    return Style(
        font=rng.choice(["song", "song", "kai", "fangsong", "hei", "ming"]),
        size=size,
        leading=round(rng.uniform(1.4, 1.9), 2),
        margin_mm=round(rng.uniform(18, 30), 1),
        table_font_size=rng.choice([7.5, 8.0, 8.5, 9.0]),
        thousands=rng.random() < 0.75,
        page_numbers=rng.random() < 0.9,
        header_text=header if rng.random() < 0.3 else None,
        page_number_format=rng.choice(["第 {n} 页", "第{n}页", "- {n} -"]),
        heading_font=rng.choice(["hei", "hei", "song", "kai"]),
    )


def _voice(rng: random.Random, style: Style) -> Voice:
    return Voice(
        rng=rng,
        thousands=style.thousands,
        spaced=rng.random() < 0.5,
        punctuation=rng.choice(["full", "full", "half", "mixed"]),
        half_markers=rng.random() < 0.6,
        trim_whole_percent=rng.random() < 0.25,
    )


# --------------------------------------------------------------------------
# A report being written
# --------------------------------------------------------------------------


@dataclass
class _Writer:
    """Blocks and truth of a report being written; figures enter the truth
    through the methods that also print them."""

    voice: Voice
    blocks: list[Block] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)

    def heading(self, text: str, level: int = 1) -> None:
        self.blocks.append(Heading(text, level))

    def say(self, text: str, half: bool | None = None) -> None:
        self.blocks.append(Para(self.voice.finish(text, half)))

    def record(self, key: str, value: Any) -> None:
        if self.figures.setdefault(key, value) != value:
            raise AssertionError(f"{key} stated as {self.figures[key]} and {value}")

    def money(self, key: str, cents: int) -> str:
        self.record(key, money_value(cents))
        return self.voice.money(cents)

    def pct(self, key: str, hundredths: int) -> str:
        self.record(key, pct_value(hundredths))
        return self.voice.pct(hundredths)

    def count(self, key: str, number: int, unit: str) -> str:
        self.record(key, number)
        return self.voice.count(number, unit)

    def measure(self, key: str, hundredths: int, unit: str) -> str:
        """A two-decimal quantity that is not money (an area)."""
        self.record(key, money_value(hundredths))
        return self.voice.count(self.voice.amount(hundredths), unit)

    def change(self, key: str, growth_key: str, amount: int, change: int) -> str:
        """``增加 X 万元，增长 Y%``, recording the signed change and growth."""
        rate = growth(amount, change)
        self.record(key, money_value(change))
        self.record(growth_key, pct_value(rate))
        return self.voice.change(change, rate)


# --------------------------------------------------------------------------
# 部门决算公开说明
# --------------------------------------------------------------------------


class _FinalAccount:
    def __init__(self, rng: random.Random, name: str, statement_rng: random.Random | None = None) -> None:
        self.rng = rng
        self.name = name
        self.statement_rng = statement_rng
        self.year = rng.randint(2019, 2025)
        self.dept = _department(rng)
        self.title = f"{self.dept.name}{self.year}年度部门决算公开说明"
        self.style = _style(rng, self.title)
        self.voice = _voice(rng, self.style)
        self.out = _Writer(self.voice)
        self.items: list[dict[str, Any]] = []
        self.class_totals: list[dict[str, Any]] = []
        self.evaluations: list[SelfEvaluation] = []
        self._draw_accounts()
        self.habits = StatementHabits.draw(statement_rng, self.style.thousands) if statement_rng else None
        self.three_public_spent: dict[str, int] = {}
        self.three_public_budgets: dict[str, int] = {}

    # -- numbers -----------------------------------------------------------

    def _general_lines(self) -> list[tuple[str, str, str]]:
        """2–6 类 with 1–5 款/项 lines each, in 功能分类 order."""
        rng = self.rng
        chosen: list[tuple[str, str, str]] = []
        for lei in self.dept.classes:
            kuans = vocab.FUNCTION_CLASSES[lei]
            for kuan in rng.sample(list(kuans), rng.randint(1, min(3, len(kuans)))):
                chosen += [(lei, kuan, xiang) for xiang in rng.sample(kuans[kuan], rng.randint(1, len(kuans[kuan])))]
        chosen += rng.sample(vocab.COMMON_LINES, rng.randint(1, 4))
        wanted = rng.randint(2, 6)
        others = [lei for lei in vocab.FUNCTION_CLASSES if lei not in {line[0] for line in chosen}]
        for lei in rng.sample(others, max(0, wanted - len({line[0] for line in chosen}))):
            kuan = rng.choice(list(vocab.FUNCTION_CLASSES[lei]))
            chosen.append((lei, kuan, rng.choice(vocab.FUNCTION_CLASSES[lei][kuan])))
        by_class: dict[str, list[tuple[str, str, str]]] = {}
        for line in dict.fromkeys(chosen):  # drop repeats, keep order
            by_class.setdefault(line[0], []).append(line)
        kept = sorted(by_class, key=vocab.CLASS_ORDER.index)[:6]
        return [line for lei in kept for line in by_class[lei][:5]]

    def _lines(self, budget: str, keys: list[tuple[str, str, str]], total: int, weights: list[float]) -> list[Line]:
        lines = []
        for (lei, kuan, xiang), amount in zip(keys, split_cents(total, weights), strict=True):
            change = _change(self.rng, amount)
            lines.append(Line(budget, lei, kuan, xiang, amount, change, _line_reason(self.rng, amount, change)))
        return lines

    def _draw_accounts(self) -> None:
        rng = self.rng
        keys = self._general_lines()
        weights = [rng.uniform(0.2, 1.0) if key in vocab.COMMON_LINES else rng.uniform(1.0, 6.0) for key in keys]
        if len(keys) > 3 and rng.random() < 0.2:
            weights[rng.randrange(len(keys))] = 0  # a line spent nothing this year
        self.general = self._lines("general", keys, cents_between(rng, 150, 20000), weights)
        self.fund_mode = rng.choices(["none", "real", "zero"], [0.45, 0.4, 0.15])[0]
        fund_keys = rng.sample(vocab.FUND_LINES, rng.randint(1, 2))
        fund_total = cents_between(rng, 20, 3000) if self.fund_mode == "real" else 0
        self.fund = [] if self.fund_mode == "none" else self._lines(
            "fund", fund_keys, fund_total, [rng.uniform(0.5, 2) if fund_total else 0 for _ in fund_keys])
        if self.fund_mode == "zero":
            for line in self.fund:  # spent last year only (seed 004)
                line.change = -cents_between(rng, 5, 200)
                line.reason = _reason(rng, vocab.REASONS_GONE)
        self.capital = [] if rng.random() < 0.8 else self._lines(
            "capital", [rng.choice(vocab.CAPITAL_LINES)], cents_between(rng, 5, 200), [1.0])

        self.general_total = sum(line.amount for line in self.general)
        self.fund_spent = sum(line.amount for line in self.fund)
        self.capital_spent = sum(line.amount for line in self.capital)
        self.fiscal_exp = self.general_total + self.fund_spent + self.capital_spent
        # Carry-overs are small next to the year's spending, so every income stays positive.
        fund, general = _wan(self.fund_spent), _wan(self.general_total)
        self.fund_begin = _some(rng, 0.3, 1, max(1.0, fund * 0.2)) if fund else 0
        self.fund_end = _some(rng, 0.3, 1, max(1.0, fund * 0.3)) if fund else 0
        fiscal_begin = self.fund_begin + _some(rng, 0.6, 0.5, max(1.0, general * 0.03))
        fiscal_end = self.fund_end + _some(rng, 0.6, 0.5, max(1.0, general * 0.03))
        self.fiscal_begin, self.fiscal_end = fiscal_begin, fiscal_end
        self.fiscal_income = self.fiscal_exp + fiscal_end - fiscal_begin
        self.fiscal_total = fiscal_begin + self.fiscal_income

        institution = rng.random() < 0.35
        self.incomes = {
            "fiscal_income": self.fiscal_income,
            "superior_subsidy_income": _some(rng, 0.3, 1, 200) if institution else 0,
            "business_income": cents_between(rng, 1 + general * 0.05, 2 + general * 0.4) if institution else 0,
            "operating_income": _some(rng, 0.2, 1, 100) if institution else 0,
            "affiliate_income": _some(rng, 0.1, 1, 50) if institution else 0,
            "other_income": _some(rng, 0.5, 0.01, 80),
        }
        nonfiscal = sum(self.incomes.values()) - self.fiscal_income
        nonfiscal_begin = _some(rng, 0.4, 0.5, 60)
        self.balance_used = _some(rng, 0.15, 0.5, 30)
        available = nonfiscal + self.balance_used + nonfiscal_begin
        self.distribution = min(available, _some(rng, 0.1, 0.5, 20))
        nonfiscal_end = int((available - self.distribution) * rng.uniform(0, 0.3)) if rng.random() < 0.5 else 0
        self.income_year = self.fiscal_income + nonfiscal
        self.carry_begin = fiscal_begin + nonfiscal_begin
        self.carry_end = fiscal_end + nonfiscal_end
        self.total = self.income_year + self.balance_used + self.carry_begin
        self.expenditure_year = self.total - self.distribution - self.carry_end
        self._draw_uses(self.expenditure_year - self.fiscal_exp)

    def _draw_uses(self, nonfiscal_spent: int) -> None:
        """基本/项目/上缴上级/经营/对附属单位补助 支出, and the 人员/公用经费 split."""
        rng = self.rng
        self.general_basic = int(self.general_total * rng.uniform(0.3, 0.9))
        self.personnel = int(self.general_basic * rng.uniform(0.75, 0.97))
        self.public = self.general_basic - self.personnel
        left = nonfiscal_spent
        uses: dict[str, int] = {}
        for key, probability, portion in [("basic_expenditure", 1.0, 0.6), ("operating_expenditure", 0.15, 0.3),
                                          ("remit_superior_expenditure", 0.05, 0.2),
                                          ("affiliate_subsidy_expenditure", 0.05, 0.2)]:
            uses[key] = int(left * rng.uniform(0, portion)) if rng.random() < probability else 0
            left -= uses[key]
        uses["basic_expenditure"] += self.general_basic
        uses["project_expenditure"] = self.expenditure_year - sum(uses.values())
        self.uses = uses

    # -- report ------------------------------------------------------------

    def spec(self) -> ReportSpec:
        out = self.out
        out.heading(self.title, 0)
        if self.rng.random() < 0.4:
            self._contents()
        self._part_one()
        national = self.habits is not None and self.habits.region == "national"
        if national:
            self.out.heading(f"第二部分 {self.dept.name}{self.year}年度部门决算表")
        place = len(out.blocks)  # the tables print their numbers once the narrative has drawn them
        if national:
            NationalNarrative(self).write("第三部分")
        else:
            self._part_two("第二部分")
        self._terms_and_tables("第四部分" if national else "第三部分", listed=not national)
        statements: list[dict[str, Any]] = []
        if self.habits is not None:
            blocks, statements = statement_blocks(self, self.habits)
            at = place if national else len(out.blocks)
            out.blocks[at:at] = blocks
            for item in self.items:  # the tables print each line's code
                item["code"] = function_code(item["lei"], item["kuan"], item["xiang"])
            for key, value in stated_figures(statements).items():
                out.record(key, value)  # a figure the text states too must agree with the table
        truth = {
            "name": self.name,
            "document": {"kind": "final_account", "title": text_value(self.title),
                         "department": text_value(self.dept.name), "fiscal_year": self.year},
            "figures": out.figures,
            "expenditure_items": self.items,
            "class_totals": self.class_totals,
            "performance": [evaluation.truth for evaluation in self.evaluations],
            "statements": statements,
            "n_tables": sum(isinstance(block, GridTable) for block in out.blocks),
        }
        return ReportSpec(self.name, out.blocks, truth, self.style)

    def _contents(self) -> None:
        self.out.heading("目录", 1)
        for line in ["第一部分 单位概况", "第二部分 部门决算情况说明", "第三部分 专业名词解释",
                     "第四部分 部门决算报表（见附表）"]:
            self.out.say(line)
        self.out.blocks.append(PageBreak())

    def _part_one(self) -> None:
        out, rng, v = self.out, self.rng, self.voice
        out.heading("第一部分 单位概况")
        out.heading("一、主要职能")
        for i, duty in enumerate(rng.sample(vocab.DUTIES, rng.randint(3, 6))):
            out.say(f"（{CHINESE_NUMERALS[i]}）{duty}。")
        out.heading("二、机构设置及人员情况")
        active, cadre, retired = rng.randint(5, 300), rng.choice([0] * 9 + [1, 2]), rng.randint(0, 150)
        staff = []
        for key, label, number in [("staff_active", "在职人员", active), ("staff_retired_cadre", "离休人员", cadre),
                                   ("staff_retired", "退休人员", retired)]:
            moved = rng.choice([0, 0, 1, 2, 4, -1, -3]) if number else 0
            direction = "减少" if moved < 0 else "增加"
            staff.append(f"{label}{out.count(key, number, '人')}，{direction}{v.count(abs(moved), '人')}")
        total = out.count("staff_total", active + cadre + retired, "人")
        out.say(f"{self.dept.name}{v.year(self.year)}，实有人数{total}，其中：{'；'.join(staff)}。")
        offices = rng.sample(vocab.OFFICES, rng.randint(3, 8))
        out.say(f"{self.dept.name}无下属预算单位，下设{len(offices)}个科室，分别是：{'、'.join(offices)}。")

    def _part_two(self, part: str) -> None:
        self.out.heading(f"{part} 部门决算情况说明")
        self._totals()
        self._income_and_uses()
        self._fiscal()
        self._general()
        self._basic()
        self._fund()
        self._capital()
        self._three_public()
        self._other_matters()
        self._performance()
        self.out.heading("十二、其他需说明的事项")
        self.out.say("本单位无其他需说明的事项。")

    def _totals(self) -> None:
        out, v, rng = self.out, self.voice, self.rng
        out.heading("一、收入支出决算总体情况说明")
        out.say(f"{v.year(self.year)}收入总计{out.money('income_total', self.total)}，其中：本年收入合计"
                f"{out.money('income_year', self.income_year)}，使用非财政拨款结余（含专用结余）"
                f"{out.money('nonfiscal_balance_used', self.balance_used)}，年初结转和结余"
                f"{out.money('carryover_begin', self.carry_begin)}。")
        out.say(f"{v.year(self.year)}支出总计{out.money('expenditure_total', self.total)}，其中：本年支出合计"
                f"{out.money('expenditure_year', self.expenditure_year)}，结余分配"
                f"{out.money('balance_distribution', self.distribution)}，年末结转和结余"
                f"{out.money('carryover_end', self.carry_end)}。")
        change = self.total - int(self.total * rng.uniform(0.6, 1.5))
        reasons = vocab.REASONS_TOTAL_UP if change > 0 else vocab.REASONS_TOTAL_DOWN
        out.say(f"收入支出总体与上年相比，{out.change('total_change', 'total_growth_pct', self.total, change)}，"
                f"主要原因是：{_reason(rng, reasons)}。")

    def _income_and_uses(self) -> None:
        out = self.out
        out.heading("二、收入决算情况说明")
        parts = [f"{label}{out.money(key, amount)}，占{self.voice.pct(share(amount, self.income_year))}"
                 for key, label in vocab.INCOME_SOURCES for amount in [self.incomes[key]]]
        out.say(f"本年收入{out.money('income_year', self.income_year)}，其中：{'；'.join(parts)}。")
        out.heading("三、支出决算情况说明")
        parts = [f"{label}{out.money(key, self.uses[key])}，占"
                 f"{self.voice.pct(share(self.uses[key], self.expenditure_year))}"
                 for key, label in vocab.EXPENDITURE_USES]
        out.say(f"本年支出{out.money('expenditure_year', self.expenditure_year)}，其中：{'；'.join(parts)}。")

    def _budget_sentence(self, key: str, rate_key: str, final: int) -> str:
        """与年初预算相比，年初预算数 …，决算数 …，预决算差异率 …，主要原因是：…"""
        out, rng = self.out, self.rng
        budget = int(final * rng.uniform(0.55, 1.35))
        rate = difference_rate(final, budget)
        return (f"与年初预算相比，年初预算数{out.money(key, budget)}，决算数{self.voice.money(final)}，预决算差异率"
                f"{out.pct(rate_key, rate)}，主要原因是：{_reason(rng, vocab.REASONS_BUDGET)}。")

    def _fiscal(self) -> None:
        out, v, rng = self.out, self.voice, self.rng
        out.heading("四、财政拨款收入支出决算总体情况说明")
        total = out.money("fiscal_total", self.fiscal_total)
        out.say(f"{v.year(self.year)}财政拨款收入总计{total}，其中：年初财政拨款结转和结余"
                f"{out.money('fiscal_carryover_begin', self.fiscal_begin)}，本年财政拨款收入"
                f"{out.money('fiscal_income', self.fiscal_income)}。财政拨款支出总计{total}，其中："
                f"年末财政拨款结转和结余{out.money('fiscal_carryover_end', self.fiscal_end)}，本年财政拨款支出"
                f"{out.money('fiscal_expenditure_year', self.fiscal_exp)}。")
        change = self.fiscal_total - int(self.fiscal_total * rng.uniform(0.6, 1.5))
        reasons = vocab.REASONS_TOTAL_UP if change > 0 else vocab.REASONS_TOTAL_DOWN
        out.say(f"财政拨款收入支出总体与上年相比，"
                f"{out.change('fiscal_change', 'fiscal_growth_pct', self.fiscal_total, change)}，主要原因是："
                f"{_reason(rng, reasons)}。"
                + self._budget_sentence("fiscal_budget_initial", "fiscal_budget_diff_pct", self.fiscal_total))

    def _general(self) -> None:
        out, v, rng = self.out, self.voice, self.rng
        out.heading("五、一般公共预算财政拨款支出决算情况说明")
        out.heading("（一）一般公共预算财政拨款支出决算总体情况", 2)
        change = self.general_total - int(self.general_total * rng.uniform(0.6, 1.5))
        reasons = vocab.REASONS_TOTAL_UP if change > 0 else vocab.REASONS_TOTAL_DOWN
        general_share = share(self.general_total, self.expenditure_year)
        out.say(f"{v.year(self.year)}一般公共预算财政拨款支出{out.money('general_expenditure', self.general_total)}，"
                f"占本年支出合计的{out.pct('general_share_pct', general_share)}。与上年相比，"
                f"{out.change('general_change', 'general_growth_pct', self.general_total, change)}，主要原因是："
                f"{_reason(rng, reasons)}。"
                + self._budget_sentence("general_budget_initial", "general_budget_diff_pct", self.general_total))
        out.heading("（二）一般公共预算财政拨款支出决算结构情况", 2)
        classes: dict[str, int] = {}
        for line in self.general:
            classes[line.lei] = classes.get(line.lei, 0) + line.amount
        for i, (lei, amount) in enumerate(classes.items(), 1):
            rate = share(amount, self.general_total)
            out.say(f"{i}.{lei}{v.marker('类')}{v.money(amount)}，占{v.pct(rate)}。")
            self.class_totals.append({"budget": "general", "lei": lei, "amount": money_value(amount),
                                      "share_pct": pct_value(rate)})
        out.heading("（三）一般公共预算财政拨款支出决算具体情况", 2)
        self._item_paragraphs(self.general)

    def _item_paragraphs(self, lines: list[Line]) -> None:
        """"1.X(类)Y(款)Z(项):支出决算数为 …，比上年决算增加 …，主要原因是：…。" per line."""
        v = self.voice
        for i, line in enumerate(lines, 1):
            half = v.half_width()
            rate = growth(line.amount, line.change)
            names = "".join(f"{name}{v.marker(level)}" for name, level in zip(
                (line.lei, line.kuan, line.xiang), LEVELS, strict=True))
            self.out.say(f"{i}.{names}：支出决算数为{v.money(line.amount)}，比上年决算{v.change(line.change, rate)}，"
                         f"主要原因是：{line.reason}。", half)
            self.items.append({
                "budget": line.budget, "lei": line.lei, "kuan": line.kuan, "xiang": line.xiang, "code": None,
                "amount": money_value(line.amount), "change": money_value(line.change), "growth_pct": pct_value(rate),
                "reason": text_value(v.finish(line.reason, half)),
            })

    def _basic(self) -> None:
        out, v = self.out, self.voice
        out.heading("六、一般公共预算财政拨款基本支出决算情况说明")
        out.say(f"{v.year(self.year)}一般公共预算财政拨款基本支出"
                f"{out.money('general_basic_expenditure', self.general_basic)}，其中：人员经费"
                f"{out.money('personnel_expenditure', self.personnel)}，包括：基本工资、津贴补贴、奖金、"
                "机关事业单位基本养老保险缴费、职业年金缴费、职工基本医疗保险缴费、住房公积金、退休费、抚恤金、生活补助。")
        out.say(f"公用经费{out.money('public_expenditure', self.public)}，包括：办公费、印刷费、邮电费、差旅费、"
                "培训费、劳务费、工会经费、福利费、公务用车运行维护费、其他商品和服务支出。")

    def _budget_section(self, name: str, lines: list[Line], begin: int, end: int, keys: tuple[str, str]) -> None:
        """七/八: 政府性基金 or 国有资本经营 预算财政拨款收入支出, with their lines."""
        out, v, rng = self.out, self.voice, self.rng
        spent = sum(line.amount for line in lines)
        income = spent + end - begin
        total = out.money(keys[0], begin + income)
        out.say(f"{v.year(self.year)}{name}预算财政拨款收入总计{total}，其中：年初结转和结余{v.money(begin)}，本年收入"
                f"{v.money(income)}。{name}预算财政拨款支出总计{total}，其中：年末结转和结余{v.money(end)}，本年支出"
                f"{out.money(keys[1], spent)}。")
        change = sum(line.change for line in lines)
        reason = lines[0].reason if len(lines) == 1 else _reason(rng, vocab.REASONS_TOTAL_DOWN if change < 0
                                                                   else vocab.REASONS_TOTAL_UP)
        out.say(f"{name}预算财政拨款收入支出总体与上年相比，{v.change(change, growth(begin + income, change))}，"
                f"主要原因是：{reason}。" + self._free_budget_sentence(begin + income))
        out.say(f"{name}预算财政拨款支出{v.money(spent)}。")
        self._item_paragraphs(lines)

    def _free_budget_sentence(self, final: int) -> str:
        """A 预决算 comparison that states no contract figure."""
        budget = 0 if final == 0 else int(final * self.rng.uniform(0.55, 1.35))
        v = self.voice
        return (f"与年初预算相比，年初预算数{v.money(budget)}，决算数{v.money(final)}，预决算差异率"
                f"{v.pct(difference_rate(final, budget))}，主要原因是：{_reason(self.rng, vocab.REASONS_BUDGET)}。")

    def _fund(self) -> None:
        self.out.heading("七、政府性基金预算财政拨款收入支出决算情况说明")
        if self.fund_mode == "none":
            self.out.say("本单位本年度无政府性基金预算财政拨款收入、支出及结转和结余，政府性基金预算财政拨款收入支出决算表为空表。")
            return
        self._budget_section("政府性基金", self.fund, self.fund_begin, self.fund_end,
                             ("fund_total", "fund_expenditure_year"))

    def _capital(self) -> None:
        self.out.heading("八、国有资本经营预算财政拨款收入支出决算情况说明")
        if not self.capital:
            self.out.say("本单位本年度无国有资本经营预算财政拨款收入、支出及结转和结余，国有资本经营预算财政拨款收入支出决算表为空表。")
            return
        self._budget_section("国有资本经营", self.capital, 0, 0, ("capital_total", "capital_expenditure_year"))

    def _three_public(self) -> None:
        """九: 三公 经费, after seed 000 (money spent) and seed 004 (nothing spent)."""
        out, v = self.out, self.voice
        out.heading("九、财政拨款“三公”经费支出决算情况说明")
        parts, changes, purchase, operation = self.draw_three_public()
        keys = dict(zip(parts, THREE_PUBLIC_KEYS, strict=True))
        total, total_change = sum(parts.values()), sum(changes.values())
        stated_change = out.change("three_public_change", "three_public_growth_pct", total, total_change)
        reason = self.three_public_reason(total, total_change, "财政拨款“三公”经费")
        text = (f"{v.year(self.year)}财政拨款“三公”经费支出{out.money('three_public_total', total)}，比上年"
                f"{stated_change}，主要原因是：{reason}。其中：")
        for label, amount in parts.items():
            change = v.change(changes[label], growth(amount, changes[label]))
            text += (f"{label}支出{out.money(keys[label], amount)}，占{v.pct(share(amount, total))}，比上年{change}，"
                     f"主要原因是：{self.three_public_reason(amount, changes[label], label)}。")
        out.say(text)
        out.say("具体情况如下：")
        self._three_public_details(parts, purchase, operation)
        self._three_public_budget(parts, purchase, operation)

    def draw_three_public(self) -> tuple[dict[str, int], dict[str, int], int, int]:
        """The three parts spent, their changes on last year, 购置 and 运行维护."""
        rng = self.rng
        nothing = rng.random() < 0.25
        held = self.vehicles_held = 0 if nothing or rng.random() < 0.15 else rng.randint(1, 8)
        purchase = cents_between(rng, 15, 30) if held and rng.random() < 0.15 else 0
        operation = cents_between(rng, 0.5, 3) * held
        parts = {
            "因公出国（境）费": 0 if nothing else _some(rng, 0.15, 3, 30),
            "公务用车购置及运行维护费": purchase + operation,
            "公务接待费": 0 if nothing else _some(rng, 0.6, 0.05, 3),
        }
        changes = {label: 0 if nothing else _change(rng, amount) for label, amount in parts.items()}
        return parts, changes, purchase, operation

    def three_public_reason(self, amount: int, change: int, label: str) -> str:
        if amount == 0 and change == 0:
            return f"{self.year - 1}年与{self.year}年均未安排{label}支出"
        return _reason(self.rng, vocab.REASONS_THREE_PUBLIC_UP if change > 0 else vocab.REASONS_THREE_PUBLIC_DOWN)

    def _three_public_details(self, parts: dict[str, int], purchase: int, operation: int) -> None:
        """具体情况如下: groups abroad, cars (bought, held, on the books), receptions."""
        out, v, rng = self.out, self.voice, self.rng
        overseas, vehicles, reception = parts.values()
        groups = rng.randint(1, 3) if overseas else 0
        content = "出访团组的国际旅费、住宿费和伙食费" if groups else "本单位无因公出国（境）费"
        out.say(f"因公出国（境）费支出{v.money(overseas)}，开支内容包括{content}。单位全年安排的因公出国（境）团组"
                f"{v.count(groups, '个')}，因公出国（境）{v.count(groups * rng.randint(2, 5), '人次')}。")
        held = self.vehicles_held
        self.vehicles_count = held if rng.random() < 0.8 else held + rng.randint(1, 30)
        difference = ("本单位固定资产车辆与公务用车保有量一致无差异" if self.vehicles_count == held else
                      "本单位执法执勤用车，不属于公务用车，车辆经费在项目其他交通费中列支，未使用“三公”经费")
        out.say(f"公务用车购置及运行维护费{v.money(vehicles)}，其中：公务用车购置费"
                f"{out.money('vehicle_purchase_expenditure', purchase)}，公务用车运行维护费"
                f"{out.money('vehicle_operation_expenditure', operation)}。公务用车运行维护费开支内容包括车辆加油费、"
                f"维修费、保险费、审车费、过路费等。公务用车购置数"
                f"{out.count('vehicles_purchased', 1 if purchase else 0, '辆')}，公务用车保有量"
                f"{out.count('vehicles_held', held, '辆')}。国有资产占用情况中固定资产车辆"
                f"{out.count('vehicles_count', self.vehicles_count, '辆')}，与公务用车保有量差异原因是：{difference}。")
        batches = rng.randint(1, 30) if reception else 0
        content = "上级部门检查指导工作的接待费用" if batches else "本单位无公务接待费"
        out.say(f"公务接待费{v.money(reception)}，开支内容包括{content}。单位全年安排的国内公务接待"
                f"{out.count('reception_batches', batches, '批次')}，"
                f"{out.count('reception_visitors', batches * rng.randint(2, 8), '人次')}。")

    def _three_public_budget(self, parts: dict[str, int], purchase: int, operation: int) -> None:
        """与全年预算相比: the total and each part against its budget."""
        out, v, rng = self.out, self.voice, self.rng
        spent = {"因公出国（境）费": parts["因公出国（境）费"], "公务用车购置费": purchase,
                 "公务用车运行维护费": operation, "公务接待费": parts["公务接待费"]}
        budgets = {label: int(amount * rng.uniform(1.0, 1.25)) for label, amount in spent.items()}
        self.three_public_spent, self.three_public_budgets = spent, budgets
        total, budget = sum(spent.values()), sum(budgets.values())
        saved = "本年严格落实中央八项规定精神，厉行节约，减少经费支出"

        def compare(label: str, final: int, planned: int) -> str:
            reason = f"本单位无{label}" if final == planned == 0 else saved
            return (f"全年预算数{v.money(planned)}，决算数{v.money(final)}，预决算差异率"
                    f"{v.pct(difference_rate(final, planned))}，主要原因是：{reason}。")

        text = (f"与全年预算相比，财政拨款“三公”经费支出全年预算数{out.money('three_public_budget', budget)}，决算数"
                f"{v.money(total)}，预决算差异率{v.pct(difference_rate(total, budget))}，主要原因是："
                f"{'本单位无财政拨款“三公”经费支出' if budget == 0 else saved}。其中：")
        out.say(text + "".join(f"{label}{compare(label, spent[label], budgets[label])}" for label in spent))

    def _other_matters(self) -> None:
        out, v, rng = self.out, self.voice, self.rng
        out.heading("十、其他重要事项的情况说明")
        out.heading("（一）机关运行经费及公用经费支出情况", 2)
        admin = self.public if rng.random() < 0.7 else int(self.public * rng.uniform(0.6, 1.0))
        change = _change(rng, admin)
        out.say(f"{v.year(self.year)}{self.dept.name}（行政单位和参照公务员法管理事业单位）机关运行经费支出"
                f"{out.money('admin_operating_expenditure', admin)}，比上年{v.change(change, growth(admin, change))}，"
                f"主要原因是：{_line_reason(rng, admin, change)}。")
        self._procurement()
        self._assets()

    def _procurement(self) -> None:
        out, v, rng = self.out, self.voice, self.rng
        out.heading("（二）政府采购情况", 2)
        total = 0 if rng.random() < 0.15 else cents_between(rng, 1, max(2.0, _wan(self.expenditure_year) / 2))
        goods, works, services = split_cents(total, [rng.uniform(0, 1) for _ in range(3)])
        sme = int(total * rng.uniform(0.4, 1.0))
        small = int(sme * rng.uniform(0.5, 1.0))
        out.say(f"{v.year(self.year)}政府采购支出总额{out.money('procurement_total', total)}，其中：政府采购货物支出"
                f"{out.money('procurement_goods', goods)}、政府采购工程支出{out.money('procurement_works', works)}、"
                f"政府采购服务支出{out.money('procurement_services', services)}。")
        out.say(f"授予中小企业合同金额{out.money('procurement_sme', sme)}，占政府采购支出总额的"
                f"{v.pct(share(sme, total))}，其中：授予小微企业合同金额{out.money('procurement_small_micro', small)}，"
                f"占政府采购支出总额的{v.pct(share(small, total))}。")

    def _assets(self) -> None:
        out, v, rng = self.out, self.voice, self.rng
        out.heading("（三）国有资产占用情况说明", 2)
        area = cents_between(rng, 200, 20000) if rng.random() < 0.9 else 0  # square metres, in hundredths
        count = self.vehicles_count
        law = count - self.vehicles_held  # 执法执勤用车 are no 公务用车
        kinds = {"副部（省）级及以上领导用车": 0, "主要负责人用车": 0, "机要通信用车": 0, "应急保障用车": 0,
                 "执法执勤用车": law, "特种专业技术用车": 0, "离退休干部服务用车": 0, "其他用车": count - law}
        date = v.gap.join([f"{self.year}", "年", "12", "月", "31", "日"])
        vehicles_value = sum(cents_between(rng, 8, 35) for _ in range(count))
        equipment = out.count("equipment_over_1m", rng.choice([0] * 6 + [1, 2, 3]), "台（套）")
        fleet = "、".join(f"{kind}{v.count(n, '辆')}" for kind, n in kinds.items())
        value = cents_between(rng, 5, 3000) if area else 0
        out.say(f"截至{date}，房屋{out.measure('building_area', area, '平方米')}，价值"
                f"{out.money('building_value', value)}。车辆{v.count(count, '辆')}，价值"
                f"{out.money('vehicles_value', vehicles_value)}，其中："
                f"{fleet}，其他用车主要是："
                f"一般公务用车。单价100万元（含）以上设备（不含车辆）{equipment}。")

    def _performance(self) -> None:
        """十一: the summary sentence, then the 自评表 (an overall one first, sometimes)."""
        out, v = self.out, self.voice
        out.heading("十一、预算绩效的情况说明")
        projects = self.draw_evaluations()
        n = len(projects)
        overall = ""
        if len(self.evaluations) > n:
            overall = (f"形成整体支出绩效自评表1个，全年预算总额{v.money(self.total)}，实际执行总额"
                       f"{v.money(self.expenditure_year)}；")
        budget = out.money("perf_budget", sum(p.annual_budget for p in projects))
        executed = out.money("perf_executed", sum(p.executed for p in projects))
        out.say(f"根据预算绩效管理要求，本单位{self.year}年度预算绩效管理{overall}预算绩效评价项目"
                f"{out.count('perf_projects', n, '个')}，全年预算数{budget}，全年执行数{executed}。"
                f"{vocab.PERFORMANCE_REVIEW}具体附项目支出绩效自评表。")
        out.blocks += [evaluation.table for evaluation in self.evaluations]

    def draw_evaluations(self) -> list[SelfEvaluation]:
        """The 自评表 of the report (an overall one first, sometimes); returns the project ones."""
        rng, v = self.rng, self.voice
        habits = TableHabits.draw(rng)
        if rng.random() < 0.3:
            self.evaluations.append(overall_evaluation(rng, v, habits, self.year, self.dept.name, self.total,
                                                       self.expenditure_year))
        related = [t for t in vocab.TOPICS if set(t.classes) & set(self.dept.classes)]
        unrelated = [t for t in vocab.TOPICS if t not in related]
        n = rng.randint(3, 6)
        topics = rng.sample(related, min(n, len(related)))
        topics += rng.sample(unrelated, n - len(topics))
        supervisor = self.dept.unit
        implementer = supervisor if rng.random() < 0.8 else self.dept.name
        largest = max(10.0, _wan(self.uses["project_expenditure"]) / n)
        projects = [project_evaluation(rng, v, habits, self.year, supervisor, implementer, topic,
                                       cents_between(rng, 5, largest)) for topic in topics]
        self.evaluations += projects
        return projects

    def _terms_and_tables(self, part: str, listed: bool) -> None:
        """名词解释, then (where the tables close the report) the list of tables."""
        out, rng = self.out, self.rng
        out.heading(f"{part} 专业名词解释")
        for i, (term, meaning) in enumerate(rng.sample(vocab.TERMS, rng.randint(3, len(vocab.TERMS)))):
            out.say(f"{CHINESE_NUMERALS[i]}、{term}：{meaning}。")
        if not listed:
            return
        out.heading("第四部分 部门决算报表（见附表）")
        for i, table in enumerate(vocab.REPORT_TABLES):
            out.say(f"{CHINESE_NUMERALS[i]}、《{table}》")


# --------------------------------------------------------------------------
# 部门单位整体支出绩效自评报告 (seed 001)
# --------------------------------------------------------------------------


class _OverallReport:
    def __init__(self, rng: random.Random, name: str) -> None:
        self.rng = rng
        self.name = name
        self.year = rng.randint(2019, 2025)
        self.dept = _department(rng)
        self.title = rng.choice(["部门单位整体支出绩效自评报告", "部门（单位）整体支出绩效自评报告",
                                 f"{self.dept.name}{self.year}年度部门整体支出绩效自评报告"])
        self.style = _style(rng, self.title)
        self.voice = _voice(rng, self.style)
        self.out = _Writer(self.voice)

    def spec(self) -> ReportSpec:
        out, v, rng = self.out, self.voice, self.rng
        out.say("附件 4：")
        out.heading(self.title, 0)
        out.say(f"（{self.year}年度）")
        out.say(f"部门单位名称（公章）：{self.dept.name}")
        out.say(f"填报时间：{self.year + 1}{v.gap}年{v.gap}04{v.gap}月{v.gap}{rng.randint(10, 28)}{v.gap}日")
        out.blocks.append(PageBreak())
        budget = cents_between(rng, 200, 20000)
        executed = int(budget * rng.uniform(0.9, 1.0))
        evaluation = overall_evaluation(rng, v, TableHabits.draw(rng), self.year, self.dept.name, budget, executed)
        self._overview(budget, executed)
        self._management()
        self._analysis(evaluation)
        out.heading("四、评价结论：")
        out.say(f"{v.year(self.year)}部门整体支出绩效自评综合得分{v.gap}{evaluation.truth['total_score']}{v.gap}分，"
                "评价结果为“优”。")
        out.heading("五、存在的主要问题及原因分析：")
        for i, problem in enumerate(vocab.OVERALL_PROBLEMS, 1):
            out.say(f"{i}.{problem}")
        out.heading("六、改进措施和建议：")
        for i, measure in enumerate(vocab.OVERALL_MEASURES, 1):
            out.say(f"{i}.{measure}")
        with_table = rng.random() < 0.5
        if with_table:
            out.say("附表：部门（单位）整体支出绩效自评表")
            out.blocks.append(evaluation.table)
        truth = {
            "name": self.name,
            "document": {"kind": "overall_performance_report", "title": text_value(self.title),
                         "department": text_value(self.dept.name), "fiscal_year": self.year},
            "figures": out.figures,
            "expenditure_items": [],
            "class_totals": [],
            "performance": [evaluation.truth] if with_table else [],
            "n_tables": int(with_table),
        }
        return ReportSpec(self.name, out.blocks, truth, self.style)

    def _overview(self, budget: int, executed: int) -> None:
        out, v, rng = self.out, self.voice, self.rng
        out.heading("一、基本概况：")
        out.heading("（一）部门单位基本情况：", 2)
        for i, duty in enumerate(rng.sample(vocab.DUTIES, rng.randint(3, 6)), 1):
            out.say(f"（{i}）{duty}；")
        out.heading("（二）部门单位年度重点工作：", 2)
        out.say("做好各类资金的审核审批，实行专项管理，专款专用，按时足额发放。加强业务培训，及时掌握新政策，"
                "切实为群众解决实际困难。")
        out.heading("（三）部门单位整体预算规模及安排情况：", 2)
        rate = v.pct(share(executed, budget))
        out.say(f"{v.year(self.year)}{self.dept.name}单位整体支出全年预算总额为{v.money(budget)}，资金执行数"
                f"{v.money(executed)}，执行率{rate}。")

    def _management(self) -> None:
        out = self.out
        out.heading("二、部门单位整体支出管理及使用情况：")
        out.heading("（一）资金管理情况", 2)
        out.say(vocab.OVERALL_PARAGRAPHS[0])
        out.heading("（二）基本支出管理、支出情况、“三公”经费控制情况", 2)
        out.say(vocab.OVERALL_PARAGRAPHS[1])

    def _analysis(self, evaluation: SelfEvaluation) -> None:
        out = self.out
        out.heading("三、部门单位整体支出绩效分析：")
        for i, indicator in enumerate(evaluation.truth["indicators"][:10]):
            number = CHINESE_NUMERALS[i]
            out.heading(f"（{number}）指标{number}：{indicator['level3']}", 3)
            out.say(f"{indicator['level3']}，预期指标是{indicator['target']}，本次评价实际完成值是{indicator['actual']}，"
                    f"{'达到预期目标' if indicator['score'] == indicator['weight'] else '未达到预期目标'}。")
