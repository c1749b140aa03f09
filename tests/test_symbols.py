"""extract.symbols: marks a scan lost or bent, settled from the form's context."""

from __future__ import annotations

import pytest

from pipeline.model import Field, Indicator
from pipeline.records.rules import load_rules
from pipeline.records.symbols import doubt_lost_equals, settle

RULES = load_rules().performance.symbols


def _row(target: str, actual: str) -> Indicator:
    def field(value: str) -> Field:
        return Field(value=value, confidence=0.99, page=3, source=value)

    empty = Field()
    return Indicator(level1=empty, level2=empty, level3=field("指标"), target=field(target), actual=field(actual),
                     weight=empty, score=empty, deviation_reason=empty)


def _values(rows: list[Indicator]) -> list[tuple[str, str]]:
    return [(row.target.value, row.actual.value) for row in rows]


@pytest.mark.parametrize(
    ("target", "actual", "settled"),
    [
        (">=90%", "=96°", (">=90%", "=96%")),  # % read as °
        (">=90°", "=96%", (">=90%", "=96%")),
        (">=90%", "=100", (">=90%", "=100%")),  # % dropped
        ("<=184 元/月/人", "=135.77 元月/人", ("<=184 元/月/人", "=135.77 元/月/人")),  # a / dropped
        ("<=3500 元户", "=2448.98 元/户", ("<=3500 元/户", "=2448.98 元/户")),
    ],
)
def test_a_unit_bent_on_one_side_takes_the_other_sides(target: str, actual: str, settled: tuple[str, str]) -> None:
    rows = [_row(target, actual)]
    settle(rows, RULES)
    assert _values(rows) == [settled]
    changed = rows[0].target if rows[0].target.value != target else rows[0].actual
    assert changed.confidence < 0.95 and changed.source in (target, actual)


@pytest.mark.parametrize(
    ("target", "actual", "settled"),
    [
        ("<=1420 元人", "=1380 元人", ("<=1420 元/人", "=1380 元/人")),  # both sides lost it
        ("<=30 元人月", "", ("<=30 元/人/月", "")),  # no partner
        ("1000元生学期", "按时发放", ("1000元/生/学期", "按时发放")),  # written without a gap: kept so
    ],
)
def test_a_unit_forms_write_with_slashes_gets_them_back(target: str, actual: str, settled: tuple[str, str]) -> None:
    rows = [_row(target, actual)]
    settle(rows, RULES)
    assert _values(rows) == [settled]
    assert rows[0].target.confidence < 0.95 and rows[0].target.source == target


def test_a_unit_that_means_something_without_a_slash_or_keeps_one_stays() -> None:
    forms = [[_row(">=1200 人次", "=1350 人次"), _row("<=300 元/人月", "=280 元/人月")], [_row("=12 元月", "")]]
    for rows in forms:
        settle(rows, RULES)
    assert [_values(rows) for rows in forms] == [
        [(">=1200 人次", "=1350 人次"), ("<=300 元/人月", "=280 元/人月")],
        [("=12 元月", "")],
    ]
    assert all(row.target.confidence == 0.99 for rows in forms for row in rows)


def test_a_unit_its_partner_mended_is_not_charged_twice() -> None:
    rows = [_row("<=300 元/人月", "=280 元人月")]
    settle(rows, RULES)
    assert _values(rows) == [("<=300 元/人月", "=280 元/人月")]
    assert rows[0].actual.confidence == round(0.99 * RULES.repair_factor, 4)


def test_different_units_that_are_not_a_slip_stay() -> None:
    rows = [_row(">=67 户", "=98 人"), _row("有效改善", "完全达到预期效果")]
    settle(rows, RULES)
    assert _values(rows) == [(">=67 户", "=98 人"), ("有效改善", "完全达到预期效果")]
    assert all(row.actual.confidence == 0.99 for row in rows)


def test_an_actual_without_equals_in_a_form_that_writes_it_lost_it() -> None:
    rows = [_row(">=67 户", "=98 户"), _row(">=90%", "=100%"), _row("<=1 年", "=0.17 年"), _row(">=33 个", "33 个")]
    settle(rows, RULES)
    assert rows[3].actual.value == "=33 个" and rows[3].actual.confidence < 0.95


def test_a_form_that_writes_actuals_bare_is_left_bare() -> None:
    rows = [_row(">=67 户", "98 户"), _row(">=90%", "100%"), _row("<=1 年", "0.17 年"), _row(">=33 个", "=33 个")]
    settle(rows, RULES)
    assert [row.actual.value for row in rows] == ["98 户", "100%", "0.17 年", "=33 个"]


