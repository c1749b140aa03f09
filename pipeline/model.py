"""Typed data that flows between the stages.

Two layers:

* internal page data (``Char``, ``Line``, ``Segment``, ``Page``, ``Paragraph``,
  ``Table``) — plain slotted dataclasses, because a page holds thousands of
  characters and the born-digital path must stay fast;
* the ``budgetdoc/1`` contract (``Field`` … ``Document``) — pydantic models,
  so the JSON writer, the store, the review app and the exports share one
  object.  Key names follow ``shared/contract/output-format.md`` exactly.

Coordinates are PDF points with the origin at the top-left of the page.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict
from pydantic import Field as PydField

BBox = tuple[float, float, float, float]

SCHEMA = "budgetdoc/1"


def union_bbox(boxes: list[BBox]) -> BBox:
    """Smallest box covering all ``boxes`` (which must not be empty)."""
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


# --------------------------------------------------------------------------
# Internal page data
# --------------------------------------------------------------------------


@dataclass(slots=True)
class Char:
    text: str
    bbox: BBox
    size: float = 0.0
    confidence: float = 1.0


@dataclass(slots=True)
class Segment:
    """A ruling line (table border) — horizontal or vertical."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def horizontal(self) -> bool:
        return abs(self.y1 - self.y0) <= abs(self.x1 - self.x0)


RegionKind = Literal["text", "title", "heading", "header", "footer", "table", "figure"]


@dataclass(slots=True)
class Line:
    """One visual line of text with per-character boxes and confidences."""

    text: str
    bbox: BBox
    page: int
    char_boxes: list[BBox]
    char_conf: list[float]
    size: float = 0.0
    kind: RegionKind = "text"

    @property
    def confidence(self) -> float:
        return min(self.char_conf) if self.char_conf else 0.0


@dataclass(slots=True)
class TableCell:
    row: int
    col: int
    rowspan: int
    colspan: int
    text: str
    bbox: BBox
    confidence: float
    page: int
    char_boxes: list[BBox] = field(default_factory=list)
    char_conf: list[float] = field(default_factory=list)
    # Set on an empty cell in the first row of a table's continuation on a new
    # page, under a cell of the same columns: it may be the rest of a merged
    # cell cut by the page break (see stitch.joined), so a reader can carry
    # the label above down.  Geometry cannot tell it from a blank cell.
    continues_above: bool = False


@dataclass(slots=True)
class Table:
    """A grid with spans.  ``pages`` lists every page it has cells on."""

    page: int
    bbox: BBox
    n_rows: int
    n_cols: int
    cells: list[TableCell]
    pages: list[int] = field(default_factory=list)

    def cell_at(self, row: int, col: int) -> TableCell | None:
        """The cell covering grid position (row, col), spans included."""
        for cell in self.cells:
            if cell.row <= row < cell.row + cell.rowspan and cell.col <= col < cell.col + cell.colspan:
                return cell
        return None

    def rows(self) -> list[list[TableCell]]:
        """Cells grouped by their top row, left to right."""
        grouped: list[list[TableCell]] = [[] for _ in range(self.n_rows)]
        for cell in self.cells:
            grouped[cell.row].append(cell)
        for row in grouped:
            row.sort(key=lambda c: c.col)
        return grouped


PageSource = Literal["text", "ocr"]


@dataclass(slots=True)
class Page:
    number: int  # 1-based
    width: float
    height: float
    source: PageSource
    chars: list[Char] = field(default_factory=list)
    rules: list[Segment] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    image: Any = None  # numpy array for OCR pages, kept for review
    file: str = ""  # the PDF it came from; engines that reread the file need it
    notes: list[PageNote] = field(default_factory=list)
    blank: bool = False  # nothing printed on it: never sent to OCR
    # Why its text layer is doubted (rare characters, invisible text over an
    # image): the flow checks such a page against its image.
    doubts: list[str] = field(default_factory=list)
    # Quarter turns clockwise applied to a scan to read it upright.
    quarter_turns: int = 0
    # Most of it is a one-bit image (a bitonal scan): its strokes are jagged
    # and thin lines break, which the scan stage may smooth before reading.
    bitonal: bool = False


@dataclass(slots=True)
class Source:
    """An opened PDF: identity plus its pages (see ``ingest.open_pdf``)."""

    path: str
    doc_id: str  # "sha256:" + hex digest of the file's bytes
    pages: list[Page]
    # Pages ingest could not load, each with the reason.
    errors: list[PageError] = field(default_factory=list)


@dataclass(slots=True)
class Paragraph:
    """Running text joined across lines and pages.

    ``char_pages``/``char_boxes``/``char_conf`` run parallel to ``text`` so a
    regex match on the text can be traced back to page, box and confidence.
    """

    text: str
    char_pages: list[int]
    char_boxes: list[BBox]
    char_conf: list[float]
    kind: RegionKind = "text"

    def locate(self, start: int, end: int) -> tuple[int, BBox, float]:
        """Page, box and minimum confidence of ``text[start:end]``.

        The box covers the part of the span on its first page.
        """
        end = max(end, start + 1)
        page = self.char_pages[start]
        boxes = [self.char_boxes[i] for i in range(start, end) if self.char_pages[i] == page]
        conf = min(self.char_conf[start:end])
        return page, union_bbox(boxes), conf


