"""form_checks: indicator rows a damaged grid broke are flagged for review."""

from __future__ import annotations

from pipeline.checks import run
from pipeline.confidence import ConfidenceOptions, score
from pipeline.config import resolve_path
from pipeline.form_checks import form_checks, fund_checks
from pipeline.model import DocumentInfo
from pipeline.records import extract
from pipeline.records.rules import DEFAULT_RULES_DIR, load_rules
from tests.builders import table_from_grid
from tests.test_performance import ROWS_000

INFO = DocumentInfo(doc_id="sha256:test", file="test.pdf", pages=1, page_sources=["ocr"])
RULES = load_rules(resolve_path(DEFAULT_RULES_DIR)).performance
FIRST_INDICATOR = 9  # the row of ROWS_000 under the indicator header


def _check(rows: list[list[str]]):
    [record] = extract([], [table_from_grid(rows)], INFO).performance
    [check] = form_checks(0, record, RULES)
    return record, check


def test_a_well_formed_form_passes() -> None:
    _, check = _check(ROWS_000)
    assert check.passed and not check.fields


def test_a_row_split_by_a_spurious_rule_is_flagged() -> None:
    row = ROWS_000[FIRST_INDICATOR]
    top = [row[0], row[1], row[2], row[3][:4], row[4], row[5], "", "", ""]
    bottom = ["^", "^", "", row[3][4:], "", "", row[6], row[7], row[8]]
    rows = [*ROWS_000[:FIRST_INDICATOR], top, bottom, *ROWS_000[FIRST_INDICATOR + 1 :]]
    _, check = _check(rows)
    assert not check.passed
    assert "performance[0].indicators[0].level3" in check.fields


def test_a_row_shifted_one_column_left_is_flagged() -> None:
    # 质量指标 / 项目验收合格率 / >=90% / =100% / 10 / 10 / reason, one column left.
    row = ROWS_000[FIRST_INDICATOR + 1]
    shifted = [row[0], "产出指标", "质量指标", row[4], row[5], row[6], row[7], row[7], row[7]]
    rows = [*ROWS_000[: FIRST_INDICATOR + 1], shifted, *ROWS_000[FIRST_INDICATOR + 2 :]]
    record, check = _check(rows)
    assert not check.passed, record.indicators[1]
    assert any(path.startswith("performance[0].indicators[1].") for path in check.fields)


def test_failed_shape_sends_the_rows_fields_to_review() -> None:
    row = ROWS_000[FIRST_INDICATOR]
    broken = [*row[:6], "", "", ""]
    document = extract(
        [], [table_from_grid([*ROWS_000[:FIRST_INDICATOR], broken, *ROWS_000[FIRST_INDICATOR + 1 :]])], INFO
    )
    document.checks = run(document)
    score(document, ConfidenceOptions(calibration=None))
    assert document.performance[0].indicators[0].level3.status == "review"
    assert document.performance[0].indicators[1].level3.status == "auto"


def test_the_indicator_header_read_as_a_row_is_flagged() -> None:
    """A continuation page's repeated header, stitched in as an indicator row."""
    header = ROWS_000[FIRST_INDICATOR - 1]
    rows = [
        *ROWS_000[: FIRST_INDICATOR + 2],
        [ROWS_000[FIRST_INDICATOR][0], *header[1:]],
        *ROWS_000[FIRST_INDICATOR + 2 :],
    ]
    record, check = _check(rows)
    assert not check.passed
    assert "performance[0].indicators[2].level1" in check.fields, record.indicators[2]
    assert not any(path.startswith("performance[0].indicators[1].") for path in check.fields)


def test_a_row_read_twice_is_flagged_and_breaks_the_weights() -> None:
    row = ROWS_000[FIRST_INDICATOR + 1]
    rows = [*ROWS_000[: FIRST_INDICATOR + 2], row, *ROWS_000[FIRST_INDICATOR + 2 :]]
    document = extract([], [table_from_grid(rows)], INFO)
    checks = {check.id: check for check in run(document) if check.id in ("performance.form",)}
    assert not checks["performance.form"].passed
    assert "performance[0].indicators[2].level3" in checks["performance.form"].fields
    [weights] = [check for check in run(document) if "weights add up" in check.rule]
    assert not weights.passed and "performance[0].indicators[2].weight" in weights.fields


def test_weights_add_up_with_or_without_a_printed_fund_weight() -> None:
    document = extract([], [table_from_grid(ROWS_000)], INFO)
    [weights] = [check for check in run(document) if "weights add up" in check.rule]
    assert weights.passed, weights.message
    fund_row = ROWS_000[3]
    no_fund_weight = [*ROWS_000[:3], [*fund_row[:5], "—", *fund_row[6:]], *ROWS_000[4:]]
    document = extract([], [table_from_grid(no_fund_weight)], INFO)
    [weights] = [check for check in run(document) if "weights add up" in check.rule]
    assert weights.passed, weights.message  # the fund's 10 left unprinted


def _weights(rows: list[list[str]]):
    document = extract([], [table_from_grid(rows)], INFO)
    document.checks = run(document)
    [weights] = [check for check in document.checks if "weights add up" in check.rule]
    return document, weights


