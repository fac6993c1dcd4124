"""Replacing what matching derived from many stored articles at once (``pantau rematch``): their ``mention``,
``quote``, ``article_tone`` and ``mention_tone`` rows, in one transaction per batch.

The rows come ready-made (``storage.repository.mentions`` and ``storage.tone`` build them, in the matching
processes), so a batch is four chunked DELETEs and four ``executemany`` INSERTs: an interrupted run leaves every
batch either fully old or fully new.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from storage import models
from storage.db import write_transaction
from storage.repository.common import _chunks, _wrap

_TABLES = (models.Mention.__table__, models.Quote.__table__, models.ArticleTone.__table__,
           models.MentionTone.__table__)


@dataclass
class MatchedRows:
    """New rows for a batch of articles: everything else these articles had in the four tables goes."""

    article_ids: list[int] = field(default_factory=list)
    mentions: list[dict[str, Any]] = field(default_factory=list)
    quotes: list[dict[str, Any]] = field(default_factory=list)
    tones: list[dict[str, Any]] = field(default_factory=list)  # article_tone
    mention_tones: list[dict[str, Any]] = field(default_factory=list)

    def extend(self, other: MatchedRows) -> None:
        self.article_ids += other.article_ids
        self.mentions += other.mentions
        self.quotes += other.quotes
        self.tones += other.tones
        self.mention_tones += other.mention_tones


def replace_matched(engine: Engine, batch: MatchedRows) -> None:
    """Swap the mention, quote and tone rows of ``batch.article_ids`` for the batch's rows, in one transaction."""
    try:
        with write_transaction(engine) as connection:
            for table in _TABLES:
                for chunk in _chunks(batch.article_ids):
                    connection.execute(table.delete().where(table.c.article_id.in_(chunk)))
            rows: Sequence[Sequence[dict[str, Any]]] = (batch.mentions, batch.quotes, batch.tones,
                                                        batch.mention_tones)
            for table, values in zip(_TABLES, rows):
                if values:
                    connection.execute(table.insert(), values)
    except SQLAlchemyError as error:
        raise _wrap(engine, "replacing mentions, quotes and tone", error) from None
