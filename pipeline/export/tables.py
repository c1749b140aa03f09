"""Documents as the analysts' tables: one row per figure, line, value, indicator, check.

Every row carries the document, its department and year, the page, the
confidence and the review status of what it holds.  Where a person corrected
a value the row holds the corrected value and says what the machine read
(``machine_value`` for one-value rows, ``corrections`` for records of several
fields).  Amounts, shares and scores are numbers; codes and texts stay text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel

from pipeline.model import Document, Field, iter_fields

TABLES = (
    "documents",
    "figures",
    "expenditure_items",
    "class_totals",
    "statement_rows",
    "performance",
    "performance_funds",
    "indicators",
    "checks",
)

# Record fields that hold numbers (the rest, such as an indicator's target "≥95%", are text).
NUMERIC_FIELDS = frozenset(
    {
        "amount", "change", "growth_pct", "share_pct", "initial_budget", "annual_budget", "completion_pct",
        "executed", "weight", "execution_rate", "score", "total_score",
    }
)  # fmt: skip

# Columns of whole numbers, some of them missing.
INTEGER_COLUMNS = frozenset(
    {"year", "page", "pages", "open_review", "failed_checks", "statement", "row", "performance"}
)

# The worst status of a record's fields is the record's: one field in review puts the row in review.
_STATUS_ORDER = ("auto", "confirmed", "corrected", "review")

_COMMON = ["doc_id", "department", "year"]
_TAIL = ["page", "confidence", "status"]
COLUMNS: dict[str, list[str]] = {
    "documents": [
        *_COMMON, "title", "file", "paths", "kind", "pages", "document_status", "open_review", "failed_checks",
        "error",
    ],
    "figures": [*_COMMON, "key", "label", "value", "machine_value", "source", *_TAIL],
    "expenditure_items": [
        *_COMMON, "budget", "code", "lei", "kuan", "xiang", "amount", "change", "growth_pct", "reason",
        "initial_budget", "annual_budget", "completion_pct", "purpose", "corrections", *_TAIL,
    ],
    "class_totals": [*_COMMON, "budget", "lei", "amount", "share_pct", "corrections", *_TAIL],
    "statement_rows": [
        *_COMMON, "statement", "form", "title", "unit", "row", "side", "code", "name", "level", "column",
        "label", "value", "machine_value", *_TAIL,
    ],
    "performance": [
        *_COMMON, "performance", "scope", "name", "supervisor", "implementer", "goal_expected", "goal_actual",
        "total_score", "corrections", *_TAIL,
    ],
    "performance_funds": [
        *_COMMON, "performance", "scope", "project", "label", "initial_budget", "annual_budget", "executed",
        "weight", "execution_rate", "score", "corrections", *_TAIL,
    ],
    "indicators": [
        *_COMMON, "performance", "scope", "project", "level1", "level2", "level3", "target", "actual", "weight",
        "score", "deviation_reason", "corrections", *_TAIL,
    ],
    "checks": [*_COMMON, "id", "rule", "passed", "severity", "message", "fields", "pages", "page", "status"],
}  # fmt: skip


def table_rows(
    document: Document,
    machine_values: Mapping[str, Any] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """The rows of each table for one document.  ``machine_values`` maps a
    corrected field's path to what the machine had read; ``extra`` adds to
    the document's own row (its paths in an archive, its error)."""
    machine = dict(machine_values or {})
    info = document.document
    common = {
        "doc_id": info.doc_id,
        "department": info.department.value,
        "year": info.fiscal_year.value,
    }
    paths = {id(field): path for path, field in iter_fields(document)}
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
    rows["documents"].append(_document_row(document, common, extra or {}))
    for figure in document.figures:
        rows["figures"].append(
            {**common, "key": figure.key, "label": figure.label, **_one_value(figure, paths, machine, numeric=True)}
        )
    for item in document.expenditure_items:
        rows["expenditure_items"].append(
            {**common, "budget": item.budget, "code": item.code, **_record(item, paths, machine)}
        )
    for total in document.class_totals:
        rows["class_totals"].append({**common, "budget": total.budget, **_record(total, paths, machine)})
    for i, statement in enumerate(document.statements):
        rows["statement_rows"] += _statement_rows(statement, i, common, paths, machine)
    for i, performance in enumerate(document.performance):
        rows["performance"].append({**common, "performance": i, "scope": performance.scope,
                                    **_record(performance, paths, machine)})  # fmt: skip
        about = {**common, "performance": i, "scope": performance.scope, "project": performance.name.value}
        rows["performance_funds"] += [{**about, **_record(fund, paths, machine)} for fund in performance.funds]
        rows["indicators"] += [{**about, **_record(ind, paths, machine)} for ind in performance.indicators]
    rows["checks"] = [_check_row(check, common) for check in document.checks]
    return rows


