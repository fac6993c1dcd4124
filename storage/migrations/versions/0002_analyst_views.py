"""Analyst views (v_*): the same names and columns on SQLite and PostgreSQL.

Written by hand (views are invisible to autogenerate). Only the date arithmetic differs between the two
dialects; everything else is one SQL text. docs/schema.md documents every view and column; a test compares
the columns of each view on both databases. A later change to a view is a new revision that drops and
recreates it (a view's columns are part of the analysts' contract: add columns, never rename or remove them).

Conventions shared by every view:
- "counted" mentions are those in the title, lead, body and quote zones (the default of every report);
  captions, related-link titles, tags and bylines are kept in ``mention`` and ``v_mention`` but not counted.
- ``published_date`` is the publication's own local calendar day (UTC time plus ``published_utc_offset``),
  from ``first_seen_at`` when the page gave no publication time.
- ``lineage_id`` is the last successor of a renamed agency (kominfo -> komdigi), so that grouping by it counts
  both names as one body; group by ``entity_id`` to keep them apart.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 05:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COUNTED_ZONES = "('title', 'lead', 'body', 'quote')"

# Dialect-specific expressions; {x} is an SQL expression.
_SQLITE = {
    # A local calendar day as 'YYYY-MM-DD' text.
    "local_date": "date({ts}, printf('%+d minutes', coalesce({offset}, 0)))",
    "week_start": "date({day}, 'weekday 0', '-6 days')",  # the Monday of the (Monday-first) week
    "month_start": "date({day}, 'start of month')",
    "days_between": "(julianday({later}) - julianday({earlier}))",
}
_POSTGRESQL = {
    "local_date": "CAST(({ts} AT TIME ZONE 'UTC') + make_interval(mins => coalesce({offset}, 0)) AS date)",
    "week_start": "CAST(date_trunc('week', CAST({day} AS timestamp)) AS date)",
    "month_start": "CAST(date_trunc('month', CAST({day} AS timestamp)) AS date)",
    "days_between": "(extract(epoch FROM ({later} - {earlier})) / 86400.0)",
}

VIEW_NAMES = ("v_entity_lineage", "v_article", "v_mention", "v_article_entity", "v_daily_mentions",
              "v_share_of_voice", "v_quote", "v_quotes_by_speaker", "v_crawl_health")


def _views(sql: dict[str, str]) -> dict[str, str]:
    local_date = sql["local_date"].format(ts="coalesce(a.published_at, a.first_seen_at)",
                                          offset="a.published_utc_offset")
    return {
        "v_entity_lineage": """
WITH RECURSIVE chain(entity_id, lineage_id, depth) AS (
    SELECT id, id, 0 FROM entity WHERE successor_id IS NULL
    UNION ALL
    SELECT e.id, c.lineage_id, c.depth + 1
    FROM entity e JOIN chain c ON e.successor_id = c.entity_id
    WHERE c.depth < 50
), links AS (
    SELECT entity_id, lineage_id, depth FROM chain
    UNION ALL
    SELECT id, id, 0 FROM entity WHERE id NOT IN (SELECT entity_id FROM chain)
)
SELECT e.id AS entity_id, e.name AS entity_name, e.acronym, e.kind, e.level, e.region, e.parent_id,
       e.valid_from, e.valid_to, l.lineage_id, r.name AS lineage_name, l.depth AS renames_to_lineage
FROM links l JOIN entity e ON e.id = l.entity_id JOIN entity r ON r.id = l.lineage_id
""",
        "v_article": f"""
SELECT a.id AS article_id, s.key AS source_key, s.name AS source_name, s.scope AS source_scope,
       a.title, a.canonical_url, a.published_at, a.published_utc_offset,
       {local_date} AS published_date,
       a.first_seen_at, a.section, a.is_advertorial, a.word_count, a.byline, a.date_source
FROM article a JOIN source s ON s.id = a.source_id
""",
        "v_mention": f"""
SELECT m.id AS mention_id, m.article_id, m.entity_id, l.entity_name, l.lineage_id,
       va.source_key, va.published_at, va.published_date, va.is_advertorial,
       m.zone, m.field, m.resolution, m.surface, m.snippet, m.start_offset, m.end_offset,
       CASE WHEN m.zone IN {COUNTED_ZONES} THEN 1 ELSE 0 END AS counted
FROM mention m
JOIN v_article va ON va.article_id = m.article_id
JOIN v_entity_lineage l ON l.entity_id = m.entity_id
""",
        "v_article_entity": f"""
WITH ranked AS (
    SELECT m.article_id, m.entity_id, m.zone, m.surface, m.snippet,
           row_number() OVER (PARTITION BY m.article_id, m.entity_id
                              ORDER BY CASE m.zone WHEN 'title' THEN 1 WHEN 'lead' THEN 2 WHEN 'body' THEN 3
                                       ELSE 4 END, m.field, m.start_offset, m.id) AS position,
           CAST(count(*) OVER (PARTITION BY m.article_id, m.entity_id) AS INTEGER) AS mentions
    FROM mention m
    WHERE m.zone IN {COUNTED_ZONES}
)
SELECT r.article_id, r.entity_id, l.entity_name, l.lineage_id, l.lineage_name,
       va.source_key, va.source_name, va.title, va.canonical_url, va.published_at, va.published_date,
       va.is_advertorial, r.mentions, r.zone AS top_zone, r.surface, r.snippet
FROM ranked r
JOIN v_article va ON va.article_id = r.article_id
JOIN v_entity_lineage l ON l.entity_id = r.entity_id
WHERE r.position = 1
""",
        "v_daily_mentions": """
