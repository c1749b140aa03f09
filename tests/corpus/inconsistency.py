"""Deliberate errors of the kinds real reports contain, injected into a
rendered report's 决算报表 before it is drawn, each recorded in the truth as
the check that must catch it (``truth["injected"]``).

Kinds (``KINDS``):

* ``cell_off`` — a 项 row's 基本支出 in 支出决算表 off by whole 万元: its 款 and
  the row's own total no longer add up (``statement.levels``, an error);
* ``cent_off`` — a 款 total off its 项 lines by 0.01 (``statement.levels``,
  within rounding: a note);
* ``code_name`` — a 项 printed under another 科目名称 than its code has
  (``template.code``);
* ``narrative_mismatch`` — 人员经费合计 in the 基本支出 table differs from the
  人员经费 the text states (``narrative.statement``);
* ``empty_unexplained`` — an empty table printed without its 本表无数据
  note (``template.empty``), where the report has one.
"""

from __future__ import annotations

import random
import re
from typing import Any

from tests.corpus.spec import CellSpec, GridTable, Para, ReportSpec
from tests.corpus.statement_tables import TITLES

KINDS = ("cell_off", "cent_off", "code_name", "narrative_mismatch", "empty_unexplained")
_AMOUNT = re.compile(r"-?[\d,]+\.\d{2}")


def _table(spec: ReportSpec, form: str) -> tuple[int, GridTable] | None:
    for index, block in enumerate(spec.blocks):
        if isinstance(block, GridTable) and (block.title or "").endswith(TITLES[form]):
            return index, block
    return None


def _shift(cell: CellSpec, units: int) -> bool:
    """Add ``units`` of the last printed digit to an amount cell."""
    if not _AMOUNT.fullmatch(cell.text):
        return False
    cents = int(cell.text.replace(",", "").replace(".", "")) + units
    thousands = "," in cell.text
    sign = "-" if cents < 0 else ""
    whole, hundredths = divmod(abs(cents), 100)
    cell.text = f"{sign}{whole:,}.{hundredths:02d}" if thousands else f"{sign}{whole}.{hundredths:02d}"
    return True


def _unit_scale(table: GridTable) -> int:
    """Units of the last printed digit per 0.01 万元: 10000 in a table printed in 元."""
    unit = table.unit or ""
    return 10000 if unit.endswith("元") and not unit.endswith("万元") else 1


def _rows_with(table: GridTable, pattern: re.Pattern[str]) -> list[list[CellSpec | None]]:
    return [row for row in table.rows if row[0] is not None and pattern.fullmatch(row[0].text or "")]


def inject(spec: ReportSpec, kind: str, rng: random.Random) -> bool:
    """Injects one error of ``kind``; False where the report offers no place for it."""
    record: dict[str, Any] | None = None
    if kind in ("cell_off", "cent_off", "code_name"):
        found = _table(spec, "expenditure")
        if found is None or any(cell is not None and cell.text == "类" for row in found[1].rows for cell in row):
            return False  # split code columns: the rows are found by their 7-digit code below
        table = found[1]
        digits = 7 if kind != "cent_off" else 5
        rows = _rows_with(table, re.compile(rf"\d{{{digits}}}"))
        rng.shuffle(rows)
        for row in rows:
            name_cell, value_cells = row[1], [c for c in row[2:] if c is not None]
            if kind == "code_name" and name_cell is not None:
                name_cell.text = "医疗保险" if name_cell.text != "医疗保险" else "住房公积金"
                record = {"kind": kind, "check": "template.code", "form": "expenditure"}
                break
            units = (rng.choice([1, -1]) if kind == "cent_off" else rng.choice([100, -100, 1000])) * _unit_scale(table)
            target = value_cells[0] if kind == "cent_off" else value_cells[1] if len(value_cells) > 1 else None
            if target is not None and _shift(target, units):
                record = {
                    "kind": kind,
                    "check": "statement.levels",
                    "form": "expenditure",
                    "severity": "note" if kind == "cent_off" else "error",
                }
                break
    elif kind == "narrative_mismatch":
        found = _table(spec, "general_basic")
        if found is None:
            return False
        for row in found[1].rows:
            cells = [c for c in row if c is not None]
            if (
                cells
                and cells[0].text == "人员经费合计"
                and len(cells) > 1
                and _shift(cells[1], 3000 * _unit_scale(found[1]))
            ):
                record = {"kind": kind, "check": "narrative.statement", "form": "general_basic"}
                break
    elif kind == "empty_unexplained":
        notes = [i for i, block in enumerate(spec.blocks) if isinstance(block, Para) and "故本表无数据" in block.text]
        if not notes:
            return False
        del spec.blocks[notes[0]]
        # The 说明 may say it too (…决算表为空表): that sentence goes as well.
        spec.blocks = [block for block in spec.blocks if not (isinstance(block, Para) and "为空表" in block.text)]
        record = {"kind": kind, "check": "template.empty", "form": None}
    if record is None:
        return False
    spec.truth.setdefault("injected", []).append(record)
    return True
