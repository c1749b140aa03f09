"""Chinese-text rules: paragraphs and table grids in, contract records out.

``extract`` is the stage's one entry point.  It splits the paragraphs into
the report's sections, reads the document header, the keyed figures, the
具体情况 items and 结构情况 class totals from running text, and one
performance record per 绩效自评表 grid.  Rules are data in
``configs/rules/*.yaml``, compiled once per rules directory.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.config import resolve_path
from pipeline.model import Document, DocumentInfo, Paragraph, Table, table_out
from pipeline.records.document import read_document_info
from pipeline.records.figures import extract_figures
from pipeline.records.forms import extract_performance
from pipeline.records.items import extract_class_totals, extract_items
from pipeline.records.reconcile import link_item_codes, merge_figures, statement_figures
from pipeline.records.rules import DEFAULT_RULES_DIR, load_rules
from pipeline.records.sections import split_sections
from pipeline.records.statements import extract_statements
from pipeline.tables import TableOptions

__all__ = [
    "ExtractOptions",
    "extract",
]


@dataclass(frozen=True, slots=True)
class ExtractOptions:
    # configs/rules by default; a relative path is taken from the project root.
    rules_dir: str | Path = DEFAULT_RULES_DIR


def extract(
    paragraphs: list[Paragraph],
    tables: list[Table],
    info: DocumentInfo,
    options: ExtractOptions | None = None,
    table_options: TableOptions | None = None,
) -> Document:
    """The contract's records for one report, and its grids.

    ``tables`` are read as performance records and as statements; each grid
    in the document names the record it went into, and one read into none
    is sent to review (never dropped).  The checks are added by the flow.
    """
    rules = load_rules(resolve_path((options or ExtractOptions()).rules_dir))
    blocks = split_sections(paragraphs, rules.parts)
    forms = extract_performance(tables, rules, table_options)
    statements = extract_statements(forms.tables, forms.placed, paragraphs, rules.statements, rules.confidence)
    items = extract_items(blocks, rules)
    link_item_codes(items, statements)
    return Document(
        document=read_document_info(paragraphs, info, rules),
        figures=merge_figures(extract_figures(blocks, rules), statement_figures(statements, rules)),
        expenditure_items=items,
        class_totals=extract_class_totals(blocks, rules),
        performance=forms.records,
        statements=statements,
        tables=[table_out(table, record) for table, record in zip(forms.tables, forms.placed, strict=True)],
    )
