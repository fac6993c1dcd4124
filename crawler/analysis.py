"""Turning one fetched page into an :class:`Analysis`: extraction, agency matching, quotes, tone and the
story-cluster signature, together.

Extraction is the crawl's CPU cost (DESIGN.md decision 2), so :class:`AnalysisPool` runs :class:`PageAnalyser`
in worker processes and gets back only the results, never the automaton. The analyser (the Aho-Corasick matcher,
the tone scorer) is built once, in the forkserver before it forks the workers, so they share its memory pages
instead of holding a copy each (docs/performance.md, "Memory of a crawl over a 100k archive"). The same class
runs in-process for ``pantau rematch``-style work and tests.

Each page has a time limit in the pool (``PANTAU_ANALYSIS_TIMEOUT``): pathological HTML can make extraction
take minutes, so a page over the limit is given up as failed, the worker process stuck on it is killed and the
pool replaced (pages in flight on the old pool are submitted again), and the crawl goes on. At most one page
per worker is submitted at a time, and a new pool's workers are started (dictionary loaded) before the clock
runs, so the limit measures the page's own work, not its wait in the queue or a worker's start-up.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import gc
import logging
import os
import pickle
import signal
import tempfile
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field

from typing import TYPE_CHECKING

from crawler import lifeline

if TYPE_CHECKING:
    from crawler.article import Article, Mention, Quote
    from crawler.config import EntityConfig, SourceConfig
    from crawler.tone import ArticleTone

# What a worker needs and the crawl process does not: imported by the forkserver once (every worker forked from
# it inherits them), by PageAnalyser when used in-process, never by the crawl parent at start-up (trafilatura and
# dateparser are ~1 s of imports a re-crawl that downloads no article never needs).
WORKER_MODULES = ("crawler.extract", "crawler.mentions", "crawler.quotes", "crawler.tone", "crawler.clusters")
# A file holding the pickled (token, sources, entities) of the pool whose forkserver is starting: the forkserver
# builds that pool's PageAnalyser once, before it forks any worker, so the workers share its pages (the
# dictionary, the Aho-Corasick automaton, the tone model: ~25 MB a worker when each built its own; and the
# extraction fallback's stoplists, ~28 MB more).
ANALYSER_STATE_ENV = "PANTAU_ANALYSER_STATE"

logger = logging.getLogger(__name__)


@dataclass
class Analysis:
    """Extraction and matching results for one page; ``error`` is set instead when the page was unusable."""

    url: str
    article: Article | None = None
    mentions: list[Mention] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    tone: ArticleTone | None = None  # tone toward each agency with a counted mention (crawler.tone)
    error: str | None = None
    signature: bytes | None = None  # paragraph MinHash signatures for story clusters (crawler.clusters)
    text_profile: bytes | None = None  # the body's shingle hashes for confirming cluster candidates (same)


class PageAnalyser:
    """Extract + match + quotes + tone with one matcher built up front. Picklable inputs, picklable output."""

    def __init__(self, sources: list[SourceConfig], entities: list[EntityConfig]) -> None:
        from crawler.mentions import Matcher
        from crawler.tone import ToneScorer

        self.sources = {source.key: source for source in sources}
        self.matcher = Matcher(entities)
        self.tone = ToneScorer(entities)

    def analyse(self, html: str, url: str, source_key: str, fetched_at: dt.datetime,
                more_pages: list[str] | None = None) -> Analysis:
        from crawler.clusters import Profile, fingerprint
        from crawler.extract import ExtractionError, extract_article
        from crawler.quotes import find_quotes

        source = self.sources.get(source_key)
        try:
            article = extract_article(html, url, source, fetched_at=fetched_at, more_pages=more_pages)
        except ExtractionError as error:
            return Analysis(url=url, error=str(error))
        if source is not None:
            article.published_at = in_local_zone(article.published_at, source)
            article.modified_at = in_local_zone(article.modified_at, source)
        mentions = self.matcher.find(article, source)
        profile = Profile(article.text)  # shingled once, here in the worker, for both signature and profile
        return Analysis(url=url, article=article, mentions=mentions, quotes=find_quotes(article, mentions),
                        tone=self.tone.assess(article, mentions), signature=fingerprint(profile).to_bytes(),
                        text_profile=profile.to_bytes())


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


# (token, analyser) built by the forkserver for the pool that started it (see _build_in_forkserver)
_forkserver_analyser: tuple[str, PageAnalyser] | None = None


def _init_worker(sources: list[SourceConfig], entities: list[EntityConfig], parent_pid: int | None = None,
                 token: str | None = None) -> None:
    global _worker_analyser
    ignore_stop_signals()
    if parent_pid is not None:
        lifeline.die_with(parent_pid)  # a kill -9 of the crawl must not leave this worker running
    if token is not None and _forkserver_analyser is not None and _forkserver_analyser[0] == token:
        _worker_analyser = _forkserver_analyser[1]  # the forkserver's, built from these very sources and entities
    else:  # another pool of the process (another config) forks from the same forkserver: its own analyser
        _worker_analyser = PageAnalyser(sources, entities)


def _write_forkserver_state(token: str, sources: list[SourceConfig], entities: list[EntityConfig]) -> str:
    handle, path = tempfile.mkstemp(prefix="pantau-analyser-", suffix=".pickle")
    with os.fdopen(handle, "wb") as state:
        pickle.dump((token, sources, entities), state, protocol=pickle.HIGHEST_PROTOCOL)
    return path


def _build_in_forkserver(path: str) -> None:
    """In the forkserver, before its first fork: the pool's PageAnalyser, then ``gc.freeze()`` so that the
    workers' garbage collections never write to (and so copy) the pages of its objects."""
    global _forkserver_analyser
    try:
        with open(path, "rb") as state:
            token, sources, entities = pickle.load(state)  # noqa: S301 - written by our own parent just now
    except OSError:
        return  # the workers build their own
    finally:
        try:
            os.unlink(path)
        except OSError:
            pass
    try:
        _forkserver_analyser = (token, PageAnalyser(sources, entities))
    except Exception:  # the forkserver must start anyway: each worker then builds its own (and reports the error)
        logger.exception("the forkserver could not build the analyser; each worker builds its own")
        return
    _load_extraction_stoplists()
    gc.collect()
    gc.freeze()


