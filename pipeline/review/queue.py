"""The correction queue: which field a person sees next, who holds it, and
what their answer does.

An item is a field with status ``review``, or an ``auto`` field drawn as a
spot check.  The order is risk: a field named by a failed check first, then
the lowest calibrated confidence, then the order documents came into the
store.  An item given to a reviewer is leased to them for
``lease_seconds``; nobody else is given it, or may answer it, meanwhile.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from pipeline.confidence import PERSON_STATUSES
from pipeline.review.auth import Reviewer
from pipeline.review.options import ReviewOptions
from pipeline.review.sampling import draw_spot_checks
from pipeline.store import Corrected, StaleEdit, Store, StoreError
from pipeline.store.rows import now, paths_of
from pipeline.store.schema import CheckRow, DocumentRow, FieldRow, LeaseRow, UserRow

QUEUED = or_(FieldRow.status == "review", and_(FieldRow.status == "auto", FieldRow.spot_check.is_(True)))
RISK_ORDER = (FieldRow.in_failed_check.desc(), FieldRow.confidence.asc(), DocumentRow.added_at, FieldRow.id)
ACTIONS = {"confirm": "confirmed", "correct": "corrected"}
NEIGHBOURS = 12
_RECORD = re.compile(r"^(statements\.\d+\.rows\.\d+|.*\[\d+\])\.")


class QueueError(Exception):
    """A queue request that cannot be done: ``status`` is the HTTP status that says why."""

    def __init__(self, message: str, status: int = 409) -> None:
        super().__init__(message)
        self.status = status


def next_item(store: Store, reviewer: Reviewer, options: ReviewOptions, passed: Iterable[int] = ()) -> int | None:
    """Lease the riskiest item nobody else holds (the reviewer's own lease
    first, so a reload keeps its place); its field id, or None: the queue is
    empty.  ``passed``: items the reviewer moves on from without an answer
    (their leases are let go, and they are not given back at once)."""
    passed = [int(field_id) for field_id in passed][:100]
    with Session(store.writer) as session, session.begin():
        draw_spot_checks(session, options)
        if passed:
            mine = and_(LeaseRow.field_id.in_(passed), LeaseRow.user_id == reviewer.user_id)
            session.execute(delete(LeaseRow).where(mine))
        held_elsewhere = select(LeaseRow.field_id).where(
            LeaseRow.user_id != reviewer.user_id, LeaseRow.expires_at > now()
        )
        own = select(LeaseRow.field_id).where(LeaseRow.user_id == reviewer.user_id, LeaseRow.expires_at > now())
        query = (
            select(FieldRow.id)
            .join(DocumentRow, DocumentRow.doc_id == FieldRow.doc_id)
            .where(QUEUED, FieldRow.id.not_in(held_elsewhere), FieldRow.id.not_in([*reviewer.skipped, *passed] or [-1]))
            .order_by(FieldRow.id.in_(own).desc(), *RISK_ORDER)
            .limit(8)
        )
        for field_id in session.scalars(query).all():
            if _lease(session, field_id, reviewer, options):
                return field_id
    return None


def take(store: Store, field_id: int, reviewer: Reviewer, options: ReviewOptions) -> None:
    """Lease one item by its id (a reviewer moving to a neighbouring field); QueueError if another holds it."""
    with Session(store.writer) as session, session.begin():
        if session.get(FieldRow, field_id) is None:
            raise QueueError(f"no field {field_id}", 404)
        if not _lease(session, field_id, reviewer, options):
            raise QueueError(_held_message(session, field_id), 423)


def release(store: Store, field_id: int, reviewer: Reviewer) -> None:
    with Session(store.writer) as session, session.begin():
        session.execute(delete(LeaseRow).where(LeaseRow.field_id == field_id, LeaseRow.user_id == reviewer.user_id))


def answer(
    store: Store, field_id: int, reviewer: Reviewer, action: str, value: Any, version: int, why: str | None
) -> Corrected:
    """A reviewer's answer on an item: ``confirm`` it, ``correct`` it with
    ``value``.  Refused when another reviewer holds the item, when it is not
    in the queue (a person answered it: only an admin changes that), when the
    field changed since ``version``, or when the value is not of the field's kind."""
    if action not in ACTIONS:
        raise QueueError(f"{action!r}: an answer is one of {', '.join(ACTIONS)}", 422)
    shown = located(store, field_id)
    doc_id, path = shown["doc_id"], shown["path"]

    def guard(session: Session, stored: FieldRow) -> None:
        """Inside the correction's transaction: the lease and the field's state as they are then."""
        lease = session.get(LeaseRow, stored.id)
        if lease is not None and lease.user_id != reviewer.user_id and lease.expires_at > now():
            raise QueueError(_held_message(session, stored.id), 423)
        if not is_queued(stored) and not reviewer.is_admin:
            raise QueueError(f"{stored.path} is {stored.status} by a person already; only an admin re-opens it", 409)

    given = value if action == "correct" else None
    try:
        result = store.correct(doc_id, path, given, who=reviewer.name, why=why, status=ACTIONS[action],
                               version=version, origin="review", guard=guard)  # fmt: skip
    except StaleEdit as exc:
        raise QueueError(str(exc), 409) from None
    except StoreError as exc:
        raise QueueError(str(exc).removeprefix(f"{doc_id}: "), 422) from None
    release(store, field_id, reviewer)
    return result


