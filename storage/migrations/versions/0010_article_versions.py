"""Fresh articles: per-URL fetch state, previous versions of edited articles, removals, v_article_changes.

- ``fetch_state``: validators (ETag, Last-Modified), the newest lastmod seen, the content hash, when a URL was
  last fetched and when the refetch schedule wants it again. Filled from ``article`` for articles stored before
  this revision (as fetched once, not due), so that upgrading does not make the next crawl download them again.
- ``article_version``: the title and text an article had before a re-fetch found them changed.
- ``article.removed_at``: set when a re-fetch answers 404 or 410 (nothing is deleted).
- ``v_article_changes``: one row per edit and per removal.

Revision ID: 0010
Revises: 0012 (re-chained after 0012_backfills on rebase; written against 0006)
Create Date: 2026-12-02 15:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

V_ARTICLE_CHANGES = """
SELECT v.article_id, s.key AS source_key, a.canonical_url, 'edited' AS change, v.replaced_at AS changed_at,
       a.published_at, a.title, v.title AS previous_title, v.title_changed, v.diff_summary, v.id AS version_id
FROM article_version v
JOIN article a ON a.id = v.article_id
JOIN source s ON s.id = a.source_id
UNION ALL
SELECT a.id, s.key, a.canonical_url, 'removed', a.removed_at, a.published_at, a.title, NULL, {false},
       'removed (HTTP ' || CAST(coalesce(f.last_status, 410) AS {text}) || ')', NULL
FROM article a
JOIN source s ON s.id = a.source_id
LEFT JOIN fetch_state f ON f.canonical_url = a.canonical_url
WHERE a.removed_at IS NOT NULL
"""


def upgrade() -> None:
    op.create_table(
        "fetch_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False,
                  comment="article, or wp-rest for a source's /wp-json/wp/v2/posts"),
        sa.Column("canonical_url", sa.String(), nullable=False, comment="article.canonical_url for articles"),
        sa.Column("url", sa.String(), nullable=False, comment="the URL to request when re-fetching"),
        sa.Column("etag", sa.String(), nullable=True,
                  comment="the ETag the server last sent (sent back as If-None-Match)"),
        sa.Column("last_modified", sa.String(), nullable=True,
                  comment="the Last-Modified header as sent (sent back as If-Modified-Since)"),
        sa.Column("lastmod_seen", UTCDateTime(), nullable=True,
                  comment="newest sitemap lastmod / feed updated / REST modified seen when the URL was last fetched"),
        sa.Column("content_hash", sa.String(length=64), nullable=True,
                  comment="article.text_hash of the last fetch"),
        sa.Column("last_status", sa.Integer(), nullable=True,
                  comment="HTTP status of the last fetch (304 = unchanged)"),
        sa.Column("last_fetched_at", UTCDateTime(), nullable=True),
        sa.Column("next_due_at", UTCDateTime(), nullable=True,
                  comment="when the refetch schedule wants it again; null when no step is left"),
        sa.Column("fetch_count", sa.Integer(), nullable=False),
        sa.CheckConstraint("kind IN ('article', 'wp-rest')", name=op.f("ck_fetch_state_kind")),
        sa.ForeignKeyConstraint(["source_id"], ["source.id"], name=op.f("fk_fetch_state_source_id_source")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fetch_state")),
        sa.UniqueConstraint("canonical_url", name=op.f("uq_fetch_state_canonical_url")),
    )
    op.create_index(op.f("ix_fetch_state_source_id_next_due_at"), "fetch_state", ["source_id", "next_due_at"])
    op.create_table(
        "article_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=True, comment="the title before the change"),
        sa.Column("text", sa.Text(), nullable=False, comment="the text before the change"),
        sa.Column("text_hash", sa.String(length=64), nullable=False),
        sa.Column("modified_at", UTCDateTime(), nullable=True, comment="the page's own modified time, before"),
        sa.Column("fetched_at", UTCDateTime(), nullable=False, comment="when this (previous) version was fetched"),
        sa.Column("replaced_at", UTCDateTime(), nullable=False, comment="the fetch that found the new version"),
        sa.Column("new_modified_at", UTCDateTime(), nullable=True, comment="the page's modified time, after"),
        sa.Column("title_changed", sa.Boolean(), nullable=False),
        sa.Column("diff_summary", sa.Text(), nullable=False,
                  comment="e.g. 'title changed; 1 paragraph changed'"),
        sa.ForeignKeyConstraint(["article_id"], ["article.id"], ondelete="CASCADE",
                                name=op.f("fk_article_version_article_id_article")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_article_version")),
    )
    op.create_index(op.f("ix_article_version_article_id_replaced_at"), "article_version",
                    ["article_id", "replaced_at"])
    op.add_column("article", sa.Column(
        "removed_at", UTCDateTime(), nullable=True,
        comment="when a re-fetch found the story gone (HTTP 404/410); null while it is online"))
    op.execute("INSERT INTO fetch_state (source_id, kind, canonical_url, url, content_hash, last_status, "
               "last_fetched_at, fetch_count) SELECT source_id, 'article', canonical_url, url, text_hash, "
               "http_status, fetched_at, 1 FROM article")
    postgres = op.get_bind().dialect.name == "postgresql"
    op.execute("CREATE VIEW v_article_changes AS " + V_ARTICLE_CHANGES.format(
        false="FALSE" if postgres else "0", text="text" if postgres else "TEXT").strip())


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS v_article_changes")
    # Plain SQL, as in 0005: a batch copy of "article" would break the views that read it.
    op.execute("ALTER TABLE article DROP COLUMN removed_at")
    op.drop_index(op.f("ix_article_version_article_id_replaced_at"), table_name="article_version")
    op.drop_table("article_version")
    op.drop_index(op.f("ix_fetch_state_source_id_next_due_at"), table_name="fetch_state")
    op.drop_table("fetch_state")
