"""The corpus generator: determinism, arithmetic of the truth, truth in the PDF."""

from __future__ import annotations

import json
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest

from tests.corpus.degrade import PRESETS, scan, scan_point, scan_preset
from tests.corpus.generate import generate, write_report
from tests.corpus.space import (
    HELD_OUT_REGIONS,
    HELD_OUT_SEEDS,
    TUNING_SEEDS,
    PageDamage,
    Scanner,
    ScanPoint,
    in_held_out_region,
    sample_scan,
)
from tests.corpus.spec import ReportSpec
from tests.corpus.synthetic import make_report

CONTRACT = Path(__file__).resolve().parents[2] / "shared" / "contract" / "output-format.md"
# Between them: a running header, half-width punctuation, no thousands separators, an overall
# 自评表, 政府性基金 and 国有资本经营 lines, an overall report with its table.
RENDERED = [("final_account", 6), ("final_account", 9), ("final_account", 12), ("overall_performance_report", 2)]
PAGE_NUMBER = re.compile(r"^(第\s*\d+\s*页|-\s*\d+\s*-)$")
OPERATORS = str.maketrans({"≥": ">=", "≤": "<=", "＝": "=", "＞": ">", "＜": "<"})
CENT = Decimal("0.01")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> list[tuple[Path, dict[str, Any], ReportSpec]]:
    """(pdf, truth as written, spec) of a few rendered reports."""
    out = tmp_path_factory.mktemp("corpus")
    rendered = []
    for kind, seed in RENDERED:
        spec = make_report(seed, kind)
        pdf = write_report(spec, out)
        rendered.append((pdf, json.loads(pdf.with_suffix(".truth.json").read_text(encoding="utf-8")), spec))
    return rendered


# --------------------------------------------------------------------------
# Determinism
# --------------------------------------------------------------------------


def test_same_seed_same_files(tmp_path: Path, corpus) -> None:
    again = generate(tmp_path, [RENDERED[0][1]])[0]
    first = next(pdf for pdf, _, _ in corpus if pdf.name == again.name)
    assert again.read_bytes() == first.read_bytes()
    assert again.with_suffix(".truth.json").read_bytes() == first.with_suffix(".truth.json").read_bytes()


def test_seeds_differ() -> None:
    titles = {make_report(seed).truth["document"]["title"] for seed in range(1, 11)}
    assert len(titles) >= 8


# --------------------------------------------------------------------------
# Arithmetic of the truth
# --------------------------------------------------------------------------


def _d(value: str) -> Decimal:
    return Decimal(value)


def _pct(part: Decimal, whole: Decimal) -> Decimal:
    return (part * 100 / whole).quantize(CENT, rounding=ROUND_HALF_UP) if whole else Decimal("0.00")


def _growth(amount: Decimal, change: Decimal) -> Decimal:
    last = amount - change
    if last == 0:
        return Decimal("100.00") if change > 0 else Decimal("0.00")
    return _pct(change, last)


def _difference_rate(final: Decimal, budget: Decimal) -> Decimal:
    if budget == 0:
        return Decimal("100.00") if final > 0 else Decimal("0.00")
    return _pct(final - budget, budget)


