"""Real-length cell text on scans: a 偏差原因 of ~300 characters wrapped over
many rows is read on every scan preset, with no page error.

Real reports' long cells crashed every scan of such a report (the rows of
a wrapped cell set side by side made a crop rapidocr shrank to nothing).
The generator now draws cells of real length (``LengthenedCells``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.corpus.degrade import PRESETS, scan_preset
from tests.corpus.generate import generate
from tests.scanned import character_error_rate

SEED = 10  # one of its tables holds a 300-character 偏差原因


@pytest.fixture(scope="module")
def long_cell_table(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[int], str]:
    """The report, the pages of its table with the longest reason, and that reason."""
    report = generate(tmp_path_factory.mktemp("long"), [SEED], statements=False)[0]
    truth = json.loads(report.with_suffix(".truth.json").read_text(encoding="utf-8"))
    reasons = [
        max((i["deviation_reason"] or "" for i in table["indicators"]), key=len) for table in truth["performance"]
    ]
    index = max(range(len(reasons)), key=lambda i: len(reasons[i]))
    assert len(reasons[index]) >= 250
    return report, truth["table_pages"][index], reasons[index]


def test_the_born_digital_report_reads_its_long_cells(long_cell_table, pipeline) -> None:
    report, _, reason = long_cell_table
    document = pipeline.run(report)
    assert reason in [i.deviation_reason.value for p in document.performance for i in p.indicators]


@pytest.fixture(scope="module")
def scanned_documents(long_cell_table, pipeline, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The long cell's table scanned on every preset, and read."""
    report, pages, _ = long_cell_table
    folder = tmp_path_factory.mktemp("long-scans")
    return {
        preset: pipeline.run(scan_preset(report, folder / f"{preset}.pdf", preset, pages=[p - 1 for p in pages]))
        for preset in PRESETS
    }


@pytest.mark.parametrize("preset", list(PRESETS))
def test_long_cells_leave_no_page_error_on_any_scan_preset(preset: str, scanned_documents) -> None:
    document = scanned_documents[preset]
    assert document.page_errors == []
    assert document.document.status == "complete"
    assert len(document.performance) >= 1


@pytest.mark.parametrize("preset", list(PRESETS))
def test_long_cells_read_right_on_every_scan_preset(preset: str, long_cell_table, scanned_documents) -> None:
    _, _, reason = long_cell_table
    read = [i.deviation_reason.value or "" for p in scanned_documents[preset].performance for i in p.indicators]
    assert min(character_error_rate(text, reason) for text in read) <= 0.03
