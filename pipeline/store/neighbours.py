"""The archive checks of a stored report against its department's reports
of the year before and the year after (``archive.year_over_year``), made
again whenever one of them is written or corrected."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from pipeline.confidence import ConfidenceOptions, failed_paths, settle
from pipeline.model import Document
from pipeline.store import archive
from pipeline.store.archive import ArchiveRules
from pipeline.store.rows import corrections_of, write_checks, write_fields
from pipeline.store.schema import DocumentRow


def refresh_archive_checks(
    session: Session, row: DocumentRow, rules: ArchiveRules, confidence: ConfidenceOptions
) -> None:
    """Make the year-over-year checks of ``row`` and of its department's
    reports one year before and after it."""
    for each in [row, *_neighbours(session, row, rules)]:
        _rewrite(session, each, rules, confidence)


def _neighbours(session: Session, row: DocumentRow, rules: ArchiveRules) -> list[DocumentRow]:
    if row.fiscal_year is None or not row.department_key:
        return []
    query = select(DocumentRow).where(
        DocumentRow.fiscal_year.in_([row.fiscal_year - 1, row.fiscal_year + 1]),
        DocumentRow.payload.is_not(None),
        DocumentRow.doc_id != row.doc_id,
        DocumentRow.kind == row.kind,  # a final account against a final account
    )
    return [
        other
        for other in session.scalars(query)
        if archive.same_department(row.department_key, other.department_key, rules)
    ]


def _rewrite(session: Session, row: DocumentRow, rules: ArchiveRules, confidence: ConfidenceOptions) -> None:
    document = Document.model_validate_json(row.payload)
    found = archive.without_archive_checks(document.checks)
    for other in _neighbours(session, row, rules):
        session.refresh(other, with_for_update=True)
        neighbour = Document.model_validate_json(other.payload)
        if other.fiscal_year == row.fiscal_year - 1:
            found += archive.year_over_year(document, neighbour, rules)[0]
        else:
            found += archive.year_over_year(neighbour, document, rules)[1]
    if found == document.checks:
        return
    before = failed_paths(document.checks)
    document.checks = found
    settle(document, before, confidence, keep={c.path for c in corrections_of(session, row.doc_id)})
    row.payload = document.model_dump_json(by_alias=True)
    write_checks(session, document)
    write_fields(session, document)
