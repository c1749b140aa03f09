"""The reference template (shared/reference) filled in by hand: its 情况说明
sentences with numbers (tests/test_national_wording.py) after two of its
tables, 收入支出决算总表 and 支出决算表, filled to agree, rendered as a PDF and
read end to end."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.model import Document
from tests.corpus.generate import write_report
from tests.corpus.spec import CellSpec, GridTable, Heading, PageBreak, Para, ReportSpec
from tests.test_national_wording import FILLED, HEADING


def _cells(*texts: str) -> list[CellSpec | None]:
    return [CellSpec(t, align="left" if i == 0 else "right") for i, t in enumerate(texts)]


SUMMARY = GridTable(
    rows=[
        [CellSpec("收入", colspan=2), None, CellSpec("支出", colspan=2), None],
        [CellSpec("项目"), CellSpec("决算数"), CellSpec("项目"), CellSpec("决算数")],
        _cells("一、一般公共预算财政拨款收入", "2,811.68", "一、一般公共服务支出", "2,202.00"),
        _cells("二、政府性基金预算财政拨款收入", "50.00", "六、科学技术支出", "700.00"),
        _cells("五、事业收入", "38.32", "二十三、其他支出", "48.00"),
        _cells("本年收入合计", "2,900.00", "本年支出合计", "2,950.00"),
        _cells("使用非财政拨款结余", "0.00", "结余分配", "0.00"),
        _cells("年初结转和结余", "61.68", "年末结转和结余", "11.68"),
        _cells("总计", "2,961.68", "总计", "2,961.68"),
    ],
    col_widths=[3.2, 1.5, 3.2, 1.5],
    title="收入支出决算总表",
    unit="单位：万元",
)
SPENDING = GridTable(
    rows=[
        [
            CellSpec("项目", colspan=2),
            None,
            CellSpec("本年支出合计", rowspan=2),
            CellSpec("基本支出", rowspan=2),
            CellSpec("项目支出", rowspan=2),
        ],
        [CellSpec("功能分类科目编码"), CellSpec("科目名称"), None, None, None],
        [CellSpec("合计", colspan=2), None, *_cells("2,950.00", "930.09", "2,019.91")[0:3]],
        _cells("201", "一般公共服务支出", "2,202.00", "930.09", "1,271.91"),
        _cells("20103", "政府办公厅（室）及相关机构事务", "2,202.00", "930.09", "1,271.91"),
        _cells("2010301", "行政运行", "2,202.00", "930.09", "1,271.91"),
        _cells("206", "科学技术支出", "700.00", "", "700.00"),
        _cells("20699", "其他科学技术支出", "700.00", "", "700.00"),
        _cells("2069999", "其他科学技术支出", "700.00", "", "700.00"),
        _cells("229", "其他支出", "48.00", "", "48.00"),
        _cells("22960", "彩票公益金安排的支出", "48.00", "", "48.00"),
        _cells("2296002", "用于社会福利的彩票公益金支出", "48.00", "", "48.00"),
    ],
    col_widths=[1.6, 3.2, 1.5, 1.5, 1.5],
    title="支出决算表",
    unit="单位：万元",
)


def filled_template() -> ReportSpec:
    lines = FILLED.splitlines()
    blocks = [
        Heading(lines[0], 0),
        Heading("第二部分 上海市XX局2024年度部门决算表"),
        PageBreak(),
        SUMMARY,
        Para("注：本表反映部门本年度的总收支和年末结转结余情况。"),
        PageBreak(),
        SPENDING,
        PageBreak(),
    ]
    blocks += [Heading(line) if HEADING.match(line) else Para(line) for line in lines[1:]]
    return ReportSpec("filled-template", blocks, {"name": "filled-template"})


@pytest.fixture(scope="module")
def document(tmp_path_factory, pipeline) -> Document:
    return pipeline.run(write_report(filled_template(), Path(tmp_path_factory.mktemp("filled"))))


def test_both_tables_are_statements(document: Document) -> None:
    assert [s.form for s in document.statements] == ["income_expenditure_summary", "expenditure"]
    spending = document.statements[1]
    assert [(r.code.value, r.level) for r in spending.rows][:4] == [
        (None, "total"),
        ("201", "lei"),
        ("20103", "kuan"),
        ("2010301", "xiang"),
    ]


def test_figures_agree_between_text_and_tables(document: Document) -> None:
    figures = {f.key: f for f in document.figures}
    assert figures["income_total"].value == "2961.68"
    assert {a.cell is not None for a in figures["income_total"].alternates} | {
        figures["income_total"].cell is not None
    } == {True, False}
    assert figures["nonfiscal_balance_used"].value == "0.00" and figures["nonfiscal_balance_used"].cell
    failed = [f"{c.id}: {c.message}" for c in document.checks if not c.passed]
    missing = "income, fiscal_summary, general_expenditure, general_basic, fund, capital, three_public"
    assert failed == [f"template.tables: missing: {missing}"]  # two of the nine printed: the rest is missing


def test_items_take_their_codes_from_the_table(document: Document) -> None:
    assert [item.code for item in document.expenditure_items] == ["2010301", "2069999"]
