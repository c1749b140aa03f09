"""OCR damage repaired before the rules, never silently (docs/ocr-damage.md).

The damaged strings are copied from what rapidocr read off scanned corpus
pages (``benchmarks/ocr_damage.py``) and from the real scan of seed 002.
"""

# ruff: noqa: E501 -- OCR lines are kept whole, one paragraph per line

from __future__ import annotations

import pytest

from pipeline import normalize
from pipeline.model import Document, DocumentInfo, Figure
from pipeline.records import extract
from tests.builders import paragraphs_from_text, table_from_grid

INFO = DocumentInfo(doc_id="sha256:test", file="test.pdf", pages=1, page_sources=["ocr"])
REVIEW_THRESHOLD = 0.95  # configs/default.yaml: below it a field waits for a person

HEADINGS = "第二部分 部门决算情况说明\n一、收入支出决算总体情况说明\n"


def run(text: str) -> Document:
    return extract(paragraphs_from_text(text), [], INFO)


def figure(text: str, key: str) -> Figure:
    return next(f for f in run(HEADINGS + text).figures if f.key == key)


# --------------------------------------------------------------------------
# Values: normalize
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("0:00", "0.00"),  # 200dpi-seal-skew-noise: "出0:00万元，占0.00%"
        ("6395:02", "6395.02"),  # 150dpi-jpeg: "支出决算数为6395:02万元"
        ("3,369。63", "3369.63"),
        ("O.00", "0.00"),
        ("l0.5", "10.50"),
        ("1O0.00", "100.00"),
    ],
)
def test_misread_characters_in_numbers(raw: str, value: str) -> None:
    assert normalize.amount(raw) == normalize.Normalized(value, repaired=True, misread=True)


def test_a_score_cell_read_with_a_letter() -> None:
    # 200dpi-seal-skew-noise: "申请专利数量 >=86件 =86件 10 10" read "...10i0".
    assert normalize.fund_cell("i0") == normalize.Normalized("10.00", repaired=True, misread=True)


def test_seed_002_spaces_inside_numbers() -> None:
    assert normalize.amount("25, 169. 42") == normalize.Normalized("25169.42", repaired=True)
    assert normalize.signed_percentage("1,210. 67", "增长") == normalize.Normalized("1210.67", repaired=True)


@pytest.mark.parametrize("raw", ["3,36", "3369,63", "55.84.55.84", ".99"])
def test_a_number_with_another_reading_is_doubtful(raw: str) -> None:
    # Commas not grouping three digits, two points, a leading point: the
    # literal value is kept, and marked for review rather than guessed.
    result = normalize.amount(raw)
    assert result.value is not None
    assert result.doubtful


@pytest.mark.parametrize("raw", ["ISO9001", "Windows 10"])
def test_letters_of_words_are_not_digits(raw: str) -> None:
    assert normalize.mend_digits(raw) == raw


@pytest.mark.parametrize("raw", ["=", "___", "一一一", "——•=", "•"])
def test_dash_cells_as_ocr_reads_them_are_empty(raw: str) -> None:
    # "— — —" fund cells of 自评表 scans, and seed 002's "预期目标 • 实际完成情况".
    assert normalize.fund_cell(raw) == normalize.Normalized(None)
    assert normalize.indicator_value(raw).value is None


def test_mixed_bracket_pair_is_made_full_width() -> None:
    # 300dpi-clean: "库尔勒市水务局（本级）" read "库尔勒市水务局(本级）".
    assert normalize.text("库尔勒市水务局(本级）") == normalize.Normalized("库尔勒市水务局（本级）", repaired=True)
    # Both halves ASCII: nothing tells which width was printed; kept as read.
    assert normalize.text("乌鲁木齐市人力资源和社会保障局(汇总)") == normalize.Normalized(
        "乌鲁木齐市人力资源和社会保障局(汇总)", repaired=False
    )


def test_stray_marks_are_dropped_from_text() -> None:
    assert normalize.text("•预期目标") == normalize.Normalized("预期目标", repaired=True)
    assert normalize.text("阿不都·热合曼") == normalize.Normalized("阿不都·热合曼", repaired=False)


def test_indicator_value_with_a_letter_for_a_digit() -> None:
    assert normalize.indicator_value(">=9O%") == normalize.Normalized(">=90%", repaired=True, misread=True)
    assert normalize.indicator_value("9:00前").value == "9:00 前"  # a time, not a misread point


# --------------------------------------------------------------------------
# Fields: the repair shows in the confidence
# --------------------------------------------------------------------------


