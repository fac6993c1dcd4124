"""Reading stored articles back for re-matching: counts and paged reads with the same filters.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from crawler.article import Article
from storage.repository.common import (
    _wrap,
    article_table,
    mention_table,
    source_table,
)

logger = logging.getLogger(__name__)
logger.addHandler(logging.NullHandler())

@dataclass(frozen=True)
class StoredArticle:
    """An article read back from SQL: its row id, source, and the :class:`Article` the matcher takes."""

    id: int
    source_key: str
    article: Article


def _restore_zone(value: dt.datetime | None, offset_minutes: int | None) -> dt.datetime | None:
    if value is None or offset_minutes is None:
        return value
    return value.astimezone(dt.timezone(dt.timedelta(minutes=offset_minutes)))


def _article_filter(query: sa.Select, since: dt.datetime | dt.date | None, source_key: str | None) -> sa.Select:
    """Restrict a query over article (joined with source) to ``since`` and ``source_key``."""
    if since is not None:
        if not isinstance(since, dt.datetime):
            since = dt.datetime.combine(since, dt.time(), dt.timezone.utc)
        elif since.tzinfo is None:
            since = since.replace(tzinfo=dt.timezone.utc)
        query = query.where(sa.or_(article_table.c.published_at >= since,
                                   sa.and_(article_table.c.published_at.is_(None),
                                           article_table.c.first_seen_at >= since)))
    if source_key is not None:
        query = query.where(source_table.c.key == source_key)
    return query


def count_articles(engine: Engine, since: dt.datetime | dt.date | None = None, source_key: str | None = None) -> int:
    """How many articles :func:`stored_articles` would return with the same filters."""
    query = sa.select(sa.func.count(article_table.c.id)).join(
        source_table, source_table.c.id == article_table.c.source_id)
    return _count(engine, _article_filter(query, since, source_key), "counting articles")


def count_mentions(engine: Engine, since: dt.datetime | dt.date | None = None, source_key: str | None = None) -> int:
    """Mentions stored for the articles :func:`stored_articles` would return with the same filters."""
    query = (sa.select(sa.func.count(mention_table.c.id))
             .join(article_table, article_table.c.id == mention_table.c.article_id)
             .join(source_table, source_table.c.id == article_table.c.source_id))
    return _count(engine, _article_filter(query, since, source_key), "counting mentions")


def _count(engine: Engine, query: sa.Select, action: str) -> int:
    try:
        with engine.connect() as connection:
            return connection.execute(query).scalar_one()
    except SQLAlchemyError as error:
        raise _wrap(engine, action, error) from None


# The columns an Article is rebuilt from, in the order of the rows :func:`stored_article_pages` yields.
_ARTICLE_FIELDS = ("id", "source_key", "url", "canonical_url", "title", "text", "authors", "editors", "published_at",
                   "modified_at", "published_utc_offset", "date_source", "published_time_known", "language",
                   "site_name", "section", "tags", "captions", "related", "byline", "is_advertorial", "pages")


def stored_article_pages(engine: Engine, since: dt.datetime | dt.date | None = None, source_key: str | None = None,
                         batch_size: int = 500) -> Iterator[list[tuple]]:
    """Stored articles in id order as pages of plain tuples (cheap to send to another process; rebuild each
    with :func:`article_from_row`), read by keyset pages so that no transaction stays open between them."""
    columns = [source_table.c.key.label("source_key") if name == "source_key" else article_table.c[name]
               for name in _ARTICLE_FIELDS]
    query = (sa.select(*columns)
             .join(source_table, source_table.c.id == article_table.c.source_id)
             .order_by(article_table.c.id).limit(batch_size))
    query = _article_filter(query, since, source_key)
    last_id = 0
    while True:
        try:
            with engine.connect() as connection:
                rows = [tuple(row) for row in connection.execute(query.where(article_table.c.id > last_id))]
        except SQLAlchemyError as error:
            raise _wrap(engine, "reading stored articles", error) from None
        if rows:
            yield rows
        if len(rows) < batch_size:
            return
        last_id = rows[-1][0]


def stored_article_ids(engine: Engine, since: dt.datetime | dt.date | None = None,
                       source_key: str | None = None) -> list[int]:
    """The ids of the stored articles :func:`stored_articles` would return, in order (to cut into id ranges)."""
    query = _article_filter(sa.select(article_table.c.id).join(source_table, source_table.c.id == article_table.c.source_id),
                            since, source_key).order_by(article_table.c.id)
    try:
        with engine.connect() as connection:
            return list(connection.execute(query).scalars())
    except SQLAlchemyError as error:
        raise _wrap(engine, "reading stored article ids", error) from None


def stored_article_range(engine: Engine, first_id: int, last_id: int, since: dt.datetime | dt.date | None = None,
                         source_key: str | None = None) -> list[tuple]:
    """The rows of :func:`stored_article_pages` whose ids lie in ``first_id..last_id``, in id order."""
    columns = [source_table.c.key.label("source_key") if name == "source_key" else article_table.c[name]
               for name in _ARTICLE_FIELDS]
    query = (sa.select(*columns).join(source_table, source_table.c.id == article_table.c.source_id)
             .where(article_table.c.id.between(first_id, last_id)).order_by(article_table.c.id))
    query = _article_filter(query, since, source_key)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(query)]
    except SQLAlchemyError as error:
        raise _wrap(engine, "reading stored articles", error) from None


def article_from_row(row: tuple) -> StoredArticle:
    """The :class:`StoredArticle` of one row of :func:`stored_article_pages`."""
    (article_id, source_key, url, canonical_url, title, text, authors, editors, published_at, modified_at, offset,
     date_source, published_time_known, language, site_name, section, tags, captions, related, byline,
     is_advertorial, pages) = row
    return StoredArticle(id=article_id, source_key=source_key, article=Article(
        url=url, canonical_url=canonical_url, title=title, text=text,
        authors=list(authors or []), editors=list(editors or []),
        published_at=_restore_zone(published_at, offset), modified_at=_restore_zone(modified_at, offset),
        date_source=date_source, published_time_known=published_time_known, language=language,
        site_name=site_name, section=section, tags=list(tags or []), captions=list(captions or []),
        related=list(related or []), byline=byline, is_advertorial=is_advertorial, pages=pages))


def stored_articles(engine: Engine, since: dt.datetime | dt.date | None = None, source_key: str | None = None,
                    batch_size: int = 500) -> Iterator[StoredArticle]:
    """Stored articles in id order, read in pages so that no transaction stays open between them.

    ``since`` keeps articles published at or after it (those without a publication time count from when they
    were first seen); a date means its midnight UTC. published_at comes back in its original offset.
    """
    for page in stored_article_pages(engine, since, source_key, batch_size):
        for row in page:
            yield article_from_row(row)
