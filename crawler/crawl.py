"""Running a crawl: sources in, crawl_run rows and stored articles out.

:func:`run_crawl` is what ``pantau crawl`` and the daemon's child processes call. It syncs the config into the
database, opens one crawl_run per source, runs one :class:`spiders.news.NewsSpider` per source in a single
Scrapy process (Twisted's reactor cannot restart, so this runs once per process), shares one extraction pool
and one writer thread between them, and closes every run with its counts and its fetch errors (the pages a
run stored resolve their earlier errors; the unresolved article URLs are asked for again by the next run). A
source that fails is recorded as failed; it never stops the others. The only non-public addresses a crawl
may connect to are its sources' configured hosts and ports (``PANTAU_OWN_ENDPOINTS``).

Ctrl-C: the first lets Scrapy finish the pages in flight (each run ends ``interrupted``); a second stops the
reactor at once, and then whatever was extracted and handed to the writer is still stored before the runs are
closed as ``interrupted``, with the pages that were still being analysed counted as dropped. The counts in each
summary are what the database holds, never what was merely queued.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Literal

from scrapy import signals
from scrapy.crawler import Crawler, CrawlerProcess
from sqlalchemy.engine import Engine

import storage
from crawler.addresses import source_endpoints
from crawler.analysis import Analysis, AnalysisPool
from crawler.article import Mention
from crawler.config import EntityConfig, SourceConfig
from crawler.freshness import KnownUrl
from crawler.heartbeat import start_heartbeat
from crawler.phases import mark
from crawler.settings import crawl_settings
from pipelines.failures import PipelineFailures
from spiders.news import NewsSpider
from storage import daemon_state, fetch_errors, fetch_state
from storage.crawl_summary import mentions_by_entity_for_runs
from storage.versions import ArticleChangeHook
from storage.tone import ToneArticleWriter

logger = logging.getLogger(__name__)

Trigger = Literal["manual", "scheduled"]


@dataclass
class RunSummary:
    """What one source's crawl did; also the counts written to its crawl_run row."""

    source: str
    run_id: int
    status: str = "running"
    pages: int = 0
    new_articles: int = 0
    updated_articles: int = 0
    mentions: int = 0
    errors: int = 0
    skipped_known: int = 0
    refetched: int = 0  # stored articles requested again (lastmod newer or refetch schedule due)
    not_modified: int = 0  # of those, answered 304
    removed: int = 0  # of those, answered 404/410: article.removed_at set
    edited: int = 0  # of those, whose title or text changed: a row in article_version
    error_summary: str | None = None
    mentions_by_entity: Counter[str] = field(default_factory=Counter)  # stored mentions, read from the database
    seconds: float = 0.0
    dropped_pages: int = 0  # pages still being analysed when a second Ctrl-C stopped the crawl
    failed_items: int = 0  # pages whose item raised in a pipeline step (pipelines.failures): the run failed


@dataclass
class CrawlContext:
    """What the pipelines of one source's crawl share; attached to the spider as ``crawl_context``."""

    source: SourceConfig
    summary: RunSummary
    pool: AnalysisPool
    writer: ToneArticleWriter
    write_thread: ThreadPoolExecutor
    since: dt.date | None
    until: dt.date | None = None
    fetch_state: fetch_state.FetchStateRecorder | None = None
    changes: ArticleChangeHook | None = None
    on_article: Callable[[], None] | None = None
    clusters: LazyClusterStore | None = None  # story-cluster assignment, shared by the crawl's sources
    pipeline_failures: PipelineFailures | None = None  # items that raised in a pipeline step
    # Pages between the analysis pipeline and the writer: started and dropped are counted on the reactor
    # thread, queued on the writer thread (each counter has one writer, so no lock is needed).
    stored_urls: set[str] = field(default_factory=set)  # as asked for and as finally fetched
    pages_started: int = 0
    pages_dropped: int = 0
    pages_queued: int = 0

    @property
    def pages_in_flight(self) -> int:
        return self.pages_started - self.pages_dropped - self.pages_queued

    def queue_article(self, analysis: Analysis, http_status: int | None, fetched_at: dt.datetime) -> None:
        """Hand one analysed page to the writer; runs on the writer thread."""
        self.writer.add(analysis.article, analysis.mentions, analysis.quotes, http_status, fetched_at,
                        tone=analysis.tone)
        self.pages_queued += 1

    def record_stored(self, mentions: list[Mention], urls: tuple[str, ...] = ()) -> None:
        self.stored_urls.update(urls)
        if self.on_article:
            self.on_article()


