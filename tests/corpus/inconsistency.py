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
  note (``template.empty``), where the report has one;
* ``share_sum`` — a class's share in 结构情况 0.07 too high, so the shares
  add to 100.07 (``share.sum``);
* ``zero_budget`` — a line's 年初预算 printed as 0 beside its 完成年初预算的
  Z% (``completion.zero_budget``; the national wording only);
* ``item_name`` — a line's 项 named in the text otherwise than in its table
  (``narrative.item``);
* ``procurement_double`` — 服务 procurement printed as the 货物 amount, one
  amount counted twice (``figures.arithmetic``);
* ``unit_slip`` — the 财政拨款 total in the text divided by 10000, a 元 figure
  read as 万元 (``template.unit_slip``);
* ``basic_all_funds`` — the text's 一般公共预算财政拨款基本支出 is the
  all-funds 基本支出 (``narrative.statement``);
* ``purpose_contradicts`` — a 住房公积金 (养老, 医疗 …) line described as
  spent on another 科目's purpose (``template.purpose``; national wording).

``caught(document, record)`` tells whether a document's checks caught one.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from typing import Any

from pipeline.model import Document
from tests.corpus.national import FITTING_PURPOSES
from tests.corpus.spec import CellSpec, GridTable, Para, ReportSpec
from tests.corpus.statement_tables import TITLES

KINDS = (
    "cell_off",
    "cent_off",
    "code_name",
    "narrative_mismatch",
    "empty_unexplained",
    "share_sum",
    "zero_budget",
    "item_name",
    "procurement_double",
    "unit_slip",
    "basic_all_funds",
    "purpose_contradicts",
)
_AMOUNT = re.compile(r"-?[\d,]+\.\d{2}")
_NARRATIVE_KINDS = frozenset(KINDS[5:])
_NUMBER_AFTER = r"\s*(?:为)?\s*(-?[\d,]+\.\d{2})"


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


def _printed(cents: int, like: str) -> str:
    sign = "-" if cents < 0 else ""
    whole, hundredths = divmod(abs(cents), 100)
    return f"{sign}{whole:,}.{hundredths:02d}" if "," in like else f"{sign}{whole}.{hundredths:02d}"


def _rewrite(spec: ReportSpec, mention: str, change: Callable[[int, str], str | None]) -> bool:
    """Rewrites the first amount printed after ``mention`` in the text."""
    pattern = re.compile(re.escape(mention) + _NUMBER_AFTER)
    for block in spec.blocks:
        if isinstance(block, Para) and (match := pattern.search(block.text)):
            cents = int(match.group(1).replace(",", "").replace(".", "").replace("-", "")) * (
                -1 if match.group(1).startswith("-") else 1
            )
            new = change(cents, match.group(1))
            if new is None:
                return False
            block.text = block.text[: match.start(1)] + new + block.text[match.end(1) :]
            return True
    return False


def _narrative(spec: ReportSpec, kind: str, rng: random.Random) -> dict[str, Any] | None:
    figures = spec.truth["figures"]
    if kind == "share_sum":
        for block in spec.blocks:
            if (
                isinstance(block, Para)
                and "(类)" in block.text.replace("（", "(").replace("）", ")")
                and (match := re.search(r"占\s*(\d+\.\d{2})\s*%", block.text))
                and "主要原因" not in block.text
            ):
                value = int(match.group(1).replace(".", "")) + 7
                block.text = block.text[: match.start(1)] + _printed(value, match.group(1)) + block.text[match.end(1) :]
                return {"kind": kind, "check": "share.sum", "fields": "class_totals"}
        return None
    if kind == "zero_budget":
        for block in spec.blocks:
            if (
                isinstance(block, Para)
                and "完成年初预算的" in block.text
                and (match := re.search(r"[)）]。.*?年初预算为\s*(-?[\d,]+\.\d{2})", block.text))
            ):
                block.text = block.text[: match.start(1)] + "0.00" + block.text[match.end(1) :]
                return {"kind": kind, "check": "completion.zero_budget", "fields": "expenditure_items"}
        return None
    if kind == "item_name":
        items = [i for i in spec.truth["expenditure_items"] if i["budget"] == "general"]
        for item in rng.sample(items, len(items)):
            for block in spec.blocks:
                for marker in ("（项）", "(项)"):
                    old = f"{item['xiang']}{marker}"
                    if isinstance(block, Para) and old in block.text and block.text.count(old) == 1:
                        block.text = block.text.replace(old, f"{item['xiang']}补助{marker}")
                        return {"kind": kind, "check": "narrative.item", "fields": "expenditure_items"}
        return None
    if kind == "procurement_double":
        goods = figures.get("procurement_goods")
        if not goods or goods == figures.get("procurement_services") or goods == "0.00":
            return None
        cents = int(goods.replace(".", ""))
        for mention in ("政府采购服务支出", "服务采购金额"):
            if _rewrite(spec, mention, lambda _, like: _printed(cents, like)):
                return {"kind": kind, "check": "figures.arithmetic", "fields": "figures.procurement"}
        return None
    if kind == "unit_slip":
        for mention in ("财政拨款收入支出总计", "财政拨款收入总计"):
            if _rewrite(spec, mention, lambda c, like: _printed(round(c / 10000), like) if c >= 20000 else None):
                return {"kind": kind, "check": "template.unit_slip", "fields": "figures.fiscal_total"}
        return None
    if kind == "purpose_contradicts":
        for block in spec.blocks:
            if not isinstance(block, Para):
                continue
            for word, purpose in FITTING_PURPOSES.items():
                other = next(p for w, p in FITTING_PURPOSES.items() if w != word)
                if f"主要用于：{purpose}" in block.text or f"主要用于:{purpose}" in block.text:
                    block.text = block.text.replace(purpose, other, 1)
                    return {"kind": kind, "check": "template.purpose", "fields": "expenditure_items"}
        return None
    if kind == "basic_all_funds":
        basic, general = figures.get("basic_expenditure"), figures.get("general_basic_expenditure")
        if not basic or not general or basic == general:
            return None
        cents = int(basic.replace(".", ""))
        if _rewrite(spec, "一般公共预算财政拨款基本支出", lambda _, like: _printed(cents, like)):
            return {"kind": kind, "check": "narrative.statement", "fields": "figures.general_basic_expenditure"}
    return None


def caught(document: Document, record: dict[str, Any]) -> bool:
    """Whether a check of the recorded id failed (or noted) on a field of the error."""
    prefix = record.get("fields", "statements.")
    forms = {i for i, s in enumerate(document.statements) if record.get("form") is None or s.form == record["form"]}
    for check in document.checks:
        if check.id != record["check"] or (check.passed and check.severity != "note"):
            continue
        for path in check.fields:
            if not path.startswith(prefix):
                continue
            if prefix != "statements." or int(path.split(".")[1]) in forms:
                return True
    return False


def inject(spec: ReportSpec, kind: str, rng: random.Random) -> bool:
    """Injects one error of ``kind``; False where the report offers no place for it."""
    record: dict[str, Any] | None = None
    if kind in _NARRATIVE_KINDS:
        record = _narrative(spec, kind, rng)
    elif kind in ("cell_off", "cent_off", "code_name"):
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