def test_bare_actuals_in_a_document_that_writes_equals_stay_but_are_doubted() -> None:
    """The first form kept one "=" of five, too few for its own habit; the
    document's other form shows the hand."""
    first = [_row(">=4 个", "=4 个"), _row(">=80%", "100%"), _row("<=1 年", "0.69 年"), _row("<=25 万元", "25 万元"),
             _row(">=90%", "100%")]  # fmt: skip
    second = [_row(">=2 个", "=2 个"), _row("<=575 万元", "548.57 万元")]
    for form in (first, second):
        settle(form, RULES)
    doubt_lost_equals([first, second], RULES)
    assert [row.actual.value for row in first] == ["=4 个", "100%", "0.69 年", "25 万元", "100%"]
    assert [row.actual.confidence < 0.9 for row in first + second] == [False, True, True, True, True, False, True]


def test_a_form_written_bare_throughout_is_not_doubted_beside_one_that_writes_equals() -> None:
    bare = [_row(">=67 户", "98 户"), _row(">=90%", "100%")]
    mixed = [_row(">=4 个", "=4 个"), _row(">=2 个", "=2 个"), _row(">=80%", "100%")]
    for form in (bare, mixed):
        settle(form, RULES)
    doubt_lost_equals([bare, mixed], RULES)
    assert [row.actual.confidence < 0.9 for row in bare + mixed] == [False, False, False, False, True]


def test_a_document_with_one_equals_actual_is_not_doubted() -> None:
    form = [_row(">=67 户", "98 户"), _row(">=90%", "100%"), _row(">=33 个", "=33 个")]
    settle(form, RULES)
    doubt_lost_equals([form], RULES)
    assert all(row.actual.confidence == 0.99 for row in form)


def test_a_strict_limit_among_inclusive_ones_stays_but_is_doubted() -> None:
    rows = [_row(">=67 户", "=98 户"), _row(">=90%", "=100%"), _row("<=1 年", "=0.17 年"), _row("<40 万元", "=38 万元")]
    settle(rows, RULES)
    assert rows[3].target.value == "<40 万元" and rows[3].target.confidence < 0.95
    assert rows[0].target.confidence == 0.99


def test_a_degree_sign_no_partner_can_settle_is_kept_but_doubted() -> None:
    rows = [_row(">=90°", "=96°")]
    settle(rows, RULES)
    assert _values(rows) == [(">=90°", "=96°")]
    assert rows[0].target.confidence < 0.95 and rows[0].actual.confidence < 0.95


def test_a_doubled_equals_is_one() -> None:
    rows = [_row(">==80%", "==100%")]
    settle(rows, RULES)
    assert _values(rows) == [(">=80%", "=100%")]


def test_a_bare_or_equals_target_among_limits_is_doubted_but_100_percent_is_not() -> None:
    rows = [_row(">=67 户", "=98 户"), _row(">=90%", "=100%"), _row("<=1 年", "=0.17 年"), _row("=85%", "=90%"),
            _row("90%", "=95%"), _row("=100%", "=100%")]
    settle(rows, RULES)
    assert [row.target.value for row in rows[3:]] == ["=85%", "90%", "=100%"]
    assert rows[3].target.confidence < 0.95 and rows[4].target.confidence < 0.95
    assert rows[5].target.confidence == 0.99 and rows[0].target.confidence == 0.99


def test_a_bare_number_takes_the_partners_percent_only_when_it_could_be_a_share() -> None:
    rows = [_row(">=90%", "=100"), _row(">=90%", "=950"), _row(">=3", "=100%")]
    settle(rows, RULES)
    assert _values(rows) == [(">=90%", "=100%"), (">=90%", "=950"), (">=3", "=100%")]


def test_a_side_that_reads_only_its_partners_unit_lost_its_number() -> None:
    rows = [_row("年", "1 年"), _row(">=90%", "%"), _row("是", "是"), _row("<=1 年", "=1 年")]
    settle(rows, RULES)
    assert _values(rows) == [("年", "1 年"), (">=90%", "%"), ("是", "是"), ("<=1 年", "=1 年")]
    assert rows[0].target.confidence < 0.95 and rows[1].actual.confidence < 0.95
    assert rows[0].actual.confidence == rows[1].target.confidence == 0.99
    assert rows[2].target.confidence == rows[2].actual.confidence == rows[3].target.confidence == 0.99


def test_a_dot_between_two_characters_is_kept_but_doubted_unless_the_partner_prints_it() -> None:
    rows = [_row("不断加强", "完全达到预期·效果"), _row("<=1000 元/人・学期", "=1000 元/人・学期"),
            _row(">=1.5 万元", "=1.8 万元"), _row("<=900 元/人·学期", "=900 元/人学期")]
    settle(rows, RULES)
    assert rows[0].actual.value == "完全达到预期·效果" and rows[0].actual.confidence < 0.95
    assert rows[0].target.confidence == 0.99
    assert rows[1].target.confidence == rows[1].actual.confidence == 0.99  # a unit's dot, printed on both sides
    assert rows[2].target.confidence == rows[2].actual.confidence == 0.99
    assert rows[3].target.confidence < 0.95 and rows[3].actual.confidence == 0.99  # only one side has it
