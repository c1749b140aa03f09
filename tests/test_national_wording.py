"""The national template's 情况说明 wording (shared/reference), filled in by hand
with numbers: one test per wording family, read by the same rules as every
region (``configs/rules``).  Each paragraph below is the template's sentence
with its XXX replaced, one paragraph per line."""

# ruff: noqa: E501 -- the template's sentences are kept whole, one paragraph per line

from __future__ import annotations

import re

import pytest

from pipeline.model import Document, DocumentInfo
from pipeline.records import extract
from tests.builders import paragraph_from_text

INFO = DocumentInfo(doc_id="sha256:test", file="test.pdf", pages=1, page_sources=["text"])

FILLED = """\
上海市XX局2024年度部门决算
第三部分 上海市XX局2024年度部门决算情况说明
一、收入支出决算总体情况说明
上海市XX局2024年度收入支出总计2,961.68万元。与2023年度相比，收入支出总计减少230.18万元，下降7.21%。主要原因：本年信息化项目完成验收，支出减少。
二、收入决算情况说明
本年收入合计2,900.00万元，其中：财政拨款收入2,861.68万元，占98.68%；事业收入38.32万元，占1.32%。
三、支出决算情况说明
本年支出合计2,950.00万元，其中：基本支出930.09万元，占31.53%；项目支出2,019.91万元，占68.47%。
四、财政拨款收入支出决算总体情况说明
上海市XX局2024年度财政拨款收入支出总计2,900.10万元。与2023年度相比，财政拨款收入支出总计持平。
五、一般公共预算财政拨款支出决算情况说明
（一）一般公共预算财政拨款支出决算总体情况
一般公共预算财政拨款支出2,800.00万元，占本年支出合计的94.92%。与2023年度相比，一般公共预算财政拨款支出增加100.00万元，增长3.70%。主要原因：年中追加人员经费。
（二）一般公共预算财政拨款支出决算结构情况
一般公共预算财政拨款支出2,800.00万元，主要用于以下方面：一般公共服务支出（类）2,100.00万元，占75.00%；科学技术支出（类）700.00万元，占25.00%。
（三）一般公共预算财政拨款支出决算具体情况
一般公共预算财政拨款支出年初预算为2,600.00万元，支出决算为2,800.00万元，完成年初预算的107.69%。决算数大于预算数的主要原因：年中追加经费。其中：
1、一般公共服务支出（类）政府办公厅（室）及相关机构事务（款）行政运行（项）。主要用于：保障机关正常运转。年初预算为2,000.00万元，支出决算为2,100.00万元，完成年初预算的105.00%。决算数大于预算数的主要原因：一、在职人员增资；
二、追加职业年金。
2、科学技术支出（类）其他科学技术支出（款）其他科学技术支出（项）。主要用于：开展科技普及活动。年初预算为600.00万元，支出决算为700.00万元，完成年初预算的116.67%。决算数大于预算数的主要原因：年中追加科普经费。
六、一般公共预算财政拨款基本支出决算情况说明
一般公共预算财政拨款基本支出900.00万元。其中：人员经费800.00万元，主要包括：基本工资、津贴补贴、奖金；公用经费100.00万元，主要包括：办公费、印刷费。
七、财政拨款“三公”经费支出决算情况说明
（一）“三公”经费财政拨款支出决算总体情况说明。
“三公”经费财政拨款支出年初预算为12.00万元，支出决算为10.50万元，完成预算的87.50%，其中：因公出国（境）费决算为0.00万元，完成预算的0.00%；公务用车购置及运行维护费支出决算为8.00万元，完成预算的88.89%；公务接待费支出决算为2.50万元，完成预算的83.33%。2024年度“三公”经费支出决算数小于预算数的主要原因：厉行节约。
2024年度“三公”经费财政拨款支出决算数比2023年度减少1.50万元，下降12.50%。
（二）“三公”经费财政拨款支出决算具体情况说明。
2、公务用车购置及运行维护费支出8.00万元。其中：公务用车购置支出为0.00万元。公务用车运行维护支出8.00万元，主要用于车辆加油、维修。2024年，上海市XX局公务用车保有量为3辆。
3、公务接待费支出2.50万元。全年安排国内公务接待12批次、60人次。
八、政府性基金预算财政拨款收入支出决算情况说明
政府性基金预算财政拨款收入50.00万元，支出48.00万元，支出具体情况如下：
九、国有资本经营预算财政拨款收入支出决算情况说明
上海市XX局2024年度无国有资本经营预算财政拨款收入和支出。
十、预算绩效管理情况
上海市XX局2024年度预算绩效管理工作开展情况如下：绩效自评的2024年度项目5个，涉及预算金额1,200.00万元，平均得分92分。
十一、其他重要事项的情况说明
（一）机关运行经费支出情况
机关运行经费支出1,234,500.00元，比2023年度增加23,400.00元，增长1.93%。主要原因是办公用房维修。
（二）政府采购支出情况
上海市XX局2024年度政府采购金额（以合同签订为准）为300.00万元，其中：货物采购金额100.00万元、工程采购金额150.00万元、服务采购金额50.00万元。
（三）国有资产占有使用情况说明
截至2024年12月31日，上海市XX局共有车辆3辆，其中：部级领导干部用车0辆、主要领导干部用车0辆、机要通信用车0辆、应急保障用车0辆、执法执勤用车0辆、特种专业技术用车0辆、离退休干部用车0辆、其他用车3辆。单价100万元（含）以上设备（不含车辆）2台（套）。
"""


