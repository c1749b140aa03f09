"""The seed reports (``tests/corpus/seeds.py``): specs build, truth is stated by the
text that is drawn, and the truth satisfies the identities the real reports satisfy."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.corpus.seeds import clean_text, norm_decimal, norm_target, norm_text, seed_specs
from tests.corpus.spec import GridTable, Heading, Para, ReportSpec

ROOT = Path(__file__).resolve().parents[1]
SEEDS_DIR = next((d for d in (ROOT / "shared" / "seeds", ROOT.parent / "shared" / "seeds") if d.is_dir()), None)
pytestmark = pytest.mark.skipif(SEEDS_DIR is None, reason="shared/seeds not present")

# (seed, budget) -> number of expenditure items; seed -> class totals, performance tables, indicators.
ITEM_COUNTS = {
    ("seed-000", "general"): 9,
    ("seed-000", "fund"): 1,
    ("seed-002", "general"): 31,
    ("seed-002", "capital"): 1,
    ("seed-004", "general"): 16,
    ("seed-004", "fund"): 1,
    ("seed-004", "capital"): 1,
}
CLASS_COUNTS = {"seed-000": 2, "seed-001": 0, "seed-002": 4, "seed-004": 5}
TABLE_COUNTS = {"seed-000": 21, "seed-001": 0, "seed-002": 0, "seed-004": 11}
INDICATOR_COUNTS = {"seed-000": 156, "seed-001": 0, "seed-002": 0, "seed-004": 87}

# total = sum of parts, as the reports state them.
IDENTITIES = {
    "income_total": ("income_year", "nonfiscal_balance_used", "carryover_begin"),
    "expenditure_total": ("expenditure_year", "balance_distribution", "carryover_end"),
    "income_year": (
        "fiscal_income",
        "superior_subsidy_income",
        "business_income",
        "operating_income",
        "affiliate_income",
        "other_income",
    ),
    "expenditure_year": (
        "basic_expenditure",
        "project_expenditure",
        "remit_superior_expenditure",
        "operating_expenditure",
        "affiliate_subsidy_expenditure",
    ),
    "fiscal_total": ("fiscal_carryover_begin", "fiscal_income"),
    "fiscal_total ": ("fiscal_carryover_end", "fiscal_expenditure_year"),  # trailing space: second rule, same total
    "fiscal_expenditure_year": ("general_expenditure", "fund_expenditure_year", "capital_expenditure_year"),
    "staff_total": ("staff_active", "staff_retired_cadre", "staff_retired"),
    "general_basic_expenditure": ("personnel_expenditure", "public_expenditure"),
    "vehicle_total_expenditure": ("vehicle_purchase_expenditure", "vehicle_operation_expenditure"),
    "three_public_total": ("overseas_expenditure", "vehicle_total_expenditure", "reception_expenditure"),
    "procurement_total": ("procurement_goods", "procurement_works", "procurement_services"),
}
# Where the real report itself is off by a rounding cent (seed_truth/README.md): (total, sum of parts).
ROUNDING_EXCEPTIONS = {
    ("seed-000", "fiscal_expenditure_year"): ("3073.48", "3073.47"),
    ("seed-002", "income_total"): ("32312.49", "32312.50"),
    ("seed-002", "expenditure_total"): ("32312.49", "32312.50"),
    ("seed-002", "income_year"): ("32139.53", "32139.52"),
    ("seed-002", "fiscal_total"): ("32288.11", "32288.10"),
    ("seed-002", "fiscal_total "): ("32288.11", "32288.10"),
    ("seed-004", "expenditure_year"): ("3578.41", "3578.42"),
    ("seed-004", "general_basic_expenditure"): ("2676.50", "2676.49"),
    ("seed-000", "class 社会保障和就业支出"): ("1801.67", "1801.65"),
    ("seed-002", "class 社会保障和就业支出"): ("27666.64", "27666.66"),
    ("seed-000", "general items"): ("1824.52", "1824.50"),
    ("seed-002", "general items"): ("32186.91", "32186.93"),
}


@pytest.fixture(scope="module")
def specs() -> dict[str, ReportSpec]:
    assert SEEDS_DIR is not None
    return {spec.name: spec for spec in seed_specs(SEEDS_DIR)}


def _canonical(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _spec_text(spec: ReportSpec) -> str:
    """Everything the PDF will say, whitespace removed."""
    parts: list[str] = []
    for block in spec.blocks:
        if isinstance(block, Heading | Para):
            parts.append(block.text)
        elif isinstance(block, GridTable):
            parts += [cell.text for row in block.rows for cell in row if cell is not None]
    return _canonical("\n".join(parts))


def _truth_texts(truth: dict[str, Any]) -> Iterator[str]:
    """Every text value of the truth (names, reasons, goals, labels, targets)."""
    yield truth["document"]["title"]
    yield truth["document"]["department"]
    for item in truth["expenditure_items"]:
        yield from (item["lei"], item["kuan"], item["xiang"], item["reason"])
    yield from (total["lei"] for total in truth["class_totals"])
    for perf in truth["performance"]:
        yield from (perf["name"], perf["supervisor"], perf["implementer"], perf["goal_expected"], perf["goal_actual"])
        yield from (fund["label"] for fund in perf["funds"])
        for indicator in perf["indicators"]:
            yield from (indicator[k] for k in ("level1", "level2", "level3", "target", "actual", "deviation_reason"))


def _sum(values: Iterator[Any]) -> Decimal:
    return sum((Decimal(str(v)) for v in values), Decimal(0))


def _check(seed: str, rule: str, total: Any, parts: Decimal) -> None:
    got = (f"{Decimal(str(total)):.2f}", f"{parts:.2f}")
    expected = ROUNDING_EXCEPTIONS.get((seed, rule))
    if expected is not None:
        assert got == expected, (seed, rule)
    else:
        assert Decimal(str(total)) == parts, (seed, rule, got)


def test_the_four_seeds_build(specs: dict[str, ReportSpec]) -> None:
    assert list(specs) == ["seed-000", "seed-001", "seed-002", "seed-004"]
    for spec in specs.values():
        titles = [b.text for b in spec.blocks if isinstance(b, Heading) and b.level == 0]
        assert titles == [spec.truth["document"]["title"]]
        assert spec.truth["name"] == spec.name
        assert spec.truth["n_tables"] == sum(isinstance(b, GridTable) for b in spec.blocks)


def test_counts(specs: dict[str, ReportSpec]) -> None:
    for name, spec in specs.items():
        truth = spec.truth
        for budget in ("general", "fund", "capital"):
            items = [i for i in truth["expenditure_items"] if i["budget"] == budget]
            assert len(items) == ITEM_COUNTS.get((name, budget), 0), (name, budget)
        assert len(truth["class_totals"]) == CLASS_COUNTS[name]
        assert len(truth["performance"]) == TABLE_COUNTS[name]
        assert sum(len(p["indicators"]) for p in truth["performance"]) == INDICATOR_COUNTS[name]


def test_truth_texts_are_drawn(specs: dict[str, ReportSpec]) -> None:
    for spec in specs.values():
        text = _spec_text(spec)
        for value in _truth_texts(spec.truth):
            if value is not None:
                assert _canonical(value) in text, (spec.name, value)


def test_figures_are_drawn(specs: dict[str, ReportSpec]) -> None:
    for spec in specs.values():
        text = _spec_text(spec).replace(",", "")
        for key, value in spec.truth["figures"].items():
            number = str(value).lstrip("-")
            assert number in text or number.removesuffix(".00") in text, (spec.name, key, value)


def test_figure_identities(specs: dict[str, ReportSpec]) -> None:
    for name, spec in specs.items():
        figures = spec.truth["figures"]
        if not figures:
            continue
        assert figures["income_total"] == figures["expenditure_total"]
        for rule, parts in IDENTITIES.items():
            _check(name, rule, figures[rule.strip()], _sum(figures.get(p, 0) for p in parts))


def test_items_add_up_to_class_totals(specs: dict[str, ReportSpec]) -> None:
    for name, spec in specs.items():
        truth = spec.truth
        general = [i for i in truth["expenditure_items"] if i["budget"] == "general"]
        if not general:
            continue
        expenditure = truth["figures"]["general_expenditure"]
        assert _sum(c["amount"] for c in truth["class_totals"]) == Decimal(expenditure)
        _check(name, "general items", expenditure, _sum(i["amount"] for i in general))
        for total in truth["class_totals"]:
            items = _sum(i["amount"] for i in general if i["lei"] == total["lei"])
            _check(name, f"class {total['lei']}", total["amount"], items)
        for budget in ("fund", "capital"):
            items = [i for i in truth["expenditure_items"] if i["budget"] == budget]
            if items:
                assert _sum(i["amount"] for i in items) == Decimal(truth["figures"][f"{budget}_expenditure_year"])


def test_growth_matches_change(specs: dict[str, ReportSpec]) -> None:
    for spec in specs.values():
        for item in spec.truth["expenditure_items"]:
            amount, change, growth = (Decimal(item[k]) for k in ("amount", "change", "growth_pct"))
            previous = amount - change
            expected = Decimal(100) if previous == 0 else change / previous * 100
            assert abs(expected - growth) <= Decimal("0.01"), (spec.name, item["xiang"])


def test_performance_weights_and_scores_add_up(specs: dict[str, ReportSpec]) -> None:
    for spec in specs.values():
        for perf in spec.truth["performance"]:
            rows = [perf["funds"][0], *perf["indicators"]]
            assert _sum(r["weight"] for r in rows) == 100, perf["name"]
            if perf["total_score"] is not None:
                assert _sum(r["score"] for r in rows) == Decimal(perf["total_score"]), perf["name"]


def test_grids_are_covered_exactly_once(specs: dict[str, ReportSpec]) -> None:
    for spec in specs.values():
        for table in (b for b in spec.blocks if isinstance(b, GridTable)):
            covered = [[0] * len(table.col_widths) for _ in table.rows]
            for r, row in enumerate(table.rows):
                assert len(row) == len(table.col_widths)
                for c, cell in enumerate(row):
                    if cell is None:
                        continue
                    for rr in range(r, r + cell.rowspan):
                        for cc in range(c, c + cell.colspan):
                            covered[rr][cc] += 1
            assert all(n == 1 for row in covered for n in row), (spec.name, table.rows[0][1])


def test_overall_table_of_004_keeps_its_basis_column(specs: dict[str, ReportSpec]) -> None:
    table = next(b for b in specs["seed-004"].blocks if isinstance(b, GridTable))
    assert table.title == "单位整体支出绩效自评表"
    assert any(cell is not None and cell.text == "指标值设定依据" for row in table.rows for cell in row)
    overall = specs["seed-004"].truth["performance"][0]
    assert overall["scope"] == "overall" and overall["supervisor"] is None and overall["total_score"] is None
    assert overall["indicators"][1]["level1"] == "履职效能"


def test_page_breaks_inside_paragraphs_are_joined(specs: dict[str, ReportSpec]) -> None:
    paras = [b.text for b in specs["seed-000"].blocks if isinstance(b, Para)]
    assert any("基本支出 930.09 万元，占 30.26%;项目支出" in p for p in paras)
    ocr = [b.text for b in specs["seed-002"].blocks if isinstance(b, Para)]
    assert any("年初预算数25,169.42万元,决算数" in p for p in ocr)
    assert not any(re.search(r"\d[.,] \d", p) for p in ocr)


def test_normalisers() -> None:
    assert clean_text("年初预算数 25, 169. 42 万元, 占 0. 00%", ocr=True) == "年初预算数 25,169.42 万元,占 0.00%"
    assert clean_text("人力资源和社会保障管理事务 (款)") == "人力资源和社会保障管理事务(款)"
    assert clean_text("2024 年度") == "2024 年度"
    assert norm_decimal("3,831.22") == "3831.22"
    assert norm_decimal("10.00 分") == "10.00"
    assert norm_decimal("99.8%") == "99.80"
    assert norm_decimal("—") is None
    assert norm_target("≥67户") == ">=67 户"
    assert norm_target("=150 元/ 月/人") == "=150 元/月/人"
    assert norm_target(">= 90 %") == ">=90%"
    assert norm_target("有效改善") == "有效改善"
    assert norm_text("本年新增购置工作用电脑支出。") == "本年新增购置工作用电脑支出"
