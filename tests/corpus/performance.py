"""绩效自评表 in the official form layout, with their truth records.

Two forms, laid out as the seed reports show them:

* 项目支出绩效自评表 (9 columns): 项目名称 / 主管部门 · 实施单位 / 项目资金（万元）
  over a header row and the money rows / 年度总体目标 over 预期目标 · 实际完成情况 /
  年度绩效指标完成情况 over the indicator header and every indicator row, with
  一级指标 and 二级指标 merged over their groups / 总分.
* 部门（单位）整体支出绩效自评表 (8 columns, after seed 004): 单位名称 / 部门资金（万元）/
  年度总体目标 / indicators with 指标值设定依据 and no deviation column / 总分.

Scores add up: fund score (weight 10) + indicator scores (weights 90) = 总分.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from tests.corpus import vocab
from tests.corpus.spec import CellSpec, GridTable
from tests.corpus.vocab import Measure, Topic
from tests.corpus.wording import Voice, indicator_value, money_value, pct_value, ratio, text_value

FUND_WEIGHT = 10
INDICATOR_WEIGHTS = 90
QUALITY_TARGETS = ["有效改善", "有效提升", "不断提升", "逐步提高", "明显提升", "不断加强"]
BASES = ["年度工作计划", "计划标准", "历史标准", "行业标准", "单位三定方案"]


@dataclass
class TableHabits:
    """How one report fills the cells of its 自评表."""

    score_suffix: str = " 分"  # "10.00 分" / "10.00分" / "10.00"
    whole_numbers: bool = True  # weight "10" (else "10.00"), score "10" when whole
    ge: str = ">="  # or "≥"
    le: str = "<="  # or "≤"
    unit_gap: bool = True  # ">=67 户" vs ">=67户"
    equals_actual: bool = True  # actual "=98 户" vs "98 户"
    dash: str = "—"
    trim_amounts: bool = False  # fund cell "20" for 20.00
    cost_as_level1: bool = True  # 成本指标/经济成本指标 (seed 000) vs 产出指标/成本指标
    weight_header: str = "分值"  # or 分值权重 (seed 004)
    source_header: str = ""  # or 资金来源 (seed 004)
    half_colon: bool = False  # 其中:当年财政拨款

    @classmethod
    def draw(cls, rng: random.Random) -> TableHabits:
        return cls(
            score_suffix=rng.choice([" 分", "分", ""]),
            whole_numbers=rng.random() < 0.7,
            ge=rng.choice([">=", ">=", "≥"]),
            le=rng.choice(["<=", "<=", "≤"]),
            unit_gap=rng.random() < 0.5,
            equals_actual=rng.random() < 0.8,
            dash=rng.choice(["—", "—", "-"]),
            trim_amounts=rng.random() < 0.3,
            cost_as_level1=rng.random() < 0.6,
            weight_header=rng.choice(["分值", "分值", "分值权重"]),
            source_header=rng.choice(["", "", "资金来源"]),
            half_colon=rng.random() < 0.15,
        )

    def number(self, hundredths: int) -> str:
        """A weight or score cell: ``10``/``10.00``/``13.99``."""
        text = pct_value(hundredths)
        return text[:-3] if self.whole_numbers and text.endswith(".00") else text

    def score(self, hundredths: int) -> str:
        return f"{pct_value(hundredths)}{self.score_suffix}"

    def quantity(self, number: str, unit: str) -> str:
        return f"{number}{' ' if self.unit_gap and unit != '%' else ''}{unit}"


class LengthenedCells:
    """Real-length cell text for some reports: 偏差原因, 预期目标 and 实际完成
    情况 of 80-300 characters, 三级指标 up to 30 and 项目名称 up to 40, so that
    cells wrap over many rows.  Its own random stream (seeded from the
    caller's state without drawing from it), so the rest of a report is the
    same whether or not its cells are lengthened."""

    def __init__(self, rng: random.Random, share: float = 0.5) -> None:
        # The Mersenne state's words, not the whole state: its last item is
        # None, whose hash (before Python 3.12) changes from run to run.
        self.rng = random.Random(hash(rng.getstate()[1]))
        self.on = self.rng.random() < share

    def text(self, text: str, clauses: list[str], chance: float = 0.5) -> str:
        """``text`` (ending in 。 or not, as given) grown to 80-300 characters."""
        if not self.on or self.rng.random() >= chance:
            return text
        stop = "。" if text.endswith("。") else ""
        grown, target = text.removesuffix("。"), self.rng.randint(80, 300)
        pool = self.rng.sample(clauses, len(clauses))
        while len(grown) < target - 20 and pool:
            grown += self.rng.choice(["；", "，"]) + pool.pop()
        return grown[:300 - len(stop)].rstrip("，；") + stop

    def level3(self, name: str) -> str:
        if not self.on or self.rng.random() >= 0.2:
            return name
        return (name + self.rng.choice(vocab.LEVEL3_QUALIFIERS))[:30]

    def name(self, name: str) -> str:
        if not self.on or self.rng.random() >= 0.3:
            return name
        return (name + self.rng.choice(vocab.LONG_NAME_TAILS))[:40]


@dataclass
class FundRow:
    label: str
    initial: int  # cents
    annual: int
    executed: int
    weighted: bool = False  # the total row carries weight, rate and score


@dataclass
class Indicator:
    level1: str
    level2: str
    level3: str
    target: str  # as written
    actual: str
    weight: int  # hundredths
    score: int
    reason: str | None
    basis: str = ""  # 指标值设定依据 (overall form only)


@dataclass
class SelfEvaluation:
    """One 自评表: the grid to draw, its truth record and its money."""

    table: GridTable
    truth: dict[str, Any]
    annual_budget: int
    executed: int


# --------------------------------------------------------------------------
# Money rows
# --------------------------------------------------------------------------

PROJECT_FUND_LABELS = [["年度资金总额", "其中：当年财政拨款", "其他资金"],
                       ["年度资金总额", "上级资金", "本级资金", "其他资金"]]
OVERALL_FUND_LABELS = ["年度总资金", "上级资金（万元）", "本级资金（万元）", "其他资金（万元）"]


def _fund_rows(rng: random.Random, labels: list[str], annual: int, executed: int | None = None) -> list[FundRow]:
    """The total row and its parts (``labels[1:]``); parts add up column by column."""
    initial = annual if rng.random() < 0.6 else int(annual * rng.uniform(1.0, 1.6))
    if executed is None:
        executed = annual if rng.random() < 0.55 else int(annual * rng.uniform(0.85, 1.0))
    totals = [initial, annual, executed]
    other_share = rng.uniform(0.02, 0.15) if rng.random() < 0.35 else 0.0
    other = [int(total * other_share) for total in totals]
    rest = [total - o for total, o in zip(totals, other, strict=True)]
    if len(labels) == 4:  # 上级资金 / 本级资金 / 其他资金
        upper_share = rng.uniform(0.0, 0.5)
        upper = [int(r * upper_share) for r in rest]
        parts = [upper, [r - u for r, u in zip(rest, upper, strict=True)], other]
    else:
        parts = [rest, other]
    rows = [FundRow(labels[0], *totals, weighted=True)]
    rows += [FundRow(label, *values) for label, values in zip(labels[1:], parts, strict=True)]
    return rows


def _fund_score(row: FundRow) -> tuple[int, int]:
    """(execution rate, score), both in hundredths; the score is capped at the weight."""
    rate = ratio(row.executed, row.annual)
    return rate, min(FUND_WEIGHT * 100, ratio(FUND_WEIGHT * row.executed, row.annual * 100))


def _fund_cells(row: FundRow, voice: Voice, habits: TableHabits) -> list[str]:
    """年初预算数, 全年预算数, 全年执行数, 分值, 执行率, 得分 as written."""
    amounts = [voice.amount(v, trim_whole=habits.trim_amounts) for v in (row.initial, row.annual, row.executed)]
    if not row.weighted:
        return [*amounts, habits.dash, habits.dash, habits.dash]
    rate, score = _fund_score(row)
    return [*amounts, habits.number(FUND_WEIGHT * 100), voice.percent(rate), habits.score(score)]


def _fund_truth(row: FundRow) -> dict[str, Any]:
    rate, score = _fund_score(row) if row.weighted else (None, None)
    return {
        "label": text_value(row.label),
        "initial_budget": money_value(row.initial),
        "annual_budget": money_value(row.annual),
        "executed": money_value(row.executed),
        "weight": pct_value(FUND_WEIGHT * 100) if row.weighted else None,
        "execution_rate": pct_value(rate) if rate is not None else None,
        "score": pct_value(score) if score is not None else None,
    }


# --------------------------------------------------------------------------
# Indicators
# --------------------------------------------------------------------------


def _split_weights(rng: random.Random, n: int) -> list[int]:
    """``n`` whole weights of at least 5 adding up to 90, mostly in steps of 5."""
    weights = [5] * n
    rest = INDICATOR_WEIGHTS - 5 * n
    while rest > 0:
        step = min(rest, rng.choice([1, 5, 5, 5]))
        weights[rng.randrange(n)] += step
        rest -= step
    return weights


def _number(value: float) -> str:
    """A number as people write it in these forms: ``67``, ``0.4``, ``2448.98``."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


class _Measurer:
    """Draws target, actual, attainment (0..1) and deviation reason of a Measure."""

    def __init__(self, rng: random.Random, habits: TableHabits) -> None:
        self.rng, self.habits = rng, habits

    def measure(self, measure: Measure) -> tuple[str, str, float, str | None]:
        return getattr(self, f"_{measure.kind}")(measure)

    def _actual(self, number: str, unit: str) -> str:
        text = self.habits.quantity(number, unit)
        return f"={text}" if self.habits.equals_actual else text

    def _count(self, measure: Measure) -> tuple[str, str, float, str | None]:
        rng, habits = self.rng, self.habits
        target = max(1, round(measure.value * rng.uniform(0.6, 1.5)))
        operator = habits.ge if rng.random() < 0.85 else "="
        roll = rng.random()
        if roll < 0.45:
            done, reason = target, None
        elif roll < 0.8:
            done, reason = round(target * rng.uniform(1.02, 1.6)) + 1, rng.choice(vocab.DEVIATION_OVER)
        else:
            done, reason = int(target * rng.uniform(0.0, 0.95)), rng.choice(vocab.DEVIATION_UNDER)
        target_text = f"{operator}{habits.quantity(str(target), measure.unit)}"
        return target_text, self._actual(str(done), measure.unit), min(1.0, done / target), reason

    def _pct(self, measure: Measure) -> tuple[str, str, float, str | None]:
        rng = self.rng
        target = rng.choice([80, 85, 90, 90, 95, 100])
        operator = "=" if target == 100 else self.habits.ge
        if rng.random() < 0.85:
            done = rng.choice([100, 100, 100, round(rng.uniform(target, 100), 2)])
        else:
            done = round(rng.uniform(target * 0.3, target * 0.95), 2)
        reason = None
        if done < target:
            reason = rng.choice(vocab.DEVIATION_UNDER)
        elif done > target and rng.random() < 0.7:  # over-achievement is often left unexplained
            reason = rng.choice(vocab.DEVIATION_OVER)
        return f"{operator}{target}%", self._actual(_number(done), "%"), min(1.0, done / target), reason

    def _time(self, measure: Measure) -> tuple[str, str, float, str | None]:
        unit, limit = self.rng.choice([("个月", 12), ("年", 1), ("个月", 6)])
        done = limit * self.rng.choice([1.0, self.rng.uniform(0.2, 0.9)])
        done = max(1, round(done)) if unit == "个月" else round(done, 2)
        return f"{self.habits.le}{self.habits.quantity(str(limit), unit)}", self._actual(_number(done), unit), 1.0, None

    def _cost(self, measure: Measure) -> tuple[str, str, float, str | None]:
        rng, habits = self.rng, self.habits
        limit = max(1, round(measure.value * rng.uniform(0.7, 1.3)))
        if rng.random() < 0.4:
            done, reason = float(limit), None
        else:
            done, reason = round(limit * rng.uniform(0.7, 0.999), 2), rng.choice(vocab.DEVIATION_COST)
        # Some units score a cheaper result down (seed 000: 2448.98 of <=3500 元/户 scores 13.99 of 20).
        attained = done / limit if rng.random() < 0.4 else 1.0
        target_text = f"{habits.le}{habits.quantity(str(limit), measure.unit)}"
        return target_text, self._actual(_number(done), measure.unit), attained, reason

    def _quality(self, measure: Measure) -> tuple[str, str, float, str | None]:
        target = self.rng.choice(QUALITY_TARGETS)
        if self.rng.random() < 0.85:
            return target, "完全达到预期效果", 1.0, None
        return target, "基本达到预期效果", 0.9, self.rng.choice(vocab.DEVIATION_UNDER)


def _indicators(rng: random.Random, habits: TableHabits, plan: list[tuple[str, str, Measure]],
                long: LengthenedCells) -> list[Indicator]:
    measurer = _Measurer(rng, habits)
    indicators = []
    for (level1, level2, measure), weight in zip(plan, _split_weights(rng, len(plan)), strict=True):
        target, actual, attained, reason = measurer.measure(measure)
        score = min(weight * 100, round(weight * 100 * attained))
        reason = long.text(reason, vocab.REASON_CLAUSES) if reason else reason
        indicators.append(Indicator(level1, level2, long.level3(measure.name), target, actual, weight * 100, score,
                                    reason, rng.choice(BASES)))
    return indicators


def _project_plan(rng: random.Random, habits: TableHabits, topic: Topic) -> list[tuple[str, str, Measure]]:
    """(一级, 二级, measure) rows in form order."""
    cost_levels = ("成本指标", "经济成本指标") if habits.cost_as_level1 else ("产出指标", "成本指标")
    plan = [("产出指标", "数量指标", m) for m in topic.counts[: rng.randint(1, len(topic.counts))]]
    plan += [("产出指标", "质量指标", m) for m in topic.qualities[: rng.randint(1, len(topic.qualities))]]
    if rng.random() < 0.7:
        plan.append(("产出指标", "时效指标", Measure(rng.choice(["项目完成时间", "项目开展周期"]), "time")))
    plan.append((*cost_levels, topic.cost))
    plan.append(("效益指标", topic.benefit_level2, topic.benefit))
    if rng.random() < 0.4:
        plan.append(("效益指标", "可持续影响指标", Measure("项目长效运行机制", "quality")))
    if rng.random() < 0.85:
        plan.append(("满意度指标", "满意度指标", Measure(topic.satisfaction, "pct")))
    return plan


def _overall_plan(rng: random.Random) -> list[tuple[str, str, Measure]]:
    plan = []
    for level1, groups in vocab.OVERALL_INDICATORS.items():
        if level1 == "管理效率" and rng.random() < 0.5:
            continue
        for level2, measures in groups.items():
            plan += [(level1, level2, m) for m in measures[: rng.randint(1, len(measures))]]
    return plan


def _indicator_truth(indicator: Indicator, with_reason: bool) -> dict[str, Any]:
    return {
        "level1": indicator.level1,
        "level2": indicator.level2,
        "level3": text_value(indicator.level3),
        "target": indicator_value(indicator.target),
        "actual": indicator_value(indicator.actual),
        "weight": pct_value(indicator.weight),
        "score": pct_value(indicator.score),
        "deviation_reason": text_value(indicator.reason) if with_reason and indicator.reason else None,
    }


def _runs(keys: list[Any]) -> dict[int, int]:
    """Start index -> length of every run of equal consecutive keys."""
    runs: dict[int, int] = {}
    start = 0
    for i in range(1, len(keys) + 1):
        if i == len(keys) or keys[i] != keys[start]:
            runs[start] = i - start
            start = i
    return runs


# --------------------------------------------------------------------------
# Grids
# --------------------------------------------------------------------------


class _Grid:
    """Cells placed at (row, column) with spans; slots under a span become None."""

    def __init__(self, n_cols: int) -> None:
        self.n_cols = n_cols
        self.n_rows = 0
        self.placed: dict[tuple[int, int], CellSpec] = {}

    def new_row(self) -> int:
        self.n_rows += 1
        return self.n_rows - 1

    def put(self, row: int, col: int, text: str, rowspan: int = 1, colspan: int = 1, align: str = "center") -> None:
        self.placed[row, col] = CellSpec(text, rowspan=rowspan, colspan=colspan, align=align)

    def table(self, widths: list[float], title: str, subtitle: str) -> GridTable:
        covered = {(r + dr, c + dc) for (r, c), cell in self.placed.items()
                   for dr in range(cell.rowspan) for dc in range(cell.colspan) if dr or dc}
        rows = [[self.placed.get((r, c)) or (None if (r, c) in covered else CellSpec(""))
                 for c in range(self.n_cols)] for r in range(self.n_rows)]
        return GridTable(rows=rows, col_widths=widths, title=title, subtitle=subtitle)


def _jitter(rng: random.Random, widths: list[float]) -> list[float]:
    return [round(w * rng.uniform(0.88, 1.12), 3) for w in widths]


def _put_indicator_levels(grid: _Grid, first_row: int, col: int, indicators: list[Indicator]) -> None:
    """一级 and 二级 cells merged over their groups, from column ``col``."""
    for start, length in _runs([i.level1 for i in indicators]).items():
        grid.put(first_row + start, col, indicators[start].level1, rowspan=length)
    for start, length in _runs([(i.level1, i.level2) for i in indicators]).items():
        grid.put(first_row + start, col + 1, indicators[start].level2, rowspan=length)


def _total_score(funds: list[FundRow], indicators: list[Indicator]) -> int:
    return _fund_score(funds[0])[1] + sum(i.score for i in indicators)


def _project_grid(name: str, supervisor: str, implementer: str, funds: list[FundRow], goals: tuple[str, str],
                  indicators: list[Indicator], voice: Voice, habits: TableHabits) -> _Grid:
    grid = _Grid(9)
    r = grid.new_row()
    grid.put(r, 0, "项目名称")
    grid.put(r, 1, name, colspan=8, align="left")
    r = grid.new_row()
    grid.put(r, 0, "主管部门")
    grid.put(r, 1, supervisor, colspan=3)
    grid.put(r, 4, "实施单位")
    grid.put(r, 5, implementer, colspan=4)
    r = grid.new_row()
    grid.put(r, 0, "项目资金（万元）", rowspan=1 + len(funds))
    grid.put(r, 1, habits.source_header, colspan=2)
    for col, header in enumerate(["年初预算数", "全年预算数", "全年执行数", habits.weight_header, "执行率", "得分"], 3):
        grid.put(r, col, header)
    for fund in funds:
        r = grid.new_row()
        grid.put(r, 1, fund.label, colspan=2)
        for col, text in enumerate(_fund_cells(fund, voice, habits), 3):
            grid.put(r, col, text)
    r = grid.new_row()
    grid.put(r, 0, "年度总体目标", rowspan=2)
    grid.put(r, 1, "预期目标", colspan=4)
    grid.put(r, 5, "实际完成情况", colspan=4)
    r = grid.new_row()
    grid.put(r, 1, goals[0], colspan=4, align="left")
    grid.put(r, 5, goals[1], colspan=4, align="left")
    r = grid.new_row()
    grid.put(r, 0, "年度绩效指标完成情况", rowspan=1 + len(indicators))
    headers = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", habits.weight_header, "得分",
               "偏差原因分析及改进措施"]
    for col, header in enumerate(headers, 1):
        grid.put(r, col, header)
    _put_indicator_levels(grid, r + 1, 1, indicators)
    for indicator in indicators:
        r = grid.new_row()
        grid.put(r, 3, indicator.level3, align="left")
        grid.put(r, 4, indicator.target)
        grid.put(r, 5, indicator.actual)
        grid.put(r, 6, habits.number(indicator.weight))
        grid.put(r, 7, habits.number(indicator.score))
        grid.put(r, 8, indicator.reason or "", align="left")
    r = grid.new_row()
    grid.put(r, 0, "总分", colspan=6)
    grid.put(r, 6, habits.number(10000))
    grid.put(r, 7, habits.score(_total_score(funds, indicators)))
    return grid


