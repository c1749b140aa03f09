"""Value normalisation (docs/truth-format.md), with values as the seeds write them."""

from __future__ import annotations

import pytest

from pipeline import normalize


@pytest.mark.parametrize(
    ("raw", "value", "repaired"),
    [
        ("25, 169. 42", "25169.42", True),  # seed 002 OCR
        ("1,000", "1000.00", False),
        ("3,369.63", "3369.63", False),
        ("0. 00", "0.00", True),
        ("-30.57", "-30.57", False),
        ("３，０６７．２２", "3067.22", False),  # full-width digits
        ("25", "25.00", False),
        ("3，369.63", "3369.63", True),  # a full-width comma among ASCII digits: OCR
        ("3369 .63", "3369.63", True),
    ],
)
def test_amount(raw: str, value: str, repaired: bool) -> None:
    assert normalize.amount(raw) == normalize.Normalized(value, repaired)


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("3,369。63", "3369.63"),
        ("O.00", "0.00"),
        ("l0.5", "10.50"),
        ("6395:02", "6395.02"),  # 150dpi-jpeg scan of the corpus
    ],
)
def test_amount_with_a_misread_character(raw: str, value: str) -> None:
    assert normalize.amount(raw) == normalize.Normalized(value, repaired=True, misread=True)


def test_percentage_and_count_with_a_misread_character() -> None:
    assert normalize.percentage("1O0.00%") == normalize.Normalized("100.00", repaired=True, misread=True)
    assert normalize.count("1O") == normalize.Normalized(10, repaired=True, misread=True)
    assert normalize.count("lO").value is None  # no digit at all: a word


def test_amount_with_another_reading_keeps_the_literal_value_as_doubtful() -> None:
    assert normalize.amount("3,36") == normalize.Normalized("336.00", doubtful=True)


def test_amount_in_yuan_is_converted_to_wan() -> None:
    assert normalize.amount("2448.98", unit="元").value == "0.24"
    assert normalize.amount("35,000", unit="元").value == "3.50"


def test_amount_without_a_number_is_none() -> None:
    assert normalize.amount("—").value is None


@pytest.mark.parametrize(
    ("raw", "word", "value"),
    [
        ("230.18", "减少", "-230.18"),
        ("0.44", "下降", "-0.44"),
        ("1.00", "降低", "-1.00"),
        ("144.00", "增加", "144.00"),
        ("0.00", "增加", "0.00"),
        ("7.14", "增长", "7.14"),
        ("2", "上升", "2.00"),
    ],
)
def test_signed_amount_takes_its_sign_from_the_wording(raw: str, word: str, value: str) -> None:
    assert normalize.signed_amount(raw, word).value == value


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("100%", "100.00"),
        ("0.001%", "0.001"),
        ("-30.57%", "-30.57"),
        ("99. 72%", "99.72"),
        ("1,210. 67", "1210.67"),
        ("99.8%", "99.80"),
    ],
)
def test_percentage_keeps_precision_with_at_least_two_decimals(raw: str, value: str) -> None:
    assert normalize.percentage(raw).value == value


def test_signed_percentage() -> None:
    assert normalize.signed_percentage("6.39", "下降") == normalize.Normalized("-6.39", False)
    assert normalize.signed_percentage("1,210. 67", "增长") == normalize.Normalized("1210.67", True)
    assert normalize.signed_percentage("100", "增长").value == "100.00"


def test_direction_sign_rejects_other_words() -> None:
    with pytest.raises(ValueError):
        normalize.direction_sign("持平")


def test_count_and_area() -> None:
    assert normalize.count("1,026") == normalize.Normalized(1026, False)
    assert normalize.count("94").value == 94
    assert normalize.count("2.5").value is None
    assert normalize.area("3,777.12").value == "3777.12"
    assert normalize.area("794").value == "794.00"


@pytest.mark.parametrize(
    ("raw", "value", "repaired"),
    [
        ("本年新增购置工作用电脑支出。", "本年新增购置工作用电脑支出", False),
        ("其他科学技术 支出", "其他科学技术支出", True),
        ("较 2023 年减少；", "较2023年减少", False),
        ("中国乌鲁木齐 SOS 儿童村", "中国乌鲁木齐SOS儿童村", False),
        ("乌鲁木齐市民政局（本级）", "乌鲁木齐市民政局（本级）", False),
        ("  ", None, False),
        ("库尔勒市水务局(本级）", "库尔勒市水务局（本级）", True),  # OCR: one half read as ASCII
        ("•预期目标", "预期目标", True),  # a scan speck
    ],
)
def test_text(raw: str, value: str | None, repaired: bool) -> None:
    assert normalize.text(raw) == normalize.Normalized(value, repaired)


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("科学技术支出(类)", "科学技术支出"),
        ("科学技术支出（类）", "科学技术支出"),
        ("行政运行(项)", "行政运行"),
        ("民政管理事务", "民政管理事务"),
    ],
)
def test_class_name_drops_its_marker(raw: str, value: str) -> None:
    assert normalize.class_name(raw).value == value


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        (">=67 户", ">=67 户"),
        ("≥67户", ">=67 户"),
        ("=2448.98 元/户", "=2448.98 元/户"),
        ("<=150 元/ 月/人", "<=150 元/月/人"),  # seed 000, wrapped in its cell
        (">= 90 %", ">=90%"),
        ("≤3500元/户", "<=3500 元/户"),
        ("＞＝80%", ">=80%"),
        ("有效改善", "有效改善"),
        ("2024 年 10 月 31 日前", "2024 年 10 月 31 日前"),
        ("10. 21 万人", "10.21 万人"),  # seed 002 OCR
        (">=9O%", ">=90%"),
        ("—", None),
    ],
)
def test_indicator_value(raw: str, value: str | None) -> None:
    assert normalize.indicator_value(raw).value == value


@pytest.mark.parametrize(
    ("raw", "value", "repaired"),
    [
        ("10.00 分", "10.00", False),
        ("99.42%", "99.42", False),
        ("10", "10.00", False),
        ("9. 97", "9.97", True),
        ("25, 169. 42", "25169.42", True),
        ("—", None, False),
        ("-", None, False),
        ("", None, False),
        ("／", None, False),
        ("=", None, False),  # "-" as a scan reads it
        ("一一", None, False),  # "——" likewise
        ("１０．００分", "10.00", False),
    ],
)
def test_fund_cell(raw: str, value: str | None, repaired: bool) -> None:
    assert normalize.fund_cell(raw) == normalize.Normalized(value, repaired)


def test_fold_keeps_length() -> None:
    text = "（一）２０２４年，增长１００％"
    assert len(normalize.fold(text)) == len(text)
    assert normalize.fold(text) == "(一)2024年,增长100%"


@pytest.mark.parametrize(("raw", "value"), [("16.037.61", "16037.61"), ("26.707.15", "26707.15"),
                                            ("1.234.567.89", "1234567.89")])
def test_thousands_commas_read_as_points_are_settled_but_flagged(raw: str, value: str) -> None:
    for read in (normalize.amount(raw), normalize.fund_cell(raw)):
        assert read.value == value and read.misread and not read.doubtful


def test_points_that_are_not_thousands_stay_doubtful() -> None:
    assert normalize.amount("55.84.55").doubtful
