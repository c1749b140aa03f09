"""The store's tables (SQLAlchemy 2).  Alembic's migrations in
``migrations/versions`` create them; a test compares the two.

A document row is written with all its pages, fields, statements and checks
in one transaction, so a document is in the store completely or not at all.
``payload`` keeps the contract JSON (with corrections applied): the exports
and the JSON file are made from it, the other tables are for queries and the
review queue.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class RunRow(Base):
    """One batch (or API) session that wrote to the store."""

    __tablename__ = "runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    started_at: Mapped[datetime] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    command: Mapped[str] = mapped_column(Text, default="")
    counts: Mapped[dict] = mapped_column(JSON, default=dict)


class DocumentRow(Base):
    __tablename__ = "documents"

    doc_id: Mapped[str] = mapped_column(String(80), primary_key=True)  # "sha256:" + hex
    # complete | partial (pages failed) | failed (nothing could be read: error says why)
    status: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str | None] = mapped_column(String(40))
    department: Mapped[str | None] = mapped_column(Text)
    department_key: Mapped[str | None] = mapped_column(Text, index=True)  # archive.department_key
    fiscal_year: Mapped[int | None] = mapped_column(Integer)
    pages: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    timings: Mapped[dict] = mapped_column(JSON, default=dict)
    seconds: Mapped[float | None] = mapped_column(Float)
    payload: Mapped[str | None] = mapped_column(Text)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id"))
    added_at: Mapped[datetime] = mapped_column(DateTime)


class DocumentPathRow(Base):
    """Every path a document's bytes were seen under."""

    __tablename__ = "document_paths"
    __table_args__ = (UniqueConstraint("doc_id", "path", name="uq_document_path"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    doc_id: Mapped[str] = mapped_column(ForeignKey("documents.doc_id", ondelete="CASCADE"), index=True)
    path: Mapped[str] = mapped_column(Text)


class PageRow(Base):
    """A page: how it was read, its size, its notes; the review view renders
    it from the document's file (``document_paths``) at this number."""

    __tablename__ = "pages"

    doc_id: Mapped[str] = mapped_column(ForeignKey("documents.doc_id", ondelete="CASCADE"), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(8))
    width: Mapped[float | None] = mapped_column(Float)
    height: Mapped[float | None] = mapped_column(Float)
    notes: Mapped[list] = mapped_column(JSON, default=list)
    error: Mapped[str | None] = mapped_column(Text)


class FieldRow(Base):
    """One contract Field, by its path (``figures.income_total``)."""

    __tablename__ = "fields"
    __table_args__ = (
        UniqueConstraint("doc_id", "path", name="uq_field_path"),
        Index("ix_fields_status", "status"),
        Index("ix_fields_queue", "status", "in_failed_check", "confidence"),
        Index("ix_fields_spot_check", "spot_check"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    doc_id: Mapped[str] = mapped_column(ForeignKey("documents.doc_id", ondelete="CASCADE"), index=True)
    path: Mapped[str] = mapped_column(Text)
    value: Mapped[str | None] = mapped_column(Text)  # JSON text of the contract value
    confidence: Mapped[float] = mapped_column(Float)
    page: Mapped[int | None] = mapped_column(Integer)
    bbox: Mapped[list | None] = mapped_column(JSON)
    source: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12))
    # Raised on every change of value or status: the review app's optimistic lock.
    version: Mapped[int] = mapped_column(Integer, default=1)
    # Named by a failed check (not a note): first in the queue.
    in_failed_check: Mapped[bool] = mapped_column(default=False)
    # An ``auto`` field drawn for a person's spot check (None: not drawn yet; review/sampling.py).
    spot_check: Mapped[bool | None] = mapped_column()


class StatementRecordRow(Base):
    """One of a document's 决算报表 (its values are fields ``statements.I.rows.J.values.K``)."""

    __tablename__ = "statements"

    doc_id: Mapped[str] = mapped_column(ForeignKey("documents.doc_id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    form: Mapped[str] = mapped_column(String(40))
    title: Mapped[str | None] = mapped_column(Text)
    pages: Mapped[list] = mapped_column(JSON, default=list)
    unit: Mapped[str] = mapped_column(String(8))
    empty: Mapped[bool] = mapped_column(default=False)
    rows: Mapped[int] = mapped_column(Integer, default=0)


class CheckRow(Base):
    __tablename__ = "checks"

    doc_id: Mapped[str] = mapped_column(ForeignKey("documents.doc_id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    check_id: Mapped[str | None] = mapped_column(String(80))
    rule: Mapped[str] = mapped_column(Text)
    passed: Mapped[bool] = mapped_column()
    severity: Mapped[str | None] = mapped_column(String(8))
    message: Mapped[str] = mapped_column(Text)
    fields: Mapped[list] = mapped_column(JSON, default=list)
    pages: Mapped[list] = mapped_column(JSON, default=list)


class CorrectionRow(Base):
    """What a person changed: who, when, old → new, why.  Kept when the
    document is read again, and applied to the new reading."""

    __tablename__ = "corrections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    doc_id: Mapped[str] = mapped_column(ForeignKey("documents.doc_id", ondelete="CASCADE"), index=True)
    path: Mapped[str] = mapped_column(Text)
    old_value: Mapped[str | None] = mapped_column(Text)  # JSON text
    new_value: Mapped[str | None] = mapped_column(Text)  # JSON text
    status: Mapped[str] = mapped_column(String(12))  # corrected | confirmed
    who: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime)
    why: Mapped[str | None] = mapped_column(Text)
    # review (the web app), labelstudio (an imported annotation), api (Store.correct from code)
    origin: Mapped[str] = mapped_column(String(16), default="api")
    # The field was an ``auto`` one drawn as a spot check: its answer measures the machine's error rate.
    spot_check: Mapped[bool] = mapped_column(default=False)


class UserRow(Base):
    """A person of the review app: a reviewer, or an admin who also manages users and re-opens items."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    role: Mapped[str] = mapped_column(String(12))  # admin | reviewer
    password_hash: Mapped[str] = mapped_column(Text)  # argon2id, with its salt and parameters
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class SessionRow(Base):
    """A logged-in browser.  The cookie holds a random token; only its sha256 is stored."""

    __tablename__ = "sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    skipped: Mapped[list] = mapped_column(JSON, default=list)  # field ids skipped in this session


class LoginFailureRow(Base):
    """A failed login, for the rate limit (by name and by client address)."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(80), index=True)
    client: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(DateTime)


class LeaseRow(Base):
    """A queue item held by one reviewer until ``expires_at``: nobody else is given it meanwhile."""

    __tablename__ = "leases"

    field_id: Mapped[int] = mapped_column(ForeignKey("fields.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
