"""The heartbeat of a process that executes crawl runs: a thread that tells the database, every few seconds, that
this process (and so the crawl runs it claimed) is alive, and that looks for the runs of processes that went silent.

Who beats: every ``pantau worker``; the daemon; and an ad-hoc ``pantau crawl`` on a server database (on SQLite
every process is on this machine and its pid is checked instead). A machine that is lost (power, network, kill -9
of the whole process) stops beating; within ``MISSED_BEATS`` intervals any other beating process, or the next
claim of the same source, marks that machine's running runs ``interrupted`` (storage/worker_heartbeats.py), and
for a worker's run Redis delivers its message again after the visibility timeout.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from storage import worker_heartbeats
from storage.db import StorageError

logger = logging.getLogger(__name__)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def process_name(role: str) -> str:
    """A beating process's name, unique in a cluster: ``daemon@host-pid``, ``crawl@host-pid``."""
    return f"{role}@{socket.gethostname()}-{os.getpid()}"


class Heartbeat:
    """Beats for process ``name`` every ``interval`` seconds in a daemon thread, until :meth:`stop`."""

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

    def stop(self, *, forget: bool = False) -> None:
        """No more beats; the row says the process stopped, so nothing waits for its silence.

        ``forget``: delete the row instead (a short-lived ``pantau crawl`` that settled its runs; a run it left
        running would still be interrupted, as a run whose process has no heartbeat).
        """
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=self.interval + 5)
        try:
            if forget:
                worker_heartbeats.forget(self.engine, name=self.name)
            else:
                worker_heartbeats.record_stop(self.engine, name=self.name, now=utcnow())
        except (SQLAlchemyError, StorageError) as error:
            logger.warning("stop of %s not recorded: %s", self.name, error)


def start_heartbeat(engine: Engine, role: str) -> Heartbeat | None:
    """Start beating as ``role@host-pid`` when runs on this database may be claimed from other machines.

    None on SQLite: a SQLite file is used from one machine, where a run's pid is checked directly. Raises
    ``ValueError`` (naming PANTAU_WORKER_HEARTBEAT) for a bad interval.
    """
    if engine.dialect.name == "sqlite":
        return None
    heartbeat = Heartbeat(engine, name=process_name(role), hostname=socket.gethostname(),
                          interval=worker_heartbeats.configured_interval())
    heartbeat.start()
    return heartbeat
