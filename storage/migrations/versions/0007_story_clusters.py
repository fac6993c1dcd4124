"""Story clusters and press releases: tables story_cluster and press_release, views v_cluster and v_pickup.

story_cluster has one row per clustered article (crawler.clusters decides, storage/clusters.py writes);
press_release marks the articles that are releases (from a ``kind = "press-office"`` source, or registered
with ``pantau releases add``). v_cluster is one row per cluster with its origin (the earliest published
member); v_pickup is one row per release and article of its cluster that ran it, with the delay in minutes.
Only the time arithmetic differs between SQLite and PostgreSQL.

Revision ID: 0007
Revises: 0009 (written on 0006; chained after the revisions that landed first)
Create Date: 2026-12-02 15:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0007"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VIEW_NAMES = ("v_cluster", "v_pickup")

_MINUTES_BETWEEN = {
    "sqlite": "((julianday({later}) - julianday({earlier})) * 1440.0)",
    "postgresql": "(extract(epoch FROM ({later} - {earlier})) / 60.0)",
}


def _views(dialect: str) -> dict[str, str]:
    delay = _MINUTES_BETWEEN["postgresql" if dialect == "postgresql" else "sqlite"].format(
        later="coalesce(a.published_at, a.first_seen_at)", earlier="coalesce(ra.published_at, ra.first_seen_at)")
    return {
        "v_cluster": """
WITH members AS (
    SELECT sc.cluster_id, a.id AS article_id, a.source_id,
           coalesce(a.published_at, a.first_seen_at) AS published_at,
           CASE WHEN pr.article_id IS NULL THEN 0 ELSE 1 END AS is_release
    FROM story_cluster sc
    JOIN article a ON a.id = sc.article_id
    LEFT JOIN press_release pr ON pr.article_id = sc.article_id
), stats AS (
    SELECT cluster_id, count(*) AS articles, count(DISTINCT source_id) AS outlets,
           max(published_at) AS last_published_at, sum(is_release) AS releases
    FROM members GROUP BY cluster_id
), ranked AS (
    SELECT m.cluster_id, m.article_id, m.source_id, m.published_at,
           row_number() OVER (PARTITION BY m.cluster_id ORDER BY m.published_at, m.article_id) AS position
    FROM members m
)
SELECT r.cluster_id, r.article_id AS origin_article_id, s.key AS origin_source_key, a.title AS origin_title,
       r.published_at AS origin_published_at, st.last_published_at, st.articles, st.outlets, st.releases
FROM ranked r
JOIN stats st ON st.cluster_id = r.cluster_id
JOIN article a ON a.id = r.article_id
JOIN source s ON s.id = r.source_id
WHERE r.position = 1
""",
        "v_pickup": f"""
SELECT pr.article_id AS release_article_id, pr.agency_id, ra.title AS release_title,
       coalesce(ra.published_at, ra.first_seen_at) AS release_published_at, rc.cluster_id,
       a.id AS article_id, s.key AS source_key, s.name AS source_name, a.canonical_url, a.title,
       coalesce(a.published_at, a.first_seen_at) AS published_at,
       {delay} AS delay_minutes,
       CASE WHEN sc.release_article_id = pr.article_id THEN sc.release_share END AS release_share,
       CASE WHEN sc.release_article_id = pr.article_id THEN sc.reuse END AS reuse,
       CASE WHEN sc.release_article_id = pr.article_id THEN sc.credited END AS credited,
       a.is_advertorial
FROM press_release pr
JOIN article ra ON ra.id = pr.article_id
JOIN story_cluster rc ON rc.article_id = pr.article_id
JOIN story_cluster sc ON sc.cluster_id = rc.cluster_id AND sc.article_id <> pr.article_id
JOIN article a ON a.id = sc.article_id
JOIN source s ON s.id = a.source_id
WHERE NOT EXISTS (SELECT 1 FROM press_release other WHERE other.article_id = sc.article_id)
""",
    }


def upgrade() -> None:
    op.create_table(
        "story_cluster",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("cluster_id", sa.Integer(), nullable=False, comment="the article id that started the cluster"),
        sa.Column("matched_article_id", sa.Integer(), nullable=True,
                  comment="the earlier member this article was confirmed against; null for the first member"),
        sa.Column("matched_share", sa.Float(), nullable=True,
                  comment="share of the matched member's text found in this article (containment, 0-1)"),
        sa.Column("signature", sa.LargeBinary(), nullable=False,
                  comment="paragraph MinHash signatures (uint32 LE)"),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("release_article_id", sa.Integer(), nullable=True,
                  comment="the release (press_release) of this cluster this row is measured against"),
        sa.Column("release_share", sa.Float(), nullable=True,
                  comment="share of the release's text found here (0-1)"),
        sa.Column("reuse", sa.String(), nullable=True,
                  comment="verbatim, edited or paragraph (against the release)"),
        sa.Column("credited", sa.Boolean(), nullable=True,
                  comment="names the release or the office as its source"),
        sa.CheckConstraint("reuse IN ('verbatim', 'edited', 'paragraph')", name=op.f("ck_story_cluster_reuse")),
        sa.ForeignKeyConstraint(["article_id"], ["article.id"], name=op.f("fk_story_cluster_article_id_article"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["matched_article_id"], ["article.id"],
                                name=op.f("fk_story_cluster_matched_article_id_article"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["release_article_id"], ["article.id"],
                                name=op.f("fk_story_cluster_release_article_id_article"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("article_id", name=op.f("pk_story_cluster")),
    )
    op.create_index(op.f("ix_story_cluster_cluster_id"), "story_cluster", ["cluster_id"])
    op.create_index(op.f("ix_story_cluster_release_article_id"), "story_cluster", ["release_article_id"])
    op.create_table(
        "press_release",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.String(), nullable=True, comment="the office that issued it"),
        sa.Column("origin", sa.String(), nullable=False,
                  comment="source (a press-office source), file or url (releases add)"),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("origin IN ('source', 'file', 'url')", name=op.f("ck_press_release_origin")),
        sa.ForeignKeyConstraint(["article_id"], ["article.id"], name=op.f("fk_press_release_article_id_article"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["agency_id"], ["entity.id"], name=op.f("fk_press_release_agency_id_entity")),
        sa.PrimaryKeyConstraint("article_id", name=op.f("pk_press_release")),
    )
    op.create_index(op.f("ix_press_release_agency_id"), "press_release", ["agency_id"])
    views = _views(op.get_bind().dialect.name)
    for name in VIEW_NAMES:
        op.execute(f"CREATE VIEW {name} AS {views[name].strip()}")


def downgrade() -> None:
    for name in reversed(VIEW_NAMES):
        op.execute(f"DROP VIEW IF EXISTS {name}")
    op.drop_index(op.f("ix_press_release_agency_id"), table_name="press_release")
    op.drop_table("press_release")
    op.drop_index(op.f("ix_story_cluster_release_article_id"), table_name="story_cluster")
    op.drop_index(op.f("ix_story_cluster_cluster_id"), table_name="story_cluster")
    op.drop_table("story_cluster")
