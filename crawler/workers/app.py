"""The Celery app of Pantau's workers: broker, delivery guarantees, queues.

A run's message is acknowledged only when the run is over (``acks_late``), and given back to the queue when
its worker dies (``reject_on_worker_lost``; with Redis, after ``visibility_timeout``, which must exceed the
longest a run may take). Each worker takes one message at a time per slot (prefetch 1), so a long back-fill
never holds live crawls behind it, and reads the ``live`` queue before ``backfill`` (kombu's priority queue
order).
"""

from __future__ import annotations

import os

from celery import Celery

BROKER_ENV = "PANTAU_BROKER_URL"
DEFAULT_BROKER = "redis://127.0.0.1:6379/0"
LIVE_QUEUE = "live"
BACKFILL_QUEUE = "backfill"
QUEUES = (LIVE_QUEUE, BACKFILL_QUEUE)
# How long a delivered message may stay unacknowledged before Redis hands it to another worker: above the
# daemon's default run time limit (1 h) plus its grace period.
DEFAULT_VISIBILITY_TIMEOUT = 2 * 3600
VISIBILITY_ENV = "PANTAU_VISIBILITY_TIMEOUT"


def broker_url() -> str:
    return os.environ.get(BROKER_ENV, "").strip() or DEFAULT_BROKER


def make_app(broker: str | None = None, *, visibility_timeout: int | None = None) -> Celery:
    """A Celery app on ``broker`` (default ``$PANTAU_BROKER_URL`` or a Redis server on this machine)."""
    timeout = visibility_timeout or int(os.environ.get(VISIBILITY_ENV, DEFAULT_VISIBILITY_TIMEOUT))
    app = Celery("pantau", broker=broker or broker_url(), include=["crawler.workers.tasks"])
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_default_queue=LIVE_QUEUE,
        task_create_missing_queues=True,
        task_serializer="json",
        accept_content=["json"],
        task_ignore_result=True,  # results live in crawl_run, where every other part of Pantau reads them
        broker_connection_retry_on_startup=True,
        broker_transport_options={"visibility_timeout": timeout, "queue_order_strategy": "priority",
                                  # restore unacknowledged messages of lost workers within seconds of expiry
                                  "unacked_restore_throttle": 1, "unacked_restore_interval": 5},
        worker_hijack_root_logger=False,
        worker_send_task_events=True,
        timezone="UTC",
    )
    return app


app = make_app()
