"""A document as the review app shows it (every field and statement beside
its pages, with progress), and its audit trail: who changed what, when,
from which value to which, and why."""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pipeline.confidence import PERSON_STATUSES
from pipeline.review.queue import QUEUED, QueueError, field_json, record_of
from pipeline.store import Store
from pipeline.store.rows import paths_of
from pipeline.store.schema import CheckRow, CorrectionRow, DocumentRow, FieldRow, PageRow, StatementRecordRow

DOC_ID = re.compile(r"sha256:[0-9a-f]{64}")
AUDIT_COLUMNS = ("at", "who", "path", "old_value", "new_value", "status", "why", "origin", "spot_check")


def checked_doc_id(doc_id: str) -> str:
    """A document id from a request, or QueueError: nothing else reaches a query or a file."""
    if not DOC_ID.fullmatch(doc_id):
        raise QueueError("no such document", 404)
    return doc_id


def document_view(store: Store, doc_id: str) -> dict[str, Any]:
    doc_id = checked_doc_id(doc_id)
    with Session(store.engine) as session:
        row = session.get(DocumentRow, doc_id)
        if row is None:
            raise QueueError("no such document", 404)
        fields = list(session.scalars(select(FieldRow).where(FieldRow.doc_id == doc_id).order_by(FieldRow.id)))
        queued = set(session.scalars(select(FieldRow.id).where(FieldRow.doc_id == doc_id, QUEUED)))
        pages = session.scalars(select(PageRow).where(PageRow.doc_id == doc_id).order_by(PageRow.number))
        statements = session.scalars(
            select(StatementRecordRow).where(StatementRecordRow.doc_id == doc_id).order_by(StatementRecordRow.position)
        )
        failed = session.scalars(select(CheckRow).where(CheckRow.doc_id == doc_id, CheckRow.passed.is_(False)))
        records: dict[str, list[dict[str, Any]]] = {}
        for field in fields:
            records.setdefault(record_of(field.path), []).append({**field_json(field), "queued": field.id in queued})
        reviewed = sum(1 for field in fields if field.status in PERSON_STATUSES)
        return {
            "doc_id": doc_id,
            "file": (paths_of(session, doc_id) or [""])[0],
            "status": row.status,
            "department": row.department,
            "fiscal_year": row.fiscal_year,
            "pages": [
                {"number": p.number, "width": p.width, "height": p.height, "source": p.source, "error": p.error}
                for p in pages
            ],
            "statements": [
                {
                    "position": s.position,
                    "form": s.form,
                    "title": s.title,
                    "pages": s.pages,
                    "unit": s.unit,
                    "rows": s.rows,
                }
                for s in statements
            ],
            "records": [{"record": name, "fields": members} for name, members in records.items()],
            "failed_checks": [
                {"rule": c.rule, "message": c.message, "fields": c.fields, "severity": c.severity}
                for c in failed
                if c.severity != "note"
            ],
            "progress": {"fields": len(fields), "queued": len(queued), "reviewed": reviewed},
        }


def audit_trail(store: Store, doc_id: str) -> list[dict[str, Any]]:
    """Every correction of the document, oldest first; the machine's value is each chain's first ``old_value``."""
    doc_id = checked_doc_id(doc_id)
    with Session(store.engine) as session:
        if session.get(DocumentRow, doc_id) is None:
            raise QueueError("no such document", 404)
        rows = session.scalars(select(CorrectionRow).where(CorrectionRow.doc_id == doc_id).order_by(CorrectionRow.id))
        return [
            {
                "at": row.at.isoformat() + "Z",
                "who": row.who,
                "path": row.path,
                "old_value": _value(row.old_value),
                "new_value": _value(row.new_value),
                "status": row.status,
                "why": row.why,
                "origin": row.origin,
                "spot_check": row.spot_check,
            }
            for row in rows
        ]


def audit_csv(trail: list[dict[str, Any]]) -> str:
    """The trail as CSV; a cell that a spreadsheet would run as a formula is quoted with a leading '."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=AUDIT_COLUMNS)
    writer.writeheader()
    for entry in trail:
        writer.writerow({key: _cell(entry[key]) for key in AUDIT_COLUMNS})
    return out.getvalue()


def _value(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r") and not _is_number(value):
        return "'" + value
    return "" if value is None else value


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
