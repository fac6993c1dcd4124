"""Re-running agency matching over stored articles after the dictionary changed (``pantau rematch``).

Stored articles are streamed in keyset pages of plain tuples (no transaction stays open between pages); each
page goes to a matching process (one per core for large jobs; each builds the matcher and tone scorer once),
which rebuilds the articles, finds mentions, quotes and tone (crawler.tone) and sends back only the finished
rows. The parent writes each page in one transaction (storage.rematch): the page's old mention, quote and tone
rows go and the new ones come in with ``executemany``, so running it twice changes nothing the second time, and
an interrupted run leaves every page either fully old or fully new. Reading the next pages and matching them
overlaps with writing the previous ones.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import sqlalchemy as sa

import storage
from crawler import lifeline
from crawler.analysis import ignore_stop_signals
from crawler.article import Quote
from crawler.config import EntityConfig, SourceConfig
from crawler.mentions import Matcher
from crawler.quotes import find_quotes
from crawler.tone import ToneScorer
from storage import models
from storage.rematch import MatchedRows, replace_matched
from storage.repository.mentions import _mention_rows, _quote_rows
from storage.repository.reads import article_from_row, stored_article_pages
from storage.tone import tone_rows

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


_matcher: Matcher | None = None
_tone: ToneScorer | None = None
_sources: dict[str, SourceConfig] = {}
_known_entities: frozenset[str] = frozenset()


def _init_matcher(entities: list[EntityConfig], sources: list[SourceConfig], known_entities: frozenset[str]) -> None:
    global _matcher, _sources, _tone, _known_entities
    if multiprocessing.parent_process() is not None:
        ignore_stop_signals()
    _matcher = Matcher(entities)
    _tone = ToneScorer(entities)
    _sources = {source.key: source for source in sources}
    _known_entities = known_entities


def _match_page(page: Sequence[tuple]) -> MatchedRows:
    """The new rows of one page of stored articles (rows of storage.repository.reads.stored_article_pages)."""
    assert _matcher is not None and _tone is not None
    matched = MatchedRows()
    for row in page:
        stored = article_from_row(row)
        article, article_id = stored.article, stored.id
        mentions = _matcher.find(article, _sources.get(stored.source_key))
        quotes = find_quotes(article, mentions)
        tone = _tone.assess(article, mentions)
        # Agencies missing from the entity table are left out, as the crawl's writer does (none are after the
        # config sync that rematch starts with, unless the dictionary names an agency twice).
        matched.article_ids.append(article_id)
        matched.mentions += _mention_rows(article_id, [m for m in mentions if m.entity_id in _known_entities])
        matched.quotes += _quote_rows(article_id, [q if q.entity_id is None or q.entity_id in _known_entities
                                                   else Quote(q.text, q.start, q.end, q.speaker, None)
                                                   for q in quotes])
        article_tones, mention_tones = tone_rows(article_id, tone, _known_entities)  # type: ignore[arg-type]
        matched.tones += article_tones
        matched.mention_tones += mention_tones
    return matched


def rematch(database_url: str, sources: list[SourceConfig], entities: list[EntityConfig], *,
            since: dt.date | None = None, source_key: str | None = None, workers: int = 0,
            on_progress: Callable[[int], None] | None = None) -> RematchResult:
    """Re-match stored articles (published on or after ``since``; of one source) with ``entities``.

    ``workers``: matching processes; 0 chooses one process for small jobs and one per CPU for large ones.
    """
    engine = storage.connect(database_url)
    storage.sync_config(engine, sources, entities)
    with engine.connect() as connection:
        known = frozenset(connection.execute(sa.select(models.Entity.id)).scalars())
    result = RematchResult()
    result.mentions_before = storage.count_mentions(engine, since=since, source_key=source_key)
    if workers == 0:  # automatic: a pool only where it pays
        many = storage.count_articles(engine, since=since, source_key=source_key) >= POOL_MIN_ARTICLES
        workers = (os.cpu_count() or 1) if many else 1
    pages = stored_article_pages(engine, since, source_key, PAGE_SIZE)
    if workers == 1:
        _init_matcher(entities, sources, known)
        for page in pages:
            _write(engine, _match_page(page), result, on_progress)
    else:
        _match_in_pool(engine, pages, entities, sources, known, workers, result, on_progress)
    engine.dispose()
    return result


def _match_in_pool(engine, pages: Iterator[list[tuple]], entities: list[EntityConfig], sources: list[SourceConfig],
                   known: frozenset[str], workers: int, result: RematchResult,
                   on_progress: Callable[[int], None] | None) -> None:
    # crawler.lifeline ties the forkserver and the workers to this process: a kill -9 leaves none behind.
    executor = ProcessPoolExecutor(max_workers=workers, mp_context=lifeline.forkserver_context([]),
                                   initializer=_init_matcher, initargs=(entities, sources, known))
    try:
        # Pages are matched in the pool while earlier ones are written; one page queued per worker beyond
        # the ones being matched, so no worker waits for the parent's reads.
        pending = []
        for page in pages:
            pending.append(executor.submit(_match_page, page))
            if len(pending) > 2 * workers:
                _write(engine, pending.pop(0).result(), result, on_progress)
        for future in pending:
            _write(engine, future.result(), result, on_progress)
    finally:
        executor.shutdown(cancel_futures=True)


def _write(engine, matched: MatchedRows, result: RematchResult, on_progress: Callable[[int], None] | None) -> None:
    replace_matched(engine, matched)
    result.mentions += len(matched.mentions)
    result.toned += len(matched.tones)
    result.articles += len(matched.article_ids)
    if on_progress:
        on_progress(len(matched.article_ids))