def _load_extraction_stoplists() -> None:
    """What the extraction stack would load on its first fallback page in every worker, loaded once here:
    trafilatura's JusText fallback builds one stoplist of every language (~150,000 words) and justext a
    lower-cased frozenset of it (its ``define_stoplist`` cache), ~28 MB a worker. The same words, so the same
    extraction."""
    try:
        from justext.core import define_stoplist
        from trafilatura import external
    except ImportError:
        return
    if getattr(external, "JT_STOPLIST", None) is None and hasattr(external, "jt_stoplist_init"):
        define_stoplist(external.jt_stoplist_init())


def _analyse_in_worker(html: str, url: str, source_key: str, fetched_at: dt.datetime,
                       more_pages: list[str] | None) -> Analysis:
    assert _worker_analyser is not None, "worker started without _init_worker"
    try:
        return _worker_analyser.analyse(html, url, source_key, fetched_at, more_pages)
    except Exception as error:  # one bad page must never take the pool down
        logger.exception("analysis failed for %s", url)
        return Analysis(url=url, error=f"{url}: analysis failed ({type(error).__name__}: {error})")


def _worker_started() -> int:
    return os.getpid()


class AnalysisPool:
    """A process pool of :class:`PageAnalyser` workers, awaited from the Scrapy (asyncio) reactor.

    ``timeout`` (seconds, 0 for none) bounds each page; ``replaced`` counts the pools replaced because a page
    went over it. ``work`` is the module-level function a worker runs per page (``_analyse_in_worker``; tests
    give another with the same signature).
    """

    def __init__(self, sources: list[SourceConfig], entities: list[EntityConfig], workers: int = 0,
                 timeout: float = 0.0, work: Callable[..., Analysis] | None = None) -> None:
        self.workers = workers or os.cpu_count() or 1
        self.timeout = timeout
        self._work = work or _analyse_in_worker
        self.replaced = 0
        self._token = uuid.uuid4().hex
        self._initargs = (sources, entities, os.getpid(), self._token)
        self._state_file: str | None = None
        # Started by start() or the first page, not here: a re-crawl that finds every article stored never
        # needs the workers, and waiting for them to start (imports, the matcher) only to shut them down was
        # 2.2 s of its 5.3 s (docs/performance.md).
        self._executor: ProcessPoolExecutor | None = None
        self._started: list = []
        self._slots: asyncio.Semaphore | None = None

    @property
    def running(self) -> bool:
        """Whether worker processes were started."""
        return self._executor is not None

    def start(self) -> None:
        """Start the worker processes now (they start on the first page otherwise); idempotent."""
        if self._executor is None:
            self._executor = self._new_executor()

    def _new_executor(self) -> ProcessPoolExecutor:
        # forkserver: forking the Scrapy process itself would copy the reactor's threads and sockets. The
        # forkserver imports crawler.lifeline first, which ties it and every worker it forks to this process (no
        # orphans after a kill -9); then crawler.pool_signals: workers ignore Ctrl-C from their first instant;
        # then the extraction stack, imported once in the forkserver rather than once in every worker (each worker
        # spent ~1.6 s importing it, on the same two cores as the crawl). Takes effect when the forkserver
        # starts (the first pool of the process); pools replaced later fork from the same forkserver.
        # The forkserver also builds this pool's analyser (read from the state file the environment names) when
        # it is started by this pool; a forkserver already running ignores the file, and the workers of a pool
        # it was not started for build their own.
        context = lifeline.forkserver_context(["crawler.pool_signals", __name__, *WORKER_MODULES])
        if self._state_file is None:
            sources, entities = self._initargs[:2]
            self._state_file = _write_forkserver_state(self._token, sources, entities)
        os.environ[ANALYSER_STATE_ENV] = self._state_file
        try:
            executor = ProcessPoolExecutor(max_workers=self.workers, mp_context=context, initializer=_init_worker,
                                           initargs=self._initargs)
            # One no-op per worker: each new worker runs the initializer (the matcher) before its first page,
            # and that start-up must not count against a page's time limit. (Submitting starts the processes,
            # and the forkserver with them.)
            self._started = [executor.submit(_worker_started) for _ in range(self.workers)]
        finally:
            os.environ.pop(ANALYSER_STATE_ENV, None)  # later children of this process must not inherit it
        return executor

    async def analyse(self, html: str, url: str, source_key: str, fetched_at: dt.datetime,
                      more_pages: list[str] | None = None) -> Analysis:
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.workers)  # made here: it belongs to the running event loop
        async with self._slots:
            for _ in range(3):  # a pool replaced under a page in flight: submit it again to the new one
                self.start()
                executor = self._executor
                try:
                    for ready in self._started:
                        await asyncio.wrap_future(ready)
                    started = time.monotonic()
                    future = executor.submit(self._work, html, url, source_key, fetched_at, more_pages)
                    waited = asyncio.wrap_future(future)
                    return await (asyncio.wait_for(waited, self.timeout) if self.timeout else waited)
                except (BrokenProcessPool, RuntimeError):
                    # RuntimeError: "cannot schedule new futures after shutdown" on a pool just replaced
                    if executor is self._executor:
                        self._replace(executor, f"{url}: a worker process died")
                except asyncio.TimeoutError:
                    seconds = time.monotonic() - started
                    self._replace(executor, f"{url}: analysis took over {self.timeout:g} s")
                    return Analysis(url=url, error=f"{url}: analysis took over {self.timeout:g} s "
                                                   f"(gave up after {seconds:.1f} s; PANTAU_ANALYSIS_TIMEOUT)")
            return Analysis(url=url, error=f"{url}: analysis failed (the worker processes kept dying)")

    def _replace(self, executor: ProcessPoolExecutor, why: str) -> None:
        """Kill ``executor``'s workers (one is stuck or dead) and start a new pool in its place."""
        if executor is not self._executor:
            return
        logger.warning("%s: replacing the analysis worker processes", why)
        self.replaced += 1
        self._executor = self._new_executor()
        for process in list((getattr(executor, "_processes", None) or {}).values()):
            try:
                process.kill()
            except (OSError, ValueError):
                pass
        executor.shutdown(wait=False)

    def worker_pids(self) -> list[int]:
        """The pids of the current pool's worker processes (for tests and diagnostics)."""
        return sorted((getattr(self._executor, "_processes", None) or {}).keys())

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
        if self._state_file is not None:  # the forkserver removes it once read; not when it never started
            try:
                os.unlink(self._state_file)
            except OSError:
                pass
            self._state_file = None


if os.environ.get(ANALYSER_STATE_ENV) and lifeline.imported_by_forkserver_preload():
    _build_in_forkserver(os.environ[ANALYSER_STATE_ENV])
