"""The review app: field versions, failed-check and spot-check flags, users,
sessions, login failures, leases; corrections say where they came from.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("fields") as fields:
        fields.add_column(sa.Column("version", sa.Integer, nullable=False, server_default="1"))
        fields.add_column(sa.Column("in_failed_check", sa.Boolean, nullable=False, server_default=sa.false()))
        fields.add_column(sa.Column("spot_check", sa.Boolean))
    _mark_fields_of_failed_checks()
    op.create_index("ix_fields_queue", "fields", ["status", "in_failed_check", "confidence"])
    op.create_index("ix_fields_spot_check", "fields", ["spot_check"])
    with op.batch_alter_table("corrections") as corrections:
        corrections.add_column(sa.Column("origin", sa.String(16), nullable=False, server_default="api"))
        corrections.add_column(sa.Column("spot_check", sa.Boolean, nullable=False, server_default=sa.false()))
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(80), nullable=False, unique=True),
        sa.Column("role", sa.String(12), nullable=False),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("expires_at", sa.DateTime, nullable=False),
        sa.Column("skipped", sa.JSON, nullable=False),
    )
    op.create_index("ix_sessions_user_id", "sessions", ["user_id"])
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("client", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_login_failures_name", "login_failures", ["name"])
    op.create_index("ix_login_failures_client", "login_failures", ["client"])
    op.create_table(
        "leases",
        sa.Column("field_id", sa.Integer, sa.ForeignKey("fields.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("expires_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_leases_user_id", "leases", ["user_id"])


def _mark_fields_of_failed_checks() -> None:
    """A store written before this revision: its queue still puts the fields of failed checks first."""
    checks = sa.table("checks", sa.column("doc_id"), sa.column("passed", sa.Boolean), sa.column("severity"),
                      sa.column("fields", sa.JSON))  # fmt: skip
    fields = sa.table("fields", sa.column("doc_id"), sa.column("path"), sa.column("in_failed_check", sa.Boolean))
    connection = op.get_bind()
    failed = sa.select(checks.c.doc_id, checks.c.fields).where(
        checks.c.passed.is_(False), sa.or_(checks.c.severity.is_(None), checks.c.severity != "note")
    )
    for doc_id, paths in connection.execute(failed).all():
        if paths:
            named = sa.and_(fields.c.doc_id == doc_id, fields.c.path.in_(list(paths)))
            connection.execute(sa.update(fields).where(named).values(in_failed_check=True))


def downgrade() -> None:
    for table in ("leases", "login_failures", "sessions", "users"):
        op.drop_table(table)
    op.drop_index("ix_fields_spot_check", "fields")
    op.drop_index("ix_fields_queue", "fields")
    with op.batch_alter_table("corrections") as corrections:
        corrections.drop_column("spot_check")
        corrections.drop_column("origin")
    with op.batch_alter_table("fields") as fields:
        for column in ("spot_check", "in_failed_check", "version"):
            fields.drop_column(column)
