"""Replacing what matching derived from many stored articles at once (``pantau rematch``): their ``mention``,
``quote``, ``article_tone`` and ``mention_tone`` rows, in one transaction per batch; and reading those rows
back for a range of articles (:func:`stored_matches`; :func:`read_matching_range` reads them with the columns of
the range's articles that matching reads), so that an article whose rows come out the same is not written again.

The rows come ready-made (``storage.repository.mentions`` and ``storage.tone`` build them, in the matching
processes), so a batch is at most four chunked DELETEs and four ``executemany`` INSERTs, each over the articles
whose rows of that table changed: an interrupted run leaves every batch either fully old or fully new.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from storage import models
from storage.db import write_transaction
from storage.repository.common import _chunks, _wrap
from storage.repository.reads import _article_filter, _restore_zone

_TABLES = (models.Mention.__table__, models.Quote.__table__, models.ArticleTone.__table__,
           models.MentionTone.__table__)


@dataclass
class MatchedRows:
    """New rows for a batch of articles: everything else these articles had in the four tables goes.

    ``article_ids`` replace all four tables' rows; ``quoted_ids`` only their quotes and ``toned_ids`` only their
    tone (articles whose mentions came out as stored); articles in none of them keep what they have."""

    article_ids: list[int] = field(default_factory=list)
    mentions: list[dict[str, Any]] = field(default_factory=list)
    quotes: list[dict[str, Any]] = field(default_factory=list)
    tones: list[dict[str, Any]] = field(default_factory=list)  # article_tone
    mention_tones: list[dict[str, Any]] = field(default_factory=list)
    quoted_ids: list[int] = field(default_factory=list)
    toned_ids: list[int] = field(default_factory=list)

    def extend(self, other: MatchedRows) -> None:
        self.article_ids += other.article_ids
        self.mentions += other.mentions
        self.quotes += other.quotes
        self.tones += other.tones
        self.mention_tones += other.mention_tones
        self.quoted_ids += other.quoted_ids
        self.toned_ids += other.toned_ids


# What :func:`stored_matches` reads of each table, in the order the new rows are compared in (their dict keys).
MENTION_COLUMNS = ("entity_id", "surface", "start_offset", "end_offset", "field", "zone", "resolution", "snippet")
QUOTE_COLUMNS = ("speaker", "entity_id", "text", "start_offset", "end_offset")


@dataclass
class StoredMatches:
    """The stored rows of a range of articles, per article id: mentions and quotes as tuples of
    MENTION_COLUMNS / QUOTE_COLUMNS, and the (entity_id, method) of each article_tone row."""

    mentions: dict[int, list[tuple]] = field(default_factory=dict)
    quotes: dict[int, list[tuple]] = field(default_factory=dict)
    tones: dict[int, list[tuple[str, str]]] = field(default_factory=dict)


def stored_matches(engine: Engine, first_id: int, last_id: int) -> StoredMatches:
    """The mention, quote and article_tone rows of the articles with ids ``first_id..last_id``."""
    try:
        with engine.connect() as connection:
            return _stored_matches(connection, first_id, last_id)
    except SQLAlchemyError as error:
        raise _wrap(engine, "reading stored mentions, quotes and tone", error) from None


def _stored_matches(connection: Connection, first_id: int, last_id: int) -> StoredMatches:
    stored = StoredMatches()
    mention, quote, tone = _TABLES[0], _TABLES[1], _TABLES[2]
    reads = ((stored.mentions, mention, MENTION_COLUMNS), (stored.quotes, quote, QUOTE_COLUMNS),
             (stored.tones, tone, ("entity_id", "method")))
    # The columns are plain text and integers, which no SQLAlchemy type processes: the driver's own cursor
    # gives the same tuples in 0.7x the time (bench/rematch.py's archive, SQLite and PostgreSQL).
    cursor = connection.connection.cursor()
    try:
        for target, table, columns in reads:
            query = sa.select(table.c.article_id, *(table.c[name] for name in columns)).where(
                table.c.article_id.between(int(first_id), int(last_id)))
            cursor.execute(str(query.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True})))
            for row in cursor.fetchall():
                target.setdefault(row[0], []).append(row[1:])
    finally:
        cursor.close()
    return stored


# What matching reads of an article (Matcher.find: the title, text, captions, tags, related titles, byline and
# publication time; find_quotes: the text; ToneScorer.assess: the title and text): the rest of its row is no
# input to it. tests/test_rematch.py checks that the matcher finds the same in these as in the whole article.
MATCHED_ARTICLE_COLUMNS = ("title", "text", "published_at", "published_utc_offset", "tags", "captions", "related",
                           "byline")


_JSON_LISTS = ("tags", "captions", "related")


def _json_list(value: str | None) -> list:
    return [] if value is None or value == "[]" else json.loads(value)


@dataclass
class MatchingRange:
    """A range of stored articles as matching reads it: per article (id, source key, title, text,
    published_at in its original offset, tags, captions, related, byline), in id order, and the range's
    stored rows."""

    articles: list[tuple]
    stored: StoredMatches


def read_matching_range(engine: Engine, first_id: int, last_id: int, since: dt.datetime | dt.date | None = None,
                        source_key: str | None = None) -> MatchingRange:
    """The articles with ids ``first_id..last_id`` (published on or after ``since``, of ``source_key``) with
    what matching reads of them, and their stored mention, quote and article_tone rows, over one connection."""
    article, source = models.Article.__table__, models.Source.__table__
    # The JSON lists come as their text, decoded here: most are empty ("[]" on both databases), and the JSON
    # type's processing took half the time of the read.
    columns = [sa.cast(article.c[name], sa.Text) if name in _JSON_LISTS else article.c[name]
               for name in MATCHED_ARTICLE_COLUMNS]
    query = (sa.select(article.c.id, source.c.key, *columns)
             .join(source, source.c.id == article.c.source_id)
             .where(article.c.id.between(first_id, last_id)).order_by(article.c.id))
    query = _article_filter(query, since, source_key)
    try:
        with engine.connect() as connection:
            articles = [(article_id, key, title, text, _restore_zone(published_at, offset), _json_list(tags),
                         _json_list(captions), _json_list(related), byline)
                        for article_id, key, title, text, published_at, offset, tags, captions, related, byline
                        in connection.execute(query)]
            stored = _stored_matches(connection, first_id, last_id)
    except SQLAlchemyError as error:
        raise _wrap(engine, "reading stored articles with their mentions, quotes and tone", error) from None
    return MatchingRange(articles, stored)


def replace_matched(engine: Engine, batch: MatchedRows) -> None:
    """Swap the mention, quote and tone rows of ``batch.article_ids`` (the quotes of ``batch.quoted_ids``, the
    tone of ``batch.toned_ids``) for the batch's rows, in one transaction."""
    replaced = {_TABLES[0].name: batch.article_ids, _TABLES[1].name: batch.article_ids + batch.quoted_ids,
                _TABLES[2].name: batch.article_ids + batch.toned_ids,
                _TABLES[3].name: batch.article_ids + batch.toned_ids}
    try:
        with write_transaction(engine) as connection:
            for table in _TABLES:
                for chunk in _chunks(replaced[table.name]):
                    connection.execute(table.delete().where(table.c.article_id.in_(chunk)))
            rows: Sequence[Sequence[dict[str, Any]]] = (batch.mentions, batch.quotes, batch.tones,
                                                        batch.mention_tones)
            for table, values in zip(_TABLES, rows):
                if values:
                    connection.execute(table.insert(), values)
    except SQLAlchemyError as error:
        raise _wrap(engine, "replacing mentions, quotes and tone", error) from None
