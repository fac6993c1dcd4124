"""The analysis pool's per-page time limit (#21 item 4): a page over the limit is recorded as failed, the worker
stuck on it is killed and replaced, and the pages after it (and beside it) are analysed as usual. Real worker
processes (forkserver), really killed."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import time

import psutil

from crawler.analysis import Analysis, AnalysisPool

NOW = dt.datetime(2026, 11, 26, tzinfo=dt.timezone.utc)


def slow_or_quick(html: str, url: str, source_key: str, fetched_at: dt.datetime, more_pages) -> Analysis:
    """A stand-in page analysis: "slow" pages take 60 s, others answer at once with the worker's pid."""
    if html == "slow":
        time.sleep(60)
    return Analysis(url=url, error=f"pid {os.getpid()}")


def test_analysis_pool_gives_up_a_slow_page_and_replaces_its_worker():
    pool = AnalysisPool([], [], workers=2, timeout=1.5, work=slow_or_quick)
    try:
        async def crawl() -> list[Analysis]:
            first = await pool.analyse("quick", "http://x.test/0", "s", NOW)
            stuck_pids = set(pool.worker_pids())
            results = await asyncio.gather(
                pool.analyse("slow", "http://x.test/slow", "s", NOW),
                *(pool.analyse("quick", f"http://x.test/{n}", "s", NOW) for n in range(1, 6)))
            after = await pool.analyse("quick", "http://x.test/after", "s", NOW)
            return [first, *results, after], stuck_pids

        started = time.monotonic()
        results, old_pids = asyncio.run(crawl())
        elapsed = time.monotonic() - started
    finally:
        pool.close()
    slow = results[1]
    assert slow.error and "analysis took over 1.5 s" in slow.error
    assert elapsed < 30  # not the 60 s the page would have taken
    quick = [result for result in results if result is not slow]
    assert all(result.error.startswith("pid ") for result in quick)  # every other page was analysed
    assert pool.replaced == 1
    for pid in old_pids:  # the stuck worker (and its pool) are gone, not left running
        assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE


def test_analysis_pool_without_timeout_waits():
    pool = AnalysisPool([], [], workers=1, timeout=0, work=slow_or_quick)
    try:
        result = asyncio.run(pool.analyse("quick", "http://x.test/q", "s", NOW))
    finally:
        pool.close()
    assert result.error.startswith("pid ")
    assert pool.replaced == 0
