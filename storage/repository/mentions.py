"""Mention and quote rows: the entity filter shared by the article writer and re-matching, and
:func:`replace_mentions_many`, which re-matching uses to swap an article's mentions and quotes.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from crawler.article import Mention, Quote
from storage.db import write_transaction
from storage.repository.common import (
    _chunks,
    _without_nul,
    _wrap,
    entity_table,
    mention_table,
    quote_table,
)

logger = logging.getLogger(__name__)
logger.addHandler(logging.NullHandler())

class _EntityIds:
    """The entity ids that exist, so that a mention of an agency missing from the table is dropped, not fatal."""

    def __init__(self) -> None:
        self._known: set[str] = set()
        self._warned: set[str] = set()

    def filter(self, connection: Connection, mentions: Iterable[Mention], quotes: Iterable[Quote]
               ) -> tuple[list[Mention], list[Quote]]:
        mentions, quotes = list(mentions), list(quotes)
        wanted = {m.entity_id for m in mentions} | {q.entity_id for q in quotes if q.entity_id}
        if not wanted <= self._known:
            self._known = set(connection.execute(sa.select(entity_table.c.id)).scalars())
        missing = wanted - self._known
        if missing - self._warned:
            logger.warning("dropping mentions of agencies that are not in the entity table "
                           "(sync the dictionary first): %s", ", ".join(sorted(missing - self._warned)))
            self._warned |= missing
        if missing:
            mentions = [m for m in mentions if m.entity_id not in missing]
            quotes = [q if q.entity_id not in missing else Quote(q.text, q.start, q.end, q.speaker, None)
                      for q in quotes]
        return mentions, quotes


def _mention_rows(article_id: int, mentions: Iterable[Mention]) -> list[dict[str, Any]]:
    return [{"article_id": article_id, "entity_id": m.entity_id, "surface": _without_nul(m.surface),
             "start_offset": m.start, "end_offset": m.end, "field": m.field, "zone": m.zone,
             "resolution": m.resolution, "snippet": _without_nul(m.snippet) or ""} for m in mentions]


def _quote_rows(article_id: int, quotes: Iterable[Quote]) -> list[dict[str, Any]]:
    return [{"article_id": article_id, "speaker": _without_nul(q.speaker), "entity_id": q.entity_id,
             "text": _without_nul(q.text) or "", "start_offset": q.start, "end_offset": q.end} for q in quotes]



def replace_mentions_many(engine: Engine,
                          results: Mapping[int, tuple[Sequence[Mention], Sequence[Quote] | None]]) -> int:
    """Replace the mentions (and quotes, unless given as None) of many articles in one transaction.

    Returns the number of mentions stored.
    """
    entity_ids = _EntityIds()
    try:
        with write_transaction(engine) as connection:
            article_ids = list(results)
            mention_rows: list[dict[str, Any]] = []
            quote_rows: list[dict[str, Any]] = []
            quotes_replaced: list[int] = []
            for article_id, (mentions, quotes) in results.items():
                kept_mentions, kept_quotes = entity_ids.filter(connection, mentions, quotes or ())
                mention_rows += _mention_rows(article_id, kept_mentions)
                if quotes is not None:
                    quotes_replaced.append(article_id)
                    quote_rows += _quote_rows(article_id, kept_quotes)
            for chunk in _chunks(article_ids):
                connection.execute(mention_table.delete().where(mention_table.c.article_id.in_(chunk)))
            for chunk in _chunks(quotes_replaced):
                connection.execute(quote_table.delete().where(quote_table.c.article_id.in_(chunk)))
            if mention_rows:
                connection.execute(mention_table.insert(), mention_rows)
            if quote_rows:
                connection.execute(quote_table.insert(), quote_rows)
            return len(mention_rows)
    except SQLAlchemyError as error:
        raise _wrap(engine, "replacing mentions", error) from None


def replace_mentions(engine: Engine, article_id: int, mentions: Sequence[Mention],
                     quotes: Sequence[Quote] | None = None) -> int:
    """Replace one article's mentions (and its quotes, unless ``quotes`` is None); returns mentions stored."""
    return replace_mentions_many(engine, {article_id: (mentions, quotes)})