class LazyClusterStore:
    """A :class:`storage.clusters.ClusterStore` made when the first article is queued (on the writer thread).

    A re-crawl that stores nothing then never imports the clustering stack (datasketch pulls in scipy: ~0.6 s of
    the crawl's start) nor reads the candidate index.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._store = None

    @property
    def store(self):  # noqa: ANN201 - storage.clusters.ClusterStore, imported on first use
        if self._store is None:
            from storage.clusters import ClusterStore

            self._store = ClusterStore(self.engine)
        return self._store

    def queue(self, canonical_url: str, signature: bytes | None, text_profile: bytes | None = None) -> None:
        self.store.queue(canonical_url, signature, text_profile)

    def assign_queued(self):  # noqa: ANN201 - storage.clusters.AssignResult
        if self._store is None:  # nothing was ever queued
            return None
        return self._store.assign_queued()

    def reset(self) -> None:
        if self._store is not None:
            self._store.reset()


class FetchPlanning:
    """The spider's window on the fetch state: SQL reads on a reader thread (the reactor never waits on SQL),
    results queued on the crawl's writer thread, and the crawl's clock (``now``; tests and the demo move it)."""

    def __init__(self, engine: Engine, source_key: str, recorder: fetch_state.FetchStateRecorder,
                 reader: ThreadPoolExecutor, writer: ThreadPoolExecutor,
                 clock: Callable[[], dt.datetime] | None = None) -> None:
        self.engine, self.source_key, self.recorder = engine, source_key, recorder
        self.reader, self.writer = reader, writer
        self.clock = clock or (lambda: dt.datetime.now(dt.timezone.utc))
        self.lookups = self.looked_up = 0

    def now(self) -> dt.datetime:
        return self.clock()

    async def known(self, canonical_urls: list[str]) -> dict[str, KnownUrl]:
        self.lookups += 1
        self.looked_up += len(canonical_urls)
        return await asyncio.wrap_future(self.reader.submit(fetch_state.lookup, self.engine, canonical_urls))

    async def known_for_planning(self, canonical_urls: dict[str, bool], now: dt.datetime
                                 ) -> tuple[set[str], dict[str, KnownUrl]]:
        """:func:`storage.fetch_state.lookup_for_planning` on the reader thread."""
        self.lookups += 1
        self.looked_up += len(canonical_urls)
        return await asyncio.wrap_future(self.reader.submit(fetch_state.lookup_for_planning, self.engine,
                                                            canonical_urls, now))

    async def due(self) -> list[KnownUrl]:
        return await asyncio.wrap_future(self.reader.submit(fetch_state.due, self.engine, self.source_key,
                                                            self.now()))

    async def rest_enumerated_at(self, endpoint: str) -> dt.datetime | None:
        return await asyncio.wrap_future(self.reader.submit(fetch_state.rest_enumerated_at, self.engine, endpoint))

    def record(self, known: KnownUrl, status: int, fetched_at: dt.datetime,
               lastmod: dt.datetime | None = None) -> None:
        self._submit(self.recorder.record, known, status, fetched_at, lastmod)

    def rest_enumerated(self, endpoint: str, at: dt.datetime) -> None:
        self._submit(self.recorder.rest_enumerated, endpoint, at)

    def _submit(self, function: Callable[..., None], *args: object) -> None:
        future = self.writer.submit(function, *args)
        future.add_done_callback(self._log_failure)

    def _log_failure(self, future: Future) -> None:
        if future.exception() is not None:
            logger.error("%s: storing fetch state failed: %s", self.source_key, future.exception())


@dataclass
class CrawlProgress:
    """Callbacks a front end (the CLI's progress bar) may set; called on the reactor thread."""

    on_scheduled: Callable[[int], None] | None = None  # total article pages scheduled so far
    on_article: Callable[[], None] | None = None


def run_crawl(
    database_url: str,
    sources: list[SourceConfig],
    entities: list[EntityConfig],
    *,
    trigger: Trigger = "manual",
    since: dt.date | None = None,
    until: dt.date | None = None,
    max_articles: int | None = None,
    fast_local: bool = False,
    run_ids: dict[str, int] | None = None,
    progress: CrawlProgress | None = None,
    settings_overrides: dict | None = None,
    clock: Callable[[], dt.datetime] | None = None,
) -> list[RunSummary]:
    """Crawls ``sources`` into the database at ``database_url``; returns one summary per source.

    ``run_ids`` lets a caller that already created the crawl_run rows (the daemon) pass them in.
    ``fast_local`` drops politeness delays and allows loopback addresses (demo site and tests only).
    ``clock`` is the crawl's "now" for fetch times and refetch schedules (the demo site's clock in demos).
    """
    engine = storage.connect(database_url)
    storage.sync_config(engine, sources, entities)
    mark("config synced to the database")
    overrides = {"PANTAU_OWN_ENDPOINTS": own_endpoints(sources), **(settings_overrides or {})}
    settings = crawl_settings(fast_local=fast_local, **overrides)
    pool = AnalysisPool(sources, entities, workers=settings["PANTAU_ANALYSIS_WORKERS"],
                        timeout=settings["PANTAU_ANALYSIS_TIMEOUT"])
    write_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pantau-writer")
    read_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pantau-planner")
    clusters = LazyClusterStore(engine)
    # An ad-hoc crawl on a server database beats like a worker, so that a machine lost mid-crawl frees its
    # sources within minutes; a daemon's child needs none (the daemon beats for the runs it passes in).
    heartbeat = start_heartbeat(engine, "crawl") if run_ids is None else None
    process = CrawlerProcess(settings)
    quiet_scrapy_logging()
    crawls: list[tuple[Crawler, CrawlContext]] = []
    skipped: dict[str, RunSummary] = {}
    started = time.monotonic()
    try:
        for source in sources:
            run_id = (run_ids or {}).get(source.key)
            if run_id is None:
                claim = daemon_state.claim_run(engine, source.key, trigger, pid=os.getpid(),
                                               worker=heartbeat.name if heartbeat else None)
                if claim.run_id is None:
                    skipped[source.key] = _skipped(source.key, claim.busy_with)
                    continue
                run_id = claim.run_id
            summary = RunSummary(source=source.key, run_id=run_id)
            writer = ToneArticleWriter(engine, source.key, run_id, batch_size=settings["PANTAU_WRITE_BATCH"])
            recorder = fetch_state.FetchStateRecorder(engine, source.key, source.refetch_schedule)
            changes = ArticleChangeHook(recorder)
            writer.before_write = changes
            context = CrawlContext(
                source=source, summary=summary, pool=pool, writer=writer,
                write_thread=write_thread, since=since, until=until, fetch_state=recorder, changes=changes,
                clusters=clusters,
                on_article=progress.on_article if progress else None,
            )
            planning = FetchPlanning(engine, source.key, recorder, read_thread, write_thread, clock)
            crawler = process.create_crawler(NewsSpider)
            context.pipeline_failures = PipelineFailures(crawler)
            crawls.append((crawler, context))
            _watch_scheduling(crawler, progress, crawls)
            _start_pool_on_first_article(crawler, pool)
            _mark_spider_phases(crawler)
            deferred = process.crawl(crawler, source=source, since=since, until=until, max_articles=max_articles,
                                     fetch_planning=planning,
                                     retry_urls=fetch_errors.open_article_errors(engine, source.key),
                                     crawl_context=context)
            deferred.addErrback(_crawl_failed, summary)
        mark("runs claimed, spiders made")
        if crawls:
            process.start()
            mark("reactor stopped")
    except KeyboardInterrupt:
        # Ctrl-C before Scrapy installed its own handler (start-up) or after it gave up waiting: the runs
        # claimed so far end as interrupted, with whatever the writer had stored.
        for _, context in crawls:
            context.summary.status = "interrupted"
    finally:
        try:
            # A second Ctrl-C stops the reactor without closing the spiders, so their pipelines never flushed.
            for _, context in crawls:
                _store_queued(context)
        finally:
            pool.close()
            write_thread.shutdown(wait=True)
            read_thread.shutdown(wait=True)
            mark("workers and threads stopped")
    elapsed = time.monotonic() - started
    try:
        closed = {context.source.key: _close_run(engine, crawler, context, elapsed) for crawler, context in crawls}
    finally:
        if heartbeat is not None:
            heartbeat.stop(forget=True)
    stored_by_run = mentions_by_entity_for_runs(engine, [summary.run_id for summary in closed.values()])
    for summary in closed.values():
        summary.mentions_by_entity = stored_by_run.get(summary.run_id, Counter())
    engine.dispose()
    mark("runs closed")
    return [closed.get(source.key) or skipped[source.key] for source in sources]


def _store_queued(context: CrawlContext) -> None:
    """Write what the writer still holds (a no-op after a normal close); a failure is recorded, not raised."""
    summary = context.summary
    summary.dropped_pages = max(context.pages_in_flight, 0)
    try:
        context.write_thread.submit(context.writer.flush).result()
        if context.fetch_state is not None:  # as StorePipeline.close_spider does, after the articles
            context.write_thread.submit(context.fetch_state.flush).result()
    except Exception as error:  # noqa: BLE001 - the run must still be closed with what is stored
        logger.error("%s: could not store the last %d articles: %s", summary.source, context.writer.pending, error)
        summary.error_summary = f"could not store the last {context.writer.pending} articles: {error}"


def own_endpoints(sources: list[SourceConfig]) -> list[str]:
    """``host:port`` of every URL the sources' config names: the private addresses their crawl may reach."""
    urls = [url for source in sources
            for url in (source.home_url, *source.sitemaps, *source.feeds, *source.listing_pages)]
    return sorted(f"[{host}]:{port}" if ":" in host else f"{host}:{port}" for host, port in source_endpoints(urls))


def quiet_scrapy_logging() -> None:
    # Scrapy's logging config sets its loggers to DEBUG, and records that propagate skip the root logger's
    # level; keep them at the level the application chose for the root logger (-v / -vv in the CLI).
    level = logging.getLogger().getEffectiveLevel()
    for name in ("scrapy", "twisted", "py.warnings"):
        logging.getLogger(name).setLevel(max(level, logging.INFO))


def _watch_scheduling(crawler: Crawler, progress: CrawlProgress | None,
                      crawls: list[tuple[Crawler, CrawlContext]]) -> None:
    if progress is None or progress.on_scheduled is None:
        return

    def report(**_: object) -> None:
        total = sum(getattr(c.spider, "articles_scheduled", 0) for c, _ in crawls if c.spider)
        progress.on_scheduled(total)

    # weak=False: the dispatcher holds receivers weakly, and nothing else keeps this closure alive.
    crawler.signals.connect(report, signal=signals.request_scheduled, weak=False)


def _start_pool_on_first_article(crawler: Crawler, pool: AnalysisPool) -> None:
    """Start the analysis workers when the first article page is requested: their start-up (the matcher, on
    the forkserver's imports) then overlaps the download, and a crawl that requests no article never pays it."""

    def scheduled(request, **_: object) -> None:  # noqa: ANN001 - scrapy.Request
        if not pool.running and request.meta.get("pantau_kind") == "article":
            pool.start()
            # What storing articles needs in this process (storage.tone's crawler.tone: numpy), loaded now, before
            # any page's analysis is timed, not by the writer thread (holding the GIL) while analyses are pending.
            from crawler import tone  # noqa: F401

    crawler.signals.connect(scheduled, signal=signals.request_scheduled, weak=False)


def _mark_spider_phases(crawler: Crawler) -> None:
    """Phase marks (crawler.phases) at the first article request and at the spider's close."""
    first_article = []

    def scheduled(request, **_: object) -> None:  # noqa: ANN001 - scrapy.Request
        if not first_article and request.meta.get("pantau_kind") == "article":
            first_article.append(True)
            mark("discovery until the first article request")

    def opened(**_: object) -> None:
        mark("reactor started, spider opened")

    def closed(**_: object) -> None:
        mark("spider closed (discovery, downloads, pipelines)")

    crawler.signals.connect(opened, signal=signals.spider_opened, weak=False)
    crawler.signals.connect(scheduled, signal=signals.request_scheduled, weak=False)
    crawler.signals.connect(closed, signal=signals.spider_closed, weak=False)


def _skipped(source_key: str, busy: storage.RunRecord | None) -> RunSummary:
    """A source another process (the daemon, another ad-hoc crawl) is crawling right now is not crawled twice."""
    reason = (f"skipped: already being crawled (run {busy.id}, {busy.trigger}, pid {busy.pid} on {busy.hostname})"
              if busy else "skipped: already being crawled")
    logger.warning("%s: %s", source_key, reason)
    return RunSummary(source=source_key, run_id=busy.id if busy else 0, status="skipped", error_summary=reason)


def _crawl_failed(failure, summary: RunSummary) -> None:
    if failure.check(KeyboardInterrupt):
        summary.status = "interrupted"
        return
    summary.status = "failed"
    summary.error_summary = f"crawl crashed: {failure.getErrorMessage()}"
    logger.error("crawl of %s crashed: %s", summary.source, failure.getTraceback())


def _close_run(engine: Engine, crawler: Crawler, context: CrawlContext, elapsed: float) -> RunSummary:
    summary, writer, stats = context.summary, context.writer, crawler.stats
    spider = crawler.spider
    summary.pages = stats.get_value("response_received_count", 0) if stats else 0
    summary.errors = stats.get_value("pantau/errors", 0) if stats else 0
    summary.new_articles = writer.new_articles
    summary.updated_articles = writer.updated_articles
    summary.mentions = writer.new_mentions
    summary.skipped_known = getattr(spider, "skipped_known", 0)
    summary.refetched = getattr(spider, "refetches", 0)
    summary.not_modified = getattr(spider, "not_modified", 0)
    summary.removed = getattr(spider, "removed", 0)
    summary.edited = context.changes.versions if context.changes else 0
    summary.seconds = elapsed
    errors = getattr(spider, "errors", [])
    finish_reason = stats.get_value("finish_reason") if stats else None
    if summary.status == "running" and finish_reason is None and spider is not None:
        # The spider never closed: a second Ctrl-C (or signal) stopped the reactor under it.
        summary.status = "interrupted"
    if summary.status == "interrupted":
        summary.error_summary = _interrupted_summary(summary)
    elif summary.status != "failed":
        nothing_reached = summary.pages == 0 and summary.errors > 0
        if finish_reason == "shutdown":  # Ctrl-C or SIGTERM: Scrapy finished the items in flight, then stopped
            summary.status = "interrupted"
            summary.error_summary = _interrupted_summary(summary)
        elif nothing_reached or finish_reason != "finished":
            summary.status = "failed"
            if summary.error_summary is None:
                summary.error_summary = errors[0] if errors else f"crawl ended: {finish_reason}"
        else:
            summary.status = "succeeded"
    failures = context.pipeline_failures
    summary.failed_items = failures.count if failures else 0
    if summary.failed_items:
        # An item that raised is a page not stored (or stored without its clusters): not a success. Its URL is a
        # fetch error (pipelines.failures), so the next run asks for it again.
        if summary.status == "succeeded":
            summary.status = "failed"
        line = failures.summary()
        summary.error_summary = line if summary.error_summary is None else f"{summary.error_summary}; {line}"
    if summary.error_summary is None and errors:
        more = f" (+{len(errors) - 3} more)" if len(errors) > 3 else ""
        summary.error_summary = "; ".join(errors[:3]) + more
    _record_fetch_errors(engine, context, getattr(spider, "failures", []),
                         getattr(spider, "recovered_urls", set()))
    counts = storage.RunStats(pages=summary.pages, new_articles=summary.new_articles,
                              updated_articles=summary.updated_articles, mentions=summary.mentions,
                              errors=summary.errors, failed_items=summary.failed_items)
    walk = getattr(spider, "rest_walk_complete", None)
    if walk is not None and summary.status == "succeeded" and context.fetch_state is not None:
        try:
            context.fetch_state.rest_enumerated(*walk)  # every post it listed is stored (or in fetch_error)
        except storage.StorageError as error:
            logger.error("%s: the WordPress REST walk was not recorded: %s", context.source.key, error)
    storage.finish_run(engine, summary.run_id, summary.status, counts, error_summary=summary.error_summary)
    return summary


def _interrupted_summary(summary: RunSummary) -> str:
    if summary.error_summary and summary.error_summary.startswith("could not store"):
        return f"stopped by a signal; {summary.error_summary}"
    text = "stopped by a signal before the crawl was complete"
    if summary.dropped_pages:
        text += (f"; {summary.dropped_pages} page{'s' if summary.dropped_pages != 1 else ''} still being "
                 "analysed were dropped (crawl again to fetch them)")
    return text


def _record_fetch_errors(engine: Engine, context: CrawlContext, failures: list, recovered: set[str]) -> None:
    """The run's failures into ``fetch_error``, then the pages it stored (or fetched when asked again) resolve
    theirs. Never fails the run."""
    key, run_id = context.source.key, context.summary.run_id
    try:
        fetch_errors.record_fetch_errors(engine, key, run_id, failures)
        fetch_errors.resolve_fetch_errors(engine, key, context.stored_urls | recovered)
    except storage.StorageError as error:
        logger.error("%s: the fetch errors of run %d were not recorded: %s", key, run_id, error)