def _check_figures(f: dict[str, Any], truth: dict[str, Any]) -> None:
    """Every identity whose figures the report states (the national wording states fewer)."""
    m = {key: _d(value) for key, value in f.items() if isinstance(value, str)}
    zero = Decimal(0)
    sources = ["fiscal_income", "superior_subsidy_income", "business_income", "operating_income",
               "affiliate_income", "other_income"]
    uses = ["basic_expenditure", "project_expenditure", "remit_superior_expenditure", "operating_expenditure",
            "affiliate_subsidy_expenditure"]
    sums = [
        ("income_total", ["income_year", "nonfiscal_balance_used", "carryover_begin"]),
        ("expenditure_total", ["expenditure_year", "balance_distribution", "carryover_end"]),
        ("income_total", ["expenditure_total"]),
        ("income_year", sources),
        ("expenditure_year", uses),
        ("fiscal_total", ["fiscal_carryover_begin", "fiscal_income"]),
        ("fiscal_total", ["fiscal_carryover_end", "fiscal_expenditure_year"]),
        ("general_basic_expenditure", ["personnel_expenditure", "public_expenditure"]),
        ("three_public_total", ["overseas_expenditure", "vehicle_total_expenditure", "reception_expenditure"]),
        ("vehicle_total_expenditure", ["vehicle_purchase_expenditure", "vehicle_operation_expenditure"]),
        ("procurement_total", ["procurement_goods", "procurement_works", "procurement_services"]),
    ]
    for total, parts in sums:
        if total in m and all(part in m for part in parts):
            assert m[total] == sum(m[part] for part in parts), total
    assert m["fiscal_expenditure_year"] == (m["general_expenditure"] + m.get("fund_expenditure_year", zero)
                                            + m.get("capital_expenditure_year", zero))
    assert m["general_basic_expenditure"] <= m["basic_expenditure"]
    assert m["general_share_pct"] == _pct(m["general_expenditure"], m["expenditure_year"])
    for change, rate, amount in [("total_change", "total_growth_pct", "income_total"),
                                 ("fiscal_change", "fiscal_growth_pct", "fiscal_total"),
                                 ("general_change", "general_growth_pct", "general_expenditure"),
                                 ("three_public_change", "three_public_growth_pct", "three_public_total")]:
        if change in m:
            assert m[rate] == _growth(m[amount], m[change]), rate
    for rate, final, budget in [("fiscal_budget_diff_pct", "fiscal_total", "fiscal_budget_initial"),
                                ("general_budget_diff_pct", "general_expenditure", "general_budget_initial")]:
        if rate in m:
            assert m[rate] == _difference_rate(m[final], m[budget])
    if "procurement_sme" in m:
        assert m["procurement_small_micro"] <= m["procurement_sme"] <= m["procurement_total"]
    if "staff_total" in f:
        assert f["staff_total"] == f["staff_active"] + f["staff_retired_cadre"] + f["staff_retired"]
    if "vehicles_held" in f:
        assert f.get("vehicles_purchased", 0) <= f["vehicles_held"] <= f["vehicles_count"]
    for budget, key in [("fund", "fund_expenditure_year"), ("capital", "capital_expenditure_year")]:
        lines = [item for item in truth["expenditure_items"] if item["budget"] == budget]
        assert key in m or not lines, key  # a table may state it (0.00) where the text lists no line
        assert sum((_d(item["amount"]) for item in lines), zero) == m.get(key, zero)
    projects = [p for p in truth["performance"] if p["scope"] == "project"]
    assert f["perf_projects"] == len(projects)
    assert m["perf_budget"] == sum(_d(p["funds"][0]["annual_budget"]) for p in projects)
    if "perf_executed" in m:
        assert m["perf_executed"] == sum(_d(p["funds"][0]["executed"]) for p in projects)


def _check_expenditure(truth: dict[str, Any]) -> None:
    general = [item for item in truth["expenditure_items"] if item["budget"] == "general"]
    total = _d(truth["figures"]["general_expenditure"])
    assert sum(_d(c["amount"]) for c in truth["class_totals"]) == total
    assert sum(_d(item["amount"]) for item in general) == total
    for c in truth["class_totals"]:
        assert _d(c["amount"]) == sum(_d(i["amount"]) for i in general if i["lei"] == c["lei"])
        assert _d(c["share_pct"]) == _pct(_d(c["amount"]), total)
    assert 2 <= len(truth["class_totals"]) <= 6
    for item in truth["expenditure_items"]:
        if item["change"] is not None:  # today's wording: the change on last year and its reason
            assert _d(item["growth_pct"]) == _growth(_d(item["amount"]), _d(item["change"])), item
            assert item["reason"]
        else:  # the national wording: against the 年初预算, a reason unless 持平
            assert (item["reason"] is None) == (item["initial_budget"] == item["amount"]), item
            if item["completion_pct"] is not None:
                assert _d(item["completion_pct"]) == _pct(_d(item["amount"]), _d(item["initial_budget"]))
        assert not (item["reason"] or "").endswith(("。", "；", ";"))


