"""The ``fetch_error`` table, and v_crawl_health's columns about it (issues #17, #21).

Every page, sitemap, feed or listing a crawl could not fetch or read gets a row (one per source and URL): the
run that last tried it, why it failed, its HTTP status, how many download attempts failed and when it was last
tried; ``resolved_at`` is set when a later run stores the page. v_crawl_health gains two last columns,
``open_fetch_errors`` and ``last_fetch_error_at``; the view is otherwise revision 0002's, whose SQL this revision
reuses (as 0006 does) rather than copies.

Revision ID: 0011
Revises: 0007
Create Date: 2026-12-02 15:00:00
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0007"  # 0006 at first; 0012, 0010, 0009 and 0007 landed on main before this
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_analyst_views = importlib.import_module("storage.migrations.versions.0002_analyst_views")

_COLUMNS_END = "END AS articles_per_day\nFROM source s"
_COLUMNS_EXTENDED = ("END AS articles_per_day,\n"
                     "       coalesce(fe.open_fetch_errors, 0) AS open_fetch_errors, fe.last_fetch_error_at\n"
                     "FROM source s")
_LAST_JOIN = "LEFT JOIN stored st ON st.source_id = s.id\n"
_FETCH_ERRORS_JOIN = (_LAST_JOIN +
                      "LEFT JOIN (SELECT source_id, sum(CASE WHEN resolved_at IS NULL THEN 1 ELSE 0 END)"
                      " AS open_fetch_errors,\n"
                      "                  max(last_tried_at) AS last_fetch_error_at\n"
                      "           FROM fetch_error GROUP BY source_id) fe ON fe.source_id = s.id\n")


def _crawl_health_of_0002() -> str:
    dialect = op.get_bind().dialect.name
    views = _analyst_views._views(_analyst_views._POSTGRESQL if dialect == "postgresql" else _analyst_views._SQLITE)
    return views["v_crawl_health"]


def _with_fetch_errors(sql: str) -> str:
    for part in (_COLUMNS_END, _LAST_JOIN):
        if sql.count(part) != 1:
            raise RuntimeError("migration 0011: the SQL of v_crawl_health in revision 0002 changed; update it")
    return sql.replace(_COLUMNS_END, _COLUMNS_EXTENDED).replace(_LAST_JOIN, _FETCH_ERRORS_JOIN)


def _recreate_crawl_health(sql: str) -> None:
    # No other view reads v_crawl_health, so it alone is dropped and created again.
    op.execute("DROP VIEW IF EXISTS v_crawl_health")
    op.execute(f"CREATE VIEW v_crawl_health AS {sql.strip()}")


def upgrade() -> None:
    op.create_table(
        "fetch_error",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("first_failed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_tried_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("kind IN ('article', 'continuation', 'sitemap', 'feed', 'listing', 'robots')",
                           name=op.f("ck_fetch_error_kind")),
        sa.ForeignKeyConstraint(["run_id"], ["crawl_run.id"], name=op.f("fk_fetch_error_run_id_crawl_run")),
        sa.ForeignKeyConstraint(["source_id"], ["source.id"], name=op.f("fk_fetch_error_source_id_source")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fetch_error")),
        sa.UniqueConstraint("source_id", "url", name=op.f("uq_fetch_error_source_id_url")),
    )
    op.create_index(op.f("ix_fetch_error_run_id"), "fetch_error", ["run_id"])
    _recreate_crawl_health(_with_fetch_errors(_crawl_health_of_0002()))


def downgrade() -> None:
    _recreate_crawl_health(_crawl_health_of_0002())
    op.drop_index(op.f("ix_fetch_error_run_id"), table_name="fetch_error")
    op.drop_table("fetch_error")
