"""Storing tone (crawler.tone) beside the articles: ``article_tone`` (one row per article and agency) and
``mention_tone`` (one row per counted mention), written with the article or replaced by re-matching.

:class:`ToneArticleWriter` is the crawl's :class:`~storage.repository.ArticleWriter` that also takes each
article's :class:`~crawler.tone.ArticleTone`, and writes its rows in the same transaction as the article and its
mentions (through the writer's ``_after_write`` hook), so an article is never stored without its tone.
:func:`replace_tones_many` replaces the tone of many stored articles in one transaction (``pantau rematch``).
:func:`tone_of_articles` reads tone back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from crawler.article import Article, Mention, Quote
from storage import models
from storage.db import write_transaction
from storage.repository import ArticleWriter
from storage.repository.common import _chunks, _without_nul, _wrap, entity_table

if TYPE_CHECKING:  # crawler.tone brings numpy (its text model): imported where tones are written, not by every crawl
    from crawler.tone import ArticleTone

article_tone_table = models.ArticleTone.__table__
mention_tone_table = models.MentionTone.__table__

# Bump when the lexicon or rules change in a way analysts should know about (pantau rematch re-scores tone written
# by another method). lexicon-2: the concept families of 3 December 2026; lexicon-3+model-1: the families, scope rules
# and knobs of 4 December 2026 and the text model's neutral-to-negative override (crawler/tone/model.py).
TONE_METHOD = "lexicon-3+model-1"


def _known_entities(connection: Connection, wanted: set[str], known: set[str]) -> set[str]:
    if not wanted <= known:
        known |= set(connection.execute(sa.select(entity_table.c.id)).scalars())
    return known


def tone_rows(article_id: int, tone: ArticleTone, entity_ids: set[str]) -> tuple[list[dict[str, Any]],
                                                                                   list[dict[str, Any]]]:
    """Rows for ``article_tone`` and ``mention_tone`` (agencies missing from ``entity_ids`` are left out)."""
    articles = [{"article_id": article_id, "entity_id": item.entity_id, "tone": item.tone, "score": item.score,
                 "negative": item.negative, "positive": item.positive,
                 "evidence": _without_nul("\n".join(item.evidence)) or "", "method": TONE_METHOD}
                for item in tone.entities if item.entity_id in entity_ids]
    seen: set[tuple[str, str, int]] = set()
    mentions = []
    for item in tone.mentions:
        key = (item.entity_id, item.field, item.start)
        if item.entity_id not in entity_ids or key in seen:
            continue
        seen.add(key)
        mentions.append({"article_id": article_id, "entity_id": item.entity_id, "field": item.field,
                         "start_offset": item.start, "tone": item.tone, "score": item.score,
                         "sentence": _without_nul(item.sentence) or ""})
    return articles, mentions


def _replace(connection: Connection, tones: Mapping[int, ArticleTone], known: set[str]) -> int:
    article_ids = list(tones)
    for chunk in _chunks(article_ids):
        connection.execute(article_tone_table.delete().where(article_tone_table.c.article_id.in_(chunk)))
        connection.execute(mention_tone_table.delete().where(mention_tone_table.c.article_id.in_(chunk)))
    wanted = {item.entity_id for tone in tones.values() for item in tone.entities}
    known = _known_entities(connection, wanted, known)
    article_rows: list[dict[str, Any]] = []
    mention_rows: list[dict[str, Any]] = []
    for article_id, tone in tones.items():
        rows, per_mention = tone_rows(article_id, tone, known)
        article_rows += rows
        mention_rows += per_mention
    if article_rows:
        connection.execute(article_tone_table.insert(), article_rows)
    if mention_rows:
        connection.execute(mention_tone_table.insert(), mention_rows)
    return len(article_rows)


def replace_tones_many(engine: Engine, tones: Mapping[int, ArticleTone]) -> int:
    """Replace the tone rows of many stored articles in one transaction; returns the article_tone rows stored."""
    try:
        with write_transaction(engine) as connection:
            return _replace(connection, tones, set())
    except SQLAlchemyError as error:
        raise _wrap(engine, "replacing tone", error) from None


class ToneArticleWriter(ArticleWriter):
    """An :class:`ArticleWriter` whose ``add`` also takes the article's tone, stored in the same transaction."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._tones: dict[str, ArticleTone] = {}
        self._known_entities: set[str] = set()
        self.tone_rows = 0

    def add(self, article: Article, mentions: Sequence[Mention] = (), quotes: Sequence[Quote] = (),
            http_status: int | None = 200, fetched_at: Any = None, tone: ArticleTone | None = None) -> None:
        if tone is not None:
            self._tones[article.canonical_url] = tone
        else:
            self._tones.pop(article.canonical_url, None)
        super().add(article, mentions, quotes, http_status, fetched_at)

    def flush(self) -> None:
        super().flush()
        if not self.pending:
            self._tones.clear()

    def _after_write(self, connection: Connection, written: dict[int, Article]) -> None:
        from crawler.tone import ArticleTone

        # Rewritten articles lose their old tone rows even when no new tone came with them.
        tones = {article_id: self._tones.get(article.canonical_url, ArticleTone((), ()))
                 for article_id, article in written.items()}
        if tones:
            self.tone_rows += _replace(connection, tones, self._known_entities)


def tone_of_articles(engine: Engine, article_ids: Iterable[int]) -> dict[int, dict[str, dict[str, Any]]]:
    """Stored tone by article id, then entity id: {"tone", "score", "evidence"}."""
    result: dict[int, dict[str, dict[str, Any]]] = {}
    ids = list(article_ids)
    try:
        with engine.connect() as connection:
            for chunk in _chunks(ids):
                for row in connection.execute(sa.select(article_tone_table).where(
                        article_tone_table.c.article_id.in_(chunk))):
                    result.setdefault(row.article_id, {})[row.entity_id] = {
                        "tone": row.tone, "score": row.score, "evidence": row.evidence}
    except SQLAlchemyError as error:
        raise _wrap(engine, "reading tone", error) from None
    return result


def alert_tone_facts(connection: Connection, article_ids: list[int]) -> dict[tuple[int, str], Any]:
    """``storage.alerts.FACT_LOADERS["tone"]``: (article id, entity id) -> crawler.alerts.model.Tone."""
    from crawler.alerts.model import Tone

    facts: dict[tuple[int, str], Any] = {}
    for chunk in _chunks(article_ids):
        for row in connection.execute(sa.select(article_tone_table.c.article_id, article_tone_table.c.entity_id,
                                                article_tone_table.c.tone, article_tone_table.c.score)
                                      .where(article_tone_table.c.article_id.in_(chunk))):
            facts[(row.article_id, row.entity_id)] = Tone(row.tone, row.score)
    return facts


def alert_tone_evidence(connection: Connection, article_ids: list[int]) -> dict[tuple[int, str], str]:
    """``storage.alerts.FACT_LOADERS["tone_evidence"]``: (article id, entity id) -> the deciding sentence."""
    evidence: dict[tuple[int, str], str] = {}
    for chunk in _chunks(article_ids):
        for row in connection.execute(sa.select(article_tone_table.c.article_id, article_tone_table.c.entity_id,
                                                article_tone_table.c.evidence)
                                      .where(article_tone_table.c.article_id.in_(chunk),
                                             article_tone_table.c.evidence != "")):
            evidence[(row.article_id, row.entity_id)] = row.evidence.split("\n")[0]
    return evidence
