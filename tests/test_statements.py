"""The nine 决算报表 as statements (issue 9): read on generated reports of both
regional layouts with seeds no tuning used, checked for the errors injected
into them, and read from the real blank template."""

from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path

import pytest

from pipeline.evaluate import evaluate, summarise
from pipeline.model import Document
from tests.corpus.degrade import scan_preset
from tests.corpus.generate import write_report
from tests.corpus.inconsistency import KINDS, caught, inject
from tests.corpus.statement_data import BUDGET_COLUMNS
from tests.corpus.statement_tables import ORDER, region_of, statement_pages
from tests.corpus.synthetic import make_report

# Seeds 1–30 were looked at while writing the reader; these were not.
HELD_OUT = list(range(71001, 71011))
NINE = set(ORDER["national"])
REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference" / "final-account-template-2024.pdf"


@pytest.fixture(scope="module")
def consistent(tmp_path_factory, pipeline) -> list[tuple[Document, dict]]:
    out = tmp_path_factory.mktemp("statements")
    read = []
    for seed in HELD_OUT:
        pdf = write_report(make_report(seed), out)
        read.append((pipeline.run(pdf), json.loads(pdf.with_suffix(".truth.json").read_text(encoding="utf-8"))))
    return read


def test_both_regional_layouts_are_in_the_held_out_seeds() -> None:
    # The region is the first draw of a report's statement stream (tests/corpus/statement_tables.py).
    regions = Counter(_region({"name": f"syn-{seed:04d}"}) for seed in HELD_OUT)
    assert set(regions) == {"urumqi", "national"}, regions


def test_all_nine_statements_found_in_every_report(consistent) -> None:
    for document, truth in consistent:
        assert {s.form for s in document.statements} == NINE, truth["name"]
        assert len(document.statements) == len(truth["statements"]) == 9


def _region(truth: dict) -> str:
    return region_of(int(truth["name"].removeprefix("syn-")))


@pytest.mark.parametrize("region", ["urumqi", "national"])
@pytest.mark.parametrize("section", ["statements", "figures", "expenditure_items", "class_totals"])
def test_f1_born_digital_in_both_wordings(consistent, region: str, section: str) -> None:
    evaluation = summarise(evaluate(document, truth) for document, truth in consistent if _region(truth) == region)
    score = evaluation.scores()[section]
    wrong = [r for r in evaluation.wrong() if r.section == section][:8]
    assert score.tp > 0
    assert score.f1 >= 0.99, f"{region} {section}: F1 {score.f1:.4f}; {wrong}"


def test_item_codes_come_from_the_tables(consistent) -> None:
    for document, truth in consistent:
        assert [item.code for item in document.expenditure_items] == [i["code"] for i in truth["expenditure_items"]]


def test_consistent_reports_fail_no_check(consistent) -> None:
    for document, truth in consistent:
        failed = [f"{c.id}: {c.rule}: {c.message}" for c in document.checks if not c.passed]
        assert not failed, (truth["name"], failed[:5])
        ids = {c.id for c in document.checks}
        assert {"statement.levels", "statement.columns", "statement.across", "narrative.statement"} <= ids


def test_statement_figures_name_their_cells(consistent) -> None:
    document, _ = consistent[0]
    from_tables = [f for f in document.figures if f.cell] + [
        a for f in document.figures for a in f.alternates if a.cell
    ]
    assert from_tables
    for figure in from_tables:
        _, s, _, r, _, key = figure.cell.split(".")
        assert document.statements[int(s)].rows[int(r)].values[key].value == figure.value


@pytest.fixture(scope="module")
def injected(tmp_path_factory, pipeline) -> list[tuple[str, bool, str]]:
    out = tmp_path_factory.mktemp("injected")
    results = []
    for seed in HELD_OUT[:4]:
        for kind in KINDS:
            spec = make_report(seed)
            spec.name = f"{spec.name}-{kind}"
            if not inject(spec, kind, random.Random(f"{seed}/{kind}")):
                continue
            pdf = write_report(spec, out)
            document = pipeline.run(pdf)
            [record] = spec.truth["injected"]
            results.append((kind, caught(document, record), spec.name))
    return results


def test_injected_inconsistencies_are_caught(injected) -> None:
    kinds = Counter(kind for kind, _, _ in injected)
    # zero_budget and purpose_contradicts need a national report with a rate or a 公积金/养老/医疗 line.
    assert set(kinds) >= set(KINDS) - {"zero_budget", "purpose_contradicts"}, kinds
    missed = [name for _, caught, name in injected if not caught]
    assert len(missed) <= 0.05 * len(injected), missed


def test_a_cent_off_is_a_note_not_an_error(injected, tmp_path, pipeline) -> None:
    spec = make_report(HELD_OUT[0])
    assert inject(spec, "cent_off", random.Random(1))
    document = pipeline.run(write_report(spec, tmp_path))
    notes = [c for c in document.checks if c.id == "statement.levels" and c.severity == "note"]
    assert notes and all(c.passed for c in notes)
    assert not [c for c in document.checks if c.id == "statement.levels" and not c.passed]


@pytest.mark.skipif(not REFERENCE.is_file(), reason="shared/reference not beside the project")
def test_the_reference_template_gives_nine_empty_statements(pipeline) -> None:
    document = pipeline.run(REFERENCE)
    assert {s.form for s in document.statements} == NINE
    assert all(s.empty for s in document.statements)
    by_form = {s.form: s for s in document.statements}
    assert by_form["fiscal_summary"].pages == [8, 9]  # continued over a page break
    assert by_form["three_public"].columns[:2] == ["total_budget", "total_actual"]
    assert by_form["fund"].columns == BUDGET_COLUMNS
    assert by_form["fund"].empty_note and "本表无数据" in by_form["fund"].empty_note
    codes = [row.code.value for row in by_form["income"].rows if row.code.value]
    assert codes[:3] == ["205", "20502", "2050205"]
    sides = Counter(row.side for row in by_form["income_expenditure_summary"].rows)
    assert sides["income"] and sides["expenditure"]


def test_scanned_statements_at_200_dpi(tmp_path, pipeline) -> None:
    """The nine tables of a held-out report, scanned at the 200 dpi preset
    (seals, skew, noise, a fold): all found, cell F1 at least 0.97."""
    seed = next(s for s in HELD_OUT if region_of(s) == "national")
    pdf = write_report(make_report(seed), tmp_path)
    truth = json.loads(pdf.with_suffix(".truth.json").read_text(encoding="utf-8"))
    scanned = scan_preset(
        pdf, tmp_path / "scan.pdf", "200dpi-seal-skew-noise", seed=seed, pages=statement_pages(seed, truth)
    )
    document = pipeline.run(scanned)
    assert {s.form for s in document.statements} == NINE
    score = evaluate(document, {"statements": truth["statements"]}).scores()["statements"]
    assert score.f1 >= 0.97, score
