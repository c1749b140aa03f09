"""The first schema: runs, documents and their paths, pages, fields, statements, checks, corrections.

Revision ID: 0001
Revises:
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _document_key() -> sa.Column:
    return sa.Column("doc_id", sa.String(80), sa.ForeignKey("documents.doc_id", ondelete="CASCADE"), nullable=False)


def upgrade() -> None:
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("started_at", sa.DateTime, nullable=False),
        sa.Column("finished_at", sa.DateTime),
        sa.Column("command", sa.Text, nullable=False),
        sa.Column("counts", sa.JSON, nullable=False),
    )
    op.create_table(
        "documents",
        sa.Column("doc_id", sa.String(80), primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(40)),
        sa.Column("department", sa.Text),
        sa.Column("department_key", sa.Text),
        sa.Column("fiscal_year", sa.Integer),
        sa.Column("pages", sa.Integer, nullable=False),
        sa.Column("error", sa.Text),
        sa.Column("timings", sa.JSON, nullable=False),
        sa.Column("seconds", sa.Float),
        sa.Column("payload", sa.Text),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id")),
        sa.Column("added_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_documents_department_key", "documents", ["department_key"])
    op.create_table(
        "document_paths",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _document_key(),
        sa.Column("path", sa.Text, nullable=False),
        sa.UniqueConstraint("doc_id", "path", name="uq_document_path"),
    )
    op.create_index("ix_document_paths_doc_id", "document_paths", ["doc_id"])
    op.create_table(
        "pages",
        sa.Column("doc_id", sa.String(80), sa.ForeignKey("documents.doc_id", ondelete="CASCADE"), primary_key=True),
        sa.Column("number", sa.Integer, primary_key=True),
        sa.Column("source", sa.String(8), nullable=False),
        sa.Column("width", sa.Float),
        sa.Column("height", sa.Float),
        sa.Column("notes", sa.JSON, nullable=False),
        sa.Column("error", sa.Text),
    )
    op.create_table(
        "fields",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _document_key(),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("value", sa.Text),
        sa.Column("confidence", sa.Float, nullable=False),
        sa.Column("page", sa.Integer),
        sa.Column("bbox", sa.JSON),
        sa.Column("source", sa.Text),
        sa.Column("status", sa.String(12), nullable=False),
        sa.UniqueConstraint("doc_id", "path", name="uq_field_path"),
    )
    op.create_index("ix_fields_doc_id", "fields", ["doc_id"])
    op.create_index("ix_fields_status", "fields", ["status"])
    op.create_table(
        "statements",
        sa.Column("doc_id", sa.String(80), sa.ForeignKey("documents.doc_id", ondelete="CASCADE"), primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("form", sa.String(40), nullable=False),
        sa.Column("title", sa.Text),
        sa.Column("pages", sa.JSON, nullable=False),
        sa.Column("unit", sa.String(8), nullable=False),
        sa.Column("empty", sa.Boolean, nullable=False),
        sa.Column("rows", sa.Integer, nullable=False),
    )
    op.create_table(
        "checks",
        sa.Column("doc_id", sa.String(80), sa.ForeignKey("documents.doc_id", ondelete="CASCADE"), primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("check_id", sa.String(80)),
        sa.Column("rule", sa.Text, nullable=False),
        sa.Column("passed", sa.Boolean, nullable=False),
        sa.Column("severity", sa.String(8)),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("fields", sa.JSON, nullable=False),
        sa.Column("pages", sa.JSON, nullable=False),
    )
    op.create_table(
        "corrections",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _document_key(),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("old_value", sa.Text),
        sa.Column("new_value", sa.Text),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("who", sa.Text, nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("why", sa.Text),
    )
    op.create_index("ix_corrections_doc_id", "corrections", ["doc_id"])


def downgrade() -> None:
    for table in ("corrections", "checks", "statements", "fields", "pages", "document_paths", "documents", "runs"):
        op.drop_table(table)
