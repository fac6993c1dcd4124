"""Index ``story_cluster.assigned_at``: the cluster step's top-up reads it before every batch of a crawl.

Without it that query scanned the whole table, signatures included, before every batch of 50 articles: 1.2 s
at 98,000 clustered articles on SQLite (bench/clusters.py's archive), far more than the batch's assignment.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03 08:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0021"
down_revision: str | Sequence[str] | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(op.f("ix_story_cluster_assigned_at"), "story_cluster", ["assigned_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_story_cluster_assigned_at"), table_name="story_cluster")
