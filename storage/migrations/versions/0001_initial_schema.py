"""Initial schema: source, crawl_run, article, entity, entity_alias, mention, quote.

Written by autogenerate, then tidied: plain op.create_index calls, one JSON type helper, comments kept.

Revision ID: 0001
Revises:
Create Date: 2026-11-26 04:09:20.983914
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def json_document() -> sa.types.TypeEngine:
    """JSON on SQLite, JSONB on PostgreSQL (as storage.models.JSONDocument)."""
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table('entity',
    sa.Column('id', sa.String(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('acronym', sa.String(), nullable=True),
    sa.Column('kind', sa.String(), nullable=False),
    sa.Column('level', sa.String(), nullable=False),
    sa.Column('region', sa.String(), nullable=True),
    sa.Column('parent_id', sa.String(), nullable=True),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('successor_id', sa.String(), nullable=True),
    sa.Column('in_config', sa.Boolean(), nullable=False, comment='false once the agency was removed from the dictionary'),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False, comment='when a config sync last changed this row'),
    sa.ForeignKeyConstraint(['parent_id'], ['entity.id'], name=op.f('fk_entity_parent_id_entity')),
    sa.ForeignKeyConstraint(['successor_id'], ['entity.id'], name=op.f('fk_entity_successor_id_entity')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_entity'))
    )
    op.create_index(op.f('ix_entity_parent_id'), 'entity', ['parent_id'])

    op.create_table('source',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('home_url', sa.String(), nullable=False),
    sa.Column('region', sa.String(), nullable=True),
    sa.Column('scope', sa.String(), nullable=False),
    sa.Column('timezone', sa.String(), nullable=False),
    sa.Column('language', sa.String(), nullable=False),
    sa.Column('interval_minutes', sa.Integer(), nullable=False),
    sa.Column('cron', sa.String(), nullable=True),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('in_config', sa.Boolean(), nullable=False, comment='false once the source was removed from the config files'),
    sa.Column('config', json_document(), nullable=False, comment='the whole validated source entry'),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False, comment='when a config sync last changed this row'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_source')),
    sa.UniqueConstraint('key', name=op.f('uq_source_key'))
    )
    op.create_table('crawl_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('trigger', sa.String(), nullable=False),
    sa.Column('status', sa.String(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('hostname', sa.String(), nullable=True),
    sa.Column('pid', sa.Integer(), nullable=True),
    sa.Column('pages', sa.Integer(), nullable=False),
    sa.Column('new_articles', sa.Integer(), nullable=False),
    sa.Column('updated_articles', sa.Integer(), nullable=False),
    sa.Column('mentions', sa.Integer(), nullable=False),
    sa.Column('errors', sa.Integer(), nullable=False),
    sa.Column('error_summary', sa.Text(), nullable=True),
    sa.CheckConstraint("status IN ('running', 'succeeded', 'failed', 'timed-out', 'interrupted')", name=op.f('ck_crawl_run_status')),
    sa.CheckConstraint("trigger IN ('manual', 'scheduled')", name=op.f('ck_crawl_run_trigger')),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], name=op.f('fk_crawl_run_source_id_source')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crawl_run'))
    )
    op.create_index(op.f('ix_crawl_run_source_id_started_at'), 'crawl_run', ['source_id', 'started_at'])
    op.create_index(op.f('ix_crawl_run_status'), 'crawl_run', ['status'])

    op.create_table('entity_alias',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entity_id', sa.String(), nullable=False),
    sa.Column('alias', sa.String(), nullable=False),
    sa.Column('origin', sa.String(), nullable=False),
    sa.CheckConstraint("origin IN ('explicit', 'derived')", name=op.f('ck_entity_alias_origin')),
    sa.ForeignKeyConstraint(['entity_id'], ['entity.id'], name=op.f('fk_entity_alias_entity_id_entity'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_entity_alias')),
    sa.UniqueConstraint('entity_id', 'alias', name=op.f('uq_entity_alias_entity_id_alias'))
    )
    op.create_table('article',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('canonical_url', sa.String(), nullable=False),
    sa.Column('url', sa.String(), nullable=False, comment='the URL as fetched, before canonicalisation'),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('authors', json_document(), nullable=False),
    sa.Column('editors', json_document(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True, comment='UTC'),
    sa.Column('published_utc_offset', sa.Integer(), nullable=True, comment="minutes east of UTC of the publication's own time (420 WIB, 480 WITA, 540 WIT)"),
    sa.Column('modified_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('date_source', sa.String(), nullable=True, comment='evidence for published_at: jsonld, meta, byline …'),
    sa.Column('fetched_at', sa.DateTime(timezone=True), nullable=False, comment='last fetch that stored this row'),
    sa.Column('first_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True, comment='when a re-fetch last changed the story'),
    sa.Column('language', sa.String(), nullable=True),
    sa.Column('text_hash', sa.String(length=64), nullable=False, comment='sha256 of title and text'),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('word_count', sa.Integer(), nullable=False),
    sa.Column('section', sa.String(), nullable=True),
    sa.Column('tags', json_document(), nullable=False),
    sa.Column('captions', json_document(), nullable=False),
    sa.Column('related', json_document(), nullable=False, comment="titles of 'Baca juga' / related links cut from text"),
    sa.Column('byline', sa.Text(), nullable=True),
    sa.Column('site_name', sa.String(), nullable=True),
    sa.Column('is_advertorial', sa.Boolean(), nullable=False),
    sa.Column('pages', sa.Integer(), nullable=False, comment='pages stitched into this story'),
    sa.Column('http_status', sa.Integer(), nullable=True),
    sa.Column('last_crawl_run_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['last_crawl_run_id'], ['crawl_run.id'], name=op.f('fk_article_last_crawl_run_id_crawl_run'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], name=op.f('fk_article_source_id_source')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_article')),
    sa.UniqueConstraint('canonical_url', name=op.f('uq_article_canonical_url'))
    )
    op.create_index(op.f('ix_article_last_crawl_run_id'), 'article', ['last_crawl_run_id'])
    op.create_index(op.f('ix_article_published_at'), 'article', ['published_at'])
    op.create_index(op.f('ix_article_source_id_published_at'), 'article', ['source_id', 'published_at'])

    op.create_table('mention',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('entity_id', sa.String(), nullable=False),
    sa.Column('surface', sa.String(), nullable=False, comment='the text as written in the article'),
    sa.Column('start_offset', sa.Integer(), nullable=False),
    sa.Column('end_offset', sa.Integer(), nullable=False),
    sa.Column('field', sa.String(), nullable=False, comment='title, text, caption, tags, related or byline'),
    sa.Column('zone', sa.String(), nullable=False, comment='title, lead, body, quote, caption, related, tag or byline'),
    sa.Column('resolution', sa.String(), nullable=False, comment='name, title or context'),
    sa.Column('snippet', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['article.id'], name=op.f('fk_mention_article_id_article'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['entity_id'], ['entity.id'], name=op.f('fk_mention_entity_id_entity')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mention'))
    )
    op.create_index(op.f('ix_mention_article_id'), 'mention', ['article_id'])
    op.create_index(op.f('ix_mention_entity_id_article_id'), 'mention', ['entity_id', 'article_id'])

    op.create_table('quote',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('speaker', sa.String(), nullable=True),
    sa.Column('entity_id', sa.String(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('start_offset', sa.Integer(), nullable=False),
    sa.Column('end_offset', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['article.id'], name=op.f('fk_quote_article_id_article'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['entity_id'], ['entity.id'], name=op.f('fk_quote_entity_id_entity')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quote'))
    )
    op.create_index(op.f('ix_quote_article_id'), 'quote', ['article_id'])
    op.create_index(op.f('ix_quote_entity_id'), 'quote', ['entity_id'])



def downgrade() -> None:
    op.drop_index(op.f('ix_quote_entity_id'), table_name='quote')
    op.drop_index(op.f('ix_quote_article_id'), table_name='quote')
    op.drop_table('quote')
    op.drop_index(op.f('ix_mention_entity_id_article_id'), table_name='mention')
    op.drop_index(op.f('ix_mention_article_id'), table_name='mention')
    op.drop_table('mention')
    op.drop_index(op.f('ix_article_source_id_published_at'), table_name='article')
    op.drop_index(op.f('ix_article_published_at'), table_name='article')
    op.drop_index(op.f('ix_article_last_crawl_run_id'), table_name='article')
    op.drop_table('article')
    op.drop_table('entity_alias')
    op.drop_index(op.f('ix_crawl_run_status'), table_name='crawl_run')
    op.drop_index(op.f('ix_crawl_run_source_id_started_at'), table_name='crawl_run')
    op.drop_table('crawl_run')
    op.drop_table('source')
    op.drop_index(op.f('ix_entity_parent_id'), table_name='entity')
    op.drop_table('entity')
