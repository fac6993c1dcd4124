"""What the scheduled daemon keeps in SQL: its own state row, and the crawl_run claims that keep crawls apart.

The daemon (crawler/daemon) writes one ``daemon_state`` row per database: its pid, host, start time, a
heartbeat and the next run of every scheduled source, so that ``pantau status`` on any machine that can reach
the database can say whether a daemon runs and what it will do next. The table (``storage.models.DaemonState``,
migration 0004) is not part of the analysts' schema.

Crawls of one source never overlap: :func:`claim_run` looks at the source's unfinished runs and creates the new
``running`` row in the same write transaction (``BEGIN IMMEDIATE`` on SQLite, a per-source advisory
transaction lock on PostgreSQL), so two processes cannot both decide that the source is free. A run left
``running`` by a process that no longer exists (a crash, a power cut) counts as finished and is marked
``interrupted``.
"""

from __future__ import annotations

import datetime as dt
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from storage.db import write_transaction
from storage.models import CrawlRun, DaemonState, Source
from storage.repository import RunRecord, process_alive
from storage.worker_heartbeats import Beat, beats, worker_is_silent

# pg_advisory_xact_lock(int, int) namespace for per-source run claims ("pnta").
CLAIM_LOCK_NAMESPACE = 0x706E7461
# How long a "running" row may live before it is treated as abandoned even if its pid seems alive (pids are
# reused; a crawl the daemon starts is killed long before this).
DEFAULT_STALE_AFTER = dt.timedelta(hours=12)
UNFINISHED = "running"
FAILED_STATUSES = ("failed", "timed-out")

daemon_state_table = DaemonState.__table__

DAEMON_ROW = "daemon"


def this_host() -> str:
    return socket.gethostname()


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


# ---------------------------------------------------------------------------------------------- daemon row


@dataclass(frozen=True)
class DaemonState:
    pid: int
    hostname: str
    started_at: dt.datetime
    heartbeat_at: dt.datetime
    stopped_at: dt.datetime | None
    config_dir: str | None
    schedule: dict[str, dict[str, Any]]


def record_daemon_start(engine: Engine, *, pid: int, hostname: str, started_at: dt.datetime,
                        config_dir: str | None) -> None:
    """The daemon holding the lock announces itself (replacing whatever an earlier daemon left)."""
    row = {"pid": pid, "hostname": hostname, "started_at": started_at, "heartbeat_at": started_at,
           "stopped_at": None, "config_dir": config_dir, "schedule": {}}
    with write_transaction(engine) as connection:
        connection.execute(sa.delete(daemon_state_table).where(daemon_state_table.c.name == DAEMON_ROW))
        connection.execute(sa.insert(daemon_state_table).values(name=DAEMON_ROW, **row))


def record_heartbeat(engine: Engine, *, now: dt.datetime, schedule: dict[str, dict[str, Any]] | None = None,
                     pid: int | None = None) -> None:
    """The daemon is alive at ``now``; ``schedule`` (source key -> {next_run, every}) replaces the stored one."""
    values: dict[str, Any] = {"heartbeat_at": now}
    if schedule is not None:
        values["schedule"] = schedule
    statement = sa.update(daemon_state_table).where(daemon_state_table.c.name == DAEMON_ROW)
    if pid is not None:
        statement = statement.where(daemon_state_table.c.pid == pid)
    with write_transaction(engine) as connection:
        connection.execute(statement.values(**values))


def record_daemon_stop(engine: Engine, *, pid: int, now: dt.datetime) -> None:
    with write_transaction(engine) as connection:
        connection.execute(sa.update(daemon_state_table)
                           .where(daemon_state_table.c.name == DAEMON_ROW, daemon_state_table.c.pid == pid)
                           .values(stopped_at=now, heartbeat_at=now, schedule={}))