def _overall_grid(name: str, funds: list[FundRow], goals: tuple[str, str], indicators: list[Indicator],
                  voice: Voice, habits: TableHabits) -> _Grid:
    grid = _Grid(8)
    r = grid.new_row()
    grid.put(r, 0, "单位名称")
    grid.put(r, 1, name, colspan=7, align="left")
    r = grid.new_row()
    grid.put(r, 0, "部门资金（万元）", rowspan=1 + len(funds))
    headers = ["资金来源", "年初预算数", "全年预算数", "全年执行数", "分值权重", "执行率", "得分"]
    for col, header in enumerate(headers, 1):
        grid.put(r, col, header)
    for fund in funds:
        r = grid.new_row()
        grid.put(r, 1, fund.label)
        for col, text in enumerate(_fund_cells(fund, voice, habits), 2):
            grid.put(r, col, text)
    r = grid.new_row()
    grid.put(r, 0, "年度总体目标", rowspan=2)
    grid.put(r, 1, "预期目标", colspan=3)
    grid.put(r, 4, "实际完成情况", colspan=4)
    r = grid.new_row()
    grid.put(r, 1, goals[0], colspan=3, align="left")
    grid.put(r, 4, goals[1], colspan=4, align="left")
    r = grid.new_row()
    headers = ["一级指标", "二级指标", "三级指标", "预期指标值", "指标值设定依据", "实际完成指标值", "分值权重", "得分"]
    for col, header in enumerate(headers):
        grid.put(r, col, header)
    _put_indicator_levels(grid, r + 1, 0, indicators)
    for indicator in indicators:
        r = grid.new_row()
        grid.put(r, 2, indicator.level3, align="left")
        grid.put(r, 3, indicator.target)
        grid.put(r, 4, indicator.basis)
        grid.put(r, 5, indicator.actual)
        grid.put(r, 6, habits.number(indicator.weight))
        grid.put(r, 7, habits.number(indicator.score))
    r = grid.new_row()
    grid.put(r, 0, "总分", colspan=6)
    grid.put(r, 6, habits.number(10000))
    grid.put(r, 7, habits.score(_total_score(funds, indicators)))
    return grid


