"""Alerts: the ``alert`` table (one row per event and channel, sent once) and ``alert_check`` (each evaluation).

Revision ID: 0009
Revises: 0010 (written on 0006; chained after the back-fill and article-version revisions that landed first)
Create Date: 2026-12-02 15:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.models import JSONDocument, UTCDateTime

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dedupe_key", sa.String(), nullable=False,
                  comment="the event's identity, e.g. 'rule:spike:2026-11-18'"),
        sa.Column("channel", sa.String(), nullable=False,
                  comment="the rule's channel name (config/alerts channels:)"),
        sa.Column("rule_id", sa.String(), nullable=False),
        sa.Column("condition", sa.String(), nullable=False, comment="new_article, spike, first_outlet, keyword, …"),
        sa.Column("entity_id", sa.String(), nullable=True,
                  comment="the rule's agency (entity.id), null for a keyword rule without one"),
        sa.Column("article_ids", JSONDocument, nullable=False,
                  comment="article.id of the articles behind the event"),
        sa.Column("event", JSONDocument, nullable=False,
                  comment="what the message says: summary and one item per article"),
        sa.Column("status", sa.String(), nullable=False,
                  comment="pending, sent, failed (will be retried), gave-up or skipped"),
        sa.Column("digest_period", sa.String(), nullable=True,
                  comment="the digest period it is sent with, e.g. '2026-11-18'"),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=True,
                  comment="not sent before this time (quiet hours, digest, backoff)"),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.CheckConstraint("status IN ('pending', 'sent', 'failed', 'gave-up', 'skipped')",
                           name=op.f("ck_alert_status")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert")),
        sa.UniqueConstraint("dedupe_key", "channel", name=op.f("uq_alert_dedupe_key_channel")),
    )
    op.create_index(op.f("ix_alert_status_next_attempt_at"), "alert", ["status", "next_attempt_at"])
    op.create_index(op.f("ix_alert_rule_id_created_at"), "alert", ["rule_id", "created_at"])
    op.create_table(
        "alert_check",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime(), nullable=False),
        sa.Column("last_article_id", sa.Integer(), nullable=False,
                  comment="the next check looks at articles with a higher id"),
        sa.Column("articles", sa.Integer(), nullable=False, comment="new articles evaluated"),
        sa.Column("events", sa.Integer(), nullable=False, comment="new alert rows recorded"),
        sa.Column("sent", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_check")),
    )


def downgrade() -> None:
    op.drop_table("alert_check")
    op.drop_index(op.f("ix_alert_rule_id_created_at"), table_name="alert")
    op.drop_index(op.f("ix_alert_status_next_attempt_at"), table_name="alert")
    op.drop_table("alert")
