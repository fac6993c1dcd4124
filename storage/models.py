"""Pantau's SQL schema as SQLAlchemy 2 typed models: the tables analysts query and storage writes.

Every timestamp is timezone-aware UTC in Python. PostgreSQL stores ``timestamptz``; SQLite stores the UTC wall
time as text (``YYYY-MM-DD HH:MM:SS.ffffff``, so ``date(published_at)`` and string comparisons work) and
:class:`UTCDateTime` gives it back as an aware datetime. The original local offset of a publication time (WIB
+07:00 = 420, WITA +08:00 = 480, WIT +09:00 = 540) is kept beside it in ``article.published_utc_offset``.

Column names avoid SQL keywords, so analysts never have to quote them: mention and quote offsets are
``start_offset``/``end_offset``. docs/schema.md documents every table and column; a migration under
storage/migrations must accompany every change here (a test fails when models and migrations disagree).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Float,
    Index,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

RUN_STATUSES = ("running", "succeeded", "failed", "timed-out", "interrupted")
RUN_TRIGGERS = ("manual", "scheduled")
ALIAS_ORIGINS = ("explicit", "derived")
TONES = ("negative", "neutral", "positive")

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[dt.datetime]):
    """An aware datetime stored in UTC; naive values are refused rather than guessed."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()} given; Pantau stores aware datetimes only")
        value = value.astimezone(dt.timezone.utc)
        # SQLite's DATETIME text has no offset: store the UTC wall time and restore the zone on the way out.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(dt.timezone.utc)


# JSON for lists and mappings; JSONB on PostgreSQL so analysts can index and query into it (tags ? 'pilkada').
JSONDocument = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        dt.datetime: UTCDateTime(),
        dt.date: Date(),
        str: String(),
        dict[str, Any]: JSONDocument,
        list[str]: JSONDocument,
    }


class Source(Base):
    """A news outlet from config/sources/*.toml, mirrored by ``sync_config``; rows are never deleted."""

    __tablename__ = "source"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(unique=True)
    name: Mapped[str]
    home_url: Mapped[str]
    region: Mapped[str | None]
    scope: Mapped[str]
    timezone: Mapped[str]
    language: Mapped[str]
    interval_minutes: Mapped[int]
    cron: Mapped[str | None]
    enabled: Mapped[bool]
    in_config: Mapped[bool] = mapped_column(comment="false once the source was removed from the config files")
    config: Mapped[dict[str, Any]] = mapped_column(comment="the whole validated source entry")
    updated_at: Mapped[dt.datetime] = mapped_column(comment="when a config sync last changed this row")


class CrawlRun(Base):
    """One crawl of one source, from start to finish (or to its interruption)."""

    __tablename__ = "crawl_run"
    __table_args__ = (
        CheckConstraint(f"status IN {RUN_STATUSES!r}", name="status"),
        CheckConstraint(f"trigger IN {RUN_TRIGGERS!r}", name="trigger"),
        Index(None, "source_id", "started_at"),
        Index(None, "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id"))
    trigger: Mapped[str]
    status: Mapped[str]
    started_at: Mapped[dt.datetime]
    finished_at: Mapped[dt.datetime | None]
    hostname: Mapped[str | None]
    pid: Mapped[int | None]
    worker: Mapped[str | None] = mapped_column(
        comment="the `pantau worker` that executes the run (its worker_heartbeat.name); null for the daemon's "
                "children and ad-hoc crawls")
    pages: Mapped[int] = mapped_column(default=0)
    new_articles: Mapped[int] = mapped_column(default=0)
    updated_articles: Mapped[int] = mapped_column(default=0)
    mentions: Mapped[int] = mapped_column(default=0)
    errors: Mapped[int] = mapped_column(default=0)
    error_summary: Mapped[str | None] = mapped_column(Text)
    failed_items: Mapped[int] = mapped_column(
        default=0, server_default="0",
        comment="pages whose item failed in a pipeline step with an exception (a bug or a storage failure, not a "
                "page dropped as unusable); any makes the run failed")


