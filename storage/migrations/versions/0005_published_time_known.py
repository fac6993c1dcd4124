"""Whether an article's publication time of day is known (a page may give only the day).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 09:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("article", sa.Column(
        "published_time_known", sa.Boolean(), nullable=True,
        comment="false when the page gave the day but no time (published_at is then local midnight); "
                "null on rows stored before this was recorded"))


def downgrade() -> None:
    # Plain SQL rather than a batch table copy: SQLite (3.35+) drops the column in place, and a copy of "article"
    # would break the analysts' views that read it.
    op.execute("ALTER TABLE article DROP COLUMN published_time_known")
