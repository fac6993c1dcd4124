"""``crawl_run.failed_items``: items that raised in a pipeline step, so such a run is not recorded as a success.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03 08:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | Sequence[str] | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("crawl_run", sa.Column(
        "failed_items", sa.Integer(), nullable=False, server_default="0",
        comment="pages whose item failed in a pipeline step with an exception (a bug or a storage failure, not a "
                "page dropped as unusable); any makes the run failed"))


def downgrade() -> None:
    # Plain SQL, as in 0005: a batch copy of "crawl_run" would break the views that read it.
    op.execute("ALTER TABLE crawl_run DROP COLUMN failed_items")
