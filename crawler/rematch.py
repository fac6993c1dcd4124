"""Re-running agency matching over stored articles after the dictionary changed (``pantau rematch``).

Reads stored articles in pages, matches them in worker processes (each builds the matcher once) and replaces
each article's mentions and quotes in one transaction per page, so running it twice changes nothing the second
time, and an interrupted run leaves every page either fully old or fully new. Tone (crawler.tone) is scored
again from the new mentions and replaced right after, in a transaction of its own per page (storage.tone): a
run interrupted between the two leaves that page's old tone, which the next run replaces.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from itertools import islice

import storage
from crawler.analysis import ignore_stop_signals
from crawler.article import Article, Mention, Quote
from crawler.config import EntityConfig, SourceConfig
from crawler.mentions import Matcher
from crawler.quotes import find_quotes
from crawler.tone import ArticleTone, ToneScorer
from storage.tone import replace_tones_many

PAGE_SIZE = 500
# Below this many articles one process is faster: a pool pays ~3-8 s to start fresh interpreters and build a
# matcher in each, and one process matches ~480 articles/s (bench/rematch.py).
POOL_MIN_ARTICLES = 10_000


@dataclass
class RematchResult:
    articles: int = 0
    mentions: int = 0  # stored now for those articles
    mentions_before: int = 0
    toned: int = 0  # article-agency tone rows stored now


Matched = tuple[int, list[Mention], list[Quote], ArticleTone]


_matcher: Matcher | None = None
_tone: ToneScorer | None = None
_sources: dict[str, SourceConfig] = {}


def _init_matcher(entities: list[EntityConfig], sources: list[SourceConfig]) -> None:
    global _matcher, _sources, _tone
    if multiprocessing.parent_process() is not None:
        ignore_stop_signals()
    _matcher = Matcher(entities)
    _tone = ToneScorer(entities)
    _sources = {source.key: source for source in sources}


def _match_page(page: Sequence[tuple[int, str, Article]]) -> list[Matched]:
    assert _matcher is not None and _tone is not None
    results = []
    for article_id, source_key, article in page:
        mentions = _matcher.find(article, _sources.get(source_key))
        results.append((article_id, mentions, find_quotes(article, mentions), _tone.assess(article, mentions)))
    return results


def _pages(engine, since: dt.date | None, source_key: str | None) -> Iterator[list[tuple[int, str, Article]]]:
    rows = ((stored.id, stored.source_key, stored.article)
            for stored in storage.stored_articles(engine, since=since, source_key=source_key,
                                                  batch_size=PAGE_SIZE))
    while page := list(islice(rows, PAGE_SIZE)):
        yield page


def rematch(database_url: str, sources: list[SourceConfig], entities: list[EntityConfig], *,
            since: dt.date | None = None, source_key: str | None = None, workers: int = 0,
            on_progress: Callable[[int], None] | None = None) -> RematchResult:
    """Re-match stored articles (published on or after ``since``; of one source) with ``entities``.

    ``workers``: matching processes; 0 chooses one process for small jobs and one per CPU for large ones.
    """
    engine = storage.connect(database_url)
    storage.sync_config(engine, sources, entities)
    result = RematchResult()
    result.mentions_before = storage.count_mentions(engine, since=since, source_key=source_key)
    if workers == 0:  # automatic: a pool only where it pays
        many = storage.count_articles(engine, since=since, source_key=source_key) >= POOL_MIN_ARTICLES
        workers = (os.cpu_count() or 1) if many else 1
    pages = _pages(engine, since, source_key)
    if workers == 1:
        _init_matcher(entities, sources)
        for page in pages:
            _write(engine, _match_page(page), result, on_progress)
    else:
        _match_in_pool(engine, pages, entities, sources, workers, result, on_progress)
    engine.dispose()
    return result


def _match_in_pool(engine, pages: Iterator[list[tuple[int, str, Article]]], entities: list[EntityConfig],
                   sources: list[SourceConfig], workers: int, result: RematchResult,
                   on_progress: Callable[[int], None] | None) -> None:
    executor = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("forkserver"),
                                   initializer=_init_matcher, initargs=(entities, sources))
    try:
        # Pages are matched in the pool while earlier ones are written; at most `workers` pages in flight.
        pending = []
        for page in pages:
            pending.append(executor.submit(_match_page, page))
            if len(pending) > workers:
                _write(engine, pending.pop(0).result(), result, on_progress)
        for future in pending:
            _write(engine, future.result(), result, on_progress)
    finally:
        executor.shutdown(cancel_futures=True)


def _write(engine, matched: list[Matched], result: RematchResult, on_progress: Callable[[int], None] | None) -> None:
    result.mentions += storage.replace_mentions_many(
        engine, {article_id: (mentions, quotes) for article_id, mentions, quotes, _tone in matched})
    result.toned += replace_tones_many(engine, {article_id: tone for article_id, _m, _q, tone in matched})
    result.articles += len(matched)
    if on_progress:
        on_progress(len(matched))
