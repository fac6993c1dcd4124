"""Putting crawl runs on the queues: the daemon's due runs (``live``) and back-fill ranges (``backfill``)."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from celery import Celery

from crawler.workers.app import BACKFILL_QUEUE, LIVE_QUEUE, broker_url, make_app


@lru_cache(maxsize=4)
def _producer(broker: str) -> Celery:
    return make_app(broker)


def enqueue_live_run(source_key: str, *, broker: str | None = None) -> str:
    """Queue one crawl of ``source_key`` for the next free worker; returns the task id."""
    result = _producer(broker or broker_url()).send_task("pantau.crawl", args=[source_key], queue=LIVE_QUEUE)
    return result.id


def enqueue_backfill_part(source_key: str, first: dt.date, last: dt.date, part_id: int, *,
                          broker: str | None = None) -> str:
    result = _producer(broker or broker_url()).send_task(
        "pantau.crawl", args=[source_key], queue=BACKFILL_QUEUE,
        kwargs={"since": first.isoformat(), "until": last.isoformat(), "backfill_part": part_id})
    return result.id
