"""Alembic's environment: the store hands over its connection (``Store.migrate``)."""

from alembic import context

from pipeline.store.schema import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
