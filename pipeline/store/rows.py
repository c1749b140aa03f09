"""How a Document becomes rows, and back: pages, fields, statements, checks,
corrections.  Fields keep their row (and id) across writes, so a queue item's
address, its lease and its version survive a correction or a new reading."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from pipeline.confidence import failed_paths
from pipeline.model import Document, DocumentInfo, iter_fields
from pipeline.stages import printable_path
from pipeline.store.schema import (
    CheckRow,
    CorrectionRow,
    DocumentPathRow,
    DocumentRow,
    FieldRow,
    PageRow,
    StatementRecordRow,
)


def write_children(session: Session, document: Document) -> None:
    """Pages, fields, statements and checks of a document, replacing what was there."""
    doc_id = document.document.doc_id
    for table in (PageRow, StatementRecordRow):
        session.execute(delete(table).where(table.doc_id == doc_id))
    info = document.document
    errors = {error.page: f"{error.stage}: {error.message}" for error in document.page_errors}
    for number, source in enumerate(info.page_sources, start=1):
        size = info.page_sizes[number - 1] if number <= len(info.page_sizes) else [None, None]
        notes = [note.model_dump() for note in info.page_notes if note.page == number]
        session.add(PageRow(doc_id=doc_id, number=number, source=source, width=size[0], height=size[1],
                            notes=notes, error=errors.get(number)))  # fmt: skip
    session.add_all(
        StatementRecordRow(doc_id=doc_id, position=i, form=s.form, title=s.title.value, pages=s.pages, unit=s.unit,
                           empty=s.empty, rows=len(s.rows))
        for i, s in enumerate(document.statements)
    )  # fmt: skip
    write_checks(session, document)
    write_fields(session, document)


# The checks and the fields a document gains are written in one bulk INSERT
# each, not as ORM objects flushed one by one: a 39-page report has some
# 2,000 fields, and the batch driver spent as long storing them as a worker
# took to read the report.


def write_checks(session: Session, document: Document) -> None:
    doc_id = document.document.doc_id
    session.execute(delete(CheckRow).where(CheckRow.doc_id == doc_id))
    rows = [
        dict(doc_id=doc_id, position=i, check_id=c.id, rule=c.rule, passed=c.passed, severity=c.severity,
             message=c.message, fields=c.fields, pages=c.pages)
        for i, c in enumerate(document.checks)
    ]  # fmt: skip
    if rows:
        session.execute(insert(CheckRow), rows)


def write_fields(session: Session, document: Document) -> dict[str, int]:
    """Every field of the document as its row, and each row's version by
    path: an existing row is updated in place (its version raised when its
    value or status changes), a new path gets a row, a path the document no
    longer has loses its row."""
    doc_id = document.document.doc_id
    rows = {row.path: row for row in session.scalars(select(FieldRow).where(FieldRow.doc_id == doc_id))}
    in_failed = failed_paths(document.checks)
    versions: dict[str, int] = {}
    new_rows: list[dict[str, Any]] = []
    for path, field in iter_fields(document):
        values = dict(value=json_text(field.value), status=field.status, confidence=field.confidence,
                      page=field.page, bbox=field.bbox, source=field.source,
                      in_failed_check=path in in_failed)  # fmt: skip
        row = rows.get(path)
        if row is None:
            new_rows.append(dict(doc_id=doc_id, path=path, version=1, spot_check=None, **values))
            versions[path] = 1
            continue
        if row.value != values["value"] or row.status != values["status"]:
            row.version += 1
        for name, value in values.items():
            setattr(row, name, value)
        versions[path] = row.version
    # New rows first: SQLite gives a row the highest id + 1, so a row deleted
    # first would hand its id (the review queue's address of a field) on.
    if new_rows:
        session.execute(insert(FieldRow), new_rows)
    for path, row in rows.items():
        if path not in versions:
            session.delete(row)
    return versions


def add_paths(session: Session, doc_id: str, paths: Iterable[str]) -> None:
    """New names of a document, as printed (a name that is not UTF-8 is stored escaped, as the lines show it)."""
    known = set(session.scalars(select(DocumentPathRow.path).where(DocumentPathRow.doc_id == doc_id)))
    for path in dict.fromkeys(printable_path(p) for p in paths if p):
        if path not in known:
            session.add(DocumentPathRow(doc_id=doc_id, path=path))


def paths_of(session: Session, doc_id: str) -> list[str]:
    query = select(DocumentPathRow.path).where(DocumentPathRow.doc_id == doc_id).order_by(DocumentPathRow.id)
    return list(session.scalars(query))


def corrections_of(session: Session, doc_id: str) -> list[CorrectionRow]:
    query = select(CorrectionRow).where(CorrectionRow.doc_id == doc_id).order_by(CorrectionRow.id)
    return list(session.scalars(query))


def apply_corrections(document: Document, corrections: list[CorrectionRow]) -> None:
    """A person's word on a field holds for a new reading that read what the
    person saw; where the machine now reads something else at that path (the
    file's lines came out in another order, the reading improved), the field
    goes back to the queue instead of taking a correction meant for another value."""
    fields = dict(iter_fields(document))
    chains: dict[str, list[CorrectionRow]] = {}
    for correction in corrections:
        chains.setdefault(correction.path, []).append(correction)
    for path, chain in chains.items():
        field = fields.get(path)
        if field is None:
            continue
        if json_text(field.value) != chain[0].old_value:
            field.status = "review"
            continue
        field.value = json.loads(chain[-1].new_value) if chain[-1].new_value else None
        field.status = chain[-1].status


def document_of(row: DocumentRow, paths: list[str]) -> Document:
    if row.payload is not None:
        return Document.model_validate_json(row.payload)
    # A file that could not be read: a document of no pages that says so.
    info = DocumentInfo(doc_id=row.doc_id, file=paths[0] if paths else "", pages=0, page_sources=[])
    return Document(document=info)


def json_text(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