# --------------------------------------------------------------------------
# budgetdoc/1 contract
# --------------------------------------------------------------------------

Status = Literal["auto", "review", "corrected", "confirmed"]

# Our own output is validated strictly: a key the contract does not define
# (a typo, a stale name) is refused rather than carried along.
_OURS = ConfigDict(extra="forbid")


class Field(BaseModel):
    model_config = _OURS

    value: Any = None
    confidence: float = 0.0
    page: int | None = None
    bbox: list[float] | None = None
    source: str | None = None
    status: Status = "auto"


class Figure(Field):
    key: str
    label: str
    # The label phrase as it stood in the text (本年收入合计 / 本年收入).
    mention: str | None = None
    # Other places stating the same key; the checks compare their values.
    alternates: list[Figure] = PydField(default_factory=list)
    # The statement cell it was read from (``statements.0.rows.3.values.amount``),
    # for a figure that a 决算报表 states.
    cell: str | None = None


class ExpenditureItem(BaseModel):
    model_config = _OURS

    budget: Literal["general", "fund", "capital"]
    lei: Field
    kuan: Field
    xiang: Field
    code: str | None = None
    amount: Field
    change: Field
    growth_pct: Field
    reason: Field
    # The budget sentences of regions that state them ("年初预算为 A 万元 …
    # 完成年初预算的 Z%"); absent where the wording does not.
    initial_budget: Field | None = None
    annual_budget: Field | None = None
    completion_pct: Field | None = None
    purpose: Field | None = None  # 主要用于：… where the wording states it


class ClassTotal(BaseModel):
    model_config = _OURS

    budget: Literal["general", "fund", "capital"]
    lei: Field
    amount: Field
    share_pct: Field


class FundRow(BaseModel):
    model_config = _OURS

    label: Field
    initial_budget: Field
    annual_budget: Field
    executed: Field
    weight: Field
    execution_rate: Field
    score: Field


class Indicator(BaseModel):
    model_config = _OURS

    level1: Field
    level2: Field
    level3: Field
    target: Field
    actual: Field
    weight: Field
    score: Field
    deviation_reason: Field


class Performance(BaseModel):
    model_config = _OURS

    scope: Literal["project", "overall"]
    name: Field
    supervisor: Field
    implementer: Field
    funds: list[FundRow] = PydField(default_factory=list)
    goal_expected: Field
    goal_actual: Field
    indicators: list[Indicator] = PydField(default_factory=list)
    total_score: Field


class CellOut(BaseModel):
    model_config = _OURS

    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    text: str
    bbox: list[float]
    confidence: float
    page: int


class TableOut(BaseModel):
    model_config = _OURS

    page: int
    bbox: list[float]
    n_rows: int
    n_cols: int
    cells: list[CellOut]
    pages: list[int] = PydField(default_factory=list)
    # The record the table was read into ("performance[2]"); None sends it to review.
    record: str | None = None
    status: Status = "auto"


StatementForm = Literal[
    "income_expenditure_summary",
    "income",
    "expenditure",
    "fiscal_summary",
    "general_expenditure",
    "general_basic",
    "fund",
    "capital",
    "three_public",
    "other",
]
RowLevel = Literal["lei", "kuan", "xiang", "total"]


class StatementRow(BaseModel):
    """One printed data row of a 决算报表 (one lane of a two-lane table)."""

    model_config = _OURS

    side: Literal["income", "expenditure"] | None = None
    code: Field = PydField(default_factory=Field)
    name: Field = PydField(default_factory=Field)
    level: RowLevel | None = None
    values: dict[str, Field] = PydField(default_factory=dict)


class Statement(BaseModel):
    """One of the nine 部门决算报表 as a record (contract ``statements``)."""

    model_config = _OURS

    form: StatementForm
    title: Field
    pages: list[int]
    unit: str = "万元"
    table: int
    empty: bool = False
    columns: list[str] = PydField(default_factory=list)
    # The printed header of each column key, joined top to bottom (本年支出/基本支出).
    labels: dict[str, str] = PydField(default_factory=dict)
    rows: list[StatementRow] = PydField(default_factory=list)
    # The sentence that explains an empty table ("本表无数据"), where printed.
    empty_note: str | None = None
    # The department a unit line names (编制单位：…), where printed.
    maker: str | None = None


Severity = Literal["error", "warning", "note"]


class Check(BaseModel):
    model_config = _OURS

    rule: str
    passed: bool
    fields: list[str]
    message: str
    id: str | None = None  # the rule's stable id (``statement.sum.kuan``)
    severity: Severity | None = None  # a note sends nothing to the queue
    pages: list[int] = PydField(default_factory=list)