def reopen(store: Store, field_id: int, reviewer: Reviewer, why: str | None) -> Corrected:
    """An admin sends a person's answer back to the queue."""
    if not reviewer.is_admin:
        raise QueueError("only an admin re-opens an item", 403)
    shown = located(store, field_id)
    doc_id, path = shown["doc_id"], shown["path"]
    try:
        return store.correct(doc_id, path, None, who=reviewer.name, why=why or "re-opened", status="review")
    except StoreError as exc:
        raise QueueError(str(exc).removeprefix(f"{doc_id}: "), 422) from None


def is_queued(row: FieldRow) -> bool:
    """``QUEUED`` for a row in hand."""
    return row.status == "review" or (row.status == "auto" and bool(row.spot_check))


def located(store: Store, field_id: int) -> dict[str, Any]:
    """The field's row as JSON (document, path, page, box), or QueueError 404."""
    with Session(store.engine) as session:
        row = session.get(FieldRow, field_id)
        if row is None:
            raise QueueError(f"no field {field_id}", 404)
        return field_json(row)


def item(store: Store, field_id: int) -> dict[str, Any]:
    """Everything the queue page shows of one item."""
    with Session(store.engine) as session:
        row = session.get(FieldRow, field_id)
        if row is None:
            raise QueueError(f"no field {field_id}", 404)
        document = session.get(DocumentRow, row.doc_id)
        paths = paths_of(session, row.doc_id)
        return {
            **field_json(row),
            "document": {
                "doc_id": row.doc_id,
                "file": paths[0] if paths else "",
                "department": document.department,
                "fiscal_year": document.fiscal_year,
                "pages": document.pages,
            },
            "reasons": _reasons(session, row, store.confidence.review_threshold),
            "neighbours": [field_json(other) for other in _neighbours(session, row)],
            "lease": _lease_json(session, field_id),
        }


def listing(store: Store, limit: int = 50, offset: int = 0) -> dict[str, Any]:
    """The queue's counts and its first items, in the order they are given out."""
    with Session(store.engine) as session:
        base = select(FieldRow).join(DocumentRow, DocumentRow.doc_id == FieldRow.doc_id).where(QUEUED)
        counts = {
            "queued": _count(session, base),
            "failed_check": _count(session, base.where(FieldRow.in_failed_check.is_(True))),
            "spot_checks": _count(session, base.where(FieldRow.status == "auto")),
            "leased": session.scalar(select(func.count()).where(LeaseRow.expires_at > now())) or 0,
            "reviewed": session.scalar(
                select(func.count()).where(FieldRow.status.in_(PERSON_STATUSES))
            ) or 0,
        }  # fmt: skip
        rows = session.scalars(base.order_by(*RISK_ORDER).limit(max(1, min(limit, 500))).offset(max(0, offset)))
        return {"counts": counts, "items": [field_json(row) for row in rows]}