def read_daemon_state(engine: Engine) -> DaemonState | None:
    """The last daemon's row, or None when no daemon ever ran on this database."""
    if not sa.inspect(engine).has_table(daemon_state_table.name):
        return None
    with engine.connect() as connection:
        row = connection.execute(sa.select(daemon_state_table)
                                 .where(daemon_state_table.c.name == DAEMON_ROW)).mappings().first()
    if row is None:
        return None
    return DaemonState(pid=row["pid"], hostname=row["hostname"], started_at=row["started_at"],
                       heartbeat_at=row["heartbeat_at"], stopped_at=row["stopped_at"],
                       config_dir=row["config_dir"], schedule=dict(row["schedule"] or {}))


# ------------------------------------------------------------------------------------------------ runs


def _run_columns() -> list[Any]:
    return [CrawlRun.id, Source.key.label("source_key"), CrawlRun.trigger, CrawlRun.status, CrawlRun.started_at,
            CrawlRun.finished_at, CrawlRun.hostname, CrawlRun.pid, CrawlRun.pages, CrawlRun.new_articles,
            CrawlRun.updated_articles, CrawlRun.mentions, CrawlRun.errors, CrawlRun.error_summary,
            CrawlRun.worker, CrawlRun.failed_items]


def _record(row: Any) -> RunRecord:
    return RunRecord(**dict(row._mapping))


def run_is_live(run: RunRecord, *, now: dt.datetime, hostname: str,
                alive: Callable[[int, dt.datetime], bool] = process_alive,
                stale_after: dt.timedelta = DEFAULT_STALE_AFTER,
                heartbeats: dict[str, Beat] | None = None) -> bool:
    """Whether an unfinished run is really still going.

    A run executed by a ``pantau worker`` is abandoned once its worker is silent (``heartbeats``, see
    storage/worker_heartbeats.py), on whatever machine it ran. Otherwise a run from this machine is live while
    its pid exists, and a run from another machine, which cannot be checked, counts as live. Either way a run
    older than ``stale_after`` is abandoned (pids get reused).
    """
    if run.status != UNFINISHED:
        return False
    if now - run.started_at > stale_after:
        return False
    if run.worker is not None and heartbeats is not None \
            and worker_is_silent(run.worker, heartbeats, now) is not None:
        return False
    if run.hostname not in (None, hostname):
        return True
    return run.pid is not None and alive(run.pid, run.started_at)


def unfinished_runs(connection: Connection, source_key: str | None = None) -> list[RunRecord]:
    query = (sa.select(*_run_columns()).join(Source, Source.id == CrawlRun.source_id)
             .where(CrawlRun.status == UNFINISHED).order_by(CrawlRun.id))
    if source_key is not None:
        query = query.where(Source.key == source_key)
    return [_record(row) for row in connection.execute(query)]


def _interrupt(connection: Connection, run_ids: Iterable[int], now: dt.datetime, reason: str) -> None:
    ids = list(run_ids)
    if ids:
        connection.execute(sa.update(CrawlRun).where(CrawlRun.id.in_(ids), CrawlRun.status == UNFINISHED)
                           .values(status="interrupted", finished_at=now, error_summary=reason))


@dataclass(frozen=True)
class Claim:
    """The result of :func:`claim_run`: a new run id, or the live run that holds the source."""

    run_id: int | None
    busy_with: RunRecord | None = None