# A heading line: a marker, no closing punctuation (the reading stage tells
# headings by their font; a reason's "二、…。" part is body text).
HEADING = re.compile(r"^(第.部分|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)[^。；：]*$")


@pytest.fixture(scope="module")
def document() -> Document:
    lines = FILLED.splitlines()
    paragraphs = [paragraph_from_text(lines[0], kind="title")]
    paragraphs += [paragraph_from_text(line, kind="heading" if HEADING.match(line) else "text") for line in lines[1:]]
    return extract(paragraphs, [], INFO)


def _figures(document: Document) -> dict[str, object]:
    return {f.key: f.value for f in document.figures}


@pytest.mark.parametrize(
    ("family", "expected"),
    [
        ("收入支出总计 … 与2023年度相比 … 减少 … 下降", {"income_total": "2961.68", "expenditure_total": "2961.68",
                                                     "total_change": "-230.18", "total_growth_pct": "-7.21"}),
        ("本年收入合计 … 其中：财政拨款收入 …，占 …", {"income_year": "2900.00", "fiscal_income": "2861.68", "business_income": "38.32"}),
        ("本年支出合计 … 其中：基本支出 …", {"expenditure_year": "2950.00", "basic_expenditure": "930.09", "project_expenditure": "2019.91"}),
        ("财政拨款收入支出总计 … 持平", {"fiscal_total": "2900.10", "fiscal_change": "0.00", "fiscal_growth_pct": "0.00"}),
        ("一般公共预算财政拨款支出 … 与2023年度相比 … 增加", {"general_expenditure": "2800.00", "general_share_pct": "94.92",
                                                     "general_change": "100.00", "general_growth_pct": "3.70",
                                                     "general_budget_initial": "2600.00"}),
        ("基本支出 … 人员经费 … 公用经费", {"general_basic_expenditure": "900.00", "personnel_expenditure": "800.00", "public_expenditure": "100.00"}),
        ("“三公”经费财政拨款支出年初预算为 … 支出决算为", {"three_public_budget": "12.00", "three_public_total": "10.50",
                                                   "overseas_expenditure": "0.00", "vehicle_total_expenditure": "8.00",
                                                   "reception_expenditure": "2.50", "three_public_change": "-1.50",
                                                   "three_public_growth_pct": "-12.50"}),
        ("公务用车购置支出为 … 保有量为 … 国内公务接待", {"vehicle_purchase_expenditure": "0.00", "vehicle_operation_expenditure": "8.00",
                                                "vehicles_held": 3, "reception_batches": 12, "reception_visitors": 60}),
        ("政府性基金预算财政拨款收入 …，支出 …", {"fund_expenditure_year": "48.00"}),
        ("绩效自评的 … 项目 N 个，涉及预算金额", {"perf_projects": 5, "perf_budget": "1200.00"}),
        ("机关运行经费支出 … 元", {"admin_operating_expenditure": "123.45"}),
        ("政府采购金额（以合同签订为准）为 …", {"procurement_total": "300.00", "procurement_goods": "100.00",
                                          "procurement_works": "150.00", "procurement_services": "50.00"}),
        ("共有车辆 N 辆 … 设备 N 台（套）", {"vehicles_count": 3, "equipment_over_1m": 2}),
    ],
)
def test_wording_family(document: Document, family: str, expected: dict[str, object]) -> None:
    read = _figures(document)
    assert {key: read.get(key) for key in expected} == expected, family


def test_class_totals_listed_after_主要用于以下方面(document: Document) -> None:
    assert [(c.lei.value, c.amount.value, c.share_pct.value) for c in document.class_totals] == [
        ("一般公共服务支出", "2100.00", "75.00"), ("科学技术支出", "700.00", "25.00")]


def test_items_with_budget_and_completion(document: Document) -> None:
    first = document.expenditure_items[0]
    assert (first.xiang.value, first.amount.value, first.initial_budget.value, first.completion_pct.value) == (
        "行政运行", "2100.00", "2000.00", "105.00")
    assert first.change.value is None and first.growth_pct.value is None


def test_a_reason_in_numbered_paragraphs_is_read_whole(document: Document) -> None:
    assert document.expenditure_items[0].reason.value == "一、在职人员增资；二、追加职业年金"


def test_kuan_and_xiang_of_the_same_name(document: Document) -> None:
    item = document.expenditure_items[1]
    assert (item.lei.value, item.kuan.value, item.xiang.value) == ("科学技术支出", "其他科学技术支出", "其他科学技术支出")
    assert item.amount.value == "700.00"
