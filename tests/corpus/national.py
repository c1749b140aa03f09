"""The 情况说明 in the national template's own wording (shared/reference).

The reference template's sentences, filled with a synthetic report's numbers:
"收入支出总计 X 万元。与 2023 年度相比，收入支出总计增加 … 增长 …" (持平 where
nothing changed), "本年收入合计 X 万元，其中：财政拨款收入 …，占 …%" with only
the sources a unit has, items as "1、X（类）Y（款）Z（项）。主要用于：…。年初预算为
A 万元，支出决算为 X 万元，完成年初预算的 Z%。决算数小于预算数的主要原因：…",
“三公”经费 against its 年初预算, 政府采购金额（以合同签订为准）, 共有车辆 N 辆,
绩效自评的 N 个项目.  Some amounts are written in 元.  Every figure enters the
truth as it is written, as in ``synthetic``.
"""

from __future__ import annotations

from typing import Any

from tests.corpus import vocab
from tests.corpus.wording import growth, money_value, pct_value, ratio, share, split_cents, text_value

PURPOSES = ["保障机关正常运转", "开展日常业务工作", "开展专项业务活动", "购置必要的办公设备", "落实惠民政策"]
# A line of these 科目 is spent on what its name says (a contradiction is an injected error).
FITTING_PURPOSES = {
    "住房公积金": "支付在职人员住房公积金",
    "职业年金": "缴纳职业年金",
    "养老": "缴纳单位职工基本养老保险",
    "医疗": "缴纳职工基本医疗保险",
}
NUMBERED = "一二三四五"