def field_json(row: FieldRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "doc_id": row.doc_id,
        "path": row.path,
        "value": json.loads(row.value) if row.value is not None else None,
        "source": row.source,
        "confidence": row.confidence,
        "status": row.status,
        "page": row.page,
        "bbox": row.bbox,
        "version": row.version,
        "in_failed_check": row.in_failed_check,
        "spot_check": bool(row.spot_check) and row.status == "auto",
    }


def record_of(path: str) -> str:
    """The record a field belongs to: ``statements.2.rows.5`` for a cell,
    ``expenditure_items[3]`` for a 项 line, ``figures`` for a figure."""
    match = _RECORD.match(path)
    return match.group(1) if match else path.split(".", 1)[0]


def _lease(session: Session, field_id: int, reviewer: Reviewer, options: ReviewOptions) -> bool:
    until = now() + timedelta(seconds=options.lease_seconds)
    taken = session.execute(
        update(LeaseRow)
        .where(LeaseRow.field_id == field_id, or_(LeaseRow.user_id == reviewer.user_id, LeaseRow.expires_at <= now()))
        .values(user_id=reviewer.user_id, expires_at=until)
    ).rowcount
    if taken:
        return True
    if session.get(LeaseRow, field_id) is not None:
        return False
    try:
        with session.begin_nested():  # another reviewer may insert the same lease at this moment
            session.add(LeaseRow(field_id=field_id, user_id=reviewer.user_id, expires_at=until))
    except IntegrityError:
        return False
    return True


def _held_message(session: Session, field_id: int) -> str:
    lease = session.get(LeaseRow, field_id)
    if lease is None:
        return f"field {field_id} is free"
    name = session.get(UserRow, lease.user_id).name
    return f"another reviewer ({name}) has this item until {lease.expires_at:%H:%M:%S} UTC; take the next one"


def _lease_json(session: Session, field_id: int) -> dict[str, Any] | None:
    lease = session.get(LeaseRow, field_id)
    if lease is None or lease.expires_at <= now():
        return None
    return {"user": session.get(UserRow, lease.user_id).name, "expires_at": lease.expires_at.isoformat() + "Z"}


def _reasons(session: Session, row: FieldRow, threshold: float) -> list[dict[str, Any]]:
    """Why the field is in the queue: each failed check naming it, with its
    arithmetic; its confidence under the threshold; its draw as a spot check."""
    reasons = []
    checks = session.scalars(select(CheckRow).where(CheckRow.doc_id == row.doc_id, CheckRow.passed.is_(False)))
    for check in checks:
        if row.path in (check.fields or []) and check.severity != "note":
            reasons.append({"kind": "check", "rule": check.rule, "message": check.message, "check_id": check.check_id,
                            "severity": check.severity, "fields": check.fields})  # fmt: skip
    if row.status == "review" and row.confidence < threshold:
        reasons.append(
            {"kind": "confidence", "message": f"confidence {row.confidence:.2f} is under the threshold {threshold:.2f}"}
        )
    if row.spot_check and row.status == "auto":
        reasons.append({"kind": "spot_check", "message": "accepted by the machine; drawn at random as a spot check"})
    if not reasons and row.status == "review":
        reasons.append({"kind": "reread", "message": "read again differently from what a person had answered"})
    return reasons


def _neighbours(session: Session, row: FieldRow) -> list[FieldRow]:
    """The other fields of the same record; for a figure, the figures nearest it on its page."""
    record = record_of(row.path)
    query = select(FieldRow).where(FieldRow.doc_id == row.doc_id, FieldRow.id != row.id)
    same_record = FieldRow.path.startswith(f"{record}.", autoescape=True)
    if record in ("figures", "document"):
        rows = list(session.scalars(query.where(same_record, FieldRow.page == row.page)))
        top = (row.bbox or [0, 0])[1]
        rows.sort(key=lambda other: abs((other.bbox or [0, 1e9])[1] - top))
        return sorted(rows[:NEIGHBOURS], key=lambda other: other.id)
    query = query.where(same_record).order_by(FieldRow.id).limit(NEIGHBOURS)
    return list(session.scalars(query))


def _count(session: Session, query) -> int:
    return session.scalar(select(func.count()).select_from(query.subquery())) or 0