def _check_performance(perf: dict[str, Any]) -> None:
    total, *parts = perf["funds"]
    for column in ("initial_budget", "annual_budget", "executed"):
        assert _d(total[column]) == sum(_d(part[column]) for part in parts), column
    assert all(part["weight"] is None and part["score"] is None for part in parts)
    assert _d(total["execution_rate"]) == _pct(_d(total["executed"]), _d(total["annual_budget"]))
    assert _d(total["score"]) <= _d(total["weight"]) == 10
    indicators = perf["indicators"]
    assert sum(_d(i["weight"]) for i in indicators) + _d(total["weight"]) == 100
    assert all(_d(i["score"]) <= _d(i["weight"]) for i in indicators)
    assert _d(perf["total_score"]) == _d(total["score"]) + sum(_d(i["score"]) for i in indicators)
    assert all(i["level1"] and i["level2"] and i["level3"] for i in indicators)


@pytest.mark.parametrize("seed", range(1, 31))
def test_truth_identities_hold(seed: int) -> None:
    truth = make_report(seed).truth
    _check_figures(truth["figures"], truth)
    _check_expenditure(truth)
    assert 3 <= sum(p["scope"] == "project" for p in truth["performance"]) <= 6
    for perf in truth["performance"]:
        _check_performance(perf)
    overall = make_report(seed, "overall_performance_report").truth
    for perf in overall["performance"]:
        _check_performance(perf)


def test_every_contract_figure_is_covered() -> None:
    contract = CONTRACT.read_text(encoding="utf-8")
    figures_section = contract[contract.index("### figures") : contract.index("### expenditure_items")]
    figure_keys = set(re.findall(r"^\| `(\w+)` \|", figures_section, re.M))
    assert len(figure_keys) >= 73
    stated = set().union(*(make_report(seed).truth["figures"] for seed in range(1, 31)))
    assert figure_keys <= stated, figure_keys - stated


# --------------------------------------------------------------------------
# The PDF says what the truth says
# --------------------------------------------------------------------------


def _text_layer(pdf: Path, header: str | None) -> str:
    """All pages' text without running header and page numbers, whitespace removed."""
    document = pdfium.PdfDocument(pdf)
    kept = []
    for page in document:
        lines = [line.strip() for line in page.get_textpage().get_text_range().splitlines()]
        if header and header in lines:
            lines.remove(header)  # drawn first on the page, before the title that may repeat it
        kept += [line for line in lines if not PAGE_NUMBER.match(line)]
    return re.sub(r"\s+", "", "".join(kept))


def _texts(truth: dict[str, Any]) -> list[str]:
    values = [truth["document"]["title"], truth["document"]["department"]]
    for item in truth["expenditure_items"]:
        values += [item["lei"], item["kuan"], item["xiang"], item["reason"]]
    values += [c["lei"] for c in truth["class_totals"]]
    for perf in truth["performance"]:
        values += [perf["name"], perf["goal_expected"], perf["goal_actual"], perf["supervisor"], perf["implementer"]]
        values += [fund["label"] for fund in perf["funds"]]
        for i in perf["indicators"]:
            values += [i["level1"], i["level2"], i["level3"], i["target"], i["actual"], i["deviation_reason"]]
    return [re.sub(r"\s+", "", v) for v in values if v]


def _amount_forms(value: str) -> set[str]:
    units, _, cents = value.lstrip("-").partition(".")
    whole = int(units)
    return {f"{whole}.{cents}", f"{whole:,}.{cents}"}


def test_truth_texts_are_in_the_text_layer(corpus) -> None:
    for pdf, truth, spec in corpus:
        text = _text_layer(pdf, spec.style.header_text).translate(OPERATORS)
        missing = [value for value in _texts(truth) if value not in text]
        assert not missing, f"{pdf.name}: {missing[:5]}"
        amounts = [v for k, v in truth["figures"].items() if isinstance(v, str) and not k.endswith("_pct")]
        missing = [v for v in amounts if not any(form in text for form in _amount_forms(v))]
        assert not missing, f"{pdf.name}: {missing[:5]}"


def test_tables_cross_page_breaks(corpus) -> None:
    for pdf, truth, _ in corpus:
        assert len(truth["table_pages"]) == truth["n_tables"]
        if truth["n_tables"]:
            assert any(len(pages) > 1 for pages in truth["table_pages"]), pdf.name
        assert len(pdfium.PdfDocument(pdf)) == truth["pages"]


def test_fonts_vary() -> None:
    styles = [make_report(seed).style for seed in range(1, 21)]
    assert len({s.font for s in styles}) >= 4
    assert len({s.size for s in styles}) >= 3
    assert len({s.margin_mm for s in styles}) >= 10