def data_frames(documents: Iterable[Document | tuple[Document, Mapping[str, Any], Mapping[str, Any]]]) -> dict:
    """A DataFrame per table over ``documents`` (each a Document, or a
    (document, machine values, extra) triple as the store gives them); a
    table with no rows still has its columns."""
    import pandas as pd

    collected: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
    for entry in documents:
        document, machine, extra = entry if isinstance(entry, tuple) else (entry, None, None)
        for name, rows in table_rows(document, machine, extra).items():
            collected[name] += rows
    frames = {}
    for name in TABLES:
        frame = pd.DataFrame(collected[name], columns=COLUMNS[name])
        # Whole numbers stay whole where some are missing (a year, a page): 2024, not 2024.0.
        for column in INTEGER_COLUMNS.intersection(frame.columns):
            frame[column] = pd.array([_whole(value) for value in frame[column].tolist()], dtype="Int64")
        frames[name] = frame
    return frames


def _document_row(document: Document, common: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    info = document.document
    return {
        **common,
        "title": info.title.value,
        "file": info.file,
        "paths": extra.get("paths", info.file),
        "kind": info.kind,
        "pages": info.pages,
        "document_status": extra.get("status", info.status),
        "open_review": open_review(document),
        "failed_checks": sum(1 for check in document.checks if not check.passed and check.severity != "note"),
        "error": extra.get("error"),
    }


def open_review(document: Document) -> int:
    """Fields still waiting for a person."""
    return sum(1 for _, field in iter_fields(document) if field.status == "review")


def _one_value(field: Field, paths: dict[int, str], machine: dict[str, Any], *, numeric: bool) -> dict[str, Any]:
    path = paths.get(id(field))
    return {
        "value": _number(field.value) if numeric else field.value,
        "machine_value": _number(machine[path]) if numeric and path in machine else machine.get(path),
        "source": field.source,
        "page": field.page,
        "confidence": field.confidence,
        "status": field.status,
    }


def _record(record: BaseModel, paths: dict[int, str], machine: dict[str, Any]) -> dict[str, Any]:
    """A record's fields as columns, with the row's page, lowest confidence and worst status."""
    row: dict[str, Any] = {}
    stated: list[Field] = []
    corrections: list[str] = []
    for name in type(record).model_fields:
        field = getattr(record, name)
        if not isinstance(field, Field):
            continue
        row[name] = _number(field.value) if name in NUMERIC_FIELDS else field.value
        if field.value is not None:
            stated.append(field)
        path = paths.get(id(field))
        if path in machine:
            corrections.append(f"{name}: {machine[path]} → {field.value}")
    row["corrections"] = "; ".join(corrections) or None
    row["page"] = next((field.page for field in stated if field.page is not None), None)
    row["confidence"] = min((field.confidence for field in stated), default=None)
    # A field waiting for a person counts whether or not a value was read for it.
    statuses = [getattr(record, name).status for name in type(record).model_fields
                if isinstance(getattr(record, name), Field)]  # fmt: skip
    row["status"] = max(statuses, key=_STATUS_ORDER.index, default="auto")
    return row


def _statement_rows(statement, index: int, common: dict[str, Any], paths, machine) -> list[dict[str, Any]]:
    """A statement's values in long form: one row per printed row and column."""
    rows = []
    about = {
        **common, "statement": index, "form": statement.form, "title": statement.title.value, "unit": statement.unit,
    }  # fmt: skip
    for j, row in enumerate(statement.rows):
        line = {**about, "row": j, "side": row.side, "code": row.code.value, "name": row.name.value}
        for key, value in row.values.items():
            rows.append(
                {
                    **line,
                    "level": row.level,
                    "column": key,
                    "label": statement.labels.get(key, key),
                    **_one_value(value, paths, machine, numeric=True),
                }
            )
    return rows


def _check_row(check, common: dict[str, Any]) -> dict[str, Any]:
    return {
        **common,
        "id": check.id,
        "rule": check.rule,
        "passed": check.passed,
        "severity": check.severity,
        "message": check.message,
        "fields": "; ".join(check.fields),
        "pages": ", ".join(str(page) for page in check.pages),
        "page": check.pages[0] if check.pages else None,
        "status": "passed" if check.passed else (check.severity or "error"),
    }


def _whole(value: Any) -> int | None:
    """A whole number, or None for a value that is missing or not one (a year read as text)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value == value and value.is_integer() else None
    text = str(value).strip()
    return int(text) if text.lstrip("-").isdigit() else None


def _number(value: Any) -> Any:
    """A decimal string as a float (what a spreadsheet sums); anything else as it is."""
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return value
    return value
