"""Archive back-fills spread over the workers: ``backfill`` and its date-range parts ``backfill_part``.

Revision ID: 0012
Revises: 0006
Create Date: 2026-12-02 15:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PART_STATUSES = ("queued", "running", "succeeded", "failed", "timed-out", "interrupted")


def upgrade() -> None:
    op.create_table(
        "backfill",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["source_id"], ["source.id"], name=op.f("fk_backfill_source_id_source")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_backfill")),
    )
    op.create_table(
        "backfill_part",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("backfill_id", sa.Integer(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(f"status IN {_PART_STATUSES!r}", name=op.f("ck_backfill_part_status")),
        sa.ForeignKeyConstraint(["backfill_id"], ["backfill.id"], ondelete="CASCADE",
                                name=op.f("fk_backfill_part_backfill_id_backfill")),
        sa.ForeignKeyConstraint(["run_id"], ["crawl_run.id"], name=op.f("fk_backfill_part_run_id_crawl_run")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_backfill_part")),
    )
    op.create_index(op.f("ix_backfill_part_backfill_id"), "backfill_part", ["backfill_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_backfill_part_backfill_id"), table_name="backfill_part")
    op.drop_table("backfill_part")
    op.drop_table("backfill")