class Article(Base):
    """One news story, unique by canonical URL; a changed story updates its row and replaces its mentions."""

    __tablename__ = "article"
    __table_args__ = (
        Index(None, "source_id", "published_at"),
        Index(None, "published_at"),
        Index(None, "last_crawl_run_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id"))
    canonical_url: Mapped[str] = mapped_column(unique=True)
    url: Mapped[str] = mapped_column(comment="the URL as fetched, before canonicalisation")
    title: Mapped[str | None] = mapped_column(Text)
    authors: Mapped[list[str]]
    editors: Mapped[list[str]]
    published_at: Mapped[dt.datetime | None] = mapped_column(comment="UTC")
    published_utc_offset: Mapped[int | None] = mapped_column(
        comment="minutes east of UTC of the publication's own time (420 WIB, 480 WITA, 540 WIT)")
    modified_at: Mapped[dt.datetime | None]
    date_source: Mapped[str | None] = mapped_column(comment="evidence for published_at: jsonld, meta, byline …")
    published_time_known: Mapped[bool | None] = mapped_column(
        comment="false when the page gave the day but no time (published_at is then local midnight); "
                "null on rows stored before this was recorded")
    fetched_at: Mapped[dt.datetime] = mapped_column(comment="last fetch that stored this row")
    first_seen_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime | None] = mapped_column(comment="when a re-fetch last changed the story")
    language: Mapped[str | None]
    text_hash: Mapped[str] = mapped_column(String(64), comment="sha256 of title and text")
    text: Mapped[str] = mapped_column(Text)
    word_count: Mapped[int]
    section: Mapped[str | None]
    tags: Mapped[list[str]]
    captions: Mapped[list[str]]
    related: Mapped[list[str]] = mapped_column(comment="titles of 'Baca juga' / related links cut from text")
    byline: Mapped[str | None] = mapped_column(Text)
    site_name: Mapped[str | None]
    is_advertorial: Mapped[bool]
    pages: Mapped[int] = mapped_column(comment="pages stitched into this story")
    http_status: Mapped[int | None]
    last_crawl_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_run.id", ondelete="SET NULL"))
    removed_at: Mapped[dt.datetime | None] = mapped_column(
        comment="when a re-fetch found the story gone (HTTP 404/410); null while it is online")


FETCH_KINDS = ("article", "wp-rest")


class FetchState(Base):
    """What Pantau knows about fetching one URL: validators, the newest lastmod seen, and when it is due again.

    One row per article (keyed by its canonical URL) and one per WordPress REST endpoint of a source (its last
    complete enumeration). Written by storage/fetch_state.py; the daemon, ad-hoc crawls and workers share it.
    """

    __tablename__ = "fetch_state"
    __table_args__ = (
        CheckConstraint(f"kind IN {FETCH_KINDS!r}", name="kind"),
        Index(None, "source_id", "next_due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id"))
    kind: Mapped[str] = mapped_column(comment="article, or wp-rest for a source's /wp-json/wp/v2/posts")
    canonical_url: Mapped[str] = mapped_column(unique=True, comment="article.canonical_url for articles")
    url: Mapped[str] = mapped_column(comment="the URL to request when re-fetching")
    etag: Mapped[str | None] = mapped_column(comment="the ETag the server last sent (sent back as If-None-Match)")
    last_modified: Mapped[str | None] = mapped_column(
        comment="the Last-Modified header as sent (sent back as If-Modified-Since)")
    lastmod_seen: Mapped[dt.datetime | None] = mapped_column(
        comment="newest sitemap lastmod / feed updated / REST modified seen when the URL was last fetched")
    content_hash: Mapped[str | None] = mapped_column(String(64), comment="article.text_hash of the last fetch")
    last_status: Mapped[int | None] = mapped_column(comment="HTTP status of the last fetch (304 = unchanged)")
    last_fetched_at: Mapped[dt.datetime | None]
    next_due_at: Mapped[dt.datetime | None] = mapped_column(
        comment="when the refetch schedule wants it again; null when no step is left")
    fetch_count: Mapped[int] = mapped_column(default=0)


class ArticleVersion(Base):
    """A previous version of an article: what its title and text were before a re-fetch found them changed."""

    __tablename__ = "article_version"
    __table_args__ = (Index(None, "article_id", "replaced_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id", ondelete="CASCADE"))
    title: Mapped[str | None] = mapped_column(Text, comment="the title before the change")
    text: Mapped[str] = mapped_column(Text, comment="the text before the change")
    text_hash: Mapped[str] = mapped_column(String(64))
    modified_at: Mapped[dt.datetime | None] = mapped_column(comment="the page's own modified time, before")
    fetched_at: Mapped[dt.datetime] = mapped_column(comment="when this (previous) version was fetched")
    replaced_at: Mapped[dt.datetime] = mapped_column(comment="the fetch that found the new version")
    new_modified_at: Mapped[dt.datetime | None] = mapped_column(comment="the page's modified time, after")
    title_changed: Mapped[bool]
    diff_summary: Mapped[str] = mapped_column(Text, comment="e.g. 'title changed; 1 paragraph changed'")