DocKind = Literal["final_account", "overall_performance_report", "other"]
DocStatus = Literal["complete", "partial"]


class PageError(BaseModel):
    """A stage that failed on one page; the rest of the document is still read."""

    model_config = _OURS

    page: int
    stage: str
    message: str


class PageNote(BaseModel):
    """A decision about a page that a reader should know of: a text layer
    repaired or distrusted, a page turned upright, rendered at a lower
    resolution, found blank."""

    model_config = _OURS

    page: int
    kind: str
    message: str


class DocumentInfo(BaseModel):
    model_config = _OURS

    doc_id: str
    file: str
    pages: int
    page_sources: list[PageSource]
    # Per page: [width, height] in PDF points (the review view draws boxes on them).
    page_sizes: list[list[float]] = PydField(default_factory=list)
    kind: DocKind = "other"
    title: Field = PydField(default_factory=Field)
    department: Field = PydField(default_factory=Field)
    fiscal_year: Field = PydField(default_factory=Field)
    status: DocStatus = "complete"
    page_notes: list[PageNote] = PydField(default_factory=list)
    # Seconds spent per stage on this document (``ingest``, ``ocr`` …).
    timings: dict[str, float] = PydField(default_factory=dict)


class Document(BaseModel):
    model_config = _OURS

    schema_: str = PydField(default=SCHEMA, alias="schema")
    document: DocumentInfo
    figures: list[Figure] = PydField(default_factory=list)
    expenditure_items: list[ExpenditureItem] = PydField(default_factory=list)
    class_totals: list[ClassTotal] = PydField(default_factory=list)
    performance: list[Performance] = PydField(default_factory=list)
    statements: list[Statement] = PydField(default_factory=list)
    tables: list[TableOut] = PydField(default_factory=list)
    checks: list[Check] = PydField(default_factory=list)
    page_errors: list[PageError] = PydField(default_factory=list)

    def to_json_dict(self) -> dict[str, Any]:
        return self.model_dump(by_alias=True, mode="json")

    def to_json(self) -> dict[str, Any]:
        """The ``budgetdoc/1`` contract as plain JSON values."""
        return self.to_json_dict()

    def to_pandas(self) -> dict[str, Any]:
        """The export tables of this document: a DataFrame per table name."""
        from pipeline.export.tables import data_frames

        return data_frames([self])


def iter_fields(document: Document) -> Iterator[tuple[str, Field]]:
    """Every Field of a document with its contract path.

    Paths read like ``figures.income_total``, ``expenditure_items[3].amount``,
    ``performance[2].indicators[4].score`` — the names checks and the
    correction queue use.
    """
    info = document.document
    for name in ("title", "department", "fiscal_year"):
        yield f"document.{name}", getattr(info, name)
    for figure in document.figures:
        yield f"figures.{figure.key}", figure
    for i, item in enumerate(document.expenditure_items):
        yield from _record_fields(f"expenditure_items[{i}]", item)
    for i, total in enumerate(document.class_totals):
        yield from _record_fields(f"class_totals[{i}]", total)
    for i, perf in enumerate(document.performance):
        prefix = f"performance[{i}]"
        yield from _record_fields(prefix, perf)
        for j, row in enumerate(perf.funds):
            yield from _record_fields(f"{prefix}.funds[{j}]", row)
        for j, indicator in enumerate(perf.indicators):
            yield from _record_fields(f"{prefix}.indicators[{j}]", indicator)
    for i, statement in enumerate(document.statements):
        yield f"statements.{i}.title", statement.title
        for j, row in enumerate(statement.rows):
            yield f"statements.{i}.rows.{j}.code", row.code
            yield f"statements.{i}.rows.{j}.name", row.name
            for key, value in row.values.items():
                yield f"statements.{i}.rows.{j}.values.{key}", value


def _record_fields(prefix: str, record: BaseModel) -> Iterator[tuple[str, Field]]:
    for name in type(record).model_fields:
        value = getattr(record, name)
        if isinstance(value, Field):
            yield f"{prefix}.{name}", value


def table_out(table: Table, record: str | None) -> TableOut:
    """The contract's grid for an internal table; ``record`` names the
    record it was read into, and a table read into none waits for review."""
    return TableOut.model_validate(
        {
            "page": table.page,
            "bbox": list(table.bbox),
            "n_rows": table.n_rows,
            "n_cols": table.n_cols,
            "pages": table.pages or [table.page],
            "record": record,
            "status": "auto" if record is not None else "review",
            "cells": [
                {
                    "row": c.row,
                    "col": c.col,
                    "rowspan": c.rowspan,
                    "colspan": c.colspan,
                    "text": c.text,
                    "bbox": [round(v, 2) for v in c.bbox],
                    "confidence": round(c.confidence, 4),
                    "page": c.page,
                }
                for c in table.cells
            ],
        }
    )