def test_fonts_are_embedded(corpus) -> None:
    subset_font = re.compile(rb"/BaseFont /[A-Z]{6}\+([\w-]+)")
    embedded = {name for pdf, _, _ in corpus for name in subset_font.findall(pdf.read_bytes())}
    assert len(embedded) >= 3, embedded


# --------------------------------------------------------------------------
# Scanned variants
# --------------------------------------------------------------------------


@pytest.mark.parametrize("preset", list(PRESETS))
def test_scans_are_image_only_pages_of_the_same_size(corpus, tmp_path: Path, preset: str) -> None:
    source, _, _ = corpus[0]
    scanned = scan_preset(source, tmp_path / f"{preset}.pdf", preset, pages=[0, 4])
    original, copy = pdfium.PdfDocument(source), pdfium.PdfDocument(scanned)
    assert len(copy) == 2
    for page, index in zip(copy, [0, 4], strict=True):
        assert page.get_textpage().count_chars() == 0
        assert page.get_size() == pytest.approx(original[index].get_size(), abs=1.0)
    expected_filter = b"/CCITTFaxDecode" if PRESETS[preset].get("bitonal") else b"/DCTDecode"
    assert expected_filter in scanned.read_bytes()


def test_seal_is_red_ink_on_the_page(corpus, tmp_path: Path) -> None:
    source, _, _ = corpus[0]
    scanned = scan(source, tmp_path / "sealed.pdf", dpi=100, seal=True, pages=[2])
    pixels = pdfium.PdfDocument(scanned)[0].render(scale=100 / 72, rev_byteorder=True).to_numpy().astype(int)
    red = (pixels[:, :, 0] - pixels[:, :, 1] > 80) & (pixels[:, :, 0] > 150)
    assert red.sum() > 500


# --------------------------------------------------------------------------
# The damage space
# --------------------------------------------------------------------------


def test_tuning_samples_never_enter_a_held_out_region() -> None:
    for seed in list(TUNING_SEEDS)[:200]:
        point = sample_scan(seed, 6, held_out=False)
        assert point.region == "space"
        assert not any(in_held_out_region(point.scanner, page) for page in point.pages), seed


def test_held_out_samples_lie_in_their_region_and_cover_every_region() -> None:
    regions = set()
    for seed in list(HELD_OUT_SEEDS)[:60]:
        point = sample_scan(seed, 6, held_out=True)
        [region] = [region for region in HELD_OUT_REGIONS if region.name == point.region]
        assert any(region.holds(point.scanner, page) for page in point.pages), seed
        regions.add(point.region)
    assert regions == {region.name for region in HELD_OUT_REGIONS}


def test_every_page_is_damaged_on_its_own_and_the_same_seed_gives_the_same_scan() -> None:
    point = sample_scan(TUNING_SEEDS[0], 8, held_out=False)
    assert len({page.skew_deg for page in point.pages}) == 8
    assert len({page.shift_mm for page in point.pages}) == 8
    assert sample_scan(TUNING_SEEDS[0], 8, held_out=False) == point


@pytest.mark.parametrize(("mode", "expected"), [("grey", b"/DeviceGray"), ("colour", b"/DeviceRGB"),
                                                ("bitonal", b"/CCITTFaxDecode")])
def test_a_scan_point_is_stored_as_its_scanner_would(corpus, tmp_path: Path, mode: str, expected: bytes) -> None:
    source, _, _ = corpus[0]
    damage = PageDamage(skew_deg=2.0, shift_mm=(10.0, -5.0), scale=1.02, blur=0.8, noise=6.0, speckle=50,
                        shadow_mm=8.0, fold_at=0.5, light=0.3, seal_at=(0.5, 0.5))
    point = ScanPoint(Scanner(dpi=100, mode=mode, jpeg_quality=40), (damage, PageDamage()))
    scanned = scan_point(source, tmp_path / f"{mode}.pdf", point, pages=[0, 1])
    data = scanned.read_bytes()
    assert expected in data
    first, second = (page.render(scale=100 / 72).to_numpy() for page in pdfium.PdfDocument(scanned))
    assert first.mean() < second.mean()  # shadow, fold, light and noise darken the damaged page