def test_weights_off_the_full_marks_send_every_indicator_row_to_review() -> None:
    """A row read twice with its 三级指标 cut short (not a repeat cell for
    cell): nothing but the sum of weights shows it, and not which row it is."""
    row = ROWS_000[FIRST_INDICATOR + 1]
    cut = [*row[:3], row[3][-3:], *row[4:]]
    document, weights = _weights([*ROWS_000[: FIRST_INDICATOR + 2], cut, *ROWS_000[FIRST_INDICATOR + 2 :]])
    assert not weights.passed
    assert "performance[0].indicators[0].level3" in weights.fields  # a row that is itself well read
    score(document, ConfidenceOptions(calibration=None))
    assert {row.level3.status for row in document.performance[0].indicators} == {"review"}
    assert document.performance[0].funds[0].label.status == "auto"


def test_a_row_without_a_weight_leaves_the_sum_unjudged_unless_it_is_over() -> None:
    header = ROWS_000[FIRST_INDICATOR - 1]  # the indicator header read as a row: it states no 分值
    header_row = [ROWS_000[FIRST_INDICATOR][0], *header[1:]]
    rows = [*ROWS_000[: FIRST_INDICATOR + 1], header_row, *ROWS_000[FIRST_INDICATOR + 1 :]]
    document = extract([], [table_from_grid(rows)], INFO)
    assert not [check for check in run(document) if "weights add up" in check.rule]

    lost = [*ROWS_000[FIRST_INDICATOR][:6], "", *ROWS_000[FIRST_INDICATOR][7:]]  # a real row's 分值 not read
    under = [*ROWS_000[:FIRST_INDICATOR], lost, *ROWS_000[FIRST_INDICATOR + 1 :]]
    document = extract([], [table_from_grid(under)], INFO)
    assert document.performance[0].indicators[0].weight.value is None
    assert not [check for check in run(document) if "weights add up" in check.rule]  # under: the lost weight

    row = ROWS_000[FIRST_INDICATOR + 1]
    twice = [*row[:3], row[3][-3:], *row[4:]]
    _, weights = _weights([*rows[: FIRST_INDICATOR + 3], twice, *rows[FIRST_INDICATOR + 3 :]])
    assert not weights.passed, weights.message


def test_a_score_read_on_a_lower_fund_row_goes_to_review() -> None:
    """分值, 执行率 and 得分 belong to the 年度资金总额 row; the rows below
    carry "—" there, so a value read on one waits for a person."""
    rows = [list(row) for row in ROWS_000]
    rows[4][7] = "1.00"  # a seal stroke in 其中：当年财政拨款's 得分
    document = extract([], [table_from_grid(rows)], INFO)
    funds, _ = fund_checks(0, document.performance[0], RULES)
    assert not funds.passed and funds.fields == ["performance[0].funds[1].score"]
    assert funds.message == "row 1 ('其中：当年财政拨款') states score 1.00"
    document.checks = run(document)
    score(document, ConfidenceOptions(calibration=None))
    assert document.performance[0].funds[1].score.status == "review"
    assert document.performance[0].funds[0].score.status == "auto"


def test_fund_rows_with_dashes_below_the_total_pass() -> None:
    [record] = extract([], [table_from_grid(ROWS_000)], INFO).performance
    assert [(check.passed, check.fields) for check in fund_checks(0, record, RULES)] == [(True, []), (True, [])]


def test_a_fund_row_read_twice_without_its_label_goes_to_review() -> None:
    """A tall 年度资金总额 cell gave its row's amounts to the grid row below as well."""
    total = ROWS_000[3]
    again = [total[0], "", *total[2:]]
    own = [total[0], "", "3.00", "2.00", "1.50", "—", "—", "—", ""]  # a blank label, amounts of its own
    rows = [*ROWS_000[:4], again, *ROWS_000[4:6], own, *ROWS_000[6:]]
    document = extract([], [table_from_grid(rows)], INFO)
    funds = document.performance[0].funds
    assert [fund.label.value for fund in funds] == ["年度资金总额", None, "其中：当年财政拨款", "其他资金", None]
    _, twice = fund_checks(0, document.performance[0], RULES)
    names = ["initial_budget", "annual_budget", "executed", "weight", "execution_rate", "score"]
    assert not twice.passed and twice.fields == [f"performance[0].funds[1].{name}" for name in names]
    assert twice.message.startswith("row 1 repeats row 0: initial_budget")
    document.checks = run(document)
    score(document, ConfidenceOptions(calibration=None))
    assert funds[1].executed.status == "review" and funds[4].executed.status == "auto"
    assert [c.id for c in document.checks if not c.passed] == ["performance.funds", "performance.funds.read_twice"]


def test_fund_rows_of_zeros_without_labels_are_not_one_row_read_twice() -> None:
    zeros = [ROWS_000[3][0], "", "0.00", "0.00", "0.00", "—", "—", "—", ""]
    document = extract([], [table_from_grid([*ROWS_000[:6], zeros, zeros, *ROWS_000[6:]])], INFO)
    assert [fund.label.value for fund in document.performance[0].funds][-2:] == [None, None]
    _, twice = fund_checks(0, document.performance[0], RULES)
    assert twice.passed
