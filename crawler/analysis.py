"""Turning one fetched page into an :class:`Analysis`: extraction, agency matching, quotes and the story-cluster
signature, together.

Extraction is the crawl's CPU cost (DESIGN.md decision 2), so :class:`AnalysisPool` runs :func:`analyse_page`
in worker processes: each worker builds the Aho-Corasick matcher once (in its initializer) and sends back only
the results, never the automaton. The same function runs in-process for ``pantau rematch``-style work and tests.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import multiprocessing
import os
import signal
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

from crawler.article import Article, Mention, Quote
from crawler.clusters import fingerprint
from crawler.config import EntityConfig, SourceConfig
from crawler.extract import ExtractionError, extract_article
from crawler.mentions import Matcher
from crawler.quotes import find_quotes

logger = logging.getLogger(__name__)


@dataclass
class Analysis:
    """Extraction and matching results for one page; ``error`` is set instead when the page was unusable."""

    url: str
    article: Article | None = None
    mentions: list[Mention] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    error: str | None = None
    signature: bytes | None = None  # paragraph MinHash signatures for story clusters (crawler.clusters)


class PageAnalyser:
    """Extract + match + quotes with one matcher built up front. Picklable inputs, picklable output."""

    def __init__(self, sources: list[SourceConfig], entities: list[EntityConfig]) -> None:
        self.sources = {source.key: source for source in sources}
        self.matcher = Matcher(entities)

    def analyse(self, html: str, url: str, source_key: str, fetched_at: dt.datetime,
                more_pages: list[str] | None = None) -> Analysis:
        source = self.sources.get(source_key)
        try:
            article = extract_article(html, url, source, fetched_at=fetched_at, more_pages=more_pages)
        except ExtractionError as error:
            return Analysis(url=url, error=str(error))
        if source is not None:
            article.published_at = in_local_zone(article.published_at, source)
            article.modified_at = in_local_zone(article.modified_at, source)
        mentions = self.matcher.find(article, source)
        return Analysis(url=url, article=article, mentions=mentions, quotes=find_quotes(article, mentions),
                        signature=fingerprint(article.text).to_bytes())


def in_local_zone(moment: dt.datetime | None, source: SourceConfig) -> dt.datetime | None:
    """A time the page stamped in UTC ("Z", +00:00), shown in the outlet's own zone.

    A UTC stamp says when, not where: the publication's local offset (which storage keeps beside the UTC
    instant, and analysts group days by) is the source's zone. Other offsets are the page's own word and stay.
    """
    if moment is None or moment.utcoffset() != dt.timedelta(0):
        return moment
    return moment.astimezone(source.zone)


_worker_analyser: PageAnalyser | None = None


def ignore_stop_signals() -> None:
    """Worker processes leave Ctrl-C and SIGTERM to their parent, which finishes the pages in flight and then
    shuts the pool down; a worker dying on the signal would fail those pages instead."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


def _init_worker(sources: list[SourceConfig], entities: list[EntityConfig]) -> None:
    global _worker_analyser
    ignore_stop_signals()
    _worker_analyser = PageAnalyser(sources, entities)


def _analyse_in_worker(html: str, url: str, source_key: str, fetched_at: dt.datetime,
                       more_pages: list[str] | None) -> Analysis:
    assert _worker_analyser is not None, "worker started without _init_worker"
    try:
        return _worker_analyser.analyse(html, url, source_key, fetched_at, more_pages)
    except Exception as error:  # one bad page must never take the pool down
        logger.exception("analysis failed for %s", url)
        return Analysis(url=url, error=f"{url}: analysis failed ({type(error).__name__}: {error})")


class AnalysisPool:
    """A process pool of :class:`PageAnalyser` workers, awaited from the Scrapy (asyncio) reactor."""

    def __init__(self, sources: list[SourceConfig], entities: list[EntityConfig], workers: int = 0) -> None:
        self.workers = workers or os.cpu_count() or 1
        # forkserver: forking the Scrapy process itself would copy the reactor's threads and sockets.
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["crawler.pool_signals"])  # workers ignore Ctrl-C from their first instant
        self._executor = ProcessPoolExecutor(max_workers=self.workers, mp_context=context,
                                             initializer=_init_worker, initargs=(sources, entities))

    async def analyse(self, html: str, url: str, source_key: str, fetched_at: dt.datetime,
                      more_pages: list[str] | None = None) -> Analysis:
        future = self._executor.submit(_analyse_in_worker, html, url, source_key, fetched_at, more_pages)
        return await asyncio.wrap_future(future)

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
