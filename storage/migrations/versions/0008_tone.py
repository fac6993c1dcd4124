"""Tone of coverage: ``article_tone`` (per article and agency) and ``mention_tone`` (per counted mention), and
the two analyst views that carry it.

v_article_entity gains ``tone``, ``tone_score`` and ``tone_evidence`` at the end of its columns (NULL for an
article stored before tone existed, until ``pantau rematch`` scores it); v_daily_mentions gains
``negative_articles``, ``neutral_articles`` and ``positive_articles``. Both views are otherwise those of
revision 0006 (0002's SQL with ``published_time_known``), whose SQL this revision reuses rather than copies.
Views that read v_article_entity and that this revision does not own (v_share_of_voice, and any later one) are
dropped and created again from their own current definition, read back from the database.

Revision ID: 0008
Revises: 0011 (written on 0006)
Create Date: 2026-12-02 15:00:00
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
# Written on 0006; re-chained after main's 0012 -> 0010 -> 0009 -> 0007 -> 0011 as they landed.
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_analyst_views = importlib.import_module("storage.migrations.versions.0002_analyst_views")
_time_known = importlib.import_module("storage.migrations.versions.0006_views_published_time_known")

OWNED = ("v_article_entity", "v_daily_mentions")  # in creation order

# Where each view's SQL (as of 0006) is extended, and how.
_EXTENDED = {
    "v_article_entity": [
        ("r.snippet, va.published_time_known\nFROM ranked r",
         "r.snippet, va.published_time_known,\n       t.tone, t.score AS tone_score, t.evidence AS tone_evidence\n"
         "FROM ranked r"),
        ("JOIN v_entity_lineage l ON l.entity_id = r.entity_id\nWHERE r.position = 1",
         "JOIN v_entity_lineage l ON l.entity_id = r.entity_id\n"
         "LEFT JOIN article_tone t ON t.article_id = r.article_id AND t.entity_id = r.entity_id\n"
         "WHERE r.position = 1"),
    ],
    "v_daily_mentions": [
        ("sum(CASE WHEN ae.top_zone = 'title' THEN 1 ELSE 0 END) AS headline_articles\n",
         "sum(CASE WHEN ae.top_zone = 'title' THEN 1 ELSE 0 END) AS headline_articles,\n"
         "       sum(CASE WHEN ae.tone = 'negative' THEN 1 ELSE 0 END) AS negative_articles,\n"
         "       sum(CASE WHEN ae.tone = 'neutral' THEN 1 ELSE 0 END) AS neutral_articles,\n"
         "       sum(CASE WHEN ae.tone = 'positive' THEN 1 ELSE 0 END) AS positive_articles\n"),
    ],
}


def _views_of_0006() -> dict[str, str]:
    return _time_known._with_time_known(_time_known._views_of_0002())


def _with_tone(views: dict[str, str]) -> dict[str, str]:
    views = dict(views)
    for name, replacements in _EXTENDED.items():
        for end, extended in replacements:
            if views[name].count(end) != 1:
                raise RuntimeError(f"migration 0008: the SQL of {name} in revisions 0002/0006 changed; "
                                   "update _EXTENDED")
            views[name] = views[name].replace(end, extended)
    return views


def _dependents(bind: sa.Connection) -> list[tuple[str, str]]:
    """Views (not owned here) that read the owned views, directly or not, with their current SQL, in an
    order they can be created in. Only PostgreSQL refuses to drop a view another one reads."""
    if bind.dialect.name != "postgresql":
        return []
    usage = bind.execute(sa.text(
        "SELECT DISTINCT view_name, table_name FROM information_schema.view_table_usage "
        "WHERE view_schema = current_schema() AND table_schema = current_schema()")).all()
    reads: dict[str, set[str]] = {}
    for view, table in usage:
        reads.setdefault(view, set()).add(table)
    found: set[str] = set()
    frontier = set(OWNED)
    while frontier:
        frontier = {view for view, tables in reads.items() if tables & frontier and view not in OWNED
                    and view not in found}
        found |= frontier
    ordered: list[str] = []
    while len(ordered) < len(found):
        ready = sorted(view for view in found - set(ordered)
                       if not (reads.get(view, set()) & (found - set(ordered) - {view})))
        if not ready:
            raise RuntimeError("migration 0008: circular view dependencies")
        ordered += ready
    return [(view, bind.execute(sa.text("SELECT pg_get_viewdef(CAST(:name AS regclass), true)"),
                                {"name": view}).scalar_one()) for view in ordered]


def _recreate(views: dict[str, str]) -> None:
    bind = op.get_bind()
    dependents = _dependents(bind)
    for name, _sql in reversed(dependents):
        op.execute(f"DROP VIEW IF EXISTS {name}")
    for name in reversed(OWNED):
        op.execute(f"DROP VIEW IF EXISTS {name}")
    for name in OWNED:
        op.execute(f"CREATE VIEW {name} AS {views[name].strip()}")
    for name, sql in dependents:
        op.execute(f"CREATE VIEW {name} AS {sql.strip().rstrip(';')}")


def upgrade() -> None:
    op.create_table(
        "article_tone",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.String(), nullable=False),
        sa.Column("tone", sa.String(), nullable=False, comment="negative, neutral or positive"),
        sa.Column("score", sa.Double(), nullable=False,
                  comment="tanh(positive - negative): -1 very negative .. +1 very positive"),
        sa.Column("negative", sa.Double(), nullable=False,
                  comment="summed weight of the criticism aimed at the agency"),
        sa.Column("positive", sa.Double(), nullable=False, comment="summed weight of the praise aimed at the agency"),
        sa.Column("evidence", sa.Text(), nullable=False, comment="the sentence(s) that decided the tone, one per line"),
        sa.Column("method", sa.String(), nullable=False, comment="what scored it, e.g. lexicon-1"),
        sa.CheckConstraint("tone IN ('negative', 'neutral', 'positive')", name=op.f("ck_article_tone_tone")),
        sa.ForeignKeyConstraint(["article_id"], ["article.id"], name=op.f("fk_article_tone_article_id_article"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["entity_id"], ["entity.id"], name=op.f("fk_article_tone_entity_id_entity")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_article_tone")),
        sa.UniqueConstraint("article_id", "entity_id", name=op.f("uq_article_tone_article_id_entity_id")),
    )
    op.create_index(op.f("ix_article_tone_entity_id_tone"), "article_tone", ["entity_id", "tone"])
    op.create_table(
        "mention_tone",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.String(), nullable=False),
        sa.Column("field", sa.String(), nullable=False, comment="title or text, as mention.field"),
        sa.Column("start_offset", sa.Integer(), nullable=False, comment="as mention.start_offset"),
        sa.Column("tone", sa.String(), nullable=False, comment="negative, neutral or positive"),
        sa.Column("score", sa.Double(), nullable=False),
        sa.Column("sentence", sa.Text(), nullable=False),
        sa.CheckConstraint("tone IN ('negative', 'neutral', 'positive')", name=op.f("ck_mention_tone_tone")),
        sa.ForeignKeyConstraint(["article_id"], ["article.id"], name=op.f("fk_mention_tone_article_id_article"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["entity_id"], ["entity.id"], name=op.f("fk_mention_tone_entity_id_entity")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mention_tone")),
        sa.UniqueConstraint("article_id", "entity_id", "field", "start_offset",
                            name=op.f("uq_mention_tone_article_id_entity_id_field_start_offset")),
    )
    _recreate(_with_tone(_views_of_0006()))


def downgrade() -> None:
    _recreate(_views_of_0006())
    op.drop_table("mention_tone")
    op.drop_index(op.f("ix_article_tone_entity_id_tone"), table_name="article_tone")
    op.drop_table("article_tone")
