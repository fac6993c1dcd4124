"""The analyst views carry ``published_time_known`` next to ``published_at``.

v_article, v_mention, v_article_entity and v_quote gain one last column, ``published_time_known`` (false when
the page gave the day but no time of day: count such rows by day, not by hour). The views are otherwise those
of revision 0002, whose SQL this revision reuses rather than copies; as 0002 says, a view changes by being
dropped and created again, and columns are only ever added at the end.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 09:40:00
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_analyst_views = importlib.import_module("storage.migrations.versions.0002_analyst_views")

# Where each view's column list ends in 0002's SQL, and the column appended there.
_APPENDED = {
    "v_article": ("a.date_source\nFROM article a", "a.date_source, a.published_time_known\nFROM article a"),
    "v_mention": ("END AS counted\nFROM mention m", "END AS counted, va.published_time_known\nFROM mention m"),
    "v_article_entity": ("r.snippet\nFROM ranked r", "r.snippet, va.published_time_known\nFROM ranked r"),
    "v_quote": ("q.end_offset\nFROM quote q", "q.end_offset, va.published_time_known\nFROM quote q"),
}


def _views_of_0002() -> dict[str, str]:
    dialect = op.get_bind().dialect.name
    return _analyst_views._views(_analyst_views._POSTGRESQL if dialect == "postgresql" else _analyst_views._SQLITE)


def _with_time_known(views: dict[str, str]) -> dict[str, str]:
    views = dict(views)
    for name, (end, extended) in _APPENDED.items():
        if views[name].count(end) != 1:
            raise RuntimeError(f"migration 0006: the SQL of {name} in revision 0002 changed; update _APPENDED")
        views[name] = views[name].replace(end, extended)
    return views


def _recreate(views: dict[str, str]) -> None:
    # Dropped dependents first (PostgreSQL refuses to drop a view another one reads), created in 0002's order.
    for name in reversed(_analyst_views.VIEW_NAMES):
        op.execute(f"DROP VIEW IF EXISTS {name}")
    for name in _analyst_views.VIEW_NAMES:
        op.execute(f"CREATE VIEW {name} AS {views[name].strip()}")


def upgrade() -> None:
    _recreate(_with_time_known(_views_of_0002()))


def downgrade() -> None:
    _recreate(_views_of_0002())
