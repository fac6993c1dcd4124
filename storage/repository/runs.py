"""Crawl runs: the ``crawl_run`` rows a crawl starts and finishes, and the orphan check that marks runs whose
process is gone as interrupted.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields

import psutil
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from storage.db import StorageError, safe_url, write_transaction
from storage.repository.common import (
    FINISHED_STATUSES,
    RunStatus,
    RunTrigger,
    _chunks,
    _source_row,
    _wrap,
    crawl_run_table,
    source_table,
    utc_now,
)

logger = logging.getLogger(__name__)
logger.addHandler(logging.NullHandler())

@dataclass(frozen=True)
class RunStats:
    """The counts a crawl run reports when it finishes."""

    pages: int = 0
    new_articles: int = 0
    updated_articles: int = 0
    mentions: int = 0
    errors: int = 0
    failed_items: int = 0  # items that raised in a pipeline step (pipelines.failures)


@dataclass(frozen=True)
class RunRecord:
    """One row of ``crawl_run``, with its source's key."""

    id: int
    source_key: str
    trigger: str
    status: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    hostname: str | None
    pid: int | None
    pages: int
    new_articles: int
    updated_articles: int
    mentions: int
    errors: int
    error_summary: str | None
    worker: str | None = None  # the `pantau worker` executing it (its heartbeat tells whether it is live)
    failed_items: int = 0  # items that raised in a pipeline step

    @property
    def duration(self) -> dt.timedelta | None:
        return self.finished_at - self.started_at if self.finished_at else None


def start_run(engine: Engine, source_key: str, trigger: RunTrigger, pid: int | None = None) -> int:
    """Record that a crawl of ``source_key`` starts now; returns the run id. ``pid`` defaults to this process."""
    if trigger not in ("manual", "scheduled"):
        raise ValueError(f"trigger must be 'manual' or 'scheduled', not {trigger!r}")
    try:
        with write_transaction(engine) as connection:
            source = _source_row(connection, source_key)
            return connection.execute(crawl_run_table.insert().values(
                source_id=source.id, trigger=trigger, status="running", started_at=utc_now(),
                hostname=socket.gethostname(), pid=os.getpid() if pid is None else pid,
                pages=0, new_articles=0, updated_articles=0, mentions=0, errors=0,
            ).returning(crawl_run_table.c.id)).scalar_one()
    except SQLAlchemyError as error:
        raise _wrap(engine, "starting a crawl run", error) from None


def set_run_pid(engine: Engine, run_id: int, pid: int) -> None:
    """Record the process that does the run (the daemon knows it only after starting the child)."""
    with write_transaction(engine) as connection:
        connection.execute(crawl_run_table.update().where(crawl_run_table.c.id == run_id).values(pid=pid))


def finish_run(engine: Engine, run_id: int, status: RunStatus, stats: RunStats | Mapping[str, int] | None = None,
               error_summary: str | None = None) -> None:
    """Record the end of a run: its final status, counts and (for failures) a short error summary."""
    if status not in FINISHED_STATUSES:
        raise ValueError(f"status must be one of {', '.join(FINISHED_STATUSES)}, not {status!r}")
    if stats is None:
        counts: dict[str, int] = {}
    elif isinstance(stats, RunStats):
        counts = asdict(stats)
    else:
        known = {f.name for f in fields(RunStats)}
        unknown = set(stats) - known
        if unknown:
            raise ValueError(f"unknown run counts {sorted(unknown)}; expected {sorted(known)}")
        counts = dict(stats)
    try:
        with write_transaction(engine) as connection:
            updated = connection.execute(crawl_run_table.update().where(crawl_run_table.c.id == run_id).values(
                status=status, finished_at=utc_now(), error_summary=error_summary, **counts))
            if updated.rowcount == 0:
                raise StorageError(f"crawl run {run_id} does not exist in {safe_url(engine.url)}")
    except SQLAlchemyError as error:
        raise _wrap(engine, "finishing a crawl run", error) from None


# A run's process may start a little after its row (the daemon claims the row, then starts the child), and
# process start times are rounded to clock ticks and boot-time seconds.
PID_START_SLACK = dt.timedelta(seconds=60)


def process_alive(pid: int | None, started_by: dt.datetime | None = None) -> bool:
    """True when process ``pid`` exists on this machine (and, when known, had started by ``started_by``).

    The start-time check tells a live crawl from a younger process that reuses the pid of a dead one. A zombie
    (ended, not yet reaped) still counts: its parent is about to record the run's result.
    """
    if pid is None or pid <= 0:
        return False
    try:
        process_start = dt.datetime.fromtimestamp(psutil.Process(pid).create_time(), dt.timezone.utc)
    except psutil.NoSuchProcess:
        return False
    except psutil.AccessDenied:
        return True  # exists, owned by someone else
    return started_by is None or process_start <= started_by + PID_START_SLACK


def mark_orphaned_runs_interrupted(engine: Engine, *,
                                   other_hosts_started_before: dt.datetime | None = None) -> list[int]:
    """Mark ``running`` rows whose process is gone as ``interrupted``; returns their ids.

    Runs of this host are orphaned when their pid is dead (or now belongs to a younger process). Runs recorded
    by another host are only touched when they started before ``other_hosts_started_before``.
    """
    hostname = socket.gethostname()
    try:
        with write_transaction(engine) as connection:
            running = connection.execute(
                sa.select(crawl_run_table.c.id, crawl_run_table.c.hostname, crawl_run_table.c.pid,
                          crawl_run_table.c.started_at).where(crawl_run_table.c.status == "running")
            ).all()
            orphaned = [
                run.id for run in running
                if (run.hostname in (hostname, None) and not process_alive(run.pid, run.started_at))
                or (run.hostname not in (hostname, None) and other_hosts_started_before is not None
                    and run.started_at < other_hosts_started_before)
            ]
            for chunk in _chunks(orphaned):
                connection.execute(crawl_run_table.update().where(crawl_run_table.c.id.in_(chunk)).values(
                    status="interrupted", finished_at=utc_now(),
                    error_summary=sa.func.coalesce(crawl_run_table.c.error_summary,
                                                   "the crawl process ended without recording a result")))
    except SQLAlchemyError as error:
        raise _wrap(engine, "marking orphaned runs", error) from None
    if orphaned:
        logger.warning("marked %d orphaned crawl runs interrupted: %s", len(orphaned), orphaned)
    return orphaned


def recent_runs(engine: Engine, limit: int = 20, source_key: str | None = None) -> list[RunRecord]:
    """The newest ``limit`` crawl runs (of one source, when given), newest first."""
    query = (sa.select(*[c for c in crawl_run_table.c if c.name != "source_id"],
                       source_table.c.key.label("source_key"))
             .join(source_table, source_table.c.id == crawl_run_table.c.source_id)
             .order_by(crawl_run_table.c.started_at.desc(), crawl_run_table.c.id.desc()).limit(limit))
    if source_key is not None:
        query = query.where(source_table.c.key == source_key)
    try:
        with engine.connect() as connection:
            return [RunRecord(**row._mapping) for row in connection.execute(query)]
    except SQLAlchemyError as error:
        raise _wrap(engine, "reading crawl runs", error) from None
