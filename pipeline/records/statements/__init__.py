"""The nine 部门决算报表 as records (contract ``statements``).

Entry point: ``extract_statements(tables, placed, paragraphs, rules)``.  A
grid no other record took is a statement when its title (the line above
it) names one of the forms, or, without a title, when its header does
(``configs/rules/statements.yaml``).  Its header gives the columns' keys
and the lanes, its rows the codes, names, levels and values.  Tables are
found wherever they sit and whatever their number; one continued on the
next page was joined by stitching before.
"""

from __future__ import annotations

from pipeline.model import Field, Paragraph, Statement, Table
from pipeline.records.rules import ConfidenceFactors
from pipeline.records.statements.header import Header, key_columns, read_header
from pipeline.records.statements.place import Piece, surroundings
from pipeline.records.statements.read import read_rows
from pipeline.records.statements.rules import StatementRules, label, load_statement_rules

__all__ = ["StatementRules", "extract_statements", "load_statement_rules"]


def extract_statements(
    tables: list[Table],
    placed: list[str | None],
    paragraphs: list[Paragraph],
    rules: StatementRules,
    factors: ConfidenceFactors,
) -> list[Statement]:
    """One statement per grid that is one; ``placed`` (the record each grid
    went into, None where none) gains ``statements[i]`` for each."""
    statements: list[Statement] = []
    for index, table in enumerate(tables):
        if placed[index] is not None:
            continue
        statement = _read(table, index, tables, paragraphs, rules, factors)
        if statement is not None:
            placed[index] = f"statements[{len(statements)}]"
            statements.append(statement)
    return statements


def _read(
    table: Table,
    index: int,
    tables: list[Table],
    paragraphs: list[Paragraph],
    rules: StatementRules,
    factors: ConfidenceFactors,
) -> Statement | None:
    around = surroundings(table, tables, paragraphs, rules)
    header = read_header(table, rules)
    form = around.title_form or _form_by_header(header, rules)
    nameless = all(lane.name is None for lane in header.lanes)
    if form is None or not header.lanes or (nameless and form != "three_public"):
        return None
    key_columns(header, form, rules)
    unit = around.unit or header.unit or "万元"
    rows = read_rows(table, header, rules, unit, factors)
    columns = list(dict.fromkeys(c.key for lane in header.lanes for c in lane.values if c.key))
    labels = {c.key: "/".join(c.labels) for lane in header.lanes for c in lane.values if c.key}
    empty = not any(value.value is not None for row in rows for value in row.values.values())
    note = around.note or (_said_empty(paragraphs, form, around.title, rules) if empty else None)
    return Statement(
        form=form,  # type: ignore[arg-type]
        title=around.title.field() if around.title is not None else Field(),
        pages=table.pages or [table.page],
        unit=unit,
        table=index,
        empty=empty,
        columns=columns,
        labels=labels,
        rows=rows,
        empty_note=note,
        maker=around.maker,
    )


def _said_empty(paragraphs: list[Paragraph], form: str, title: Piece | None, rules: StatementRules) -> str | None:
    """A sentence of the 说明 saying this table is empty (…决算表为空表)."""
    printed = label(title.text) if title is not None else ""
    patterns = [pattern for name, pattern in rules.titles if name == form]
    for paragraph in paragraphs:
        for sentence in paragraph.text.split("。"):
            compact = label(sentence)
            if not rules.empty_note.search(compact):
                continue
            if (printed and printed in compact) or any(p.search(compact) for p in patterns):
                return sentence.strip() + "。"
    return None


def _form_by_header(header: Header, rules: StatementRules) -> str | None:
    labels = header.labels
    return next((form for form, words in rules.headers if words <= labels), None)
