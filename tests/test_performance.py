"""Performance records from 绩效自评表 grids rebuilt from the seeds' rows.

The seeds give the tables as tab-separated rows; here they are written
with their true merged cells (``<``: covered by the cell to the left,
``^``: covered by the cell above).
"""

from __future__ import annotations

import pytest

from pipeline.model import DocumentInfo, Performance, Table
from pipeline.records import extract
from tests.builders import table_from_grid

INFO = DocumentInfo(doc_id="sha256:test", file="test.pdf", pages=1, page_sources=["text"])
L, U = "<", "^"

NAME_000 = "乌鲁木齐市特殊困难老年人家庭适老化改造项目"
GOAL_000 = (
    "为户籍地为天山区、沙依巴克区、高新区（新市区）、水磨沟区、经开区（头屯河区）、米东区的 67 户特殊困难老年人家庭"
    "进行居家适老化改造，切实改善其家庭居住条件，提升居家养老品质"
)
ACTUAL_000 = (
    "根据服务对象“一户一策”改造需求、改造成本测算，实际改造对象为 98 户，截至目前，中标单位已完成 98 户适老化改造任务。"
)

# Seed 000, first 项目支出绩效自评表.
ROWS_000 = [
    ["项目名称", NAME_000, L, L, L, L, L, L, L],
    ["主管部门", "乌鲁木齐市民政局", L, "实施单位", "乌鲁木齐市民政局", L, L, L, L],
    ["项目资金 (万元)", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分", ""],
    [U, "年度资金总额", "24.00", "24.00", "24.00", "10", "100.00%", "10.00 分", ""],
    [U, "其中：当年财政拨款", "24.00", "24.00", "24.00", "—", "—", "—", ""],
    [U, "其他资金", "0.00", "0.00", "0.00", "—", "—", "—", ""],
    ["年度总体 目标", "预期目标", L, L, "实际完成情况", L, L, L, L],
    [U, GOAL_000, L, L, ACTUAL_000, L, L, L, L],
    [
        "年度绩效 指标完成 情况",
        "一级指标",
        "二级指标",
        "三级指标",
        "年度指标值",
        "实际完成值",
        "分值",
        "得分",
        "偏差原因分析及改进措施",
    ],
    [
        U,
        "产出指标",
        "数量指标",
        "适老化改造服务对象",
        ">=67 户",
        "=98 户",
        "10",
        "10",
        "按照实际摸排需求进行适老化改造，改造人数较预计数量增多，产生差异。",
    ],
    [
        U,
        U,
        "质量指标",
        "项目验收合格率",
        ">=90%",
        "=100%",
        "10",
        "10",
        "项目经第三方验收，验收合格率达到 100%，较预期产生差异。",
    ],
    [U, U, "时效指标", "项目完成时间", "<=1 年", "=0.17 年", "10", "10", ""],
    [U, U, U, "项目按时开工率", ">=90%", "=100%", "10", "10", "项目在合同签订后及时开工，开工率达到 100%，产生差异。"],
    [
        U,
        "成本指标",
        "经济成本指标",
        "适老化改造补助标准",
        "<=3500 元/户",
        "=2448.98 元/户",
        "20",
        "13.99",
        "按照实际支出金额除以改造户数计算平均值，改造户数增加，每户平均支出减少。",
    ],
    [U, "效益指标", "社会效益指标", "特殊困难老年人居家环境", "有效改善", "完全达到预期效果", "20", "20", ""],
    [
        U,
        "满意度指标",
        "满意度指标",
        "受益对象满意度",
        ">=90%",
        "=100%",
        "10",
        "10",
        "根据验收对改造对象的满意度调查，满意率达到 100%，产生差异。",
    ],
    ["总分", L, L, L, L, L, "100", "93.99 分", ""],
]

EXPECTED_INDICATORS_000 = [
    ("产出指标", "数量指标", "适老化改造服务对象", ">=67 户", "=98 户", "10.00", "10.00"),
    ("产出指标", "质量指标", "项目验收合格率", ">=90%", "=100%", "10.00", "10.00"),
    ("产出指标", "时效指标", "项目完成时间", "<=1 年", "=0.17 年", "10.00", "10.00"),
    ("产出指标", "时效指标", "项目按时开工率", ">=90%", "=100%", "10.00", "10.00"),
    ("成本指标", "经济成本指标", "适老化改造补助标准", "<=3500 元/户", "=2448.98 元/户", "20.00", "13.99"),
    ("效益指标", "社会效益指标", "特殊困难老年人居家环境", "有效改善", "完全达到预期效果", "20.00", "20.00"),
    ("满意度指标", "满意度指标", "受益对象满意度", ">=90%", "=100%", "10.00", "10.00"),
]

# Seed 002, 部门整体支出绩效自评表 as OCR read it: numbers and labels split by spaces.
ROWS_002 = [
    ["部门名称", "乌鲁木齐市人力资源和社会保障局(部门)", L, L, L, L, L, L],
    ["部门资金(万 元)", "资金来源", "年初预算数", "全年预算数", "全年执行数", "分值权重", "执行率", "得分"],
    [U, "年度总资金", "25, 169. 42", "32, 312. 49", "32, 221. 61", "10", "99. 72%", "9. 97"],
    [U, "上级资金(万元)", "5, 122. 43", "10, 955. 41", "10, 955. 41", "-", "-", "-"],
    ["年度总体目标", "预期目标", L, L, "实际完成目标", L, L, L],
    [U, "紧贴工作总基调", L, L, "坚持就业优先", L, L, L],
    ["一级指标", "二级指标", "三级指标", "预期指标值", "指标值设定 依据", "实际完成指 标值", "分值权重", "得分"],
    ["履职效能", "数量指标", "城镇新增就 业人数(万 人)", ">=10 万人", "自治区就业 工作要点", "10. 21 万人", "25", "25"],
    [U, U, "区属应届普通高校毕业生就业去向落实率(%)", ">=90%", "自治区就业工作要点", "93. 79%", "20", "20"],
]


def records(*tables: Table) -> list[Performance]:
    return extract([], list(tables), INFO).performance


def test_project_table_of_seed_000() -> None:
    [record] = records(table_from_grid(ROWS_000, page=5))
    assert record.scope == "project"
    assert (record.name.value, record.supervisor.value, record.implementer.value) == (
        NAME_000,
        "乌鲁木齐市民政局",
        "乌鲁木齐市民政局",
    )
    funds = [
        (
            f.label.value,
            f.initial_budget.value,
            f.annual_budget.value,
            f.executed.value,
            f.weight.value,
            f.execution_rate.value,
            f.score.value,
        )
        for f in record.funds
    ]
    assert funds == [
        ("年度资金总额", "24.00", "24.00", "24.00", "10.00", "100.00", "10.00"),
        ("其中：当年财政拨款", "24.00", "24.00", "24.00", None, None, None),
        ("其他资金", "0.00", "0.00", "0.00", None, None, None),
    ]
    assert record.goal_expected.value == GOAL_000.replace(" ", "")
    assert record.goal_actual.value == ACTUAL_000.replace(" ", "").rstrip("。")
    indicators = [
        (i.level1.value, i.level2.value, i.level3.value, i.target.value, i.actual.value, i.weight.value, i.score.value)
        for i in record.indicators
    ]
    assert indicators == EXPECTED_INDICATORS_000
    assert (
        record.indicators[0].deviation_reason.value
        == "按照实际摸排需求进行适老化改造，改造人数较预计数量增多，产生差异"
    )
    assert record.indicators[2].deviation_reason.value is None
    assert (record.total_score.value, record.total_score.source, record.total_score.page) == ("93.99", "93.99 分", 5)


@pytest.mark.parametrize("misread", ["分", "总分八"])
def test_a_total_row_with_its_label_misread_is_still_the_total(misread: str) -> None:
    """The 总分 row's one label cell spans 一级指标 to 实际完成值, as no
    indicator's does: the row is the total however its short label reads."""
    rows = [[misread if text == "总分" else text for text in cells] for cells in ROWS_000]
    [record] = records(table_from_grid(rows))
    assert len(record.indicators) == len(EXPECTED_INDICATORS_000)
    assert record.total_score.value == "93.99"


def test_levels_carried_down_when_the_grid_has_no_spans() -> None:
    flat = [
        [("" if text in (L, U) and col in (1, 2) and row > 8 else text) for col, text in enumerate(cells)]
        for row, cells in enumerate(ROWS_000)
    ]
    [record] = records(table_from_grid(flat))
    assert [(i.level1.value, i.level2.value) for i in record.indicators] == [
        (level1, level2) for level1, level2, *_ in EXPECTED_INDICATORS_000
    ]
    assert record.indicators[1].level1.confidence < record.indicators[0].level1.confidence


def test_overall_table_read_by_its_header_labels() -> None:
    [record] = records(table_from_grid(ROWS_002))
    assert (record.scope, record.name.value, record.supervisor.value) == (
        "overall",
        "乌鲁木齐市人力资源和社会保障局(部门)",
        None,
    )
    first = record.funds[0]
    assert (first.label.value, first.initial_budget.value, first.annual_budget.value, first.executed.value) == (
        "年度总资金",
        "25169.42",
        "32312.49",
        "32221.61",
    )
    assert (first.weight.value, first.execution_rate.value, first.score.value) == ("10.00", "99.72", "9.97")
    assert first.initial_budget.confidence < 1.0  # "25, 169. 42" needed repair
    assert record.funds[1].weight.value is None
    assert (record.goal_expected.value, record.goal_actual.value) == ("紧贴工作总基调", "坚持就业优先")
    first_indicator = record.indicators[0]
    assert (first_indicator.level3.value, first_indicator.target.value, first_indicator.actual.value) == (
        "城镇新增就业人数(万人)",
        ">=10 万人",
        "10.21 万人",
    )
    assert first_indicator.deviation_reason.value is None
    assert record.indicators[1].level1.value == "履职效能"
    assert record.total_score.value is None


def test_tables_that_are_not_performance_tables_are_ignored() -> None:
    budget_table = table_from_grid([["项目", "金额"], ["财政拨款收入", "3,067.19"]])
    assert records(budget_table) == []


def _split_at(rows: list[list[str]], at: int, shift: float) -> tuple[Table, Table]:
    """The form cut by a page break before row ``at``; the rest lies ``shift``
    points to the right on its page and has no header of its own."""
    first = table_from_grid(rows[:at], page=5)
    rest = table_from_grid([[text if text != U else "" for text in row] for row in rows[at:]], page=6)
    for cell in rest.cells:
        cell.bbox = (cell.bbox[0] + shift, cell.bbox[1], cell.bbox[2] + shift, cell.bbox[3])
    return first, rest


def test_a_rest_left_apart_takes_the_column_roles_of_the_form_before() -> None:
    """Text stood between the parts, so stitching kept them apart: the rest,
    without header or name, still reads as the form's last indicator rows."""
    first, rest = _split_at(ROWS_000, 12, shift=60.0)
    document = extract([], [first, rest], INFO)
    [record] = document.performance
    assert [i.level3.value for i in record.indicators] == [row[2] for row in EXPECTED_INDICATORS_000]
    assert record.total_score.value == "93.99" and record.total_score.page == 6
    [table] = document.tables
    assert (table.pages, table.record, table.status) == ([5, 6], "performance[0]", "auto")


def test_a_table_read_into_no_record_goes_to_review_with_its_page_and_box() -> None:
    budget_table = table_from_grid([["项目", "金额"], ["财政拨款收入", "3,067.19"]], page=3)
    form = table_from_grid(ROWS_000, page=5)
    document = extract([], [budget_table, form], INFO)
    unplaced, placed = document.tables
    assert (unplaced.page, unplaced.status, unplaced.record) == (3, "review", None)
    assert unplaced.bbox == list(budget_table.bbox)
    assert (placed.status, placed.record) == ("auto", "performance[0]")


def test_a_complete_form_takes_no_rest() -> None:
    """A form that reached its 总分 row is whole: a header-less table on the
    next page is something else, and goes to review on its own."""
    form = table_from_grid(ROWS_000, page=5)
    other = table_from_grid([["财政拨款收入", "3,067.19"], ["其他收入", "0.00"]], page=6)
    document = extract([], [form, other], INFO)
    assert [t.status for t in document.tables] == ["auto", "review"]
    assert len(document.performance[0].indicators) == len(EXPECTED_INDICATORS_000)


HEADER_000 = 8  # the indicator header row of ROWS_000


def test_a_header_cell_cut_off_its_row_by_a_spurious_rule_still_names_its_column() -> None:
    header = ROWS_000[HEADER_000]
    cut = [header[0], "", *header[2:]]
    below = [U, header[1], *([""] * (len(header) - 2))]
    rows = [*ROWS_000[:HEADER_000], cut, below, *ROWS_000[HEADER_000 + 1 :]]
    [record] = records(table_from_grid(rows))
    assert [i.level3.value for i in record.indicators] == [row[2] for row in EXPECTED_INDICATORS_000]
    assert record.indicators[0].level1.value == "产出指标"


def test_a_row_split_in_two_is_one_indicator_and_keeps_the_level_that_fell_below() -> None:
    """成本指标's row (index 13) cut by a crease: its level1 label below the cut,
    the other cells spanning both parts."""
    cost = ROWS_000[13]
    top = [cost[0], "", *cost[2:]]
    below = [U, cost[1], *([U] * (len(cost) - 2))]
    rows = [*ROWS_000[:13], top, below, *ROWS_000[14:]]
    [record] = records(table_from_grid(rows))
    assert [(i.level1.value, i.level3.value) for i in record.indicators] == [
        (level1, level3) for level1, _, level3, *_ in EXPECTED_INDICATORS_000
    ]


def test_a_table_too_narrow_to_be_a_forms_rest_is_not_joined_to_it() -> None:
    """A form whose 总分 the scan lost, then a two-column budget table on the
    next page: that table is not the form's rest, and goes to review."""
    no_total = table_from_grid(ROWS_000[:-1], page=5)
    budget = table_from_grid([["项目", "金额"], ["财政拨款收入", "3,067.19"]], page=6)
    document = extract([], [no_total, budget], INFO)
    assert [i.level3.value for i in document.performance[0].indicators][-1] == "受益对象满意度"
    assert [t.status for t in document.tables] == ["auto", "review"]


def test_a_rest_whose_columns_drifted_is_put_on_the_forms_columns() -> None:
    first, rest = _split_at(ROWS_000, 12, shift=0.0)
    for cell in rest.cells:  # the rest's inner boundaries sit 3 % of the width further right
        x0, y0, x1, y1 = cell.bbox
        width = rest.bbox[2] - rest.bbox[0]
        cell.bbox = (x0 + (0.03 * width if cell.col else 0), y0, x1 + (0.03 * width if cell.col < 8 else 0), y1)
    [record] = extract([], [first, rest], INFO).performance
    assert [(i.level3.value, i.target.value) for i in record.indicators][3:] == [
        (level3, target) for _, _, level3, target, *_ in EXPECTED_INDICATORS_000[3:]
    ]