def test_exact_reading_keeps_full_confidence() -> None:
    clean = figure("2024 年度收入总计 6395.02 万元。", "income_total")
    assert (clean.value, clean.confidence) == ("6395.02", 1.0)


def test_repaired_figures_are_less_sure_the_more_was_mended() -> None:
    spaced = figure("2024 年度收入总计 25, 169. 42 万元。", "income_total")
    misread = figure("2024 年度收入总计 6395:02 万元。", "income_total")
    assert (spaced.value, misread.value) == ("25169.42", "6395.02")
    assert 1.0 > spaced.confidence > misread.confidence


def test_a_doubtful_figure_goes_to_review() -> None:
    doubtful = figure("2024 年度收入总计 3,36 万元。", "income_total")
    assert doubtful.confidence < REVIEW_THRESHOLD / 1.5


def test_a_stray_mark_before_a_value_is_skipped_and_shown() -> None:
    # 150dpi-jpeg: "年末结转和结余0.00万元,本年支出·0.00万元。"
    text = "三、支出决算情况说明\n年末结转和结余0.00万元,本年支出·0.00万元。"
    stated = figure(text, "expenditure_year")
    assert (stated.value, stated.source) == ("0.00", "本年支出·0.00万元")
    assert stated.confidence < 1.0


def test_ocr_damaged_item() -> None:
    text = (
        "第二部分 部门决算情况说明\n五、一般公共预算财政拨款支出决算情况说明\n（三）一般公共预算财政拨款支出决算具体情况\n"
        "4.农林水支出(类)水利(款)水利工程建设(项):支出决算数为6395:02万元，比上年决算增加 O.00 万元，增长 0.00%，主要原因是：本年增加。"
    )
    item = run(text).expenditure_items[0]
    assert (item.amount.value, item.change.value, item.growth_pct.value) == ("6395.02", "0.00", "0.00")
    assert item.amount.confidence < 1.0 and item.change.confidence < 1.0
    assert item.growth_pct.confidence == 1.0


def test_department_read_with_a_mixed_bracket_pair() -> None:
    document = run("库尔勒市水务局(本级）2024年度部门决算公开说明")
    department = document.document.department
    assert department.value == "库尔勒市水务局（本级）"
    assert department.confidence < 1.0


def test_performance_cells_as_ocr_reads_them() -> None:
    table = table_from_grid(
        [
            ["项目名称", "就业补助", "<", "<", "<", "<", "<"],
            ["项目资金（万元）", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
            ["年度资金总额", "55.84", "55.84", "55.84", "10", "100.00%", "10.00分"],
            ["上级资金", "18.17", "18.17", "18.17", "=", "___", "一一"],
            ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
            ["产出指标", "数量指标", "申请专利数量", ">=86件", "=86件", "10", "i0"],
            ["总分", "<", "<", "<", "<", "100", "92.21"],
        ]
    )
    record = extract([], [table], INFO).performance[0]
    funds = record.funds[1]
    assert (funds.weight.value, funds.execution_rate.value, funds.score.value) == (None, None, None)
    indicator = record.indicators[0]
    assert (indicator.weight.value, indicator.score.value) == ("10.00", "10.00")
    assert indicator.score.confidence < indicator.weight.confidence == 1.0


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("173.元/吨", "173 元/吨"),
        ("=100%.", "=100%"),
        ("基本达到.预期效果", "基本达到预期效果"),
        ("完全达到预期效果.", "完全达到预期效果"),
    ],
)
def test_a_stray_point_in_an_indicator_value_is_dropped_and_shown(raw: str, value: str) -> None:
    # A speck read as "." where no point is written: never at full confidence.
    assert normalize.indicator_value(raw) == normalize.Normalized(value, repaired=True)
    assert normalize.indicator_value(">=10.5%") == normalize.Normalized(">=10.5%")


def test_labels_with_specks_still_find_columns_and_the_total_row() -> None:
    table = table_from_grid(
        [
            ["项目名称", "就业补助", "<", "<", "<", "<", "<"],
            ["一级指标", "二级指标", "三级指标", "年度指标.值", "•实际完成值", "分值", "得分"],
            ["产出指标", "数量指标", "申请专利数量", ">=86件", "=86件", "10", "10"],
            ["总分.", "<", "<", "<", "<", "100", "92.21"],
        ]
    )
    record = extract([], [table], INFO).performance[0]
    assert [(i.target.value, i.actual.value) for i in record.indicators] == [(">=86 件", "=86 件")]
    assert record.total_score.value == "92.21"