def claim_run(engine: Engine, source_key: str, trigger: str, *, pid: int, now: dt.datetime | None = None,
              hostname: str | None = None, alive: Callable[[int, dt.datetime], bool] = process_alive,
              stale_after: dt.timedelta = DEFAULT_STALE_AFTER, worker: str | None = None) -> Claim:
    """Create a ``running`` crawl_run for ``source_key`` unless a live run of that source exists.

    ``worker``: the ``pantau worker`` claiming it (recorded, so that the run dies with the worker's heartbeat).
    Dead runs of the source found on the way are marked ``interrupted``. Raises ``LookupError`` when the source
    is not in the database (sync the config first).
    """
    now = now or utcnow()
    hostname = hostname or this_host()
    with write_transaction(engine) as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(:namespace, hashtext(:key))"),
                               {"namespace": CLAIM_LOCK_NAMESPACE, "key": source_key})
        source_id = connection.execute(sa.select(Source.id).where(Source.key == source_key)).scalar()
        if source_id is None:
            raise LookupError(f"source '{source_key}' is not in the database")
        dead: list[int] = []
        unfinished = unfinished_runs(connection, source_key)
        heartbeats = beats(connection, (run.worker for run in unfinished if run.worker is not None))
        silent: dict[int, str] = {}
        for run in unfinished:
            if run_is_live(run, now=now, hostname=hostname, alive=alive, stale_after=stale_after,
                           heartbeats=heartbeats):
                return Claim(run_id=None, busy_with=run)
            why = worker_is_silent(run.worker, heartbeats, now) if run.worker is not None else None
            if why is not None:
                silent[run.id] = why
            else:
                dead.append(run.id)
        _interrupt(connection, dead, now, "the crawl process ended without recording a result")
        for run_id, why in silent.items():
            _interrupt(connection, [run_id], now, why)
        run_id = connection.execute(
            sa.insert(CrawlRun).values(source_id=source_id, trigger=trigger, status=UNFINISHED, started_at=now,
                                       hostname=hostname, pid=pid, worker=worker, pages=0, new_articles=0,
                                       updated_articles=0, mentions=0, errors=0).returning(CrawlRun.id)).scalar_one()
    return Claim(run_id=run_id)


def get_run(engine: Engine, run_id: int) -> RunRecord | None:
    with engine.connect() as connection:
        row = connection.execute(sa.select(*_run_columns()).join(Source, Source.id == CrawlRun.source_id)
                                 .where(CrawlRun.id == run_id)).first()
    return _record(row) if row is not None else None


def settle_run(engine: Engine, run_id: int, status: str, error_summary: str | None, *,
               override: bool = False, now: dt.datetime | None = None) -> None:
    """Give a run its final status after its process ended.

    Without ``override`` only a row still ``running`` changes (the child wrote nothing). With it, the status
    and error replace what the child wrote (a time limit or a shutdown cut the crawl short) and its counts stay.
    """
    now = now or utcnow()
    statement = sa.update(CrawlRun).where(CrawlRun.id == run_id)
    values: dict[str, Any] = {"status": status, "error_summary": error_summary}
    if not override:
        statement = statement.where(CrawlRun.status == UNFINISHED)
    with write_transaction(engine) as connection:
        finished = connection.execute(sa.select(CrawlRun.finished_at).where(CrawlRun.id == run_id)).scalar()
        values["finished_at"] = finished or now
        connection.execute(statement.values(**values))


def runs_by_source(engine: Engine, *, per_source: int = 10) -> dict[str, list[RunRecord]]:
    """The latest ``per_source`` runs of every source, newest first."""
    ranked = (sa.select(*_run_columns(),
                        sa.func.row_number().over(partition_by=CrawlRun.source_id,
                                                  order_by=CrawlRun.id.desc()).label("position"))
              .join(Source, Source.id == CrawlRun.source_id).subquery())
    query = sa.select(*[column for column in ranked.c if column.name != "position"]) \
        .where(ranked.c.position <= per_source).order_by(ranked.c.source_key, ranked.c.id.desc())
    result: dict[str, list[RunRecord]] = {}
    with engine.connect() as connection:
        for row in connection.execute(query):
            record = _record(row)
            result.setdefault(record.source_key, []).append(record)
    return result


def configured_sources(engine: Engine) -> list[tuple[str, str, int, str | None, bool]]:
    """(key, name, interval_minutes, cron, enabled) of every source still in the config, as last synced."""
    with engine.connect() as connection:
        rows = connection.execute(sa.select(Source.key, Source.name, Source.interval_minutes, Source.cron,
                                            Source.enabled).where(Source.in_config).order_by(Source.key))
        return [tuple(row) for row in rows]  # type: ignore[misc]
