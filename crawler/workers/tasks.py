"""The workers' one task: execute a crawl run exactly as the daemon's children are executed.

A worker process holds one :class:`~crawler.daemon.runner.CrawlRunner` (its database, its config folder, its
run time limit, as ``pantau worker`` was started); each task claims the run in SQL, starts the child crawl in
its own process group and waits for it. A source already being crawled (by the daemon, an ad-hoc crawl, or
another worker) is skipped for a live run, and retried later for a back-fill range, which must not be lost.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from crawler.daemon.runner import CrawlRunner
from crawler.workers.app import BACKFILL_QUEUE, app

logger = logging.getLogger(__name__)

SKIPPED_BUSY = "skipped: already being crawled"
ALREADY_DONE = "already crawled"
# A back-fill range whose source is busy (its live crawl, another range) waits this long, then goes to the back
# of the queue.
BUSY_WAIT_SECONDS = 20
BUSY_POLL_SECONDS = 2


@dataclass
class WorkerContext:
    runner: CrawlRunner
    database_url: str


_context: WorkerContext | None = None


def install_worker_context(context: WorkerContext) -> None:
    """Called by ``pantau worker`` before it starts consuming."""
    global _context
    _context = context


def worker_context() -> WorkerContext:
    if _context is None:
        raise RuntimeError("this process is not a Pantau worker (start one with `pantau worker`)")
    return _context


@app.task(name="pantau.crawl", bind=True, acks_late=True, reject_on_worker_lost=True)
def crawl(self, source_key: str, since: str | None = None, until: str | None = None,
          backfill_part: int | None = None) -> str:
    """Crawl ``source_key`` now (optionally one date range of its archive); returns the run's final status."""
    context = worker_context()
    extra = ("--since", since, "--until", until) if since and until else ()
    if backfill_part is None:
        status = context.runner.run_source(source_key, extra)
        logger.info("task %s: %s -> %s", self.request.id, source_key, status)
        if context.runner.last_run_id() is not None:
            # As the daemon does after each of its runs (never raises; sends are bounded). Not for back-fills:
            # alerts are about news, not about an archive's old stories.
            from crawler.alerts.hook import check_after_crawl

            after = check_after_crawl(context.database_url, context.runner.config_dir(), engine=context.runner.engine)
            if after is not None:
                logger.info("task %s: %s", self.request.id, after.line)
        return status
    from storage import backfills

    engine = context.runner.engine
    deadline = time.monotonic() + BUSY_WAIT_SECONDS
    while True:
        # A message can be delivered twice (a run that outlasts the visibility timeout, a worker lost after its
        # run finished): a part another delivery already crawled is not crawled again.
        part = backfills.part_status(engine, backfill_part)
        if part is not None and part[0] == "succeeded":
            logger.info("task %s: %s %s..%s already crawled (run %s)", self.request.id, source_key, since, until,
                        part[1])
            return ALREADY_DONE
        backfills.mark_part(engine, backfill_part, "running")
        status = context.runner.run_source(source_key, extra)
        if status != SKIPPED_BUSY or time.monotonic() >= deadline:
            break
        backfills.mark_part(engine, backfill_part, "queued")
        time.sleep(BUSY_POLL_SECONDS)
    logger.info("task %s: %s %s..%s -> %s", self.request.id, source_key, since, until, status)
    if status == SKIPPED_BUSY or status.startswith("not started") or status == "interrupted":
        # Not done: back to the end of the queue as a new message (never an ETA: Redis would hand a message
        # held back longer than its visibility timeout to a second worker).
        backfills.mark_part(engine, backfill_part, "queued")
        self.app.send_task("pantau.crawl", args=[source_key], queue=BACKFILL_QUEUE,
                           kwargs={"since": since, "until": until, "backfill_part": backfill_part})
        return "queued again"
    backfills.mark_part(engine, backfill_part, status, run_id=context.runner.last_run_id())
    return status
