"""The export tables of a document and the writers' edge cases (no store, no batch)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from pipeline import export
from pipeline.export import COLUMNS, TABLES, data_frames, write_tables

SCANS = Path(__file__).resolve().parents[1] / "scans"


@pytest.fixture(scope="module")
def document(pipeline):
    return pipeline.run(SCANS / "synthetic-0003-born-digital.pdf")


def test_every_record_of_a_document_is_a_row(document) -> None:
    frames = data_frames([document])
    assert list(frames) == list(TABLES)
    assert all(list(frames[name].columns) == COLUMNS[name] for name in TABLES)
    assert len(frames["figures"]) == len(document.figures)
    assert len(frames["expenditure_items"]) == len(document.expenditure_items)
    assert len(frames["performance"]) == len(document.performance)
    assert len(frames["indicators"]) == sum(len(p.indicators) for p in document.performance)
    assert len(frames["checks"]) == len(document.checks)
    assert frames["documents"].year.dtype == "Int64"  # 2025, not 2025.0
    assert frames["figures"].value.dtype.kind == "f"  # amounts as numbers


def test_a_record_waiting_for_a_person_says_so_even_without_a_value(document) -> None:
    changed = document.model_copy(deep=True)
    changed.expenditure_items[0].purpose = changed.expenditure_items[0].reason.model_copy(
        update={"value": None, "status": "review"}
    )
    assert data_frames([changed])["expenditure_items"].status[0] == "review"


def test_a_table_past_excels_rows_goes_on_over_more_sheets(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(export, "SHEET_ROWS", 3)
    [target] = write_tables({"figures": pd.DataFrame({"value": range(7)})}, "xlsx", tmp_path / "t.xlsx")
    workbook = load_workbook(target)
    assert workbook.sheetnames == ["figures", "figures 2", "figures 3"]
    assert [workbook[name].max_row - 1 for name in workbook.sheetnames] == [3, 3, 1]
