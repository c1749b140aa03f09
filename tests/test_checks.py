"""Arithmetic and consistency checks, passing and failing."""

from __future__ import annotations

from pipeline import checks
from pipeline.model import Check, Document, DocumentInfo, Field, Figure
from pipeline.records import extract
from tests.builders import paragraphs_from_text, table_from_grid
from tests.test_extract_figures import SEED_000 as FIGURES_000
from tests.test_extract_items import SEED_000 as ITEMS_000
from tests.test_performance import ROWS_000

INFO = DocumentInfo(doc_id="sha256:test", file="test.pdf", pages=1, page_sources=["text"])


def document(text: str, tables: list[list[list[str]]] | None = None) -> Document:
    return extract(paragraphs_from_text(text), [table_from_grid(rows) for rows in tables or []], INFO)


def by_rule(found: list[Check], rule: str) -> Check:
    return next(check for check in found if check.rule == rule)


def set_value(doc: Document, key: str, value: str) -> None:
    next(f for f in doc.figures if f.key == key).value = value


def test_seed_000_passes_every_check() -> None:
    found = checks.run(document(FIGURES_000 + ITEMS_000, [ROWS_000]))
    assert len(found) > 40
    assert [c for c in found if not c.passed] == []


def test_a_broken_sum_names_its_fields() -> None:
    doc = document(FIGURES_000)
    set_value(doc, "carryover_begin", "302.40")
    set_value(doc, "income_total", "3369.73")
    check = by_rule(checks.run(doc), "income_total = income_year + nonfiscal_balance_used + carryover_begin")
    assert not check.passed
    assert check.message == "3369.73 != 3067.22 + 0.00 + 302.40"
    assert check.fields == [
        "figures.income_total",
        "figures.income_year",
        "figures.nonfiscal_balance_used",
        "figures.carryover_begin",
    ]


def test_rounding_within_tolerance_passes() -> None:
    # Seed 002 states 148.88 + 32,139.22 = 32,288.11: one cent of rounding.
    doc = document(FIGURES_000)
    set_value(doc, "fiscal_carryover_begin", "9.84")
    assert by_rule(checks.run(doc), "fiscal_total = fiscal_carryover_begin + fiscal_income").passed
    set_value(doc, "fiscal_carryover_begin", "9.85")
    assert not by_rule(checks.run(doc), "fiscal_total = fiscal_carryover_begin + fiscal_income").passed


def test_counts_must_add_up_exactly() -> None:
    doc = document(FIGURES_000)
    set_value(doc, "staff_total", "95")
    check = by_rule(checks.run(doc), "staff_total = staff_active + staff_retired_cadre + staff_retired")
    assert (check.passed, check.message) == (False, "95 != 39 + 0 + 55")


def test_rules_run_only_when_their_fields_are_stated() -> None:
    doc = document(FIGURES_000)
    doc.figures = [f for f in doc.figures if f.key != "nonfiscal_balance_used"]
    rules = {c.rule for c in checks.run(doc)}
    assert "income_total = income_year + nonfiscal_balance_used + carryover_begin" not in rules
    assert "expenditure_total = expenditure_year + balance_distribution + carryover_end" in rules


def test_optional_parts_join_the_sum_when_stated() -> None:
    rules = {c.rule for c in checks.run(document(FIGURES_000))}
    assert (
        "expenditure_year = basic_expenditure + project_expenditure + remit_superior_expenditure"
        " + operating_expenditure + affiliate_subsidy_expenditure"
    ) in rules


def test_growth_rate_inconsistent_with_change() -> None:
    doc = document(FIGURES_000)
    set_value(doc, "total_growth_pct", "-6.93")
    check = by_rule(checks.run(doc), "total_growth_pct = total_change / (income_total - total_change) × 100")
    assert not check.passed
    assert check.fields == ["figures.total_growth_pct", "figures.total_change", "figures.income_total"]


def test_item_growth_from_zero_is_one_hundred_percent() -> None:
    doc = document(ITEMS_000)
    found = checks.run(doc)
    assert by_rule(found, "expenditure_items[0].growth_pct = change / (amount - change) × 100").passed
    doc.expenditure_items[0].growth_pct.value = "50.00"
    check = by_rule(checks.run(doc), "expenditure_items[0].growth_pct = change / (amount - change) × 100")
    assert not check.passed
    assert check.fields == [
        "expenditure_items[0].growth_pct",
        "expenditure_items[0].change",
        "expenditure_items[0].amount",
    ]


def test_class_total_against_its_items() -> None:
    doc = document(ITEMS_000)
    doc.expenditure_items[3].amount.value = "6.54"
    check = by_rule(checks.run(doc), "class_totals[1].amount = sum of its 项 lines (社会保障和就业支出)")
    assert not check.passed
    assert "class_totals[1].amount" in check.fields and "expenditure_items[3].amount" in check.fields


def test_a_figure_stated_twice_with_different_values() -> None:
    doc = document(FIGURES_000)
    income_year = next(f for f in doc.figures if f.key == "income_year")
    income_year.alternates[0].value = "3067.20"
    check = by_rule(checks.run(doc), "income_year stated alike wherever stated")
    assert (check.passed, check.fields) == (False, ["figures.income_year"])
    assert check.message == "3067.22 (本年收入合计, p1) != 3067.20 (本年收入, p1)"


def test_performance_checks() -> None:
    doc = document("", [ROWS_000])
    found = checks.run(doc)
    assert by_rule(found, "performance[0].total_score = fund score + indicator scores").passed
    assert by_rule(found, "performance[0].funds[0].execution_rate = executed / annual_budget × 100").passed
    record = doc.performance[0]
    record.indicators[4].score = Field(value="23.99", source="23.99")
    record.total_score.value = "90.00"
    record.funds[0].execution_rate.value = "95.00"
    found = checks.run(doc)
    over = by_rule(found, "performance[0].indicators[4].score <= weight")
    assert (over.passed, over.fields) == (
        False,
        ["performance[0].indicators[4].score", "performance[0].indicators[4].weight"],
    )
    total = by_rule(found, "performance[0].total_score = fund score + indicator scores")
    assert not total.passed and "performance[0].total_score" in total.fields
    rate = by_rule(found, "performance[0].funds[0].execution_rate = executed / annual_budget × 100")
    assert not rate.passed


def test_execution_rate_tolerance_follows_the_written_precision() -> None:
    doc = document("", [ROWS_000])
    row = doc.performance[0].funds[0]
    row.executed.value, row.annual_budget.value = "3.60", "4.60"
    row.execution_rate = Field(value="78.30", source="78.3%")  # 78.26 written with one decimal
    assert by_rule(checks.run(doc), "performance[0].funds[0].execution_rate = executed / annual_budget × 100").passed


def test_empty_document_has_no_checks() -> None:
    assert checks.run(Document(document=INFO, figures=[Figure(key="income_total", label="收入总计", value=None)])) == []
