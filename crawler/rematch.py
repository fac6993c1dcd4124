"""Re-running agency matching over stored articles after the dictionary changed (``pantau rematch``).

The stored articles are cut into ranges of ids (PAGE_SIZE articles each, in id order); each range goes to a
matching process (one per core for large jobs; each builds the matcher once, the tone scorer when it first needs
it, and opens its own connection), which reads the range's articles (only the columns matching reads) and their
stored mention, quote and tone rows itself, finds mentions and quotes, compares them with the stored rows, and
sends back only the rows that change. The parent writes each range in one transaction
(storage.rematch): the changed articles' old rows go and the new ones come in with ``executemany``, so running
it twice changes nothing the second time, and an interrupted run leaves every range either fully old or fully
new. Reading and matching the next ranges overlaps with writing the previous ones.

Tone (crawler.tone) is the costly part, and it depends only on the article's text, its mentions, the agencies'
kinds and the lexicon: an article whose mentions come out exactly as stored keeps its stored tone when that
tone covers the same agencies, was scored by the current method (storage.tone.TONE_METHOD) and no agency it
names changed kind in this run's dictionary; any other article is scored again (``rescore_tone`` scores all).
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import sqlalchemy as sa

import storage
from crawler import lifeline
from crawler.analysis import ignore_stop_signals
from crawler.article import Article, Quote
from crawler.config import EntityConfig, SourceConfig
from crawler.mentions import COUNTED_ZONES, Matcher
from crawler.quotes import find_quotes
from crawler.tone import ToneScorer
from storage import models
from storage.rematch import MatchedRows, read_matching_range, replace_matched
from storage.repository.common import _without_nul
from storage.repository.mentions import _mention_rows, _quote_rows
from storage.repository.reads import stored_article_ids
from storage.tone import TONE_METHOD, tone_rows

PAGE_SIZE = 1000
# Below this many articles one process is faster: a pool pays a few seconds to start fresh interpreters and
# build a matcher in each (bench/rematch.py).
POOL_MIN_ARTICLES = 10_000


@dataclass
class RematchResult:
    articles: int = 0
    mentions: int = 0  # stored now for those articles
    mentions_before: int = 0
    toned: int = 0  # article-agency tone rows stored now
    rewritten: int = 0  # articles whose mentions changed (all their rows written again)
    rescored: int = 0  # articles whose tone was scored again


@dataclass
class _RangeResult:
    """What one matching process sends back for a range: the rows to write and the range's counts."""

    rows: MatchedRows
    articles: int = 0
    mentions: int = 0
    mentions_before: int = 0
    toned: int = 0
    rewritten: int = 0
    rescored: int = 0


@dataclass
class _Job:
    database_url: str
    since: dt.date | None
    source_key: str | None
    known_entities: frozenset[str]
    changed_kinds: frozenset[str]  # agencies whose kind differs from what the entity table had before this run
    rescore_tone: bool


_matcher: Matcher | None = None
_tone: ToneScorer | None = None
_entities: list[EntityConfig] = []
_sources: dict[str, SourceConfig] = {}
_job: _Job | None = None
_engine: sa.engine.Engine | None = None


def _init_matcher(entities: list[EntityConfig], sources: list[SourceConfig], job: _Job) -> None:
    global _matcher, _sources, _tone, _entities, _job, _engine
    if multiprocessing.parent_process() is not None:
        ignore_stop_signals()
    _matcher = Matcher(entities)
    _tone = None  # built on first use (_tone_scorer): most rematches score no article again
    _entities = entities
    _sources = {source.key: source for source in sources}
    _job = job
    _engine = storage.connect(job.database_url, migrate=False)


def _tone_scorer() -> ToneScorer:
    global _tone
    if _tone is None:
        _tone = ToneScorer(_entities)
    return _tone


def _matched_article(row: tuple) -> tuple[int, str, Article]:
    """The id, source key and :class:`Article` of a row of storage.rematch.read_matching_range: the Article
    holds what matching reads (MATCHED_ARTICLE_COLUMNS), its other fields are left empty."""
    article_id, source_key, title, text, published_at, tags, captions, related, byline = row
    return article_id, source_key, Article(url="", canonical_url="", title=title, text=text,
                                           published_at=published_at, tags=tags or [], captions=captions or [],
                                           related=related or [], byline=byline)


