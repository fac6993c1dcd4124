"""The article writer: idempotent by canonical URL (the same text again writes nothing; changed text updates
the row and replaces its mentions and quotes; a new URL inserts), with ``INSERT … ON CONFLICT`` for each
dialect and mentions as a plain multi-row INSERT; and the stored-URL read the spider uses to skip downloads.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from crawler.article import Article, Mention, Quote
from storage.db import write_transaction
from storage.repository.common import (
    _chunks,
    _source_row,
    _without_nul,
    _wrap,
    article_table,
    crawl_run_table,
    mention_table,
    quote_table,
    source_table,
    utc_now,
)
from storage.repository.mentions import _EntityIds, _mention_rows, _quote_rows

logger = logging.getLogger(__name__)
logger.addHandler(logging.NullHandler())


def known_canonical_urls(engine: Engine, source_key: str) -> set[str]:
    """Canonical URLs already stored for ``source_key`` (the spider does not download them again)."""
    query = (sa.select(article_table.c.canonical_url)
             .join(source_table, source_table.c.id == article_table.c.source_id)
             .where(source_table.c.key == source_key))
    try:
        with engine.connect() as connection:
            return set(connection.execute(query).scalars())
    except SQLAlchemyError as error:
        raise _wrap(engine, "reading stored URLs", error) from None


def _aware(value: dt.datetime | None, zone: dt.tzinfo) -> dt.datetime | None:
    if value is None or (value.tzinfo is not None and value.utcoffset() is not None):
        return value
    return value.replace(tzinfo=zone)


def _offset_minutes(value: dt.datetime | None) -> int | None:
    if value is None:
        return None
    offset = value.utcoffset()
    return None if offset is None else int(offset.total_seconds() // 60)


def _article_values(article: Article, zone: dt.tzinfo) -> dict[str, Any]:
    """Column values that come from the article itself (not from the fetch or the row's history)."""
    published_at = _aware(article.published_at, zone)
    return {
        "url": article.url,
        "title": _without_nul(article.title),
        "authors": list(article.authors),
        "editors": list(article.editors),
        "published_at": published_at,
        "published_utc_offset": _offset_minutes(published_at),
        "modified_at": _aware(article.modified_at, zone),
        "date_source": article.date_source,
        "published_time_known": article.published_time_known,
        "language": article.language,
        "text_hash": article.text_hash,
        "text": _without_nul(article.text) or "",
        "word_count": article.word_count,
        "section": article.section,
        "tags": list(article.tags),
        "captions": list(article.captions),
        "related": list(article.related),
        "byline": _without_nul(article.byline),
        "site_name": article.site_name,
        "is_advertorial": bool(article.is_advertorial),
        "pages": article.pages,
    }


def _insert_ignoring_conflicts(connection: Connection) -> Any:
    if connection.dialect.name == "postgresql":
        return postgresql.insert(article_table).on_conflict_do_nothing(index_elements=["canonical_url"])
    return sqlite.insert(article_table).on_conflict_do_nothing(index_elements=["canonical_url"])


@dataclass
class _Pending:
    article: Article
    mentions: list[Mention]
    quotes: list[Quote]
    http_status: int | None
    fetched_at: dt.datetime


@dataclass
class _BatchOutcome:
    new_articles: int = 0
    updated_articles: int = 0
    unchanged_articles: int = 0
    failed_articles: int = 0
    new_mentions: int = 0

    def add(self, other: _BatchOutcome) -> None:
        for name in ("new_articles", "updated_articles", "unchanged_articles", "failed_articles", "new_mentions"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


class ArticleWriter:
    """Stores a source's articles with their mentions and quotes, in batches; idempotent by canonical URL.

    ``add`` queues an article and writes the queue once it holds ``batch_size`` articles or its oldest article
    waited ``max_delay`` seconds (so a slow, polite crawl that is killed loses little). ``flush`` writes the
    queue in one transaction; use the writer as a context manager or call ``close`` to write the rest.
    Running totals: ``new_articles``, ``updated_articles``, ``new_mentions``, ``unchanged_articles`` and
    ``failed_articles`` (articles the database refused; logged, the rest of their batch is kept).
    """

    def __init__(self, engine: Engine, source_key: str, run_id: int | None = None, batch_size: int = 500,
                 max_delay: float = 30.0) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.engine, self.source_key, self.run_id = engine, source_key, run_id
        self.batch_size, self.max_delay = batch_size, max_delay
        try:
            with engine.connect() as connection:
                source = _source_row(connection, source_key)
        except SQLAlchemyError as error:
            raise _wrap(engine, "opening the article writer", error) from None
        self.source_id: int = source.id
        self.zone = zoneinfo.ZoneInfo(source.timezone)
        self._pending: dict[str, _Pending] = {}
        self._oldest: float | None = None
        self._entities = _EntityIds()
        self.new_articles = self.updated_articles = self.new_mentions = 0
        self.unchanged_articles = self.failed_articles = 0
        # Called inside each batch's transaction before any row changes, with (connection, batch, stored: canonical
        # URL -> (id, text_hash)): storage.versions keeps previous versions and fetch state there.
        self.before_write: Any = None

    def __enter__(self) -> ArticleWriter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def pending(self) -> int:
        return len(self._pending)

    def add(self, article: Article, mentions: Sequence[Mention] = (), quotes: Sequence[Quote] = (),
            http_status: int | None = 200, fetched_at: dt.datetime | None = None) -> None:
        """Queue one article (a later add of the same canonical URL replaces the queued one)."""
        if fetched_at is None:
            fetched_at = utc_now()
        elif fetched_at.tzinfo is None:
            fetched_at = fetched_at.astimezone()  # a naive machine time is this machine's local time
        self._pending[article.canonical_url] = _Pending(article, list(mentions), list(quotes), http_status,
                                                        fetched_at)
        if self._oldest is None:
            self._oldest = time.monotonic()
        if len(self._pending) >= self.batch_size or time.monotonic() - self._oldest >= self.max_delay:
            self.flush()

    def flush(self) -> None:
        """Write the queued articles in one transaction (article by article if the database refuses one)."""
        if not self._pending:
            return
        batch = list(self._pending.values())
        try:
            outcome = self._write(batch)
        except (IntegrityError, sa.exc.DataError) as error:
            logger.warning("a batch of %d articles of %s was refused (%s); storing them one by one",
                           len(batch), self.source_key, str(getattr(error, "orig", error)).splitlines()[0])
            outcome = self._write_one_by_one(batch)
        except SQLAlchemyError as error:
            raise _wrap(self.engine, f"storing {len(batch)} articles of {self.source_key}", error) from None
        self._pending.clear()
        self._oldest = None
        self.new_articles += outcome.new_articles
        self.updated_articles += outcome.updated_articles
        self.unchanged_articles += outcome.unchanged_articles
        self.failed_articles += outcome.failed_articles
        self.new_mentions += outcome.new_mentions

    def close(self) -> None:
        self.flush()

    def _after_write(self, connection: Connection, written: dict[int, Article]) -> None:
        """Hook: the articles (by id) stored new or rewritten by this transaction, for capabilities that store
        more per article atomically with it (storage.tone.ToneArticleWriter)."""

    def _write_one_by_one(self, batch: list[_Pending]) -> _BatchOutcome:
        total = _BatchOutcome()
        for item in batch:
            try:
                total.add(self._write([item]))
            except (IntegrityError, sa.exc.DataError) as error:
                logger.error("cannot store %s: %s", item.article.canonical_url,
                             str(getattr(error, "orig", error)).splitlines()[0])
                total.failed_articles += 1
        return total

    def _write(self, batch: list[_Pending]) -> _BatchOutcome:
        outcome = _BatchOutcome()
        with write_transaction(self.engine) as connection:
            urls = [item.article.canonical_url for item in batch]
            stored: dict[str, tuple[int, str]] = {}
            for chunk in _chunks(urls):
                for row in connection.execute(
                        sa.select(article_table.c.canonical_url, article_table.c.id, article_table.c.text_hash)
                        .where(article_table.c.canonical_url.in_(chunk))):
                    stored[row.canonical_url] = (row.id, row.text_hash)
            if self.before_write is not None:
                self.before_write(connection, batch, stored)

            inserts: list[dict[str, Any]] = []
            updates: list[dict[str, Any]] = []
            rewritten: dict[str, int] = {}
            for item in batch:
                values = _article_values(item.article, self.zone)
                values.update(fetched_at=item.fetched_at, http_status=item.http_status,
                              last_crawl_run_id=self.run_id)
                known = stored.get(item.article.canonical_url)
                if known is None:
                    inserts.append({**values, "source_id": self.source_id,
                                    "canonical_url": item.article.canonical_url,
                                    "first_seen_at": item.fetched_at, "updated_at": None})
                elif known[1] != values["text_hash"]:
                    updates.append({**values, "b_id": known[0], "updated_at": item.fetched_at})
                    rewritten[item.article.canonical_url] = known[0]
                else:
                    outcome.unchanged_articles += 1

            inserted: dict[str, int] = {}
            if inserts:
                # No RETURNING: a plain executemany is pipelined by psycopg and batched by SQLite; the ids come
                # from one SELECT. The write lock means every URL not stored before is now ours.
                connection.execute(_insert_ignoring_conflicts(connection), inserts)
                new_urls = [row["canonical_url"] for row in inserts]
                for chunk in _chunks(new_urls):
                    inserted.update(connection.execute(
                        sa.select(article_table.c.canonical_url, article_table.c.id)
                        .where(article_table.c.canonical_url.in_(chunk))).all())
                outcome.new_articles = len(inserted)
                outcome.unchanged_articles += len(inserts) - len(inserted)
            if updates:
                connection.execute(article_table.update().where(article_table.c.id == sa.bindparam("b_id")),
                                   updates)
                outcome.updated_articles = len(updates)
                rewritten_ids = [row["b_id"] for row in updates]
                for chunk in _chunks(rewritten_ids):
                    connection.execute(mention_table.delete().where(mention_table.c.article_id.in_(chunk)))
                    connection.execute(quote_table.delete().where(quote_table.c.article_id.in_(chunk)))

            mention_rows: list[dict[str, Any]] = []
            quote_rows: list[dict[str, Any]] = []
            written: dict[int, Article] = {}
            for item in batch:
                url = item.article.canonical_url
                article_id = inserted.get(url) or rewritten.get(url)
                if article_id is None:
                    continue
                written[article_id] = item.article
                mentions, quotes = self._entities.filter(connection, item.mentions, item.quotes)
                mention_rows += _mention_rows(article_id, mentions)
                quote_rows += _quote_rows(article_id, quotes)
            if mention_rows:
                connection.execute(mention_table.insert(), mention_rows)
            if quote_rows:
                connection.execute(quote_table.insert(), quote_rows)
            outcome.new_mentions = len(mention_rows)
            self._after_write(connection, written)

            if self.run_id is not None and (outcome.new_articles or outcome.updated_articles):
                run = crawl_run_table.c
                connection.execute(crawl_run_table.update().where(run.id == self.run_id).values(
                    new_articles=run.new_articles + outcome.new_articles,
                    updated_articles=run.updated_articles + outcome.updated_articles,
                    mentions=run.mentions + outcome.new_mentions))
        return outcome


