"""Alembic environment for Pantau's schema.

Pantau runs migrations itself (``storage.db.connect`` on first use, ``pantau db upgrade``) and hands this
module an open connection in ``config.attributes["connection"]``. Developers can also use the alembic command
line with storage/migrations/alembic.ini; the database is then ``-x url=…``, else ``PANTAU_DATABASE_URL``, else
the default ``sqlite:///pantau.db``. Every migration of one run happens in one transaction that holds the
database's write lock (SQLite ``BEGIN IMMEDIATE``, a PostgreSQL advisory lock), so that two processes starting
together migrate once.
"""

from __future__ import annotations

import contextlib
import os
from typing import Any

from alembic import context
from sqlalchemy.engine import Connection

from storage.db import MIGRATION_LOCK_KEY, create_engine, migration_connection
from storage.models import Base, UTCDateTime

config = context.config
target_metadata = Base.metadata


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    """Render Pantau's column types as plain SQLAlchemy types, so migrations do not import the models."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    """Compare only the tables the models define: full-text-search shadow tables (migration 0003) and other
    tables that live beside the schema are none of autogenerate's business."""
    if type_ == "table":
        return name in target_metadata.tables
    return True


def _configure(**options: Any) -> None:
    context.configure(
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite alters tables by copying them
        compare_type=True,
        compare_server_default=True,
        render_item=render_item,
        include_name=include_name,
        **options,
    )


def _url() -> str:
    return (context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")
            or os.environ.get("PANTAU_DATABASE_URL") or "sqlite:///pantau.db")


def run_migrations_offline() -> None:
    _configure(url=_url(), literal_binds=True, dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def _run_on(connection: Connection) -> None:
    transaction = contextlib.nullcontext() if connection.in_transaction() else connection.begin()
    with transaction:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK_KEY})")
        _configure(connection=connection)
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run_on(connection)
        return
    engine = create_engine(_url())
    try:
        with migration_connection(engine) as connection:
            _run_on(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
