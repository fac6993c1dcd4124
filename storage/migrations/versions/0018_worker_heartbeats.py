"""Workers' heartbeats: ``worker_heartbeat`` and ``crawl_run.worker``, so a run of a lost machine is retried.

Revision ID: 0018
Revises: 0008
Create Date: 2026-12-02 19:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime

revision: str = "0018"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "worker_heartbeat",
        sa.Column("name", sa.String(), nullable=False, comment="the worker's node name (pantau@HOST-PID)"),
        sa.Column("hostname", sa.String(), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("heartbeat_at", UTCDateTime(), nullable=False),
        sa.Column("interval_seconds", sa.Float(), nullable=False, comment="how often this worker beats"),
        sa.Column("stopped_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_worker_heartbeat")),
    )
    op.add_column("crawl_run", sa.Column(
        "worker", sa.String(), nullable=True,
        comment="the `pantau worker` that executes the run (its worker_heartbeat.name); null for the daemon's "
                "children and ad-hoc crawls"))


def downgrade() -> None:
    # Plain SQL, as in 0005: a batch copy of "crawl_run" would break the views that read it.
    op.execute("ALTER TABLE crawl_run DROP COLUMN worker")
    op.drop_table("worker_heartbeat")