SELECT ae.published_date AS day, ae.source_key, ae.entity_id, ae.lineage_id,
       count(*) AS articles, sum(ae.mentions) AS mentions,
       sum(CASE WHEN ae.is_advertorial THEN 1 ELSE 0 END) AS advertorial_articles,
       sum(CASE WHEN ae.is_advertorial THEN 0 ELSE 1 END) AS news_articles,
       sum(CASE WHEN ae.top_zone = 'title' THEN 1 ELSE 0 END) AS headline_articles
FROM v_article_entity ae
GROUP BY ae.published_date, ae.source_key, ae.entity_id, ae.lineage_id
""",
        "v_share_of_voice": f"""
WITH periods AS (
    SELECT 'week' AS period, {sql['week_start'].format(day='published_date')} AS period_start,
           entity_id, mentions
    FROM v_article_entity
    UNION ALL
    SELECT 'month' AS period, {sql['month_start'].format(day='published_date')} AS period_start,
           entity_id, mentions
    FROM v_article_entity
), totals AS (
    SELECT period, period_start, entity_id, count(*) AS articles, sum(mentions) AS mentions
    FROM periods
    GROUP BY period, period_start, entity_id
)
SELECT t.period, t.period_start, t.entity_id, l.entity_name, l.lineage_id, t.articles, t.mentions,
       CAST(t.mentions AS DOUBLE PRECISION)
           / CAST(sum(t.mentions) OVER (PARTITION BY t.period, t.period_start) AS DOUBLE PRECISION) AS share,
       CAST(t.articles AS DOUBLE PRECISION)
           / CAST(sum(t.articles) OVER (PARTITION BY t.period, t.period_start) AS DOUBLE PRECISION)
           AS article_share
FROM totals t JOIN v_entity_lineage l ON l.entity_id = t.entity_id
""",
        "v_quote": """
SELECT q.id AS quote_id, q.article_id, q.speaker, q.entity_id, l.entity_name, l.lineage_id,
       va.source_key, va.title, va.canonical_url, va.published_at, va.published_date, va.is_advertorial,
       q.text AS quote_text, q.start_offset, q.end_offset
FROM quote q
JOIN v_article va ON va.article_id = q.article_id
LEFT JOIN v_entity_lineage l ON l.entity_id = q.entity_id
""",
        "v_quotes_by_speaker": """
SELECT vq.speaker, vq.entity_id, vq.entity_name, count(*) AS quotes,
       count(DISTINCT vq.article_id) AS articles, count(DISTINCT vq.source_key) AS outlets,
       min(vq.published_at) AS first_published_at, max(vq.published_at) AS last_published_at
FROM v_quote vq
WHERE vq.speaker IS NOT NULL
GROUP BY vq.speaker, vq.entity_id, vq.entity_name
""",
        "v_crawl_health": f"""
WITH runs AS (
    SELECT source_id, count(*) AS runs,
           sum(CASE WHEN status = 'succeeded' THEN 1 ELSE 0 END) AS succeeded_runs,
           sum(CASE WHEN status IN ('failed', 'timed-out', 'interrupted') THEN 1 ELSE 0 END) AS failed_runs,
           sum(CASE WHEN status = 'running' THEN 1 ELSE 0 END) AS running_runs,
           sum(errors) AS errors, sum(pages) AS pages,
           max(started_at) AS last_run_at,
           max(CASE WHEN status = 'succeeded' THEN finished_at END) AS last_success_at
    FROM crawl_run GROUP BY source_id
), latest AS (
    SELECT source_id, status,
           row_number() OVER (PARTITION BY source_id ORDER BY started_at DESC, id DESC) AS position
    FROM crawl_run
), stored AS (
    SELECT source_id, count(*) AS articles, min(published_at) AS first_published_at,
           max(published_at) AS last_published_at, max(first_seen_at) AS last_new_article_at,
           {sql['days_between'].format(later='max(published_at)', earlier='min(published_at)')} AS span_days
    FROM article GROUP BY source_id
)
SELECT s.key AS source_key, s.name AS source_name, s.enabled, s.in_config,
       coalesce(r.runs, 0) AS runs, coalesce(r.succeeded_runs, 0) AS succeeded_runs,
       coalesce(r.failed_runs, 0) AS failed_runs, coalesce(r.errors, 0) AS errors,
       coalesce(r.pages, 0) AS pages,
       CASE WHEN coalesce(r.succeeded_runs, 0) + coalesce(r.failed_runs, 0) > 0
            THEN CAST(r.failed_runs AS DOUBLE PRECISION) / CAST(r.succeeded_runs + r.failed_runs AS DOUBLE PRECISION)
       END AS error_rate,
       r.last_run_at, lr.status AS last_status, r.last_success_at,
       coalesce(st.articles, 0) AS articles, st.first_published_at, st.last_published_at, st.last_new_article_at,
       CASE WHEN st.articles IS NULL THEN 0.0
            WHEN st.span_days IS NULL OR st.span_days < 1 THEN CAST(st.articles AS DOUBLE PRECISION)
            ELSE CAST(st.articles AS DOUBLE PRECISION) / CAST(st.span_days AS DOUBLE PRECISION)
       END AS articles_per_day
FROM source s
LEFT JOIN runs r ON r.source_id = s.id
LEFT JOIN latest lr ON lr.source_id = s.id AND lr.position = 1
LEFT JOIN stored st ON st.source_id = s.id
""",
    }


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    views = _views(_POSTGRESQL if dialect == "postgresql" else _SQLITE)
    for name in VIEW_NAMES:
        op.execute(f"CREATE VIEW {name} AS {views[name].strip()}")


def downgrade() -> None:
    for name in reversed(VIEW_NAMES):
        op.execute(f"DROP VIEW IF EXISTS {name}")