class Entity(Base):
    """An agency from config/entities/*.yaml, mirrored by ``sync_config``; rows are never deleted."""

    __tablename__ = "entity"

    id: Mapped[str] = mapped_column(primary_key=True)
    name: Mapped[str]
    acronym: Mapped[str | None]
    kind: Mapped[str]
    level: Mapped[str]
    region: Mapped[str | None]
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("entity.id"), index=True)
    valid_from: Mapped[dt.date | None]
    valid_to: Mapped[dt.date | None]
    successor_id: Mapped[str | None] = mapped_column(ForeignKey("entity.id"))
    in_config: Mapped[bool] = mapped_column(comment="false once the agency was removed from the dictionary")
    updated_at: Mapped[dt.datetime] = mapped_column(comment="when a config sync last changed this row")


class EntityAlias(Base):
    """A surface form of an agency: its name, acronym and aliases (explicit) or a variant the matcher derived."""

    __tablename__ = "entity_alias"
    __table_args__ = (
        UniqueConstraint("entity_id", "alias"),
        CheckConstraint(f"origin IN {ALIAS_ORIGINS!r}", name="origin"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_id: Mapped[str] = mapped_column(ForeignKey("entity.id", ondelete="CASCADE"))
    alias: Mapped[str]
    origin: Mapped[str]


class Mention(Base):
    """One place where an article names an agency; offsets index the article's ``field`` text."""

    __tablename__ = "mention"
    __table_args__ = (
        Index(None, "article_id"),
        Index(None, "entity_id", "article_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id", ondelete="CASCADE"))
    entity_id: Mapped[str] = mapped_column(ForeignKey("entity.id"))
    surface: Mapped[str] = mapped_column(comment="the text as written in the article")
    start_offset: Mapped[int]
    end_offset: Mapped[int]
    field: Mapped[str] = mapped_column(comment="title, text, caption, tags, related or byline")
    zone: Mapped[str] = mapped_column(comment="title, lead, body, quote, caption, related, tag or byline")
    resolution: Mapped[str] = mapped_column(comment="name, title or context")
    snippet: Mapped[str] = mapped_column(Text)


class Quote(Base):
    """A direct quote in an article's text, with its speaker and the speaker's agency when named."""

    __tablename__ = "quote"
    __table_args__ = (
        Index(None, "article_id"),
        Index(None, "entity_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id", ondelete="CASCADE"))
    speaker: Mapped[str | None]
    entity_id: Mapped[str | None] = mapped_column(ForeignKey("entity.id"))
    text: Mapped[str] = mapped_column(Text)
    start_offset: Mapped[int]
    end_offset: Mapped[int]


class ArticleTone(Base):
    """Tone of one article toward one agency it counts (crawler.tone): negative, neutral or positive."""

    __tablename__ = "article_tone"
    __table_args__ = (
        UniqueConstraint("article_id", "entity_id"),
        Index(None, "entity_id", "tone"),
        CheckConstraint(f"tone IN {TONES!r}", name="tone"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id", ondelete="CASCADE"))
    entity_id: Mapped[str] = mapped_column(ForeignKey("entity.id"))
    tone: Mapped[str] = mapped_column(comment="negative, neutral or positive")
    score: Mapped[float] = mapped_column(comment="tanh(positive - negative): -1 very negative .. +1 very positive")
    negative: Mapped[float] = mapped_column(comment="summed weight of the criticism aimed at the agency")
    positive: Mapped[float] = mapped_column(comment="summed weight of the praise aimed at the agency")
    evidence: Mapped[str] = mapped_column(Text, comment="the sentence(s) that decided the tone, one per line")
    method: Mapped[str] = mapped_column(comment="what scored it, e.g. lexicon-1")


class MentionTone(Base):
    """Tone of the sentence each counted mention stands in; joins ``mention`` on article, entity, field, offset."""

    __tablename__ = "mention_tone"
    __table_args__ = (
        UniqueConstraint("article_id", "entity_id", "field", "start_offset"),
        CheckConstraint(f"tone IN {TONES!r}", name="tone"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id", ondelete="CASCADE"))
    entity_id: Mapped[str] = mapped_column(ForeignKey("entity.id"))
    field: Mapped[str] = mapped_column(comment="title or text, as mention.field")
    start_offset: Mapped[int] = mapped_column(comment="as mention.start_offset")
    tone: Mapped[str] = mapped_column(comment="negative, neutral or positive")
    score: Mapped[float]
    sentence: Mapped[str] = mapped_column(Text)


class WorkerHeartbeat(Base):
    """A ``pantau worker``'s sign of life, written every few seconds by the worker process itself.

    A run executed by a worker (``crawl_run.worker``) is live while its worker beats, on whatever machine the
    worker runs: a worker silent for more than a few of its own intervals is lost, and its running runs are
    marked interrupted (storage/worker_heartbeats.py). Not part of the analysts' schema.
    """

    __tablename__ = "worker_heartbeat"

    name: Mapped[str] = mapped_column(primary_key=True, comment="the worker's node name (pantau@HOST-PID)")
    hostname: Mapped[str]
    pid: Mapped[int]
    started_at: Mapped[dt.datetime]
    heartbeat_at: Mapped[dt.datetime]
    interval_seconds: Mapped[float] = mapped_column(Float, comment="how often this worker beats")
    stopped_at: Mapped[dt.datetime | None]


class DaemonState(Base):
    """The scheduled daemon's own row (one per database): who runs it, since when, and what it will do next.

    Written by storage/daemon_state.py, read by ``pantau status``; not part of the analysts' schema.
    """

    __tablename__ = "daemon_state"

    name: Mapped[str] = mapped_column(primary_key=True, comment="always 'daemon': one daemon per database")
    pid: Mapped[int]
    hostname: Mapped[str]
    started_at: Mapped[dt.datetime]
    heartbeat_at: Mapped[dt.datetime]
    stopped_at: Mapped[dt.datetime | None]
    config_dir: Mapped[str | None]
    schedule: Mapped[dict[str, Any]] = mapped_column(comment="source key -> {next_run, every}")


BACKFILL_PART_STATUSES = ("queued", "running", "succeeded", "failed", "timed-out", "interrupted")


class Backfill(Base):
    """An archive back-fill of one source over a date range, split into parts crawled by the workers."""

    __tablename__ = "backfill"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id"))
    first_day: Mapped[dt.date] = mapped_column(Date)
    last_day: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[dt.datetime]


class BackfillPart(Base):
    """One date range of a back-fill: one crawl run on a worker (``run_id`` once it ran)."""

    __tablename__ = "backfill_part"
    __table_args__ = (
        CheckConstraint(f"status IN {BACKFILL_PART_STATUSES!r}", name="status"),
        Index(None, "backfill_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    backfill_id: Mapped[int] = mapped_column(ForeignKey("backfill.id", ondelete="CASCADE"))
    first_day: Mapped[dt.date] = mapped_column(Date)
    last_day: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_run.id"))
    updated_at: Mapped[dt.datetime]


ALERT_STATUSES = ("pending", "sent", "failed", "gave-up", "skipped")


class Alert(Base):
    """One alert event for one channel of a rule (config/alerts/*.yaml): found once, sent once.

    Written by storage/alerts.py; ``dedupe_key`` (with ``channel``) is what makes an event alert only once.
    """

    __tablename__ = "alert"
    __table_args__ = (
        UniqueConstraint("dedupe_key", "channel"),
        CheckConstraint(f"status IN {ALERT_STATUSES!r}", name="status"),
        Index(None, "status", "next_attempt_at"),
        Index(None, "rule_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(comment="the event's identity, e.g. 'rule:spike:2026-11-18'")
    channel: Mapped[str] = mapped_column(comment="the rule's channel name (config/alerts channels:)")
    rule_id: Mapped[str]
    condition: Mapped[str] = mapped_column(comment="new_article, spike, first_outlet, keyword, …")
    entity_id: Mapped[str | None] = mapped_column(
        comment="the rule's agency (entity.id), null for a keyword rule without one")
    article_ids: Mapped[list[int]] = mapped_column(JSONDocument, comment="article.id of the articles behind the event")
    event: Mapped[dict[str, Any]] = mapped_column(comment="what the message says: summary and one item per article")
    status: Mapped[str] = mapped_column(comment="pending, sent, failed (will be retried), gave-up or skipped")
    digest_period: Mapped[str | None] = mapped_column(comment="the digest period it is sent with, e.g. '2026-11-18'")
    created_at: Mapped[dt.datetime]
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(
        comment="not sent before this time (quiet hours, digest, backoff)")
    sent_at: Mapped[dt.datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)


class AlertCheck(Base):
    """One evaluation of the alert rules (after a crawl, or ``pantau alerts check``); its cursor: the last article."""

    __tablename__ = "alert_check"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[dt.datetime]
    finished_at: Mapped[dt.datetime]
    last_article_id: Mapped[int] = mapped_column(comment="the next check looks at articles with a higher id")
    articles: Mapped[int] = mapped_column(comment="new articles evaluated")
    events: Mapped[int] = mapped_column(comment="new alert rows recorded")
    sent: Mapped[int]
    failed: Mapped[int]


REUSE_KINDS = ("verbatim", "edited", "paragraph")
RELEASE_ORIGINS = ("source", "file", "url")


class StoryCluster(Base):
    """An article's story cluster: copies and near copies of one text share ``cluster_id`` (crawler.clusters).

    Written by storage/clusters.py as articles are stored; a stored row never changes cluster (``pantau clusters
    rebuild`` recomputes them). The ``release_*`` columns measure the article against its cluster's release.
    """

    __tablename__ = "story_cluster"
    __table_args__ = (
        CheckConstraint(f"reuse IN {REUSE_KINDS!r}", name="reuse"),
        Index(None, "cluster_id"),
        Index(None, "release_article_id"),
        Index(None, "assigned_at"),  # the cluster step's top-up, before every batch (storage/clusters.py)
    )

    article_id: Mapped[int] = mapped_column(ForeignKey("article.id", ondelete="CASCADE"), primary_key=True)
    cluster_id: Mapped[int] = mapped_column(comment="the article id that started the cluster")
    matched_article_id: Mapped[int | None] = mapped_column(
        ForeignKey("article.id", ondelete="SET NULL"),
        comment="the earlier member this article was confirmed against; null for the first member")
    matched_share: Mapped[float | None] = mapped_column(
        Float, comment="share of the matched member's text found in this article (containment, 0-1)")
    signature: Mapped[bytes] = mapped_column(LargeBinary, comment="paragraph MinHash signatures (uint32 LE)")
    assigned_at: Mapped[dt.datetime]
    release_article_id: Mapped[int | None] = mapped_column(
        ForeignKey("article.id", ondelete="SET NULL"),
        comment="the release (press_release) of this cluster this row is measured against")
    release_share: Mapped[float | None] = mapped_column(Float, comment="share of the release's text found here (0-1)")
    reuse: Mapped[str | None] = mapped_column(comment="verbatim, edited or paragraph (against the release)")
    credited: Mapped[bool | None] = mapped_column(comment="names the release or the office as its source")


class PressRelease(Base):
    """An article that is a press release: from a ``kind = "press-office"`` source, or `pantau releases add`."""

    __tablename__ = "press_release"
    __table_args__ = (
        CheckConstraint(f"origin IN {RELEASE_ORIGINS!r}", name="origin"),
        Index(None, "agency_id"),
    )

    article_id: Mapped[int] = mapped_column(ForeignKey("article.id", ondelete="CASCADE"), primary_key=True)
    agency_id: Mapped[str | None] = mapped_column(ForeignKey("entity.id"), comment="the office that issued it")
    origin: Mapped[str] = mapped_column(comment="source (a press-office source), file or url (releases add)")
    registered_at: Mapped[dt.datetime]


FETCH_ERROR_KINDS = ("article", "continuation", "sitemap", "feed", "listing", "robots")


class FetchError(Base):
    """A page or sitemap that could not be fetched or read, one row per source and URL (issue #17).

    Written by storage/fetch_errors.py: the latest failing run, its reason and HTTP status, and how many
    download attempts failed so far, over every run. A later run that stores the page sets ``resolved_at``;
    the spider asks again for every unresolved article URL, so a failure is retried, never forgotten.
    """

    __tablename__ = "fetch_error"
    __table_args__ = (
        UniqueConstraint("source_id", "url"),
        CheckConstraint(f"kind IN {FETCH_ERROR_KINDS!r}", name="kind"),
        Index(None, "run_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id"))
    run_id: Mapped[int] = mapped_column(ForeignKey("crawl_run.id"))
    url: Mapped[str] = mapped_column(Text)
    kind: Mapped[str]
    reason: Mapped[str] = mapped_column(Text)
    http_status: Mapped[int | None]
    attempts: Mapped[int] = mapped_column(default=1)
    first_failed_at: Mapped[dt.datetime]
    last_tried_at: Mapped[dt.datetime]
    resolved_at: Mapped[dt.datetime | None]
