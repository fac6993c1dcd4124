"""Workers' heartbeats: how a run executed on another machine is known to be lost within minutes, not 12 hours.

A crawl run on this machine is checked by its pid; a run on another machine cannot be. So every process that
claims runs on a server database — each ``pantau worker``, the daemon (``daemon@host-pid``) and an ad-hoc
``pantau crawl`` (``crawl@host-pid``) — writes its own ``worker_heartbeat`` row every ``interval_seconds``
(PANTAU_WORKER_HEARTBEAT, default 30 s; crawler/heartbeat.py), and the runs it claims carry its name
(``crawl_run.worker``). A process whose last beat is older
than ``MISSED_BEATS`` of its own intervals, or that said it stopped, is *silent*: its runs still ``running``
are abandoned, whichever host they ran on. They are marked ``interrupted`` by

- :func:`interrupt_runs_of_silent_workers`, which every worker calls on each of its beats (so one live worker
  is enough to notice that another machine is gone), and the daemon and workers at start-up;
- :func:`storage.daemon_state.claim_run`, when a new run of the same source is claimed (Redis then delivers
  the lost run's message again, after its visibility timeout, and it is crawled: what was stored stays).

Times are each machine's own clock: the machines must keep time (NTP); a skew well under one interval times
``MISSED_BEATS`` is harmless.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from storage.db import write_transaction
from storage.models import CrawlRun, WorkerHeartbeat

logger = logging.getLogger(__name__)

HEARTBEAT_ENV = "PANTAU_WORKER_HEARTBEAT"
DEFAULT_INTERVAL_SECONDS = 30.0
# A worker is lost after this many of its intervals without a beat: one late beat (a busy database, a long
# garbage collection) is not a lost machine.
MISSED_BEATS = 4
SILENT_REASON = "its worker {name} on {host} stopped beating (last heartbeat {last}): the machine or process was lost"
STOPPED_REASON = "its worker {name} on {host} stopped before the run ended"

heartbeat_table = WorkerHeartbeat.__table__


def configured_interval() -> float:
    """The heartbeat interval in seconds: $PANTAU_WORKER_HEARTBEAT, else 30."""
    raw = os.environ.get(HEARTBEAT_ENV, "").strip()
    if not raw:
        return DEFAULT_INTERVAL_SECONDS
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{HEARTBEAT_ENV}={raw!r}: give the heartbeat interval in seconds, e.g. 30") from None
    if value <= 0:
        raise ValueError(f"{HEARTBEAT_ENV}={raw!r}: the heartbeat interval must be more than 0 seconds")
    return value


@dataclass(frozen=True)
class Beat:
    """A worker's last sign of life."""

    name: str
    hostname: str
    pid: int
    started_at: dt.datetime
    heartbeat_at: dt.datetime
    interval_seconds: float
    stopped_at: dt.datetime | None

    def silent(self, now: dt.datetime) -> bool:
        """Stopped, or no beat for more than ``MISSED_BEATS`` intervals."""
        if self.stopped_at is not None:
            return True
        return now - self.heartbeat_at > dt.timedelta(seconds=self.interval_seconds * MISSED_BEATS)

    def reason(self) -> str:
        if self.stopped_at is not None:
            return STOPPED_REASON.format(name=self.name, host=self.hostname)
        return SILENT_REASON.format(name=self.name, host=self.hostname,
                                    last=self.heartbeat_at.isoformat(timespec="seconds"))


def record_beat(engine: Engine, *, name: str, hostname: str, pid: int, started_at: dt.datetime,
                interval_seconds: float, now: dt.datetime) -> None:
    """Worker ``name`` is alive at ``now`` (the first beat creates its row; a restarted worker replaces it)."""
    values = {"hostname": hostname, "pid": pid, "started_at": started_at, "heartbeat_at": now,
              "interval_seconds": interval_seconds, "stopped_at": None}
    with write_transaction(engine) as connection:
        updated = connection.execute(sa.update(heartbeat_table).where(heartbeat_table.c.name == name)
                                     .values(**values)).rowcount
        if not updated:
            connection.execute(sa.insert(heartbeat_table).values(name=name, **values))


def record_stop(engine: Engine, *, name: str, now: dt.datetime) -> None:
    """Worker ``name`` shut down: its runs (if any were left running) need not wait for the silence to show."""
    with write_transaction(engine) as connection:
        connection.execute(sa.update(heartbeat_table).where(heartbeat_table.c.name == name)
                           .values(stopped_at=now, heartbeat_at=now))


def forget(engine: Engine, *, name: str) -> None:
    """Delete the row of ``name`` (a process that ended cleanly and whose row nobody needs to read)."""
    with write_transaction(engine) as connection:
        connection.execute(sa.delete(heartbeat_table).where(heartbeat_table.c.name == name))


def beats(connection: Connection, names: Iterable[str] | None = None) -> dict[str, Beat]:
    """The heartbeat rows (of ``names``, when given), by worker name."""
    query = sa.select(heartbeat_table)
    if names is not None:
        wanted = sorted(set(names))
        if not wanted:
            return {}
        query = query.where(heartbeat_table.c.name.in_(wanted))
    return {row["name"]: Beat(**row) for row in connection.execute(query).mappings()}


def read_beats(engine: Engine) -> list[Beat]:
    """Every worker that ever beat on this database, newest beat first (for ``pantau status``)."""
    with engine.connect() as connection:
        return sorted(beats(connection).values(), key=lambda beat: beat.heartbeat_at, reverse=True)


def worker_is_silent(worker: str, known: dict[str, Beat], now: dt.datetime) -> str | None:
    """Why the runs of ``worker`` are abandoned (its beat is missing, stopped or too old), or None while it beats.

    A worker that never beat is silent too: ``pantau worker`` beats once before it takes any run.
    """
    beat = known.get(worker)
    if beat is None:
        return f"its worker {worker} has no heartbeat"
    return beat.reason() if beat.silent(now) else None


def interrupt_runs_of_silent_workers(engine: Engine, *, now: dt.datetime,
                                     also_named: str | None = None) -> list[int]:
    """Mark ``running`` runs whose worker is silent as ``interrupted``; returns their ids.

    ``also_named``: a worker starting under this name — any run still carrying its name belongs to an earlier
    process of that name, which is gone (worker names are unique in a cluster, as Celery requires).
    """
    interrupted: list[int] = []
    with write_transaction(engine) as connection:
        running = connection.execute(sa.select(CrawlRun.id, CrawlRun.worker)
                                     .where(CrawlRun.status == "running", CrawlRun.worker.is_not(None))).all()
        if not running:
            return []
        known = beats(connection, (run.worker for run in running))
        for run in running:
            reason = (f"its worker {run.worker} was started again" if run.worker == also_named
                      else worker_is_silent(run.worker, known, now))
            if reason is None:
                continue
            connection.execute(sa.update(CrawlRun).where(CrawlRun.id == run.id, CrawlRun.status == "running")
                               .values(status="interrupted", finished_at=now, error_summary=reason))
            interrupted.append(run.id)
    if interrupted:
        logger.warning("marked %d crawl run(s) of lost workers interrupted: %s", len(interrupted), interrupted)
    return interrupted
