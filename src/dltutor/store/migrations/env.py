"""Alembic environment: runs on the connection dltutor hands over (see store.db.upgrade)."""

from __future__ import annotations

from alembic import context

from dltutor.store.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through dltutor.store.db.upgrade(url)")
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
