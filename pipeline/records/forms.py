"""Performance records from a document's tables, and what became of each table.

Entry point: ``extract_performance(tables, rules, table_options)``.  Each
table is read as a 绩效自评表 (``performance.read_form``); a table that
stitching left apart from the form before it may be that form's rest, and
then takes the form's columns.  Every table ends up placed in a record or
unplaced (sent to review by the caller), never dropped.  The symbols of
each form are settled as it is read, and then once across the document's
forms (``symbols.doubt_lost_equals``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline import stitch
from pipeline.model import Performance, Table
from pipeline.records import symbols
from pipeline.records.performance import label_text, read_form
from pipeline.records.rules import Rules
from pipeline.tables import TableOptions

# A rest is as wide as its form within this many times the stitching's
# width tolerance: stitching refused it, so it may have drifted further.
_REST_WIDTH_SLACK = 2.0


@dataclass
class FormReading:
    """The performance records, and what became of each table: the grids
    after a form's header-less rest was joined to it, and for each grid the
    record it went into (``performance[2]``) or None."""

    records: list[Performance] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    placed: list[str | None] = field(default_factory=list)


def extract_performance(tables: list[Table], rules: Rules, table_options: TableOptions | None = None) -> FormReading:
    """One record per performance table, in the order the tables come.

    A table the stitching left apart from the form before it (its columns
    did not agree closely enough, or text stood between) is that form's
    rest when the form has not reached its 总分 row, the table starts on the
    next page with no form label of its own, is about as wide, has at least
    the four columns of levels, target and actual, and joining it adds
    indicator rows or the 总分.  It is put on the form's own columns
    (``stitch.joined(..., onto_first=True)``).
    """
    options = table_options or TableOptions()
    reading = FormReading()
    for table in tables:
        previous = reading.tables[-1] if reading.tables and reading.placed[-1] else None
        if previous is not None and _may_be_rest_of(previous, table, rules, options):
            whole = stitch.joined(previous, table, options, onto_first=True)
            record = read_form(whole, rules)
            before = reading.records[-1]
            if record is not None and (
                len(record.indicators) > len(before.indicators) or record.total_score.value is not None
            ):
                reading.tables[-1], reading.records[-1] = whole, record
                continue
        record = read_form(table, rules)
        reading.tables.append(table)
        reading.placed.append(f"performance[{len(reading.records)}]" if record is not None else None)
        if record is not None:
            reading.records.append(record)
    symbols.doubt_lost_equals([record.indicators for record in reading.records], rules.performance.symbols)
    return reading


def _may_be_rest_of(form: Table, part: Table, rules: Rules, options: TableOptions) -> bool:
    perf = rules.performance
    if part.page != form.pages[-1] + 1:
        return False
    if any(label_text(cell.text) in perf.total_row for cell in form.cells):
        return False  # the form is complete
    form_width = _width_on(form, form.pages[-1])
    part_width = _width_on(part, part.page)
    if not form_width or abs(part_width / form_width - 1) > _REST_WIDTH_SLACK * options.width_tolerance:
        return False
    if part.n_cols < len(perf.indicator_required) + 2:  # levels, target, actual at the least
        return False
    labels = perf.scope_by_name_label.keys() | perf.goal_expected
    return not any(label_text(cell.text) in labels for cell in part.cells)


def _width_on(table: Table, page: int) -> float:
    cells = [cell for cell in table.cells if cell.page == page]
    return max(c.bbox[2] for c in cells) - min(c.bbox[0] for c in cells) if cells else 0.0