class NationalNarrative:
    """Writes 第三部分 情况说明 of a ``_FinalAccount`` in the national wording."""

    def __init__(self, account: Any) -> None:
        self.a = account
        self.out, self.v, self.rng = account.out, account.voice, account.rng
        self.yuan = self.rng.random() < 0.35  # some amounts in 元
        self.completion = self.rng.random() < 0.6  # items state 完成年初预算的 Z%
        self.before = f"{account.year - 1}{self.v.gap}年度"

    # -- wording helpers --------------------------------------------------

    def money(self, key: str | None, cents: int, in_yuan: bool = False) -> str:
        if key is not None:
            self.out.record(key, money_value(cents))
        if in_yuan:
            yuan = cents * 100
            whole = f"{yuan:,}" if self.v.thousands else str(yuan)
            return f"{self.v.gap}{whole}.00{self.v.gap}元"
        return self.v.money(cents)

    def compared(self, subject: str, key: str | None, growth_key: str | None, amount: int, change: int) -> str:
        """与 2023 年度相比，{subject}增加 X 万元，增长 Y%。 / …持平。"""
        if change == 0:
            for k in (key, growth_key):
                if k is not None:
                    self.out.record(k, "0.00")
            return f"与{self.before}相比，{subject}持平。"
        rate = growth(amount, change)
        if key is not None:
            self.out.record(key, money_value(change))
            self.out.record(growth_key, pct_value(rate))
        return f"与{self.before}相比，{subject}{self.v.change(change, rate)}。"

    def reason(self, pool: list[str]) -> str:
        things = self.rng.sample(vocab.THINGS, 2)
        return self.rng.choice(pool).format(thing=things[0], thing2=things[1])

    def changed(self, total: int) -> int:
        return 0 if self.rng.random() < 0.12 else total - int(total * self.rng.uniform(0.6, 1.5))

    # -- sections ---------------------------------------------------------

    def write(self, part: str) -> None:
        a = self.a
        self.out.heading(f"{part} {a.dept.name}{a.year}年度部门决算情况说明")
        self.totals()
        self.incomes_and_uses()
        self.fiscal()
        self.general()
        self.basic()
        self.three_public()
        self.budget_section("八", "政府性基金", a.fund, "fund_expenditure_year")
        self.budget_section("九", "国有资本经营", a.capital, "capital_expenditure_year")
        self.performance()
        self.other_matters()

    def totals(self) -> None:
        a, out, v = self.a, self.out, self.v
        out.heading("一、收入支出决算总体情况说明")
        self.out.record("expenditure_total", money_value(a.total))  # 收入支出总计 states both
        change = self.changed(a.total)
        pool = vocab.REASONS_TOTAL_UP if change > 0 else vocab.REASONS_TOTAL_DOWN
        why = f"主要原因：{self.reason(pool)}。" if change else ""
        out.say(
            f"{a.dept.name}{v.year(a.year)}收入支出总计{self.money('income_total', a.total)}。"
            f"{self.compared('收入支出总计', 'total_change', 'total_growth_pct', a.total, change)}{why}"
        )

    def incomes_and_uses(self) -> None:
        a = self.a
        self.out.heading("二、收入决算情况说明")
        self._listed("本年收入合计", "income_year", a.income_year, vocab.INCOME_SOURCES, a.incomes)
        self.out.heading("三、支出决算情况说明")
        self._listed("本年支出合计", "expenditure_year", a.expenditure_year, vocab.EXPENDITURE_USES, a.uses)

    def _listed(self, label: str, key: str, total: int, parts: list[tuple[str, str]], amounts: dict[str, int]) -> None:
        """本年收入合计 X 万元，其中：财政拨款收入 …，占 …% — only the parts a unit has (不涉及的不列)."""
        listed = [
            f"{name}{self.money(part, amounts[part])}，占{self.v.pct(share(amounts[part], total))}"
            for part, name in parts
            if amounts[part]
        ]
        self.out.say(f"{label}{self.money(key, total)}，其中：{'；'.join(listed)}。")

    def fiscal(self) -> None:
        a, out, v = self.a, self.out, self.v
        out.heading("四、财政拨款收入支出决算总体情况说明")
        change = self.changed(a.fiscal_total)
        why = (
            f"主要原因：{self.reason(vocab.REASONS_TOTAL_UP if change > 0 else vocab.REASONS_TOTAL_DOWN)}。"
            if change
            else ""
        )
        out.say(
            f"{a.dept.name}{v.year(a.year)}财政拨款收入支出总计{self.money('fiscal_total', a.fiscal_total)}。"
            f"{self.compared('财政拨款收入支出总计', 'fiscal_change', 'fiscal_growth_pct', a.fiscal_total, change)}"
            f"{why}"
        )

    def general(self) -> None:
        a, out, v = self.a, self.out, self.v
        out.heading("五、一般公共预算财政拨款支出决算情况说明")
        out.heading("（一）一般公共预算财政拨款支出决算总体情况", 2)
        change = self.changed(a.general_total)
        why = (
            f"主要原因：{self.reason(vocab.REASONS_TOTAL_UP if change > 0 else vocab.REASONS_TOTAL_DOWN)}。"
            if change
            else ""
        )
        rate = share(a.general_total, a.expenditure_year)
        subject = "一般公共预算财政拨款支出"
        out.say(
            f"一般公共预算财政拨款支出{self.money('general_expenditure', a.general_total)}，占本年支出合计的"
            f"{out.pct('general_share_pct', rate)}。"
            f"{self.compared(subject, 'general_change', 'general_growth_pct', a.general_total, change)}"
            f"{why}"
        )
        out.heading("（二）一般公共预算财政拨款支出决算结构情况", 2)
        classes: dict[str, int] = {}
        for line in a.general:
            classes[line.lei] = classes.get(line.lei, 0) + line.amount
        parts = []
        for lei, amount in classes.items():
            rate = share(amount, a.general_total)
            parts.append(f"{lei}{v.marker('类')}{v.money(amount)}，占{v.pct(rate)}")
            a.class_totals.append(
                {"budget": "general", "lei": lei, "amount": money_value(amount), "share_pct": pct_value(rate)}
            )
        out.say(f"一般公共预算财政拨款支出{v.money(a.general_total)}，主要用于以下方面：{'；'.join(parts)}。")
        out.heading("（三）一般公共预算财政拨款支出决算具体情况", 2)
        budget = int(a.general_total * self.rng.uniform(0.7, 1.3))
        out.say(
            f"一般公共预算财政拨款支出年初预算为{self.money('general_budget_initial', budget)}，支出决算为"
            f"{v.money(a.general_total)}，完成年初预算的{v.pct(ratio(a.general_total, budget))}。决算数"
            f"{'大于' if a.general_total > budget else '小于'}预算数的主要原因：{self.reason(vocab.REASONS_BUDGET)}。"
            "其中："
        )
        self.items(a.general)

    def items(self, lines: list[Any]) -> None:
        """1、X（类）Y（款）Z（项）。主要用于：…。年初预算为 A，支出决算为 X，完成年初预算的 Z%。…"""
        a, v, rng = self.a, self.v, self.rng
        for i, line in enumerate(lines, 1):
            roll = rng.random()
            budget = line.amount if roll < 0.15 else 0 if roll < 0.2 else int(line.amount * rng.uniform(0.6, 1.4))
            names = "".join(
                f"{name}{v.marker(level)}"
                for name, level in zip((line.lei, line.kuan, line.xiang), "类款项", strict=True)
            )
            fitting = [p for word, p in FITTING_PURPOSES.items() if word in line.xiang]
            purpose = fitting[0] if fitting else rng.choice(PURPOSES)
            text = f"{i}、{names}。主要用于：{purpose}。年初预算为{v.money(budget)}，支出决算为{v.money(line.amount)}"
            completion = None
            if budget and self.completion:
                completion = ratio(line.amount, budget)
                text += f"，完成年初预算的{v.pct(completion)}"
            reason_parts: list[str] = []
            if budget == line.amount:
                text += "，预决算持平。"
            else:
                reason_parts = [self.reason(vocab.REASONS_BUDGET)]
                if rng.random() < 0.3:
                    reason_parts = [f"{NUMBERED[k]}、{self.reason(vocab.REASONS_BUDGET)}" for k in range(2)]
                text += f"。决算数{'大于' if line.amount > budget else '小于'}预算数的主要原因："
            half = v.half_width()
            if len(reason_parts) > 1 and rng.random() < 0.5:  # each numbered part in a paragraph of its own
                self.out.say(f"{text}{reason_parts[0]}；", half)
                self.out.say(f"{reason_parts[1]}。", half)
            else:
                self.out.say(f"{text}{'；'.join(reason_parts)}{'。' if reason_parts else ''}", half)
            reason = "；".join(reason_parts) if reason_parts else None
            a.items.append(
                {
                    "budget": line.budget,
                    "lei": line.lei,
                    "kuan": line.kuan,
                    "xiang": line.xiang,
                    "code": None,
                    "amount": money_value(line.amount),
                    "change": None,
                    "growth_pct": None,
                    "reason": text_value(v.finish(reason, half)) if reason else None,
                    "initial_budget": money_value(budget),
                    "completion_pct": pct_value(completion) if completion is not None else None,
                }
            )

    def basic(self) -> None:
        a, out = self.a, self.out
        out.heading("六、一般公共预算财政拨款基本支出决算情况说明")
        out.say(
            f"一般公共预算财政拨款基本支出{self.money('general_basic_expenditure', a.general_basic)}。其中：人员经费"
            f"{self.money('personnel_expenditure', a.personnel)}，主要包括：基本工资、津贴补贴、奖金、住房公积金、"
            f"退休费；公用经费{self.money('public_expenditure', a.public)}，主要包括：办公费、印刷费、差旅费、"
            "公务接待费、公务用车运行维护费。"
        )

    def three_public(self) -> None:
        a, out, v = self.a, self.out, self.v
        out.heading("七、财政拨款“三公”经费支出决算情况说明")
        parts, changes, purchase, operation = a.draw_three_public()
        total, total_change = sum(parts.values()), sum(changes.values())
        spent = {
            "因公出国（境）费": parts["因公出国（境）费"],
            "公务用车购置费": purchase,
            "公务用车运行维护费": operation,
            "公务接待费": parts["公务接待费"],
        }
        budgets = {label: int(amount * self.rng.uniform(1.0, 1.25)) for label, amount in spent.items()}
        a.three_public_spent, a.three_public_budgets = spent, budgets
        a.vehicles_count = a.vehicles_held
        if total == 0 and sum(budgets.values()) == 0:
            out.heading("（一）“三公”经费财政拨款支出决算总体情况说明。", 2)
            out.say(f"{a.dept.name}{v.year(a.year)}无“三公”经费财政拨款支出。")
            return
        out.heading("（一）“三公”经费财政拨款支出决算总体情况说明。", 2)
        budget = sum(budgets.values())
        keys = dict(
            zip(parts, ["overseas_expenditure", "vehicle_total_expenditure", "reception_expenditure"], strict=True)
        )
        part_budgets = {
            "因公出国（境）费": budgets["因公出国（境）费"],
            "公务用车购置及运行维护费": budgets["公务用车购置费"] + budgets["公务用车运行维护费"],
            "公务接待费": budgets["公务接待费"],
        }
        details = []
        for label, amount in parts.items():
            done = f"，完成预算的{v.pct(ratio(amount, part_budgets[label]))}" if part_budgets[label] else ""
            verb = "决算为" if label == "因公出国（境）费" else "支出决算为"
            details.append(f"{label}{verb}{self.money(keys[label], amount)}{done}")
        out.say(
            f"“三公”经费财政拨款支出年初预算为{self.money('three_public_budget', budget)}，支出决算为"
            f"{self.money('three_public_total', total)}，完成预算的{v.pct(ratio(total, budget) if budget else 0)}，"
            f"其中：{'；'.join(details)}。{a.year}年度“三公”经费支出决算数小于预算数的主要原因："
            "严格落实中央八项规定精神，厉行节约。"
        )
        if total_change:
            rate = growth(total, total_change)
            self.out.record("three_public_change", money_value(total_change))
            self.out.record("three_public_growth_pct", pct_value(rate))
            out.say(
                f"{v.year(a.year)}“三公”经费财政拨款支出决算数比{self.before}{v.change(total_change, rate)}。"
                f"主要原因是{a.three_public_reason(total, total_change, '“三公”经费')}。"
            )
        out.heading("（二）“三公”经费财政拨款支出决算具体情况说明。", 2)
        out.say(
            "“三公”经费财政拨款支出决算中，"
            + "；".join(
                f"{label}支出决算{v.money(amount)}，占{v.pct(share(amount, total))}" for label, amount in parts.items()
            )
            + "。具体情况如下："
        )
        groups = self.rng.randint(1, 3) if parts["因公出国（境）费"] else 0
        out.say(
            f"1、因公出国（境）费支出{v.money(parts['因公出国（境）费'])}。全年安排因公出国（境）团组"
            f"{v.count(groups, '个')}、累计{v.count(groups * self.rng.randint(2, 5), '人次')}。"
        )
        out.say(
            f"2、公务用车购置及运行维护费支出{v.money(parts['公务用车购置及运行维护费'])}。其中：公务用车购置支出为"
            f"{self.money('vehicle_purchase_expenditure', purchase)}。公务用车运行维护支出"
            f"{self.money('vehicle_operation_expenditure', operation)}，主要用于车辆加油、维修、保险等。"
            f"{a.year}年，{a.dept.name}公务用车保有量为{out.count('vehicles_held', a.vehicles_held, '辆')}。"
        )
        batches = self.rng.randint(1, 30) if parts["公务接待费"] else 0
        out.say(
            f"3、公务接待费支出{v.money(parts['公务接待费'])}。全年安排国内公务接待"
            f"{out.count('reception_batches', batches, '批次')}、"
            f"{out.count('reception_visitors', batches * self.rng.randint(2, 8), '人次')}。"
        )

    def budget_section(self, number: str, name: str, lines: list[Any], key: str) -> None:
        a, out, v = self.a, self.out, self.v
        out.heading(f"{number}、{name}预算财政拨款收入支出决算情况说明")
        if not lines or not any(line.amount for line in lines):
            out.say(f"{a.dept.name}{v.year(a.year)}无{name}预算财政拨款收入和支出。")
            return
        spent = sum(line.amount for line in lines)
        begin, end = (a.fund_begin, a.fund_end) if name == "政府性基金" else (0, 0)
        out.say(
            f"{name}预算财政拨款收入{v.money(spent + end - begin)}，支出{self.money(key, spent)}，支出具体情况如下："
        )
        self.items(lines)

    def performance(self) -> None:
        a, out = self.a, self.out
        out.heading("十、预算绩效管理情况")
        projects = a.draw_evaluations()
        budget = sum(p.annual_budget for p in projects)
        out.say(
            f"{a.dept.name}{a.year}年度预算绩效管理工作开展情况如下：本部门建立了预算绩效管理制度；"
            f"绩效自评的{a.year}年度项目{out.count('perf_projects', len(projects), '个')}，涉及预算金额"
            f"{self.money('perf_budget', budget)}。"
        )
        out.blocks += [evaluation.table for evaluation in a.evaluations]

    def other_matters(self) -> None:
        from tests.corpus.synthetic import cents_between  # synthetic writes its narrative with this module

        a, out, v, rng = self.a, self.out, self.v, self.rng
        out.heading("十一、其他重要事项的情况说明")
        out.heading("（一）机关运行经费支出情况", 2)
        admin = a.public
        change = self.changed(admin)
        why = f"主要原因是{self.reason(vocab.REASONS_UP if change > 0 else vocab.REASONS_DOWN)}。" if change else ""
        stated = self.money("admin_operating_expenditure", admin, self.yuan)
        if change:
            compared = f"比{self.before}{v.change(change, growth(admin, change))}。{why}"
        else:
            compared = f"与{self.before}持平。"
        out.say(f"机关运行经费支出{stated}，{compared}")
        out.heading("（二）政府采购支出情况", 2)
        total = cents_between(rng, 1, max(2.0, a.expenditure_year / 200))
        goods, works, services = split_cents(total, [rng.uniform(0, 1) for _ in range(3)])
        out.say(
            f"{a.dept.name}{v.year(a.year)}政府采购金额（以合同签订为准）为"
            f"{self.money('procurement_total', total, self.yuan)}，其中：货物采购金额"
            f"{self.money('procurement_goods', goods, self.yuan)}、工程采购金额"
            f"{self.money('procurement_works', works, self.yuan)}、服务采购金额"
            f"{self.money('procurement_services', services, self.yuan)}。"
        )
        out.heading("（三）国有资产占有使用情况说明", 2)
        kinds = [
            "部级领导干部用车",
            "主要领导干部用车",
            "机要通信用车",
            "应急保障用车",
            "执法执勤用车",
            "特种专业技术用车",
            "离退休干部用车",
            "其他用车",
        ]
        fleet = "、".join(f"{kind}{v.count(a.vehicles_count if kind == '其他用车' else 0, '辆')}" for kind in kinds)
        date = v.gap.join([f"{a.year}", "年", "12", "月", "31", "日"])
        equipment = out.count("equipment_over_1m", rng.choice([0] * 6 + [1, 2]), "台（套）")
        out.say(
            f"截至{date}，{a.dept.name}共有车辆{out.count('vehicles_count', a.vehicles_count, '辆')}，其中：{fleet}。"
            f"单价100万元（含）以上设备（不含车辆）{equipment}。"
        )