# --------------------------------------------------------------------------
# Public
# --------------------------------------------------------------------------


def _truth(scope: str, name: str, supervisor: str | None, implementer: str | None, funds: list[FundRow],
           goals: tuple[str, str], indicators: list[Indicator], with_reasons: bool) -> dict[str, Any]:
    return {
        "scope": scope,
        "name": text_value(name),
        "supervisor": text_value(supervisor) if supervisor else None,
        "implementer": text_value(implementer) if implementer else None,
        "funds": [_fund_truth(fund) for fund in funds],
        "goal_expected": text_value(goals[0]),
        "goal_actual": text_value(goals[1]),
        "indicators": [_indicator_truth(i, with_reasons) for i in indicators],
        "total_score": pct_value(_total_score(funds, indicators)),
    }


def project_name(rng: random.Random, topic: Topic, year: int) -> str:
    """A 项目名称 in one of the shapes the reports use."""
    left, right = rng.choice(["〔〕", "【】", "（）", "()"])
    shapes = [
        topic.name,
        f"{year % 100}年市本级福利彩票{rng.choice(['-', '——', '---'])}{topic.name}",
        f"乌财社{left}{year - 1}{right}{rng.randint(200, 260)}号关于提前下达{year}年{topic.name}资金预算的通知",
        f"{year}年{topic.name}",
    ]
    return rng.choice(shapes)