def _match_range(first_id: int, last_id: int) -> _RangeResult:
    """Match the stored articles with ids ``first_id..last_id``; the rows of those whose results changed."""
    assert _matcher is not None and _job is not None and _engine is not None
    known, find, sources = _job.known_entities, _matcher.find, _sources
    read = read_matching_range(_engine, first_id, last_id, _job.since, _job.source_key)
    stored = read.stored
    result = _RangeResult(MatchedRows(), articles=len(read.articles))
    matched = result.rows
    for row in read.articles:
        article_id, source_key, article = _matched_article(row)
        # Agencies missing from the entity table are left out, as the crawl's writer does (none are after the
        # config sync that rematch starts with, unless the dictionary names an agency twice).
        found = find(article, sources.get(source_key))
        mentions = [m for m in found if m.entity_id in known]
        quotes = [q if q.entity_id is None or q.entity_id in known else Quote(q.text, q.start, q.end, q.speaker, None)
                  for q in find_quotes(article, found)]
        result.mentions += len(mentions)
        stored_mentions = stored.mentions.get(article_id, [])
        result.mentions_before += len(stored_mentions)
        # The rows as storage.repository.mentions would write them, in MENTION_COLUMNS / QUOTE_COLUMNS order:
        # compared as lists first (the stored rows come back in the order they were written), as multisets
        # only when the lists differ.
        mention_keys = [(m.entity_id, _without_nul(m.surface), m.start, m.end, m.field, m.zone, m.resolution,
                         _without_nul(m.snippet) or "") for m in mentions]
        same_mentions = mention_keys == stored_mentions or Counter(mention_keys) == Counter(stored_mentions)
        if same_mentions and not _job.rescore_tone:
            stored_tone = stored.tones.get(article_id, [])
            counted = {m.entity_id for m in mentions if m.zone in COUNTED_ZONES}  # the agencies tone is about
            keeps_tone = (not counted & _job.changed_kinds
                          and sorted(entity for entity, _method in stored_tone) == sorted(counted)
                          and all(method == TONE_METHOD for _entity, method in stored_tone))
        else:
            keeps_tone = False
        if same_mentions:
            quote_keys = [(_without_nul(q.speaker), q.entity_id, _without_nul(q.text) or "", q.start, q.end)
                          for q in quotes]
            stored_quotes = stored.quotes.get(article_id, [])
            if quote_keys != stored_quotes and Counter(quote_keys) != Counter(stored_quotes):
                matched.quoted_ids.append(article_id)
                matched.quotes += _quote_rows(article_id, quotes)
            if keeps_tone:
                result.toned += len(stored.tones.get(article_id, ()))
                continue
            matched.toned_ids.append(article_id)
        else:
            result.rewritten += 1
            matched.article_ids.append(article_id)
            matched.mentions += _mention_rows(article_id, mentions)
            matched.quotes += _quote_rows(article_id, quotes)
        result.rescored += 1
        article_tones, mention_tones = tone_rows(article_id, _tone_scorer().assess(article, found), known)  # type: ignore[arg-type]
        result.toned += len(article_tones)
        matched.tones += article_tones
        matched.mention_tones += mention_tones
    return result


def rematch(database_url: str, sources: list[SourceConfig], entities: list[EntityConfig], *,
            since: dt.date | None = None, source_key: str | None = None, workers: int = 0,
            rescore_tone: bool = False, on_progress: Callable[[int], None] | None = None) -> RematchResult:
    """Re-match stored articles (published on or after ``since``; of one source) with ``entities``.

    ``workers``: matching processes; 0 chooses one process for small jobs and one per CPU for large ones.
    ``rescore_tone``: score every article's tone again, also where its mentions did not change.
    """
    engine = storage.connect(database_url)
    with engine.connect() as connection:
        kinds_before = dict(connection.execute(sa.select(models.Entity.id, models.Entity.kind)).all())
    changed_kinds = frozenset(entity.id for entity in entities if kinds_before.get(entity.id) != entity.kind)
    storage.sync_config(engine, sources, entities)
    with engine.connect() as connection:
        known = frozenset(connection.execute(sa.select(models.Entity.id)).scalars())
    result = RematchResult()  # mentions_before: summed from the stored rows each range reads
    ids = stored_article_ids(engine, since, source_key)
    if workers == 0:  # automatic: a pool only where it pays
        workers = (os.cpu_count() or 1) if len(ids) >= POOL_MIN_ARTICLES else 1
    ranges = [(ids[start], ids[min(start + PAGE_SIZE, len(ids)) - 1]) for start in range(0, len(ids), PAGE_SIZE)]
    job = _Job(database_url, since, source_key, known, changed_kinds, rescore_tone)
    if workers == 1:
        _init_matcher(entities, sources, job)
        try:
            for first_id, last_id in ranges:
                _write(engine, _match_range(first_id, last_id), result, on_progress)
        finally:
            _close_worker_engine()
    else:
        _match_in_pool(engine, ranges, entities, sources, job, workers, result, on_progress)
    engine.dispose()
    return result


def _close_worker_engine() -> None:
    global _engine
    if _engine is not None:
        _engine.dispose()
        _engine = None


def _match_in_pool(engine, ranges: list[tuple[int, int]], entities: list[EntityConfig], sources: list[SourceConfig],
                   job: _Job, workers: int, result: RematchResult,
                   on_progress: Callable[[int], None] | None) -> None:
    # crawler.lifeline ties the forkserver and the workers to this process: a kill -9 leaves none behind.
    # The forkserver imports this module (the matcher, tone and storage stacks) once for all the workers.
    executor = ProcessPoolExecutor(max_workers=workers, mp_context=lifeline.forkserver_context([__name__]),
                                   initializer=_init_matcher, initargs=(entities, sources, job))
    try:
        # Ranges are matched in the pool while earlier ones are written; one range queued per worker beyond
        # the ones being matched, so no worker waits for the parent.
        pending = []
        for first_id, last_id in ranges:
            pending.append(executor.submit(_match_range, first_id, last_id))
            if len(pending) > 2 * workers:
                _write(engine, pending.pop(0).result(), result, on_progress)
        for future in pending:
            _write(engine, future.result(), result, on_progress)
    finally:
        executor.shutdown(cancel_futures=True)


def _write(engine, matched: _RangeResult, result: RematchResult, on_progress: Callable[[int], None] | None) -> None:
    rows = matched.rows
    if rows.article_ids or rows.quoted_ids or rows.toned_ids:
        replace_matched(engine, rows)
    result.mentions += matched.mentions
    result.mentions_before += matched.mentions_before
    result.toned += matched.toned
    result.articles += matched.articles
    result.rewritten += matched.rewritten
    result.rescored += matched.rescored
    if on_progress:
        on_progress(matched.articles)
