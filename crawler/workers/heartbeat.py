"""A worker's heartbeat: the thread of ``pantau worker`` that tells the database, every few seconds, that this
worker (and so the crawl runs it executes) is alive, and that looks for the runs of workers that went silent.

A machine that is lost (power, network, kill -9 of the whole worker) stops beating; within ``MISSED_BEATS``
intervals any other worker's next beat marks that machine's running runs ``interrupted``, and Redis delivers
their messages again after the visibility timeout (storage/worker_heartbeats.py).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from storage import worker_heartbeats
from storage.db import StorageError

logger = logging.getLogger(__name__)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class Heartbeat:
    """Beats for worker ``name`` every ``interval`` seconds in a daemon thread, until :meth:`stop`."""

    def __init__(self, engine: Engine, *, name: str, hostname: str, interval: float) -> None:
        self.engine, self.name, self.hostname, self.interval = engine, name, hostname, interval
        self.started_at = utcnow()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="pantau-heartbeat", daemon=True)

    def start(self) -> None:
        """The first beat now (before the worker takes any run), and a run left by an earlier process of this
        name interrupted; then the thread."""
        worker_heartbeats.interrupt_runs_of_silent_workers(self.engine, now=utcnow(), also_named=self.name)
        self.beat()
        self._thread.start()

    def beat(self) -> None:
        now = utcnow()
        worker_heartbeats.record_beat(self.engine, name=self.name, hostname=self.hostname, pid=os.getpid(),
                                      started_at=self.started_at, interval_seconds=self.interval, now=now)
        lost = worker_heartbeats.interrupt_runs_of_silent_workers(self.engine, now=now)
        if lost:
            logger.warning("marked %d run(s) of silent workers interrupted: %s", len(lost),
                           ", ".join(map(str, lost)))

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.beat()
            except (SQLAlchemyError, StorageError) as error:  # a database outage: beat again next time
                logger.warning("heartbeat of %s not recorded: %s", self.name, error)

    def stop(self) -> None:
        """No more beats; the row says the worker stopped, so nothing waits for its silence."""
        self._stop.set()
        self._thread.join(timeout=self.interval + 5)
        try:
            worker_heartbeats.record_stop(self.engine, name=self.name, now=utcnow())
        except (SQLAlchemyError, StorageError) as error:
            logger.warning("stop of %s not recorded: %s", self.name, error)
