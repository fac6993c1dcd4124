"""The daemon's state row (pid, host, heartbeat, next runs), until now created on first use outside Alembic.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 05:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.models import JSONDocument, UTCDateTime

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Databases a daemon already used have the table (made by the daemon itself before this revision).
    if sa.inspect(op.get_bind()).has_table("daemon_state"):
        return
    op.create_table(
        "daemon_state",
        sa.Column("name", sa.String(), nullable=False, comment="always 'daemon': one daemon per database"),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("hostname", sa.String(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("heartbeat_at", UTCDateTime(), nullable=False),
        sa.Column("stopped_at", UTCDateTime(), nullable=True),
        sa.Column("config_dir", sa.String(), nullable=True),
        sa.Column("schedule", JSONDocument, nullable=False, comment="source key -> {next_run, every}"),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_daemon_state")),
    )


def downgrade() -> None:
    op.drop_table("daemon_state")