def project_evaluation(rng: random.Random, voice: Voice, habits: TableHabits, year: int, supervisor: str,
                       implementer: str, topic: Topic, annual: int) -> SelfEvaluation:
    """A 项目支出绩效自评表 for one project of ``topic`` with ``annual`` cents of 全年预算数."""
    long = LengthenedCells(rng)
    name = long.name(project_name(rng, topic, year))
    funds = _fund_rows(rng, rng.choice(PROJECT_FUND_LABELS), annual)
    if habits.half_colon:
        for fund in funds:
            fund.label = fund.label.replace("：", ":")
    indicators = _indicators(rng, habits, _project_plan(rng, habits, topic), long)
    first_count = indicators[0]  # the plan starts with the topic's first count
    target_number = "".join(ch for ch in first_count.target if ch.isdigit() or ch == ".")
    done_number = "".join(ch for ch in first_count.actual if ch.isdigit() or ch == ".")
    gap = voice.gap
    goal = topic.goal.format(n=f"{gap}{target_number}{gap}", unit=topic.counts[0].unit)
    goals = (goal + rng.choice(vocab.GOAL_TAILS) + "。", topic.done.format(m=f"{gap}{done_number}{gap}") + "。")
    goals = (long.text(goals[0], vocab.GOAL_CLAUSES), long.text(goals[1], vocab.GOAL_CLAUSES))
    grid = _project_grid(name, supervisor, implementer, funds, goals, indicators, voice, habits)
    widths = _jitter(rng, [1.0, 0.85, 0.9, 1.5, 1.0, 1.0, 0.6, 0.85, 1.7])
    table = grid.table(widths, "项目支出绩效自评表", f"（{year}{gap}年度）")
    truth = _truth("project", name, supervisor, implementer, funds, goals, indicators, with_reasons=True)
    return SelfEvaluation(table, truth, funds[0].annual, funds[0].executed)


def overall_evaluation(rng: random.Random, voice: Voice, habits: TableHabits, year: int, department: str,
                       annual: int, executed: int) -> SelfEvaluation:
    """A 部门（单位）整体支出绩效自评表 for the whole unit's money."""
    long = LengthenedCells(rng)
    funds = _fund_rows(rng, OVERALL_FUND_LABELS, annual, executed)
    indicators = _indicators(rng, habits, _overall_plan(rng), long)
    goals = (vocab.OVERALL_GOAL.format(dept=department) + "。", vocab.OVERALL_DONE.format(year=year) + "。")
    goals = (long.text(goals[0], vocab.GOAL_CLAUSES), long.text(goals[1], vocab.GOAL_CLAUSES))
    grid = _overall_grid(department, funds, goals, indicators, voice, habits)
    widths = _jitter(rng, [1.0, 1.0, 1.7, 1.0, 1.3, 1.1, 0.7, 0.85])
    title = rng.choice(["部门（单位）整体支出绩效自评表", "单位整体支出绩效自评表"])
    table = grid.table(widths, title, f"（{year}{voice.gap}年度）")
    truth = _truth("overall", department, None, None, funds, goals, indicators, with_reasons=False)
    return SelfEvaluation(table, truth, annual, executed)
